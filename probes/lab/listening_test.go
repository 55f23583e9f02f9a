package lab

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// listeningHere reports whether this process holds a listening TCP socket on addr's
// port, from /proc/net/tcp and this process's open files; known is false where /proc
// cannot tell (not Linux).
func listeningHere(addr string) (ours, known bool) {
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		return false, false
	}
	port, err := strconv.Atoi(p)
	if err != nil {
		return false, false
	}
	inodes := map[string]bool{}
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		b, err := os.ReadFile(f)
		if err != nil {
			return false, false
		}
		for _, line := range strings.Split(string(b), "\n")[1:] {
			fs := strings.Fields(line)
			// local_address is HEXIP:HEXPORT, st 0A is LISTEN, inode is field 9.
			if len(fs) < 10 || fs[3] != "0A" || !strings.HasSuffix(fs[1], fmt.Sprintf(":%04X", port)) {
				continue
			}
			inodes[fs[9]] = true
		}
	}
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return false, false
	}
	for _, fd := range fds {
		link, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name()))
		if err == nil && strings.HasPrefix(link, "socket:[") && inodes[strings.TrimSuffix(strings.TrimPrefix(link, "socket:["), "]")] {
			return true, true
		}
	}
	return false, true
}

// TestListeningHereSeesOurSocket keeps the port check above honest: it must see a
// listener this process holds, and stop seeing it once closed.
func TestListeningHereSeesOurSocket(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ours, known := listeningHere(ln.Addr().String())
	if !known {
		ln.Close()
		t.Skip("no /proc to read sockets from")
	}
	if !ours {
		t.Errorf("listeningHere(%s) = false while this test listens on it", ln.Addr())
	}
	ln.Close()
	if ours, _ := listeningHere(ln.Addr().String()); ours {
		t.Errorf("listeningHere(%s) = true after Close", ln.Addr())
	}
}

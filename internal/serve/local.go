package serve

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"
)

// LocalSocket is the file in the state folder where serve takes local consoles: the same
// SSH protocol as the network address, without keys, for processes of serve's own user
// only (the kernel's SO_PEERCRED says who connected; the file is 0600 besides).
const LocalSocket = "console.sock"

// localConn marks, in a connection's context, that admit checked its peer's user.
type localConn struct{}

// ErrNoLocalConsoles is ListenLocal's answer where the kernel cannot say who connected
// (not Linux): serve runs without the socket, and a local console runs its own checks.
var ErrNoLocalConsoles = errors.New("local consoles attach to serve on Linux only")

// ListenLocal listens on STATE/console.sock for local consoles. A socket file nobody
// answers on is left over from a serve that died, and is replaced; one that answers
// belongs to a serve still running, and is an error.
func ListenLocal(stateDir string) (net.Listener, error) {
	if !localConsoles {
		return nil, ErrNoLocalConsoles
	}
	path := filepath.Join(stateDir, LocalSocket)
	if _, err := os.Lstat(path); err == nil {
		if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
			c.Close()
			return nil, fmt.Errorf("another launchready serve answers on %s; stop it first, or give this one another --state", path)
		}
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("cannot remove the stale %s: %v; remove it by hand", path, err)
		}
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("cannot listen for local consoles on %s: %v", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("cannot make %s private (0600): %v", path, err)
	}
	return ln, nil
}

// DialLocal connects to the serve running on stateDir, if one is: ok is false when no
// serve answers there (no socket, or one left by a serve that died), so the caller runs
// its own console.
func DialLocal(stateDir string) (c net.Conn, ok bool) {
	if stateDir == "" {
		return nil, false
	}
	c, err := net.DialTimeout("unix", filepath.Join(stateDir, LocalSocket), time.Second)
	if err != nil {
		return nil, false
	}
	return c, true
}

// errNotLocal is admit's reason to refuse a local connection from another user.
var errNotLocal = errors.New("a local console must run as the user serve runs as")

package serve

import (
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// serveLocal makes h's server take local consoles on its state folder's socket.
func serveLocal(t *testing.T, h *harness) {
	t.Helper()
	ln, err := ListenLocal(h.dir)
	if err != nil {
		t.Fatal(err)
	}
	go h.srv.Serve(ln)
	t.Cleanup(func() { ln.Close() })
}

// localTerm is a 100x30 terminal for Attach: keys written to keys, the screen in out.
type localTerm struct {
	keys io.WriteCloser
	out  *syncBuf
	done chan error
}

func attachLocal(t *testing.T, h *harness) *localTerm {
	t.Helper()
	c, ok := DialLocal(h.dir)
	if !ok {
		t.Fatal("DialLocal found no serve on the state folder")
	}
	r, w := io.Pipe()
	lt := &localTerm{keys: w, out: &syncBuf{}, done: make(chan error, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		lt.done <- Attach(ctx, c, h.dir, Terminal{In: r, Out: lt.out, Term: "xterm-256color", Size: func() (int, int) { return 100, 30 }})
	}()
	t.Cleanup(func() { cancel(); w.Close() })
	return lt
}

func (lt *localTerm) waitFor(t *testing.T, want string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(ansi.Strip(lt.out.String()), want) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	s := ansi.Strip(lt.out.String())
	t.Fatalf("the local console never showed %q; it drew (last 2000 chars):\n%s", want, s[max(0, len(s)-2000):])
}

// TestLocalConsoleAttaches: a console on the state folder of a running serve attaches
// over STATE/console.sock (0600) without any key, as serve's own user and an operator,
// and shows serve's results: the target saw one set of checks, not one per console.
func TestLocalConsoleAttaches(t *testing.T) {
	h := startServe(t, "")
	serveLocal(t, h)
	fi, err := os.Stat(filepath.Join(h.dir, LocalSocket))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode()&os.ModeSocket == 0 || fi.Mode().Perm() != 0o600 {
		t.Errorf("%s is %v; want a socket with mode 0600", LocalSocket, fi.Mode())
	}
	ssh := openConsole(t, h, 100, 30, h.viewer)
	ssh.keys("5")
	ssh.waitFor("/api", 0)
	lt := attachLocal(t, h)
	lt.keys.Write([]byte("5"))
	lt.waitFor(t, "/api")
	lt.waitFor(t, "2 watching")
	deadline := time.Now().Add(10 * time.Second)
	for h.hits.Load() < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	if n := h.hits.Load(); n != 2 {
		t.Errorf("the target was probed %d times for 2 checks, an SSH and a local console; want 2 (one engine)", n)
	}
	ss := h.seen()
	if last := ss[len(ss)-1]; last.User != "local" || !last.Operator() || last.Fingerprint != "" {
		t.Errorf("the local console is %+v; want serve's own user, an operator, no key", last.Identity)
	}
	lt.keys.Write([]byte("q"))
	select {
	case err := <-lt.done:
		if err != nil {
			t.Errorf("Attach after q: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("q did not end the local console")
	}
}

// TestLocalConsoleOfAnotherUserRefused: the socket's peer must be serve's own user (the
// kernel's word, SO_PEERCRED); anyone else is refused before the handshake, key or none.
func TestLocalConsoleOfAnotherUserRefused(t *testing.T) {
	h := startServe(t, "")
	h.srv.uid = os.Getuid() + 1 // serve "runs as" someone else than this test's process
	serveLocal(t, h)
	c, ok := DialLocal(h.dir)
	if !ok {
		t.Fatal("DialLocal found no serve on the state folder")
	}
	// A console let in would run until the context ends, and Attach return nil.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := Attach(ctx, c, h.dir, Terminal{In: strings.NewReader(""), Out: io.Discard, Term: "xterm", Size: func() (int, int) { return 80, 24 }})
	if err == nil {
		t.Fatal("a process of another user attached")
	}
	if len(h.seen()) != 0 {
		t.Error("a process of another user reached the console")
	}
	if !strings.Contains(h.log.String(), "refused a local console") {
		t.Errorf("the refusal is not logged:\n%s", h.log.String())
	}
}

// TestListenLocalStaleAndBusy: a socket file left by a serve that died is replaced; one a
// serve still answers on is not taken.
func TestListenLocalStaleAndBusy(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, LocalSocket)
	dead, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	dead.(*net.UnixListener).SetUnlinkOnClose(false)
	dead.Close()
	if _, ok := DialLocal(dir); ok {
		t.Fatal("a dead serve's socket answered")
	}
	ln, err := ListenLocal(dir)
	if err != nil {
		t.Fatalf("a stale socket was not replaced: %v", err)
	}
	defer ln.Close()
	if _, err := ListenLocal(dir); err == nil || !strings.Contains(err.Error(), "another launchready serve answers") {
		t.Errorf("a second serve on the same state folder: err = %v", err)
	}
}

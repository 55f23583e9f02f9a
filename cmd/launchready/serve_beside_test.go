package main

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	history "github.com/launchready/launchready/internal/store"
)

// started runs the launchready binary with args and waits for a stderr line containing
// ready; the process is sent SIGTERM (then killed) when the test ends.
func started(t *testing.T, ready string, args ...string) (*exec.Cmd, func() string) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
	var mu sync.Mutex
	var stderr bytes.Buffer
	pr, pw := io.Pipe()
	cmd.Stderr = pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		pw.Close()
	})
	out := func() string { mu.Lock(); defer mu.Unlock(); return stderr.String() }
	seen := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			mu.Lock()
			stderr.WriteString(sc.Text() + "\n")
			mu.Unlock()
			if strings.Contains(sc.Text(), ready) {
				select {
				case seen <- true:
				default:
				}
			}
		}
	}()
	select {
	case <-seen:
	case <-time.After(30 * time.Second):
		t.Fatalf("%v never said %q; stderr:\n%s", args, ready, out())
	}
	return cmd, out
}

// TestServeBesideWatch: the issue's "serve can replace watch or run beside a watch that
// owns the history, reading it". With a watch owning the state folder, serve starts
// (it used to refuse: the watch lock), says it sends no alerts and reads watch's history,
// and serves the console over SSH, which says whose history it shows; watch keeps the folder: serve's start is not on the
// timeline, which watch alone writes.
func TestServeBesideWatch(t *testing.T) {
	t.Parallel()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := gossh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	key := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(sp)))
	cfg := labConfig(t, "serve:\n  users:\n    - name: sam\n      role: viewer\n      keys: [\""+key+"\"]\n")
	state := t.TempDir()
	w, _ := started(t, "launchready watch:", "watch", "--lab", "--config", cfg, "--state", state, "--listen", "")
	_, serr := started(t, "console on ssh://", "serve", "--lab", "--config", cfg, "--state", state, "--ssh", "127.0.0.1:0", "--listen", "")
	say := serr()
	for _, want := range []string{"launchready watch owns " + state, "serve shows its history and alerts nothing", "beside watch pid " + strconv.Itoa(w.Process.Pid)} {
		if !strings.Contains(say, want) {
			t.Errorf("serve beside watch did not say %q:\n%s", want, say)
		}
	}
	addr := ""
	if _, rest, ok := strings.Cut(say, "console on ssh://"); ok {
		addr, _, _ = strings.Cut(rest, " ")
	}
	c, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{User: "sam", Auth: []gossh.AuthMethod{gossh.PublicKeys(signer)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second})
	if err != nil {
		t.Fatalf("ssh to serve beside watch at %q: %v", addr, err)
	}
	defer c.Close()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	if err := sess.RequestPty("xterm", 50, 200, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	r, _ := sess.StdoutPipe()
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	note := "history recorded by pid " + strconv.Itoa(w.Process.Pid)
	got := make(chan string, 1)
	go func() {
		var b bytes.Buffer
		buf := make([]byte, 4096)
		for {
			n, err := r.Read(buf)
			b.Write(buf[:n])
			if strings.Contains(b.String(), note) || err != nil {
				got <- b.String()
				return
			}
		}
	}()
	select {
	case screen := <-got:
		if !strings.Contains(screen, note) {
			t.Errorf("the console beside watch does not say %q:\n%q", note, screen)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no console over SSH from serve beside watch within 20 s")
	}
	out, errOut, code := launch(t, nil, "timeline", "--state", state, "--pane", "session")
	if code != 0 || !strings.Contains(out, "watch started by") || strings.Contains(out, "serve started by") {
		t.Errorf("timeline (exit %d): want watch's start and not serve's (watch owns the folder):\n%s%s", code, out, errOut)
	}

	// watch stops (a restart under systemd): serve must not take the history over, or the
	// restarted watch would find it held and stay read-only.
	w.Process.Signal(syscall.SIGTERM)
	time.Sleep(17 * time.Second) // past the 15 s a taking-over engine waits between tries
	dbs, _ := filepath.Glob(filepath.Join(labState(state), "history*.db"))
	if len(dbs) != 1 {
		t.Fatalf("history databases in the state folder: %v", dbs)
	}
	rd, err := history.OpenReader(dbs[0], history.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	if wr, ok := rd.Writer(); ok && wr.PID != w.Process.Pid {
		t.Errorf("after watch stopped, pid %d took the history over (watch was %d): serve beside watch must leave it to watch", wr.PID, w.Process.Pid)
	}
}

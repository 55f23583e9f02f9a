package main

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// TestServeMarksStartAndStop: serve runs watch's engine and owns the history as watch
// does, so its start (with the config's hash, which is how "config changed since the
// last start" is found) and its stop are on the timeline, as watch's are.
func TestServeMarksStartAndStop(t *testing.T) {
	t.Parallel()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := gossh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	key := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(sp)))
	cfg := labConfig(t, "serve:\n  users:\n    - name: sam\n      role: viewer\n      keys: [\""+key+"\"]\n")
	state := t.TempDir()
	cmd := exec.Command(binary, "serve", "--lab", "--config", cfg, "--state", state, "--ssh", "127.0.0.1:0", "--listen", "")
	cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
	var stderr bytes.Buffer
	pr, pw := io.Pipe()
	cmd.Stderr = io.MultiWriter(&stderr, pw)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "console on ssh://") {
				ready <- true
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(20 * time.Second):
		t.Fatalf("serve never said it was ready; stderr:\n%s", stderr.String())
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve after SIGTERM: %v; stderr:\n%s", err, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop within 15s of SIGTERM")
	}
	pw.Close()
	out, errOut, code := launch(t, nil, "timeline", "--state", state, "--pane", "session")
	if code != 0 || !strings.Contains(out, "serve started by") || !strings.Contains(out, "serve stopped") {
		t.Errorf("timeline (exit %d) lacks serve's start or stop:\n%s%s", code, out, errOut)
	}
}

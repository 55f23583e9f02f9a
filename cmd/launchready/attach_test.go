package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/launchready/launchready/internal/serve"
)

// TestServeTakesLocalConsoles: a running serve answers on STATE/console.sock (0600), where
// a console started on the same state folder attaches (attachToServe finds it), and the
// socket goes with serve, so the next console runs its own checks again.
func TestServeTakesLocalConsoles(t *testing.T) {
	dir := t.TempDir()
	ex, err := os.ReadFile(filepath.Join("..", "..", "examples", "launchready.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	key, _ := gossh.NewPublicKey(pub)
	cfg := filepath.Join(dir, "launchready.yaml")
	yml := string(ex) + "\nserve:\n  users:\n    - name: sam\n      role: viewer\n      keys: [\"" + strings.TrimSpace(string(gossh.MarshalAuthorizedKey(key))) + "\"]\n"
	if err := os.WriteFile(cfg, []byte(yml), 0o600); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(dir, "state")
	var out, errb syncBuffer
	root := newRoot(&out, &errb)
	root.SetArgs([]string{"serve", "--lab", "--config", cfg, "--state", state, "--ssh", "127.0.0.1:0", "--listen", "", "--only", "endpoints"})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	defer func() { cancel(); <-done }()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(errb.String(), "console on ssh://") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	sock := filepath.Join(labState(state), serve.LocalSocket)
	fi, err := os.Stat(sock)
	if err != nil {
		t.Fatalf("serve made no local socket: %v\n%s", err, errb.String())
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("%s is %v, want 0600", sock, fi.Mode().Perm())
	}
	c, ok := serve.DialLocal(labState(state))
	if !ok {
		t.Fatal("a console on the state folder would not find serve")
	}
	c.Close()
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v\n%s", err, errb.String())
	}
	done <- nil
	if _, err := os.Stat(sock); !os.IsNotExist(err) {
		t.Errorf("the socket outlived serve: %v", err)
	}
	if attached, err := attachToServe(context.Background(), labState(state)); attached || err != nil {
		t.Errorf("with serve stopped, a console attached (%v, %v) instead of running its own checks", attached, err)
	}
}

// syncBuffer is serve's stderr, written by serve while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

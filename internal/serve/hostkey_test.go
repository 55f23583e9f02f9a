package serve

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"
)

// TestHostKey: made on first start in the state folder with mode 0600, the same key on
// the next start, and refused when others can read it.
func TestHostKey(t *testing.T) {
	dir := t.TempDir()
	k1, created, err := HostKey(dir)
	if err != nil || !created {
		t.Fatalf("first start: created=%v err=%v", created, err)
	}
	st, err := os.Stat(filepath.Join(dir, HostKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("host key mode %04o, want 0600", st.Mode().Perm())
	}
	k2, created, err := HostKey(dir)
	if err != nil || created {
		t.Fatalf("restart: created=%v err=%v", created, err)
	}
	if gossh.FingerprintSHA256(k1.PublicKey()) != gossh.FingerprintSHA256(k2.PublicKey()) {
		t.Error("the host key changed across a restart")
	}
	os.Chmod(filepath.Join(dir, HostKeyFile), 0o644)
	if _, _, err := HostKey(dir); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("a world-readable key: err = %v", err)
	}
}

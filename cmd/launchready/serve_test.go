package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeNeedsUsers: serve without a serve: section refuses to start and says what to
// add, instead of listening for nobody; without --ssh it says the flag is required.
func TestServeNeedsUsers(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--lab", "--state", dir}, "--ssh ADDR is required"},
		{[]string{"serve", "--lab", "--state", dir, "--ssh", "127.0.0.1:0", "--listen", ""}, "nobody may sign in: add a serve: section with users"},
	} {
		var out, errb bytes.Buffer
		root := newRoot(&out, &errb)
		root.SetArgs(tc.args)
		err := root.ExecuteContext(context.Background())
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err = %v, want %q", tc.args, err, tc.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "ssh_host_ed25519_key")); err == nil {
		t.Error("a host key was made for a server that never started")
	}
	if _, err := os.Stat("ssh_host_ed25519_key"); err == nil {
		t.Error("a host key was written into the working directory")
	}
}

// TestValidateServeSection: validate reads serve: (no probe kind does, and the registry
// does not refuse it as unread) and reports its mistakes with file:line.
func TestValidateServeSection(t *testing.T) {
	dir := t.TempDir()
	ex, err := os.ReadFile(filepath.Join("..", "..", "examples", "launchready.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Count(string(ex), "\n")
	cfg := filepath.Join(dir, "launchready.yaml")
	os.WriteFile(cfg, append(ex, "\nserve:\n  users:\n    - name: sam\n      role: admin\n      keys: [\"ssh-ed25519 AAAA\"]\n"...), 0o600)
	var out, errb bytes.Buffer
	root := newRoot(&out, &errb)
	root.SetArgs([]string{"validate", "--config", cfg, "--state", dir})
	err = root.ExecuteContext(context.Background())
	all := errb.String() + out.String()
	if err != nil {
		all += err.Error()
	}
	for _, want := range []string{
		cfg + ":" + itoa(lines+5) + ":13: serve.users[0].role: \"admin\" is not a role",
		cfg + ":" + itoa(lines+6) + ":14: serve.users[0].keys[0]: not a public key",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("validate did not say %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, "no check in this version of launchready reads this section") {
		t.Errorf("validate refused serve: as unread:\n%s", all)
	}
}

// TestServeOnly: serve takes --only as watch does (the bench runs both on the endpoints
// pane alone), and a wrong pane is refused before anything starts.
func TestServeOnly(t *testing.T) {
	var out, errb bytes.Buffer
	root := newRoot(&out, &errb)
	root.SetArgs([]string{"serve", "--lab", "--state", t.TempDir(), "--ssh", "127.0.0.1:0", "--only", "endpoints,nope"})
	err := root.ExecuteContext(context.Background())
	if err == nil || !strings.Contains(err.Error(), `unknown pane "nope"`) {
		t.Errorf("err = %v, want the unknown pane named", err)
	}
}

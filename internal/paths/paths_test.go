package paths

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func envOf(m map[string]string) Env { return func(k string) string { return m[k] } }

func TestStateDir(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	d, err := StateDir("", "", envOf(map[string]string{"HOME": home}))
	if err != nil || d != filepath.Join(home, ".local", "state", "launchready") {
		t.Fatalf("default state dir %q, %v", d, err)
	}
	if st, err := os.Stat(d); err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("state dir must be created 0700: %v %v", st, err)
	}
	x := t.TempDir()
	if d, _ := StateDir("", "", envOf(map[string]string{"XDG_STATE_HOME": x})); d != filepath.Join(x, "launchready") {
		t.Errorf("XDG_STATE_HOME ignored: %q", d)
	}
	flag := filepath.Join(t.TempDir(), "s")
	if d, _ := StateDir(flag, "/nonexistent/from-config", envOf(nil)); d != flag {
		t.Errorf("--state must win: %q", d)
	}
	if _, err := StateDir("", "", envOf(nil)); err == nil || !strings.Contains(err.Error(), "--state") {
		t.Errorf("no HOME: %v", err)
	}
}

func TestConfigFileSearch(t *testing.T) {
	t.Parallel()
	xdg := t.TempDir()
	p := filepath.Join(xdg, "launchready", "launchready.yaml")
	os.MkdirAll(filepath.Dir(p), 0o700)
	os.WriteFile(p, []byte("x"), 0o600)
	if got, err := ConfigFile("", envOf(map[string]string{"XDG_CONFIG_HOME": xdg})); err != nil || got != p {
		t.Errorf("XDG config: %q %v", got, err)
	}
	if got, _ := ConfigFile("mine.yaml", envOf(nil)); got != "mine.yaml" {
		t.Errorf("--config must win: %q", got)
	}
	_, err := ConfigFile("", envOf(map[string]string{"HOME": t.TempDir()}))
	if err == nil || !strings.Contains(err.Error(), "launchready demo") {
		t.Errorf("no config: %v", err)
	}
}

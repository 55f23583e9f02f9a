package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/launchready/launchready/probes/lab"
)

// TestLabSecretsNeverLeak runs the example against the lab, whose sessions sign in with
// the lab's test passwords, and proves those values reach neither the report, the
// tool's log nor the history database: they are secrets as far as the tool knows.
func TestLabSecretsNeverLeak(t *testing.T) {
	t.Parallel()
	sc, _ := lab.ScenarioByName("demo")
	if len(sc.Env) == 0 {
		t.Fatal("the demo scenario has no lab secrets to test with")
	}
	state := t.TempDir()
	var all strings.Builder
	for _, args := range [][]string{
		{"check", "--lab", "--state", state, "-v"},
		{"check", "--lab", "--state", state, "--json"},
	} {
		out, stderr, code := launch(t, nil, args...)
		if code == exitUsage {
			t.Fatalf("%v: exit 2: %s", args, stderr)
		}
		all.WriteString(out + stderr)
	}
	for _, f := range []string{"launchready.log", "history-lab.db", "history-lab.db-wal"} {
		b, _ := os.ReadFile(filepath.Join(state, f))
		all.Write(b)
	}
	if _, err := os.Stat(filepath.Join(state, "history.db")); err == nil {
		t.Error("a lab run wrote the product's history.db; it must use history-lab.db")
	}
	for name, v := range sc.Env {
		if strings.Contains(all.String(), v) {
			t.Errorf("the value of %s leaked into output, log or history", name)
		}
	}
}

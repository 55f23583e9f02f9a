package runbook

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestDeployName: "deploy" is the deploy wherever it sorts; else the first name that says
// deploy; else none.
func TestDeployName(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		names []string
		want  string
	}{
		{[]string{"canary-deploy", "deploy", "rotate-secret"}, "deploy"},
		{[]string{"Deploy-web", "deploy-worker"}, "Deploy-web"},
		{[]string{"rollback", "rotate-secret"}, ""},
	} {
		if got := DeployName(tc.names); got != tc.want {
			t.Errorf("DeployName(%q) = %q, want %q", tc.names, got, tc.want)
		}
	}
}

// TestNamesAndLastSucceeded: a folder's runbook names come from their name: (the file name
// otherwise), sorted, a file that does not parse left out; the last success skips failed,
// rolled-back and unfinished runs.
func TestNamesAndLastSucceeded(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for file, text := range map[string]string{
		"ship.yaml":    "name: deploy\nsteps:\n  - {name: Ship, run: \"true\"}\n",
		"rotate.yml":   "steps:\n  - {name: Rotate, run: \"true\"}\n",
		"broken.yaml":  "steps: [\n",
		".hidden.yaml": "name: hidden\nsteps:\n  - {name: X, run: \"true\"}\n",
		"notes.txt":    "not a runbook",
	} {
		if err := os.WriteFile(filepath.Join(dir, file), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if got := Names(dir); len(got) != 2 || got[0] != "deploy" || got[1] != "rotate" {
		t.Errorf("Names = %q, want [deploy rotate]", got)
	}
	if got := Names(filepath.Join(dir, "missing")); got != nil {
		t.Errorf("a missing folder: %q", got)
	}
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	runs := []RunSummary{ // newest first
		{ID: "r4", Runbook: "deploy", Started: at.Add(4 * time.Hour), Status: StatusUnfinished},
		{ID: "r3", Runbook: "deploy", Started: at.Add(3 * time.Hour), Status: StatusRolledBack},
		{ID: "r2", Runbook: "rotate", Started: at.Add(2 * time.Hour), Status: StatusSucceeded},
		{ID: "r1", Runbook: "deploy", Started: at.Add(time.Hour), Status: StatusSucceeded},
	}
	if r, ok := LastSucceeded(runs, "deploy"); !ok || r.ID != "r1" {
		t.Errorf("LastSucceeded = %+v, %v; want r1", r, ok)
	}
	if _, ok := LastSucceeded(runs[:3], "deploy"); ok {
		t.Error("a rolled-back and an unfinished run counted as a success")
	}
}

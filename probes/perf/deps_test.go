package perf

import (
	"os/exec"
	"strings"
	"testing"
)

// TestPerfLeavesTheAlertEngineOut: the perf probes (the load record check among them)
// build into every command that runs checks; the alert engine and its senders (SMTP,
// webhooks, pagers) belong to watch alone, and a probe package that pulls them in drags
// them into everything. The load run's maintenance window lives in internal/loadhold for
// that reason.
func TestPerfLeavesTheAlertEngineOut(t *testing.T) {
	t.Parallel()
	gotool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH to list the dependencies with")
	}
	out, err := exec.Command(gotool, "list", "-deps", "-f", "{{.ImportPath}}", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		if p == "github.com/launchready/launchready/internal/alert" || strings.HasPrefix(p, "github.com/launchready/launchready/internal/alert/") {
			t.Errorf("probes/perf depends on %s: keep the alert engine out of the probes (go list -deps ./probes/perf shows the path)", p)
		}
	}
}

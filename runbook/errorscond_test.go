package runbook

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/kinds"
)

// errorsEnv builds the session's checks for a config whose errors pane follows a real
// log file, and closes them with the test.
func errorsEnv(t *testing.T, log string) Env {
	t.Helper()
	text := fmt.Sprintf(`domain: acme.example
canonical_url: https://app.acme.example/
hosts: [{name: app.acme.example}]
errors:
  sources:
    - {name: app, file: %q, backfill: 50, poll: 20ms}
`, log)
	cfg, err := config.Parse([]byte(text), filepath.Join(t.TempDir(), "launchready.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	checks, err := kinds.Registry().Build(probes.Env{Config: cfg, Now: time.Now, Log: slog.New(slog.DiscardHandler)}, []probes.Pane{probes.PaneErrors})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, c := range checks {
			if cl, ok := c.(interface{ Close() error }); ok {
				cl.Close()
			}
		}
	})
	return Env{Checks: checks, Now: time.Now}
}

func appendLine(t *testing.T, path, line string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fmt.Fprintln(f, line)
}

// TestNoNewErrorsCondition: what the log held before the run is old; a new kind of error
// written during the run fails the check, naming it.
func TestNoNewErrorsCondition(t *testing.T) {
	t.Parallel()
	log := filepath.Join(t.TempDir(), "app.log")
	appendLine(t, log, `{"level":"error","msg":"database: connection refused"}`)
	env := errorsEnv(t, log)
	cond := buildCond(t, env, "no_new_errors: true")
	primeErrors(t.Context(), env.Checks)
	run := RunInfo{ID: "r1", Runbook: "deploy", Started: time.Now()}
	if obs := cond.Poll(t.Context(), run); !obs.OK || obs.Err != "" {
		t.Fatalf("the backlog counted as new: %+v", obs)
	}
	appendLine(t, log, `{"level":"error","msg":"database: connection refused"}`)
	time.Sleep(100 * time.Millisecond)
	if obs := cond.Poll(t.Context(), run); !obs.OK {
		t.Fatalf("a known error seen again is not new: %+v", obs)
	}
	appendLine(t, log, `{"level":"error","msg":"stripe webhook rejected: signature mismatch"}`)
	deadline := time.Now().Add(3 * time.Second)
	for {
		obs := cond.Poll(t.Context(), run)
		if !obs.OK && strings.Contains(obs.Summary, "stripe webhook rejected") && strings.Contains(obs.Summary, "1 new error group") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a new error group did not fail the check: %+v", obs)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestNoNewErrorsNeedsAnErrorsSection(t *testing.T) {
	t.Parallel()
	env, _ := labEnv(t, "healthy")
	var kept []probes.Check
	for _, c := range env.Checks {
		if c.Info().Pane != probes.PaneErrors {
			kept = append(kept, c)
		}
	}
	env.Checks = kept
	got := runbookErr(t, "steps:\n  - check: {no_new_errors: true}\n", env)
	if !strings.Contains(got, "rb.yaml:2:") || !strings.Contains(got, "no errors: section") {
		t.Errorf("validation: %q", got)
	}
	if got := runbookErr(t, "steps:\n  - check: {smoke: false}\n", env); !strings.Contains(got, "would test nothing") {
		t.Errorf("smoke: false: %q", got)
	}
}

// TestSmokeCondition: the demo lab's smoke flow fails; the condition names the step. (The
// healthy lab's passes.) Without the round trip wired in (setup does it), the demo's reset
// request succeeds and the flow stops at step 5, the rejected webhook; with it, at step 4,
// the reset mail in spam.
func TestSmokeCondition(t *testing.T) {
	t.Parallel()
	for scenario, wantOK := range map[string]bool{"healthy": true, "demo": false} {
		t.Run(scenario, func(t *testing.T) {
			t.Parallel()
			env, _ := labEnv(t, scenario)
			cond := buildCond(t, env, "smoke: true")
			obs := cond.Poll(t.Context(), RunInfo{Started: time.Now()})
			if obs.OK != wantOK || obs.Err != "" {
				t.Errorf("%s: %+v", scenario, obs)
			}
			if !wantOK && !strings.Contains(obs.Summary, "fails at step 5 (replay a webhook)") {
				t.Errorf("the failure should name the step: %q", obs.Summary)
			}
		})
	}
}

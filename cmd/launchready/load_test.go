package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/internal/load"
	"github.com/launchready/launchready/probes/perf"
)

func TestConfirmLoad(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, env, typed string
		allow, yes       bool
		want             string // "" means go
	}{
		{"lab with --yes", config.Lab, "", false, true, ""},
		{"staging typed yes", config.Staging, "yes\n", false, false, ""},
		{"staging not confirmed", config.Staging, "no\n", false, false, "not confirmed"},
		{"staging, no terminal, no --yes", config.Staging, "", false, false, "not confirmed"},
		{"production not allowed", config.Production, "acme.example\n", false, true, "load against production is off"},
		{"production without --yes", config.Production, "acme.example\n", true, false, "needs --yes"},
		{"production, wrong domain typed", config.Production, "acme.exampel\n", true, true, "the domain was not typed"},
		{"production, all three", config.Production, "acme.example\n", true, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := &config.Config{File: "launchready.yaml", Domain: "acme.example", Environment: tc.env}
			var out strings.Builder
			err := confirmLoad(bufio.NewReader(strings.NewReader(tc.typed)), &out, cfg, perf.LoadConfig{AllowProduction: tc.allow}, tc.yes)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}

func TestLoadCaps(t *testing.T) {
	t.Parallel()
	lc := perf.LoadConfig{MaxRate: 50, MaxDuration: 2 * time.Minute}
	if err := withinCaps(lc, 51, 0, time.Minute); err == nil || !strings.Contains(err.Error(), "max_rate") {
		t.Errorf("rate over the cap: %v", err)
	}
	if err := withinCaps(lc, 50, time.Minute, 90*time.Second); err == nil || !strings.Contains(err.Error(), "max_duration") {
		t.Errorf("ramp and hold over the cap: %v", err)
	}
	if err := withinCaps(lc, 50, time.Minute, time.Minute); err != nil {
		t.Errorf("at the caps: %v", err)
	}
	for in, want := range map[string]float64{"50/s": 50, "50": 50, "600/m": 10} {
		if got, err := parseRate(in); err != nil || got != want {
			t.Errorf("parseRate(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := parseRate("fast"); err == nil {
		t.Error("parseRate accepted fast")
	}
}

// TestLoadAgainstTheLab runs the example's flows against the built-in lab (loopback), a
// few seconds at a low rate, and refuses a production config before sending anything.
func TestLoadAgainstTheLab(t *testing.T) {
	out, errOut, code := launch(t, nil, "load", "--lab", "--yes", "--rate", "15/s", "--ramp", "1s", "--duration", "2s", "login", "signup")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"login: held 8/s\n", "303×", "signup: held 8/s\n", "p95", "first 429   never", "Background work kept up: failed jobs 17 → 17, webhook failures 23 → 23"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "homepage") || !strings.Contains(errOut, "Load plan for acme.example (environment: lab)") {
		t.Errorf("plan or flows wrong:\n%s\n%s", out, errOut)
	}
	if strings.Contains(out+errOut, "lab-member-password") {
		t.Error("the test user's password was printed")
	}

	// The example config as a production config (no --lab): refused, nothing sent.
	cfg := filepath.Join(t.TempDir(), "launchready.yaml")
	data, err := os.ReadFile("../../examples/launchready.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, data, 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"LAUNCHREADY_LAB_MEMBER_PASSWORD=x", "LAUNCHREADY_LAB_ADMIN_PASSWORD=x", "LAUNCHREADY_LAB_STRIPE_WEBHOOK_SECRET=x", "LAUNCHREADY_LAB_GITHUB_WEBHOOK_SECRET=x", "LAUNCHREADY_LAB_SMTP_PASSWORD=x", "LAUNCHREADY_LAB_INBOX_PASSWORD=x"}
	_, errOut, code = launch(t, env, "load", "--config", cfg, "--yes", "--rate", "5/s", "--ramp", "0s", "--duration", "1s")
	if code != exitUsage || !strings.Contains(errOut, "load against production is off") {
		t.Fatalf("production: exit %d\n%s", code, errOut)
	}
	_, errOut, code = launch(t, env, "load", "--lab", "--yes", "--rate", "500/s", "--duration", "1s")
	if code != exitUsage || !strings.Contains(errOut, "over performance.load.max_rate (100/s)") {
		t.Fatalf("over the cap: exit %d\n%s", code, errOut)
	}
}

// TestLoadFindsTheDemoLimits: against the demo, the ramp finds the login's knee within 20%
// of the rate it slows past (10/s) and the sign-up's failure point within 20% of the rate
// its concurrency limit allows (4 at once of 250ms: 16/s); against healthy both hold.
func TestLoadFindsTheDemoLimits(t *testing.T) {
	t.Parallel()
	var bgMu sync.Mutex
	background := map[string]*load.Background{}
	run := func(t *testing.T, scenario string) map[string]load.FlowReport {
		t.Helper()
		out, errOut, _ := launch(t, nil, "load", "--lab="+scenario, "--yes", "--rate", "40/s", "--ramp", "5s", "--duration", "1s", "--format", "json", "login", "signup")
		var rep load.Report
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("%s: not a JSON report: %v\n%s\n%s", scenario, err, out, errOut)
		}
		flows := map[string]load.FlowReport{}
		for _, f := range rep.Flows {
			flows[f.Name] = f
		}
		bgMu.Lock()
		background[scenario] = rep.Background
		bgMu.Unlock()
		return flows
	}
	t.Run("demo", func(t *testing.T) {
		t.Parallel()
		demo := run(t, "demo")
		login, signup := demo["login"], demo["signup"]
		t.Logf("demo: login knee %s, failing %s; signup knee %s, failing %s", login.Knee, login.Failing, signup.Knee, signup.Failing)
		if login.Knee == nil || login.Knee.Rate < 8 || login.Knee.Rate > 12 {
			t.Errorf("login knee %s; want within 20%% of 10/s", login.Knee)
		}
		if login.Failing != nil {
			t.Errorf("login failing %s: a slow login is not a failing one", login.Failing)
		}
		if signup.Failing == nil || signup.Failing.Rate < 12.8 || signup.Failing.Rate > 19.2 {
			t.Errorf("signup failing %s; want within 20%% of 16/s", signup.Failing)
		}
		if signup.Statuses["503"] == 0 {
			t.Errorf("signup statuses %v; want 503s past the limit", signup.Statuses)
		}
		// Each sign-up turned away leaves a failed welcome-mail job (the lab's Backlog).
		if bg := background["demo"]; bg == nil || !bg.BackedUp || !strings.Contains(bg.Summary, "failed jobs 17 → ") {
			t.Errorf("demo background %+v; want backed up, failed jobs rising from 17", bg)
		}
	})
	t.Run("healthy", func(t *testing.T) {
		t.Parallel()
		for name, f := range run(t, "healthy") {
			if f.Knee != nil || f.Failing != nil || f.ErrorRate > 0 {
				t.Errorf("healthy %s: knee %s, failing %s, errors %.1f%%: healthy must hold", name, f.Knee, f.Failing, f.ErrorRate*100)
			}
		}
		if bg := background["healthy"]; bg != nil && bg.BackedUp {
			t.Errorf("healthy background %+v: nothing should back up", bg)
		}
	})
}

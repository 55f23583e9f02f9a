package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/alert"
	"github.com/launchready/launchready/internal/load"
	"github.com/launchready/launchready/internal/loadhold"
	"github.com/launchready/launchready/probes"
)

// TestLabLoadHoldsNoAlertsAndReportsOnCtrlC runs the real binary against the lab as a child
// process. A lab run holds no alerts: it shares the real state folder, and a window naming
// the example's checks (smoke among them) would quiet a production watch there, so while
// it runs the folder has no window and the plan says so. SIGINT (Ctrl+C) stops the run at
// once, still writes the report and the record, both saying it was interrupted.
func TestLabLoadHoldsNoAlertsAndReportsOnCtrlC(t *testing.T) {
	t.Parallel()
	state := t.TempDir()
	cmd := exec.Command(binary, "load", "--lab", "--yes", "--state", state, "--rate", "10/s", "--ramp", "0s", "--duration", "60s", "login", "signup")
	cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
	var out bytes.Buffer
	var errb syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(errb.String(), "  alerts    ") {
		if time.Now().After(deadline) {
			t.Fatalf("the plan has no alerts line while the load runs\n%s", errb.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(errb.String(), "  alerts    none held (lab run") {
		t.Errorf("the plan does not say a lab run holds no alerts:\n%s", errb.String())
	}
	time.Sleep(2500 * time.Millisecond) // some load sent
	if ents, _ := os.ReadDir(filepath.Join(state, alert.MaintenanceDir)); len(ents) > 0 {
		t.Errorf("a lab run wrote a maintenance window to the real state folder: %s", ents[0].Name())
	}
	now := time.Now()
	for _, check := range []string{"smoke", "member feed", "failed jobs"} {
		if alert.NewMaintenance(nil, state, nil).Active(check, probes.PaneEndpoints, now) {
			t.Errorf("a production watch on this state folder holds %s while a lab run goes", check)
		}
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	sent := time.Now()
	err := cmd.Wait()
	if took := time.Since(sent); took > 5*time.Second {
		t.Errorf("Ctrl+C took %s to stop the run; it must stop at once", took)
	}
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != exitUsage {
		t.Errorf("exit %v, want %d (interrupted)\n%s", err, exitUsage, errb.String())
	}
	if !strings.Contains(out.String(), "Interrupted (Ctrl+C): the figures cover what was sent.") || !strings.Contains(out.String(), "login: did not hold") {
		t.Errorf("report after Ctrl+C:\n%s\n%s", out.String(), errb.String())
	}
	rec, ok, err := load.ReadRecord(load.RecordPath(labState(state), true))
	if err != nil || !ok {
		t.Fatalf("no record after Ctrl+C: %v", err)
	}
	for _, f := range rec.Flows {
		if f.Held || !strings.Contains(f.Why, "interrupted") {
			t.Errorf("record of %s: held %v, why %q; want interrupted", f.Name, f.Held, f.Why)
		}
	}
}

// infoCheck is a check that is only its description: holdAlerts reads no more.
type infoCheck probes.CheckInfo

func (c infoCheck) Info() probes.CheckInfo            { return probes.CheckInfo(c) }
func (c infoCheck) Run(context.Context) probes.Result { return probes.Result{} }

// TestHoldAlerts: a run against a real config holds the checks on the host under load in
// a window of its own, beside another run's, and its release closes its own window only;
// a lab run writes nothing to the state folder and its plan says so.
func TestHoldAlerts(t *testing.T) {
	t.Parallel()
	checks := []probes.Check{
		infoCheck{Name: "member feed", Kind: "endpoint", Pane: probes.PaneEndpoints, Target: "https://app.acme.example/members/feed"},
		infoCheck{Name: "smoke", Kind: "smoke", Pane: probes.PaneEndpoints, Target: "smoke flow"},
	}
	plan := load.Plan{Flows: []load.Flow{{Name: "login", Role: load.RoleLogin, URL: "https://app.acme.example/login"}}, Duration: time.Minute}
	log := slog.New(slog.DiscardHandler)
	held := func(state, check string) bool {
		return alert.NewMaintenance(nil, state, nil).Active(check, probes.PaneEndpoints, time.Now())
	}

	t.Run("real config", func(t *testing.T) {
		t.Parallel()
		state := t.TempDir()
		// Another load run, started the same second by another process, holds the smoke flow.
		_, other, err := loadhold.Open(state, os.Getpid()+1, []string{"smoke"}, time.Now(), time.Hour, "kim@ops-2")
		if err != nil {
			t.Fatal(err)
		}
		var w strings.Builder
		release := holdAlerts(&w, log, state, false, checks, plan)
		if !strings.Contains(w.String(), "alerts    held for member feed, smoke until ") {
			t.Errorf("plan line %q", w.String())
		}
		if !held(state, "member feed") || !held(state, "smoke") {
			t.Errorf("while the run goes: member feed held %v, smoke held %v; want both", held(state, "member feed"), held(state, "smoke"))
		}
		release()
		if held(state, "member feed") {
			t.Error("member feed still held after the run released its window")
		}
		if _, err := os.Stat(other); err != nil || !held(state, "smoke") {
			t.Errorf("the run's release closed the other run's window (%v): smoke held %v", err, held(state, "smoke"))
		}
	})
	t.Run("lab", func(t *testing.T) {
		t.Parallel()
		state := t.TempDir()
		var w strings.Builder
		release := holdAlerts(&w, log, state, true, checks, plan)
		defer release()
		if !strings.Contains(w.String(), "alerts    none held (lab run") {
			t.Errorf("plan line %q", w.String())
		}
		if ents, _ := os.ReadDir(filepath.Join(state, alert.MaintenanceDir)); len(ents) > 0 || held(state, "smoke") {
			t.Errorf("a lab run wrote a window to the state folder (%d files): a production watch would hold its smoke flow", len(ents))
		}
	})
}

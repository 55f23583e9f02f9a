package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/alert"
	"github.com/launchready/launchready/internal/load"
	"github.com/launchready/launchready/probes"
)

// TestLoadHoldsAlertsAndReportsOnCtrlC runs the real binary against the lab as a child
// process: while the load runs, a maintenance window in the state folder holds the
// Endpoints checks of the host under load (what a running watch reads before paging);
// SIGINT (Ctrl+C) stops the run at once, still writes the report and the record, both
// saying it was interrupted, and closes the window.
func TestLoadHoldsAlertsAndReportsOnCtrlC(t *testing.T) {
	t.Parallel()
	state := t.TempDir()
	cmd := exec.Command(binary, "load", "--lab", "--yes", "--state", state, "--rate", "10/s", "--ramp", "0s", "--duration", "60s", "login", "signup")
	cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	window := filepath.Join(state, alert.MaintenanceDir, load.HoldName+".json")
	maint := alert.NewMaintenance(nil, state, nil)
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, err := os.Stat(window); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no maintenance window at %s while the load runs\n%s", window, errb.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	now := time.Now()
	for _, c := range []struct {
		name string
		pane probes.Pane
		held bool
	}{
		{"failed jobs", probes.PaneEndpoints, true}, // app.acme.example/internal/metrics
		{"member feed", probes.PaneEndpoints, true},
		{"smoke", probes.PaneEndpoints, true},
		{"stripe webhook", probes.PaneEndpoints, true},
		{"http api.acme.example", probes.PaneEndpoints, false}, // another host: still pages
		{"tls app.acme.example", probes.PaneTLS, false},
	} {
		if got := maint.Active(c.name, c.pane, now); got != c.held {
			t.Errorf("%s held by the window: %v, want %v", c.name, got, c.held)
		}
	}
	time.Sleep(2500 * time.Millisecond) // some load sent
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
	if !strings.Contains(errb.String(), "alerts    held for") {
		t.Errorf("the plan does not say alerts are held:\n%s", errb.String())
	}
	rec, ok, err := load.ReadRecord(load.RecordPath(state, true))
	if err != nil || !ok {
		t.Fatalf("no record after Ctrl+C: %v", err)
	}
	for _, f := range rec.Flows {
		if f.Held || !strings.Contains(f.Why, "interrupted") {
			t.Errorf("record of %s: held %v, why %q; want interrupted", f.Name, f.Held, f.Why)
		}
	}
	if _, err := os.Stat(window); !os.IsNotExist(err) {
		t.Errorf("the maintenance window is still there after the run: %v", err)
	}
	if alert.NewMaintenance(nil, state, nil).Active("failed jobs", probes.PaneEndpoints, time.Now()) {
		t.Error("watch still holds alerts after the run")
	}
}

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestSystemdUnitVerifies runs `systemd-analyze verify` on examples/launchready-watch.service
// (with ExecStart pointing at the binary under test, since verify checks that it exists)
// and checks the unit keeps its hardening. Skipped where systemd-analyze is missing.
func TestSystemdUnitVerifies(t *testing.T) {
	t.Parallel()
	unit, err := os.ReadFile(filepath.Join("..", "..", "examples", "launchready-watch.service"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(unit)
	for _, want := range []string{
		"DynamicUser=yes", "StateDirectory=launchready", "NoNewPrivileges=yes", "ProtectSystem=strict",
		"ProtectHome=yes", "PrivateTmp=yes", "CapabilityBoundingSet=\n", "SystemCallFilter=@system-service",
		"--state /var/lib/launchready", "--listen 127.0.0.1:9109", "EnvironmentFile=-/etc/launchready/secrets.env",
		"KillSignal=SIGTERM",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the unit lacks %q", want)
		}
	}
	tool, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed: the unit's syntax is not verified here (CI on a systemd machine verifies it)")
	}
	if !strings.Contains(text, "ExecStart=/usr/local/bin/launchready watch") {
		t.Fatal("ExecStart does not start /usr/local/bin/launchready watch")
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "launchready-watch.service")
	text = strings.Replace(text, "ExecStart=/usr/local/bin/launchready", "ExecStart="+binary, 1)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "verify", p).CombinedOutput()
	// verify also complains about unrelated units of the machine it runs on; only lines
	// about our unit count.
	var ours []string
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "launchready-watch.service") {
			ours = append(ours, line)
		}
	}
	if len(ours) > 0 {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, strings.Join(ours, "\n"))
	}
	if err != nil && len(strings.TrimSpace(string(out))) == 0 {
		t.Fatalf("systemd-analyze verify failed: %v", err)
	}
	// The control: the same check catches a broken copy, so a pass means something.
	bad := filepath.Join(dir, "broken-watch.service")
	os.WriteFile(bad, []byte(strings.Replace(text, "ProtectSystem=strict", "ProtectSystem=sideways", 1)), 0o644)
	out, _ = exec.Command(tool, "verify", bad).CombinedOutput()
	if !strings.Contains(string(out), "broken-watch.service") {
		t.Errorf("systemd-analyze verify did not flag ProtectSystem=sideways: %s", out)
	}
}

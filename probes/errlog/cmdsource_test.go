//go:build unix

package errlog

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func cmdCheck(t *testing.T, command string) *Check {
	t.Helper()
	return buildCheck(t, testEnv(t, fmt.Sprintf("errors:\n  sources:\n    - name: tool\n      command: %s\n      backoff: 20ms\n", yamlQuote(command)), nil))
}

// TestCommandIsRestartedWhenItExits: a real child process that logs an error, complains
// on stderr and exits; it is started again with backoff, and after three quick failures
// the source is in error (a finding), with the stderr line as the reason.
func TestCommandIsRestartedWhenItExits(t *testing.T) {
	t.Parallel()
	c := cmdCheck(t, `echo "ERROR job $$ failed"; echo "tool: not logged in" >&2; exit 3`)
	first := runCheck(t, c)
	if !hasGroup(first, "failed") {
		t.Fatalf("first run: groups %v, sources %+v", titles(first), first.Sources)
	}
	var s Snapshot
	eventually(t, "three restarts", func() bool {
		s = c.Snapshot()
		return s.Sources[0].Restarts >= 3 && s.Sources[0].State == StateError
	})
	src := s.Sources[0]
	if !strings.Contains(src.Error, "exited with status 3: tool: not logged in") || !strings.Contains(src.Error, "failed 3 times in a row") {
		t.Errorf("source error %q", src.Error)
	}
	if src.StderrLines < 3 {
		t.Errorf("stderr lines %d", src.StderrLines)
	}
	// Each run printed its own pid, and the fingerprint ignores it: one group, one per run.
	if len(s.Groups) != 1 || s.Groups[0].Count < 3 {
		t.Errorf("groups %v (want one, seen once per run)", titles(s))
	}
	res := c.Run(context.Background())
	var down bool
	for _, f := range res.Findings {
		if f.ID == "errors.source-down" && f.Severity.String() == "high" && strings.Contains(f.Detail, "not logged in") {
			down = true
		}
	}
	if !down {
		t.Errorf("no high errors.source-down finding: %+v", res.Findings)
	}
}

// TestCommandStreamsAndCloseKillsTheGroup: a long-running command streams errors, its
// stderr shows (redacted) as the source's error while it runs, and Close kills its whole
// process group, including a child it started in the background.
func TestCommandStreamsAndCloseKillsTheGroup(t *testing.T) {
	t.Parallel()
	pidFile := filepath.Join(t.TempDir(), "child.pid")
	c := cmdCheck(t, fmt.Sprintf(`sleep 300 & echo $! > %s; echo '{"level":"error","msg":"streamed failure"}'; echo 'warning: retrying with token=s3cr3t-t0ken-value' >&2; while :; do sleep 1; done`, pidFile))
	s := runCheck(t, c)
	if !hasGroup(s, "streamed failure") {
		t.Fatalf("groups %v", titles(s))
	}
	eventually(t, "stderr shown", func() bool { return strings.Contains(c.Snapshot().Sources[0].Error, "retrying") })
	src := c.Snapshot().Sources[0]
	if src.State != StateFollowing || strings.Contains(src.Error, "s3cr3t") || !strings.Contains(src.Error, "token=[REDACTED]") {
		t.Errorf("source %+v: want following, with the stderr line redacted", src)
	}
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	child, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	if !alive(child) {
		t.Fatalf("background child %d not running before Close", child)
	}
	start := time.Now()
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 2*stopGrace {
		t.Errorf("Close took %s", took)
	}
	eventually(t, "the background child to die with its group", func() bool { return !alive(child) })
	if st := c.Snapshot().Sources[0].State; st != StateStopped {
		t.Errorf("state after Close %q", st)
	}
	if res := c.Run(context.Background()); res.Err == "" {
		t.Error("Run after Close should say the check is closed")
	}
}

func TestCommandNotFound(t *testing.T) {
	t.Parallel()
	c := cmdCheck(t, "/nonexistent/log-tool --follow")
	runCheck(t, c)
	var s Snapshot
	eventually(t, "error state", func() bool { s = c.Snapshot(); return s.Sources[0].State == StateError })
	if e := s.Sources[0].Error; !strings.Contains(e, "exited with status 127") || !strings.Contains(e, "not found") {
		t.Errorf("error %q", e)
	}
}

// alive: the process exists and is not a zombie waiting for a parent that never reaps
// (as PID 1 in a container may not).
func alive(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil {
		return false
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return !os.IsNotExist(err)
	}
	if i := strings.LastIndexByte(string(b), ')'); i >= 0 && i+2 < len(b) {
		return b[i+2] != 'Z'
	}
	return true
}

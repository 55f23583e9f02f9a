package runbook

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// helper starts this test binary again as a child process playing part (see TestMain).
func helper(t *testing.T, part string, env ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), append(env, "LR_RUNBOOK_HELPER="+part)...)
	return cmd
}

func TestLockHeldByAnotherProcess(t *testing.T) {
	t.Parallel()
	state := t.TempDir()
	child := helper(t, "lock", "LR_STATE="+state)
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { child.Process.Kill(); child.Wait() })
	line, _ := bufio.NewReader(out).ReadString('\n')
	if strings.TrimSpace(line) != "locked" {
		t.Fatalf("child said %q", line)
	}

	// A second operator is told who holds it and since when.
	store := NewStore(state)
	_, err = AcquireLock(store.Dir, Holder{Operator: CurrentOperator(nil), Since: time.Now()})
	var le *LockedError
	if !errors.As(err, &le) || !errors.Is(err, ErrLocked) {
		t.Fatalf("want a LockedError, got %v", err)
	}
	if le.Holder.Operator.PID != child.Process.Pid || le.Holder.Runbook != "deploy" || time.Since(le.Holder.Since) > time.Minute {
		t.Errorf("holder %+v", le.Holder)
	}
	msg := err.Error()
	for _, want := range []string{"runbook deploy is already running", "by " + le.Holder.Operator.String(), "pid " + strconv.Itoa(child.Process.Pid), "ago"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	if h, held := ReadLock(store.Dir); !held || h.Operator.PID != child.Process.Pid {
		t.Errorf("ReadLock: %+v %v", h, held)
	}
	// An engine refuses to start a run, and nothing is written.
	h := newHarness(t, &script{})
	h.store, h.opts.Store = store, store
	rb := runbookFrom(t, t.TempDir(), "steps:\n  - run: echo hi\n", Env{})
	if _, err := h.engine().Run(context.Background(), rb); !errors.Is(err, ErrLocked) {
		t.Errorf("run under someone else's lock: %v", err)
	}
	if runs, _ := store.ListRuns(); len(runs) != 0 {
		t.Errorf("a run started under someone else's lock")
	}

	// When the holder dies, its lock is stale and the next start takes it.
	child.Process.Kill()
	child.Wait()
	if _, held := ReadLock(store.Dir); held {
		t.Error("a dead holder still reads as holding the lock")
	}
	l, err := AcquireLock(store.Dir, Holder{Operator: CurrentOperator(nil), Since: time.Now()})
	if err != nil {
		t.Fatalf("stale lock not taken over: %v", err)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(store.Dir, "lock")); !os.IsNotExist(err) {
		t.Errorf("released lock still there: %v", err)
	}
}

// TestCrashMidStepThenResume runs the engine as a real child process, kills it with
// SIGKILL while a step's command runs, and resumes from this process: the command must
// survive, its result must land in the same transcript, and the run must go on.
func TestCrashMidStepThenResume(t *testing.T) {
	t.Parallel()
	state, dir := t.TempDir(), t.TempDir()
	const token = "tok-planted-6f1d2c9a"
	path := filepath.Join(dir, "deploy.yaml")
	err := os.WriteFile(path, []byte(`name: deploy
inputs:
  - {name: TOKEN, secret: true}
cwd: .
steps:
  - name: Build
    run: echo built
    rollback: echo unbuilt >> trail
  - name: Migrate
    run: |
      echo "migrating with $TOKEN"
      sleep 2.5
      echo migrated >> trail
      echo "migrated using $TOKEN"
    rollback: echo unmigrated >> trail
  - name: Restart
    run: echo "restart with $TOKEN" >> trail
`), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	child := helper(t, "engine", "LR_STATE="+state, "LR_RUNBOOK="+path, "LR_TOKEN="+token)
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { child.Process.Kill(); child.Wait() })
	store := NewStore(state)

	// Wait until the child's transcript shows step 2's command running, then kill it.
	var tpath string
	var pid int
	deadline := time.Now().Add(20 * time.Second)
	for pid == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the child engine never started step 2")
		}
		time.Sleep(20 * time.Millisecond)
		files, _ := filepath.Glob(filepath.Join(store.RunsDir(), "*.jsonl"))
		if len(files) != 1 {
			continue
		}
		tpath = files[0]
		evs, _ := ReadTranscript(tpath)
		for _, e := range evs {
			if e.Type == Output && e.Step == 2 && strings.Contains(e.Text, "migrating") {
				pid = last(evs, CommandStart).PID
			}
		}
	}
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	child.Wait()
	if !processAlive(pid) {
		t.Fatal("the step's command died with the engine")
	}
	before := readChecked(t, tpath)
	if len(ofType(before, CommandEnd)) != 1 || len(ofType(before, RunEnd)) != 0 {
		t.Fatalf("the killed engine's transcript: %d command ends", len(ofType(before, CommandEnd)))
	}

	// The next engine finds the run unfinished; the secret is asked again; it waits for
	// the command, records it, and goes on.
	p := &script{choices: []Decision{Continue}, inputs: map[string][]string{"TOKEN": {token}}}
	h := newHarness(t, p)
	h.store, h.opts.Store = store, store
	h.opts.Getenv = func(string) (string, bool) { return "", false }
	out, err := h.engine().Resume(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != StatusSucceeded || out.Transcript != tpath {
		t.Fatalf("outcome %+v", out)
	}
	evs := readChecked(t, tpath)
	if len(evs) <= len(before) {
		t.Fatal("the resume wrote nothing")
	}
	for i := range before {
		if evs[i].Seq != before[i].Seq || evs[i].Type != before[i].Type {
			t.Fatalf("the transcript before the crash changed at line %d", i+1)
		}
	}
	if got := outputOf(evs, 2); got != "migrating with [redacted TOKEN]\nmigrated using [redacted TOKEN]\n" {
		t.Errorf("step 2 output %q", got)
	}
	ends := ofType(evs, CommandEnd)
	if len(ends) != 3 || ends[1].Step != 2 || *ends[1].Exit != 0 || ends[1].PID != pid {
		t.Errorf("command ends %+v", ends)
	}
	if r := ofType(evs, Resumed); len(r) != 1 || r[0].Operator == nil || r[0].Operator.PID != os.Getpid() {
		t.Errorf("resume event %+v", r)
	}
	var asked []string
	for _, a := range p.asked {
		if in, ok := a.(InputRequest); ok {
			asked = append(asked, in.Name)
			if in.Lost == "" {
				t.Errorf("the lost secret was asked without saying why")
			}
		}
	}
	if strings.Join(asked, ",") != "TOKEN" {
		t.Errorf("asked %v, want the lost secret TOKEN once (step 3 reads it)", asked)
	}
	trail, _ := os.ReadFile(filepath.Join(dir, "trail"))
	if string(trail) != "migrated\nrestart with "+token+"\n" {
		t.Errorf("trail %q", trail)
	}
	raw, _ := os.ReadFile(tpath)
	if strings.Contains(string(raw), token) {
		t.Error("the secret input reached the transcript")
	}
	if last(evs, RunEnd).Status != StatusSucceeded {
		t.Errorf("run-end %+v", last(evs, RunEnd))
	}
}

// After a crash the operator may roll back instead; the step that was running when the
// engine died completed meanwhile, so its rollback runs too.
func TestCrashThenRollBackOnResume(t *testing.T) {
	t.Parallel()
	state, dir := t.TempDir(), t.TempDir()
	path := filepath.Join(dir, "deploy.yaml")
	os.WriteFile(path, []byte(`name: deploy
cwd: .
steps:
  - run: echo one >> trail
    rollback: echo undo-one >> trail
  - run: echo started; sleep 1; echo two >> trail
    rollback: echo undo-two >> trail
  - run: echo three >> trail
`), 0o600)
	child := helper(t, "engine", "LR_STATE="+state, "LR_RUNBOOK="+path)
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { child.Process.Kill(); child.Wait() })
	store := NewStore(state)
	deadline := time.Now().Add(20 * time.Second)
	for {
		if time.Now().After(deadline) {
			t.Fatal("the child engine never started step 2")
		}
		time.Sleep(20 * time.Millisecond)
		files, _ := filepath.Glob(filepath.Join(store.RunsDir(), "*.jsonl"))
		if len(files) == 1 {
			if evs, _ := ReadTranscript(files[0]); strings.Contains(outputOf(evs, 2), "started") {
				break
			}
		}
	}
	child.Process.Signal(syscall.SIGKILL)
	child.Wait()
	h := newHarness(t, &script{choices: []Decision{RollBack}})
	h.store, h.opts.Store = store, store
	out, err := h.engine().Resume(context.Background())
	if err != nil || out.Status != StatusRolledBack {
		t.Fatalf("%+v %v", out, err)
	}
	trail, _ := os.ReadFile(filepath.Join(dir, "trail"))
	if string(trail) != "one\ntwo\nundo-two\nundo-one\n" {
		t.Errorf("trail %q", trail)
	}
}

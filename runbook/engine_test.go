package runbook

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestRunSucceeds(t *testing.T) {
	t.Parallel()
	h := newHarness(t, &script{confirms: []bool{true}})
	dir := t.TempDir()
	h.opts.Inputs = map[string]Given{"RELEASE": {Value: "v42", By: GivenFlag}}
	rb := runbookFrom(t, dir, `name: deploy
description: |
  # Deploy
  Ships a release.
inputs:
  - name: RELEASE
    prompt: Release to deploy
    pattern: 'v[0-9]+'
env:
  APP: acme
steps:
  - name: Record the live release
    run: echo v41
    capture: PREVIOUS
  - name: Ship
    confirm: Ship $RELEASE?
    run: |
      echo "shipping $RELEASE of $APP over $PREVIOUS in $(pwd)"
      echo "step $LAUNCHREADY_STEP of run $LAUNCHREADY_RUN" >&2
    cwd: work
    env:
      MODE: fast
    rollback: echo back to $PREVIOUS
`, Env{})
	if err := os.Mkdir(filepath.Join(dir, "work"), 0o700); err != nil {
		t.Fatal(err)
	}
	out := h.run(rb)
	if out.Status != StatusSucceeded || !out.OK() {
		t.Fatalf("outcome %+v", out)
	}
	evs := h.transcript(out)
	start := evs[0]
	if start.Type != RunStart || start.Runbook.Name != "deploy" || start.Runbook.Steps != 2 || !strings.Contains(start.Runbook.Source, "Ships a release") ||
		start.Operator == nil || start.Operator.PID != os.Getpid() || start.Runbook.Digest != rb.Digest() {
		t.Errorf("run-start: %+v", start)
	}
	if in := ofType(evs, InputSet); len(in) != 1 || in[0].Value != "v42" || in[0].Source != GivenFlag {
		t.Errorf("input events: %+v", in)
	}
	if c := ofType(evs, Captured); len(c) != 1 || c[0].Value != "v41" || c[0].Name != "PREVIOUS" {
		t.Errorf("capture: %+v", c)
	}
	if c := ofType(evs, Confirmed); len(c) != 1 || c[0].Choice != "yes" || c[0].Text != "Ship $RELEASE?" {
		t.Errorf("confirm: %+v", c)
	}
	got := outputOf(evs, 2)
	want := "shipping v42 of acme over v41 in " + filepath.Join(dir, "work")
	if !strings.Contains(got, want) || !strings.Contains(got, "step 2 of run "+out.Run) {
		t.Errorf("step 2 output %q, want %q (inputs, captures and env: reach the command as variables)", got, want)
	}
	ends := ofType(evs, CommandEnd)
	if len(ends) != 2 || *ends[1].Exit != 0 || ends[1].Status != StepOK {
		t.Errorf("command ends: %+v", ends)
	}
	if last(evs, RunEnd).Status != StatusSucceeded {
		t.Errorf("run-end: %+v", last(evs, RunEnd))
	}
	// The observer saw the same events, in the same order.
	if len(h.events) != len(evs) || h.events[3].Seq != 4 {
		t.Errorf("observer saw %d events, transcript has %d", len(h.events), len(evs))
	}
	// The work folder is gone once the run is over; the lock is released.
	if _, err := os.Stat(h.store.WorkDir(out.Run)); !os.IsNotExist(err) {
		t.Errorf("work folder left behind: %v", err)
	}
	if _, held := ReadLock(h.store.Dir); held {
		t.Error("lock still held after the run")
	}
	runs, _ := h.store.ListRuns()
	if len(runs) != 1 || runs[0].Status != StatusSucceeded || runs[0].Done != 2 || runs[0].Runbook != "deploy" {
		t.Errorf("runs: %+v", runs)
	}
}

func TestCommandTextIsNeverSpliced(t *testing.T) {
	t.Parallel()
	h := newHarness(t, &script{inputs: map[string][]string{"NAME": {`x"; touch pwned; echo "`}}})
	dir := t.TempDir()
	rb := runbookFrom(t, dir, `steps:
  - input: {name: NAME, prompt: A name}
    run: echo "hello $NAME"; echo '$NAME stays literal'
    cwd: .
`, Env{})
	out := h.run(rb)
	evs := h.transcript(out)
	if out.Status != StatusSucceeded {
		t.Fatalf("status %s", out.Status)
	}
	if _, err := os.Stat(filepath.Join(dir, "pwned")); err == nil {
		t.Fatal("an input was spliced into the command text and ran")
	}
	if got := outputOf(evs, 1); got != "hello x\"; touch pwned; echo \"\n$NAME stays literal\n" {
		t.Errorf("output %q", got)
	}
}

func TestFailureThenRetry(t *testing.T) {
	t.Parallel()
	h := newHarness(t, &script{choices: []Decision{Retry}})
	dir := t.TempDir()
	rb := runbookFrom(t, dir, `steps:
  - name: Flaky
    run: |
      n=$(cat count 2>/dev/null || echo 0); echo $((n+1)) > count
      if [ "$n" = 0 ]; then echo "first try fails" >&2; exit 3; fi
      echo "second try works"
    cwd: .
  - run: echo after
`, Env{})
	out := h.run(rb)
	evs := h.transcript(out)
	if out.Status != StatusSucceeded {
		t.Fatalf("status %s", out.Status)
	}
	ends := ofType(evs, CommandEnd)
	if len(ends) != 3 || *ends[0].Exit != 3 || ends[0].Status != StepFailed || !strings.Contains(ends[0].Reason, "exited with status 3: first try fails") {
		t.Fatalf("command ends: %+v", ends)
	}
	ch := ofType(evs, Choice)
	if len(ch) != 1 || ch[0].Choice != "retry" || ch[0].Step != 1 || strings.Join(ch[0].Choices, ",") != "retry,skip,rollback,abort" {
		t.Errorf("choice: %+v", ch)
	}
	starts := ofType(evs, StepStart)
	if len(starts) != 3 || starts[1].Attempt != 2 || starts[1].Text != "run" {
		t.Errorf("step starts: %+v", starts)
	}
	req := h.p.choiceRequests()[0]
	if req.Kind != ChoiceStepFailed || req.Step != 1 || req.StepName != "Flaky" || !strings.Contains(req.Reason, "status 3") {
		t.Errorf("request: %+v", req)
	}
}

func TestSkipIsRecorded(t *testing.T) {
	t.Parallel()
	h := newHarness(t, &script{choices: []Decision{Skip}, confirms: []bool{false}})
	rb := runbookFrom(t, t.TempDir(), `steps:
  - name: Optional cleanup
    confirm: Clean the cache?
    run: echo cleaning
  - run: exit 1
    rollback: echo never
  - run: echo last
`, Env{})
	h.p.choices = []Decision{Skip, Skip}
	out := h.run(rb)
	evs := h.transcript(out)
	if out.Status != StatusSucceeded {
		t.Fatalf("status %s", out.Status)
	}
	var skipped []int
	for _, e := range ofType(evs, StepEnd) {
		if e.Status == StepSkipped {
			skipped = append(skipped, e.Step)
		}
	}
	if len(skipped) != 2 || skipped[0] != 1 || skipped[1] != 2 {
		t.Errorf("skipped steps %v, want [1 2]", skipped)
	}
	if strings.Contains(outputOf(evs, 1), "cleaning") {
		t.Error("a step that was not confirmed ran its command")
	}
	if outputOf(evs, 3) != "last\n" {
		t.Errorf("step 3 output %q", outputOf(evs, 3))
	}
	runs, _ := h.store.ListRuns()
	if runs[0].Done != 3 {
		t.Errorf("done %d", runs[0].Done)
	}
}

func TestRollbackNewestFirstWithAFailingRollback(t *testing.T) {
	t.Parallel()
	h := newHarness(t, &script{choices: []Decision{RollBack, Skip}})
	dir := t.TempDir()
	rb := runbookFrom(t, dir, `cwd: .
steps:
  - name: one
    run: echo do1 >> trail
    rollback: echo undo1 >> trail
  - name: two
    run: echo do2 >> trail
    rollback: echo undo2 >> trail; echo "cannot undo two" >&2; exit 4
  - name: no undo
    run: echo do3 >> trail
  - name: check only
    confirm: go on?
  - name: four
    run: echo do4 >> trail; exit 1
    rollback: echo undo4 >> trail
`, Env{})
	h.p.confirms = []bool{true}
	out := h.run(rb)
	evs := h.transcript(out)
	if out.Status != StatusRollbackFailed {
		t.Fatalf("status %s, want rollback-failed", out.Status)
	}
	trail, _ := os.ReadFile(filepath.Join(dir, "trail"))
	if got := strings.Fields(string(trail)); strings.Join(got, " ") != "do1 do2 do3 do4 undo2 undo1" {
		t.Errorf("trail %v: want the failed step's rollback not run, then newest first", got)
	}
	var order []string
	for _, e := range evs {
		switch {
		case e.Type == CommandStart && e.Role == "rollback":
			order = append(order, "rollback:"+strconv.Itoa(e.Step))
		case e.Type == RollbackSkip:
			order = append(order, "none:"+strconv.Itoa(e.Step))
		}
	}
	if strings.Join(order, " ") != "none:4 none:3 rollback:2 rollback:1" {
		t.Errorf("rollback order %v", order)
	}
	reqs := h.p.choiceRequests()
	if len(reqs) != 2 || reqs[1].Kind != ChoiceRollbackFailed || reqs[1].Step != 2 || !strings.Contains(reqs[1].Reason, "cannot undo two") ||
		strings.Join(decisions(reqs[1].Choices), ",") != "retry,skip,abort" {
		t.Errorf("rollback failure request: %+v", reqs)
	}
	if e := last(evs, RollbackEnd); e.Status != StatusRollbackFailed {
		t.Errorf("rollback-end %+v", e)
	}
	if e := last(evs, RunEnd); e.Status != StatusRollbackFailed {
		t.Errorf("run-end %+v", e)
	}
}

func decisions(ds []Decision) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = string(d)
	}
	return out
}

func TestTimeoutKillsTheProcessGroup(t *testing.T) {
	t.Parallel()
	h := newHarness(t, &script{choices: []Decision{Abort}})
	dir := t.TempDir()
	rb := runbookFrom(t, dir, `steps:
  - name: Hangs
    cwd: .
    timeout: 1s
    run: |
      trap '' TERM
      sleep 300 &
      echo $! > pids
      (trap '' TERM; sleep 300) &
      echo $! >> pids
      echo $$ >> pids
      echo started
      wait
`, Env{})
	start := time.Now()
	out := h.run(rb)
	took := time.Since(start)
	evs := h.transcript(out)
	if out.Status != StatusAborted {
		t.Fatalf("status %s", out.Status)
	}
	end := last(evs, CommandEnd)
	if end.Status != "timeout" || !strings.Contains(end.Reason, "timed out after 1s") {
		t.Errorf("command-end %+v", end)
	}
	if took > 10*time.Second {
		t.Errorf("took %s: the timeout did not end the step", took)
	}
	raw, _ := os.ReadFile(filepath.Join(dir, "pids"))
	pids := strings.Fields(string(raw))
	if len(pids) != 3 {
		t.Fatalf("pids %q", raw)
	}
	for _, p := range pids {
		pid, _ := strconv.Atoi(p)
		deadline := time.Now().Add(3 * time.Second)
		for processAlive(pid) && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if processAlive(pid) {
			syscall.Kill(pid, syscall.SIGKILL)
			t.Errorf("pid %d (ignoring SIGTERM) survived the timeout", pid)
		}
	}
	if !strings.Contains(outputOf(evs, 1), "started") {
		t.Errorf("output before the kill lost: %q", outputOf(evs, 1))
	}
}

func TestStopStepKillsTheCommand(t *testing.T) {
	t.Parallel()
	h := newHarness(t, &script{choices: []Decision{Abort}})
	rb := runbookFrom(t, t.TempDir(), `steps:
  - run: echo waiting; sleep 300
`, Env{})
	e := h.engine()
	h.opts.Observe = nil
	e.o.Observe = func(ev Event) {
		if ev.Type == Output && strings.Contains(ev.Text, "waiting") {
			e.StopStep()
		}
	}
	out, err := e.Run(context.Background(), rb)
	if err != nil {
		t.Fatal(err)
	}
	evs := h.transcript(out)
	if end := last(evs, CommandEnd); end.Status != "stopped" || out.Status != StatusAborted {
		t.Errorf("command-end %+v, outcome %+v", end, out)
	}
}

func TestDetachLeavesTheCommandRunningAndResumeRecordsIt(t *testing.T) {
	t.Parallel()
	p := &script{}
	h := newHarness(t, p)
	dir := t.TempDir()
	rb := runbookFrom(t, dir, `steps:
  - name: Long deploy
    cwd: .
    run: echo begin; sleep 1; echo end; touch finished
  - run: echo next
`, Env{})
	ctx, cancel := context.WithCancel(context.Background())
	e := h.engine()
	e.o.Observe = func(ev Event) {
		if ev.Type == Output && strings.Contains(ev.Text, "begin") {
			cancel() // the terminal is lost
		}
	}
	out, err := e.Run(ctx, rb)
	if err != nil || out.Status != StatusDetached {
		t.Fatalf("outcome %+v %v", out, err)
	}
	evs := h.transcript(out)
	if d := last(evs, Detached); d.PID == 0 || !strings.Contains(d.Text, "keeps running") {
		t.Errorf("detached event %+v", d)
	}
	if len(ofType(evs, RunEnd)) != 0 {
		t.Error("a detached run was ended")
	}
	// The command was not killed: it finishes on its own.
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(filepath.Join(dir, "finished")); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the command did not survive the engine detaching")
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.choices = []Decision{Continue}
	out2, err := h.engine().Resume(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if out2.Run != out.Run || out2.Status != StatusSucceeded {
		t.Fatalf("resume outcome %+v", out2)
	}
	evs = h.transcript(out2)
	if got := outputOf(evs, 1); got != "begin\nend\n" {
		t.Errorf("step 1 output %q: the resume must record the rest of it, once", got)
	}
	if e := ofType(evs, CommandEnd); len(e) != 2 || *e[0].Exit != 0 || e[0].Step != 1 {
		t.Errorf("command ends %+v", e)
	}
	if outputOf(evs, 2) != "next\n" {
		t.Errorf("step 2 did not run after the resume")
	}
	if _, err := h.engine().Resume(context.Background()); err != ErrNothingToResume {
		t.Errorf("second resume: %v", err)
	}
}

func TestUnfinishedRunIsOfferedBeforeANewOne(t *testing.T) {
	t.Parallel()
	p := &script{}
	h := newHarness(t, p)
	rb := runbookFrom(t, t.TempDir(), `steps:
  - run: echo one
    rollback: echo undo one
  - confirm: Go on?
  - run: echo three
`, Env{})
	// The operator's terminal is lost at the confirmation.
	ctx, cancel := context.WithCancel(context.Background())
	e := h.engine()
	e.o.Prompter = cancelling{cancel}
	out, err := e.Run(ctx, rb)
	if err != nil || out.Status != StatusDetached {
		t.Fatalf("%+v %v", out, err)
	}
	if evs := h.transcript(out); evs[len(evs)-1].Type != Detached || !strings.Contains(evs[len(evs)-1].Text, "nothing is running") {
		t.Errorf("a run lost at a prompt ends its transcript with %+v", evs[len(evs)-1])
	}
	// The next start offers the unfinished run first; rolling it back does not start the
	// new run.
	p.choices = []Decision{RollBack}
	out2 := h.run(rb)
	if !out2.Resumed || out2.Run != out.Run || out2.Status != StatusRolledBack {
		t.Fatalf("outcome %+v", out2)
	}
	req := p.choiceRequests()[0]
	if req.Kind != ChoiceResume || req.Unfinished == nil || req.Unfinished.ID != out.Run || strings.Join(decisions(req.Choices), ",") != "continue,rollback,abandon,cancel" {
		t.Errorf("resume request %+v", req)
	}
	evs := h.transcript(out2)
	if outputOf(evs, 1) != "one\nundo one\n" || len(ofType(evs, Resumed)) != 1 {
		t.Errorf("transcript after rollback on resume: %q", outputOf(evs, 1))
	}
	// Abandon leaves it closed and lets the new run start.
	p.choices = nil
	p.confirms = []bool{true}
	out3 := h.run(rb)
	if out3.Resumed || out3.Run == out.Run || out3.Status != StatusSucceeded {
		t.Errorf("third run %+v", out3)
	}
}

// cancelling is a prompter whose operator vanishes: it cancels the run's context.
type cancelling struct{ cancel context.CancelFunc }

func (c cancelling) Confirm(ctx context.Context, _ ConfirmRequest) (Reply, error) {
	c.cancel()
	return Reply{}, ctx.Err()
}
func (c cancelling) Input(ctx context.Context, _ InputRequest) (Reply, error) {
	c.cancel()
	return Reply{}, ctx.Err()
}
func (c cancelling) Choose(ctx context.Context, _ ChoiceRequest) (Reply, error) {
	c.cancel()
	return Reply{}, ctx.Err()
}

func TestGivenInputsAreCheckedBeforeAnythingRuns(t *testing.T) {
	t.Parallel()
	h := newHarness(t, &script{})
	rb := runbookFrom(t, t.TempDir(), `inputs:
  - {name: RELEASE, pattern: 'v[0-9]+'}
  - {name: TOKEN, secret: true}
steps:
  - run: echo $RELEASE $TOKEN
`, Env{})
	h.opts.Inputs = map[string]Given{"RELEASE": {Value: "latest", By: GivenFlag}, "TOKEN": {Value: "s3cr3t-value", By: GivenFlag}, "NOPE": {Value: "x", By: GivenFlag}}
	_, err := h.engine().Run(context.Background(), rb)
	if err == nil {
		t.Fatal("bad --input values accepted")
	}
	for _, want := range []string{`--input NOPE: runbook test asks for no input NOPE (its inputs: RELEASE, TOKEN)`,
		`--input RELEASE: "latest" does not match the pattern v[0-9]+`, "--input TOKEN: TOKEN is secret"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "s3cr3t-value") {
		t.Error("the error repeats the secret")
	}
	if runs, _ := h.store.ListRuns(); len(runs) != 0 {
		t.Error("a run started")
	}
}

func TestNoAnswerAborts(t *testing.T) {
	t.Parallel()
	h := newHarness(t, &script{})
	rb := runbookFrom(t, t.TempDir(), `inputs: [{name: RELEASE}]
steps:
  - run: echo $RELEASE
`, Env{})
	out := h.run(rb)
	evs := h.transcript(out)
	if out.Status != StatusAborted || !strings.Contains(last(evs, Note).Text, "input RELEASE") {
		t.Errorf("outcome %+v, note %+v", out, last(evs, Note))
	}
}

func TestOutputIsCappedButItsEndKept(t *testing.T) {
	t.Parallel()
	h := newHarness(t, &script{})
	h.opts.OutputCap = 4 << 10
	ch := make(chan Event, 1024)
	h.opts.Events = ch
	var fromChan []Event
	done := make(chan struct{})
	go func() {
		for e := range ch {
			fromChan = append(fromChan, e)
		}
		close(done)
	}()
	rb := runbookFrom(t, t.TempDir(), `steps:
  - run: for i in $(seq 1 20000); do echo "line $i of a chatty build"; done; echo "the error at the end" >&2; exit 1
`, Env{})
	h.p.choices = []Decision{Abort}
	out := h.run(rb)
	close(ch)
	<-done
	evs := h.transcript(out)
	o := outputOf(evs, 1)
	if len(o) > 4<<10+tailKeep+200 {
		t.Errorf("kept %d bytes of output, cap 4 KiB plus the tail", len(o))
	}
	for _, want := range []string{"line 1 of a chatty build\n", "bytes of output not kept (over 4096 per command)", "line 20000 of a chatty build\nthe error at the end\n"} {
		if !strings.Contains(o, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if end := last(evs, CommandEnd); !strings.Contains(end.Reason, "the error at the end") {
		t.Errorf("failure reason %q", end.Reason)
	}
	if len(fromChan) != len(evs) || fromChan[len(fromChan)-1].Type != RunEnd {
		t.Errorf("the events channel got %d events, the transcript has %d", len(fromChan), len(evs))
	}
}

// An engine lost while asking the runbook's inputs leaves them unasked; the resume asks.
func TestResumeAsksInputsNeverAsked(t *testing.T) {
	t.Parallel()
	p := &script{}
	h := newHarness(t, p)
	rb := runbookFrom(t, t.TempDir(), `inputs: [{name: A}, {name: B, secret: true}]
steps:
  - run: echo "$A $B" | sed 's/b-secret-value/SEEN/'
`, Env{})
	ctx, cancel := context.WithCancel(context.Background())
	e := h.engine()
	e.o.Prompter = cancelling{cancel}
	if out, err := e.Run(ctx, rb); err != nil || out.Status != StatusDetached {
		t.Fatalf("%+v %v", out, err)
	}
	p.choices = []Decision{Continue}
	p.inputs = map[string][]string{"A": {"a-value"}, "B": {"b-secret-value"}}
	out, err := h.engine().Resume(context.Background())
	if err != nil || out.Status != StatusSucceeded {
		t.Fatalf("%+v %v", out, err)
	}
	if got := outputOf(h.transcript(out), 1); got != "a-value SEEN\n" {
		t.Errorf("output %q: the resume must ask the inputs the lost engine never asked", got)
	}
}

// A damaged transcript cannot be resumed, but it must not block every later run.
func TestUnreadableUnfinishedRunCanBeAbandoned(t *testing.T) {
	t.Parallel()
	p := &script{choices: []Decision{Abandon}}
	h := newHarness(t, p)
	if err := os.MkdirAll(h.store.RunsDir(), 0o700); err != nil {
		t.Fatal(err)
	}
	bad := h.store.TranscriptPath("2026-01-01T00-00-00-old")
	os.WriteFile(bad, []byte(`{"seq":1,"time":"2026-01-01T00:00:00Z","event":"run-start","run":"x","runbook":{"name":"old","source":"steps: [{rnu: x}]"}}`+"\n"), 0o600)
	rb := runbookFrom(t, t.TempDir(), "steps:\n  - run: echo new\n", Env{})
	out := h.run(rb)
	if out.Status != StatusSucceeded || out.Resumed {
		t.Fatalf("outcome %+v", out)
	}
	req := p.choiceRequests()[0]
	if !strings.Contains(req.Reason, "cannot be resumed") || len(req.Choices) != 2 {
		t.Errorf("request %+v", req)
	}
	evs := readChecked(t, bad)
	if last(evs, RunEnd).Status != StatusAbandoned {
		t.Errorf("the damaged run was not closed: %+v", evs)
	}
}

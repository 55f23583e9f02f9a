package tui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/runbook"
)

// The runbooks the Runbooks pane's tests use: a deploy that asks a value and a secret,
// confirms, switches (with a rollback), waits for the API, and announces; a rollback;
// and one whose command runs long, for ctrl+c.
var testRunbooks = map[string]string{
	"deploy.yaml": `name: deploy
description: |
  # Deploy
  Ships a release to the test world, then waits for the API to be healthy.

  - records the live release first
  - **rolls back** the switch when the API stays down
inputs:
  - name: RELEASE
    prompt: Release to deploy
    default: v42
    pattern: 'v[0-9]+'
  - name: DEPLOY_TOKEN
    prompt: Deploy token
    secret: true
steps:
  - name: Record the live release
    run: echo v41
    capture: PREVIOUS
  - name: Switch traffic
    confirm: Switch traffic to the new release?
    run: |
      echo "token $DEPLOY_TOKEN"
      echo "switching from $PREVIOUS to $RELEASE"
    rollback: echo "back to $PREVIOUS"
  - name: Wait for the API
    check: {endpoint: http api.test, times: 2, every: 100ms, within: 1s}
  - name: Announce
    run: echo "deployed $RELEASE"
`,
	"rollback.yaml": `name: rollback
description: Puts the previous release back.
steps:
  - name: Roll back
    run: echo "rolled back"
`,
	"slow.yaml": `name: slow
description: A command that takes its time, for ctrl+c.
steps:
  - name: Wait a long time
    run: echo started; sleep 30; echo never
  - name: After
    run: echo after
`,
}

// apiCheck stands in for the API's health check from launchready.yaml: the test says
// whether it is healthy. The engine polls it exactly as it polls a real probe.
type apiCheck struct {
	mu      sync.Mutex
	healthy bool
}

func (c *apiCheck) Info() probes.CheckInfo {
	return probes.CheckInfo{Name: "http api.test", Kind: "http", Pane: probes.PaneEndpoints, Target: "https://api.test/health"}
}

func (c *apiCheck) Run(context.Context) probes.Result {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := probes.Result{Check: "http api.test", Pane: probes.PaneEndpoints, Target: "https://api.test/health", Summary: "200 OK · 4 ms"}
	if !c.healthy {
		r.Summary = "503 Service Unavailable · 2 ms"
		r.Findings = []probes.Finding{{ID: "http.server-error", Severity: probes.Critical, Title: "API answers 503"}}
	}
	r.Status = probes.StatusFor(r.Findings)
	return r
}

// testOperator is who runs the tests' runbooks.
var testOperator = runbook.Operator{User: "sam", Host: "ops-1", SSH: "10.0.0.7 52144 10.0.0.2 22", PID: 4242}

// rbWorld is a runbooks folder and a state folder on disk, and the engine options that
// run them for real (bash, the transcript, the lock).
type rbWorld struct {
	dir, state string
	api        *apiCheck
	env        map[string]string
	opts       *RunbookOptions
}

func newRBWorld(t testing.TB) *rbWorld {
	t.Helper()
	root := t.TempDir()
	w := &rbWorld{dir: filepath.Join(root, "runbooks"), state: filepath.Join(root, "state"), api: &apiCheck{}, env: map[string]string{}}
	if err := os.MkdirAll(w.dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for name, text := range testRunbooks {
		if err := os.WriteFile(filepath.Join(w.dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	op := testOperator
	op.Host, _ = os.Hostname() // a lock on this host whose pid is gone is stale
	op.PID = os.Getpid()
	w.opts = &RunbookOptions{Dir: w.dir, Engine: runbook.Options{
		Store:     runbook.NewStore(w.state),
		Env:       runbook.Env{Checks: []probes.Check{w.api}},
		Getenv:    func(k string) (string, bool) { v, ok := w.env[k]; return v, ok },
		Environ:   []string{"PATH=" + os.Getenv("PATH"), "HOME=" + root, "LANG=C"},
		Cwd:       root,
		Operator:  &op,
		Tick:      20 * time.Millisecond,
		KillGrace: 500 * time.Millisecond,
	}}
	return w
}

// newRBModel is a console with the runbook engine and no probe checks, on the real clock
// (the engine's checks and commands run in real time).
func newRBModel(t testing.TB, w *rbWorld) *Model {
	t.Helper()
	m := New(Options{Product: "Test", Tick: -1, Runbooks: w.opts})
	t.Cleanup(func() { m.Close(10 * time.Second) })
	return m
}

// driver runs a model as Bubble Tea would, minus the terminal: commands run on their own
// goroutines and their messages come back to Update one at a time, on the test's
// goroutine, so the test can look at the model between any two messages.
type driver struct {
	t    testing.TB
	m    *Model
	msgs chan tea.Msg
	quit bool
	// seen is called with the screen after every message, so a test can watch every
	// frame (a planted secret must never appear in one).
	seen func(screen string)
}

func newDriver(t testing.TB, m *Model, w, h int) *driver {
	d := &driver{t: t, m: m, msgs: make(chan tea.Msg, 256)}
	d.send(tea.WindowSizeMsg{Width: w, Height: h})
	d.exec(m.rb.load())
	return d
}

func (d *driver) exec(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() {
		msg := cmd()
		if b, ok := msg.(tea.BatchMsg); ok {
			for _, c := range b {
				d.exec(c)
			}
			return
		}
		if msg != nil {
			d.msgs <- msg
		}
	}()
}

func (d *driver) send(msg tea.Msg) {
	if _, ok := msg.(tea.QuitMsg); ok {
		d.quit = true
		return
	}
	_, cmd := d.m.Update(msg)
	if d.seen != nil {
		d.seen(plain(d.m))
	}
	d.exec(cmd)
}

func (d *driver) press(keys ...string) {
	for _, k := range keys {
		d.send(keyMsg(k))
	}
}

// typeText types s one key at a time.
func (d *driver) typeText(s string) {
	for _, r := range s {
		d.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// until handles messages as they come until cond holds.
func (d *driver) until(what string, within time.Duration, cond func() bool) {
	d.t.Helper()
	deadline := time.After(within)
	for !cond() {
		select {
		case msg := <-d.msgs:
			d.send(msg)
		case <-deadline:
			d.t.Fatalf("waiting for %s: not there after %s; screen:\n%s", what, within, plain(d.m))
		}
	}
}

// untilScreen waits for every want to be on the screen.
func (d *driver) untilScreen(what string, within time.Duration, want ...string) string {
	d.t.Helper()
	d.until(what, within, func() bool {
		s := plain(d.m)
		for _, w := range want {
			if !strings.Contains(s, w) {
				return false
			}
		}
		return true
	})
	return plain(d.m)
}

// prompted waits for the engine's next question.
func (d *driver) prompted(what string) *promptDialog {
	d.t.Helper()
	d.until(what, 20*time.Second, func() bool { return d.m.rb.dialog != nil })
	return d.m.rb.dialog
}

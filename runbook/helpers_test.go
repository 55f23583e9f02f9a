package runbook

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/launchready/launchready/examples"
	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/httpcheck"
	"github.com/launchready/launchready/probes/kinds"
	"github.com/launchready/launchready/probes/lab"
	"github.com/launchready/launchready/probes/netx"
)

// TestMain lets a test start this test binary again as a real child process playing a
// part (an engine to be killed mid-step, another operator holding the lock).
func TestMain(m *testing.M) {
	switch os.Getenv("LR_RUNBOOK_HELPER") {
	case "":
		os.Exit(m.Run())
	case "engine":
		helperEngine()
	case "lock":
		helperLock()
	}
	os.Exit(3)
}

// helperEngine runs the runbook at $LR_RUNBOOK with the store at $LR_STATE, answering
// every question by aborting; the test kills it mid-step.
func helperEngine() {
	rb, err := Load(os.Getenv("LR_RUNBOOK"))
	if err == nil {
		err = rb.Validate(Env{})
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	given := map[string]Given{}
	if tok := os.Getenv("LR_TOKEN"); tok != "" {
		given["TOKEN"] = Given{Value: tok, By: GivenStdin}
	}
	e := New(Options{Store: NewStore(os.Getenv("LR_STATE")), Prompter: &script{choices: []Decision{Abort}}, Tick: 20 * time.Millisecond, Inputs: given})
	out, err := e.Run(context.Background(), rb)
	fmt.Println(out.Status, err)
	os.Exit(0)
}

// helperLock takes the lock in $LR_STATE, says so, and holds it until killed.
func helperLock() {
	l, err := AcquireLock(NewStore(os.Getenv("LR_STATE")).Dir, Holder{Operator: CurrentOperator(nil), Since: time.Now(), Runbook: "deploy"})
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	_ = l
	fmt.Println("locked")
	time.Sleep(time.Minute)
	os.Exit(0)
}

// script is a Prompter that answers from queues and records every request.
type script struct {
	mu       sync.Mutex
	confirms []bool
	inputs   map[string][]string
	choices  []Decision
	asked    []any
}

func (s *script) Confirm(_ context.Context, r ConfirmRequest) (Reply, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.asked = append(s.asked, r)
	if len(s.confirms) == 0 {
		return Reply{}, fmt.Errorf("unexpected confirm %q: %w", r.Question, ErrNoAnswer)
	}
	yes := s.confirms[0]
	s.confirms = s.confirms[1:]
	return Reply{Yes: yes}, nil
}

func (s *script) Input(_ context.Context, r InputRequest) (Reply, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.asked = append(s.asked, r)
	q := s.inputs[r.Name]
	if len(q) == 0 {
		return Reply{}, fmt.Errorf("unexpected input %s: %w", r.Name, ErrNoAnswer)
	}
	s.inputs[r.Name] = q[1:]
	return Reply{Value: q[0]}, nil
}

func (s *script) Choose(_ context.Context, r ChoiceRequest) (Reply, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.asked = append(s.asked, r)
	if len(s.choices) == 0 {
		return Reply{}, fmt.Errorf("unexpected choice (%s: %s): %w", r.Kind, r.Reason, ErrNoAnswer)
	}
	c := s.choices[0]
	s.choices = s.choices[1:]
	return Reply{Choice: c}, nil
}

func (s *script) choiceRequests() []ChoiceRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []ChoiceRequest
	for _, a := range s.asked {
		if c, ok := a.(ChoiceRequest); ok {
			out = append(out, c)
		}
	}
	return out
}

// harness is an engine on a private state folder, recording what it emits and logs.
type harness struct {
	t      *testing.T
	state  string
	store  Store
	p      *script
	mu     sync.Mutex
	events []Event
	logs   bytes.Buffer
	opts   Options
}

func newHarness(t *testing.T, p *script) *harness {
	t.Helper()
	h := &harness{t: t, state: t.TempDir(), p: p}
	h.store = NewStore(h.state)
	h.opts = Options{
		Store:     h.store,
		Prompter:  p,
		Tick:      20 * time.Millisecond,
		KillGrace: 500 * time.Millisecond,
		Environ:   []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "LANG=C"},
		Getenv:    func(string) (string, bool) { return "", false },
		Observe: func(e Event) {
			h.mu.Lock()
			h.events = append(h.events, e)
			h.mu.Unlock()
		},
		Log: slog.New(slog.NewTextHandler(&lockedWriter{w: &h.logs, mu: &h.mu}, nil)),
	}
	return h
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (h *harness) engine() *Engine { return New(h.opts) }

func (h *harness) run(rb *Runbook) Outcome {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := h.engine().Run(ctx, rb)
	if err != nil {
		h.t.Fatalf("run: %v", err)
	}
	return out
}

// transcript reads the run's transcript and checks it is well-formed: every line an
// event, seq 1..n without gaps.
func (h *harness) transcript(out Outcome) []Event {
	h.t.Helper()
	return readChecked(h.t, out.Transcript)
}

func readChecked(t *testing.T, path string) []Event {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
	var evs []Event
	for i, l := range lines {
		var e Event
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("transcript line %d is not JSON: %v\n%s", i+1, err, l)
		}
		if e.Seq != i+1 {
			t.Fatalf("transcript line %d has seq %d", i+1, e.Seq)
		}
		evs = append(evs, e)
	}
	return evs
}

// runbookFrom parses and validates runbook text written to a file in dir.
func runbookFrom(t *testing.T, dir, text string, env Env) *Runbook {
	t.Helper()
	path := filepath.Join(dir, "test.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	rb, err := Load(path)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if err := rb.Validate(env); err != nil {
		t.Fatalf("validate: %v", err)
	}
	return rb
}

func ofType(evs []Event, typ Type) []Event {
	var out []Event
	for _, e := range evs {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

func last(evs []Event, typ Type) Event {
	var out Event
	for _, e := range evs {
		if e.Type == typ {
			out = e
		}
	}
	return out
}

func outputOf(evs []Event, step int) string {
	var b strings.Builder
	for _, e := range evs {
		if e.Type == Output && e.Step == step {
			b.WriteString(e.Text)
		}
	}
	return b.String()
}

// labEnv starts a lab and returns the session a runbook check needs: the example
// config's checks, built by the real registry, on a network pointed at the lab.
func labEnv(t *testing.T, scenario string) (Env, *lab.Lab) {
	t.Helper()
	sc, ok := lab.ScenarioByName(scenario)
	if !ok {
		t.Fatalf("no scenario %q", scenario)
	}
	l, err := lab.Start(sc, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	cfg, err := config.Parse(examples.Config, examples.ConfigName)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Network = config.Network{Resolvers: []string{l.DNSAddr}, ConnectTo: l.ConnectTo, CAFile: l.CAFile}
	cfg.Checks.Timeout = 2 * time.Second
	n, err := netx.New(netx.Config{Resolvers: cfg.Network.Resolvers, ConnectTo: cfg.Network.ConnectTo, CAFile: cfg.Network.CAFile})
	if err != nil {
		t.Fatal(err)
	}
	checks, err := kinds.Registry().Build(probes.Env{Config: cfg, Net: n, Now: time.Now, Log: slog.New(slog.DiscardHandler)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The example's endpoints section signs in with the lab's public test passwords
	// (resolved after Build, which collects the sections' secret references).
	if errs := cfg.Resolve(func(k string) (string, bool) { v, ok := sc.Env[k]; return v, ok }); len(errs) > 0 {
		t.Fatal(errs)
	}
	return Env{Checks: checks, Net: n, Now: time.Now}, l
}

// buildCond validates a one-step runbook whose check is spec and returns its condition.
func buildCond(t *testing.T, env Env, spec string) Condition {
	t.Helper()
	rb, err := Parse([]byte("steps:\n  - check: {"+spec+"}\n"), "cond.yaml")
	if err != nil {
		t.Fatalf("%s: %v", spec, err)
	}
	if err := rb.Validate(env); err != nil {
		t.Fatalf("%s: %v", spec, err)
	}
	return rb.Steps[0].check.Condition
}

// runbookErr parses and validates text and returns the error text ("" when valid).
func runbookErr(t *testing.T, text string, env Env) string {
	t.Helper()
	rb, err := Parse([]byte(text), "rb.yaml")
	if err == nil {
		err = rb.Validate(env)
	}
	if err == nil {
		return ""
	}
	return err.Error()
}

func listen(t *testing.T) net.Listener {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// netFor is a network that sends the given host:ports to loopback listeners and asks no
// real resolver (the one named is a closed loopback port).
func netFor(t *testing.T, connectTo map[string]string) *netx.Net {
	t.Helper()
	n, err := netx.New(netx.Config{Resolvers: []string{"127.0.0.1:9"}, ConnectTo: connectTo, DNSTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func httpKindChecks(cfg *config.Config, n *netx.Net) ([]probes.Check, error) {
	return httpcheck.Kind.Build(probes.Env{Config: cfg, Net: n, Now: time.Now, Log: slog.New(slog.DiscardHandler)})
}

package alert

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/internal/redact"
	"github.com/launchready/launchready/probes"
)

// baseYAML is the top of every test config; tests append an alerts: section.
const baseYAML = `domain: acme.example
canonical_url: https://app.acme.example/
hosts:
  - name: app.acme.example
`

// loadAlerts parses a real launchready.yaml with the given alerts section, decodes it and
// resolves its secrets from env, as watch does.
func loadAlerts(t testing.TB, alertsYAML string, env map[string]string) (*Config, *redact.Redactor) {
	t.Helper()
	cfg, err := config.Parse([]byte(baseYAML+alertsYAML), "launchready.yaml")
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	ac, err := Decode(cfg)
	if err != nil {
		t.Fatalf("alerts: %v", err)
	}
	if errs := cfg.Resolve(func(k string) (string, bool) { v, ok := env[k]; return v, ok }); len(errs) > 0 {
		t.Fatalf("resolve: %v", errs)
	}
	return ac, mustRedactor(t, cfg.SecretValues())
}

// receiver is a loopback HTTP server standing in for Slack, a webhook or Alertmanager: it
// records every request and fails the first `fail` of them with 500.
type receiver struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []received
	fail int
	// failBody is what a failing answer says (a real service may echo the URL).
	failBody string
	got      chan struct{}
}

type received struct {
	Path   string
	Header http.Header
	Body   []byte
	OK     bool
}

func newReceiver(t testing.TB, fail int) *receiver {
	r := &receiver{fail: fail, got: make(chan struct{}, 1000)}
	r.Server = httptest.NewUnstartedServer(http.HandlerFunc(r.serve))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r.Server.Listener = l
	r.Start()
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	b, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	ok := r.fail <= 0
	if !ok {
		r.fail--
	}
	r.reqs = append(r.reqs, received{Path: req.URL.Path, Header: req.Header.Clone(), Body: b, OK: ok})
	body := r.failBody
	r.mu.Unlock()
	r.got <- struct{}{}
	if !ok {
		if body == "" {
			body = "internal error"
		}
		http.Error(w, body, http.StatusInternalServerError)
		return
	}
	w.Write([]byte("ok"))
}

// accepted returns the bodies of requests answered 2xx.
func (r *receiver) accepted() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []received
	for _, q := range r.reqs {
		if q.OK {
			out = append(out, q)
		}
	}
	return out
}

func (r *receiver) all() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.reqs...)
}

// waitAccepted waits until n requests were accepted, or fails the test.
func (r *receiver) waitAccepted(t testing.TB, n int) []received {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		if got := r.accepted(); len(got) >= n {
			return got
		}
		select {
		case <-r.got:
		case <-deadline:
			t.Fatalf("receiver: %d accepted requests after 10s, want %d (all: %d)", len(r.accepted()), n, len(r.all()))
		}
	}
}

// smtpServer is a loopback go-smtp server that records messages and checks a password.
type smtpServer struct {
	addr string
	mu   sync.Mutex
	msgs []smtpMsg
	user string
	pass string
	got  chan struct{}
}

type smtpMsg struct {
	From string
	To   []string
	Data []byte
	User string
}

func newSMTP(t testing.TB, user, pass string) *smtpServer {
	s := &smtpServer{user: user, pass: pass, got: make(chan struct{}, 100)}
	be := smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &smtpSession{srv: s}, nil })
	srv := smtp.NewServer(be)
	srv.Domain = "mx.test"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout, srv.WriteTimeout = 5*time.Second, 5*time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = l.Addr().String()
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return s
}

func (s *smtpServer) messages() []smtpMsg {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]smtpMsg(nil), s.msgs...)
}

type smtpSession struct {
	srv  *smtpServer
	user string
	msg  smtpMsg
}

func (s *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *smtpSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		if user != s.srv.user || pass != s.srv.pass {
			return errors.New("invalid credentials")
		}
		s.user = user
		return nil
	}), nil
}
func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.srv.user != "" && s.user == "" {
		return &smtp.SMTPError{Code: 530, Message: "authentication required"}
	}
	s.msg = smtpMsg{From: from, User: s.user}
	return nil
}
func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.msg.To = append(s.msg.To, to)
	return nil
}
func (s *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.msg.Data = b
	s.srv.mu.Lock()
	s.srv.msgs = append(s.srv.msgs, s.msg)
	s.srv.mu.Unlock()
	s.srv.got <- struct{}{}
	return nil
}
func (s *smtpSession) Reset()        {}
func (s *smtpSession) Logout() error { return nil }

// clock is a settable time for the engine's decisions.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC)} }
func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// results builders: a failing and a passing run of one check.
func failing(check string, sev probes.Severity) probes.Result {
	return probes.Result{Check: check, Kind: "http", Pane: probes.PaneEndpoints, Target: "https://" + strings.TrimPrefix(check, "http ") + "/",
		Status: probes.StatusFail, Findings: []probes.Finding{{
			ID: "http.server-error", Pane: probes.PaneEndpoints, Check: check, Target: "https://" + strings.TrimPrefix(check, "http ") + "/",
			Severity: sev, Impact: probes.Revenue, Title: "API answers 503", Detail: "GET answered 503",
			Observed: "HTTP 503", Expected: "HTTP 2xx or 3xx", Fix: "roll back the last deploy"}}}
}

func passing(check string) probes.Result {
	return probes.Result{Check: check, Kind: "http", Pane: probes.PaneEndpoints, Target: "https://" + strings.TrimPrefix(check, "http ") + "/", Status: probes.StatusOK}
}

// rig is an engine and dispatcher over a state folder, as watch wires them.
type rig struct {
	t     testing.TB
	dir   string
	cfg   *Config
	red   *redact.Redactor
	clock *clock
	store *Store
	eng   *Engine
	disp  *Dispatcher
	logs  *lockedBuffer
	stop  func()
}

// newRig opens the state in dir and starts delivering. clk may be nil for real time
// (delivery timing is always real; the clock only drives the engine's decisions).
func newRig(t testing.TB, dir string, cfg *Config, red *redact.Redactor, clk *clock) *rig {
	t.Helper()
	r := &rig{t: t, dir: dir, cfg: cfg, red: red, clock: clk, logs: &lockedBuffer{}}
	log := slog.New(redact.Handler(slog.NewTextHandler(r.logs, nil), red))
	now := time.Now
	if clk != nil {
		now = clk.Now
	}
	var err error
	if r.store, err = OpenStore(dir, red, log); err != nil {
		t.Fatal(err)
	}
	senders, err := NewSenders(cfg, SenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r.disp = NewDispatcher(cfg, r.store, senders, DispatcherOptions{Product: "Acme Community", Domain: "acme.example",
		StateDir: dir, Logger: log, Redactor: red, Now: now})
	r.eng = NewEngine(cfg, r.store, EngineOptions{Now: now, Logger: log, Notify: r.disp.Wake,
		Maintenance: NewMaintenance(cfg, dir, nil)})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.disp.Run(ctx); close(done) }()
	r.stop = func() { cancel(); <-done; r.store.Close() }
	t.Cleanup(func() {
		if r.stop != nil {
			r.stop()
		}
	})
	return r
}

// shutdown stops delivery and closes the state, as SIGTERM does.
func (r *rig) shutdown() {
	r.stop()
	r.stop = nil
}

func (r *rig) observe(res ...probes.Result) []Notification {
	r.t.Helper()
	var out []Notification
	for _, x := range res {
		ns, err := r.eng.Observe(x)
		if err != nil {
			r.t.Fatal(err)
		}
		out = append(out, ns...)
	}
	return out
}

// lockedBuffer is a bytes.Buffer safe for the logger's concurrent writes.
type lockedBuffer struct {
	bytes.Buffer
	mu sync.Mutex
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.Buffer.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.Buffer.String()
}

func decodeJSON[T any](t testing.TB, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b)
	}
	return v
}

func mustRedactor(t testing.TB, values []string) *redact.Redactor {
	t.Helper()
	r, err := redact.New(redact.Options{Values: redact.WithURLParts(values)})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

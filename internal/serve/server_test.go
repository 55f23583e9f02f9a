package serve

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/internal/serveconf"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/tui"
)

// newKey makes a client key pair.
func newKey(t *testing.T) gossh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func authorized(s gossh.Signer) string {
	return strings.TrimSpace(string(gossh.MarshalAuthorizedKey(s.PublicKey())))
}

// loopCheck fetches a loopback page and counts its runs there: the target sees how many
// engines probe it.
type loopCheck struct {
	name, url string
}

func (c *loopCheck) Info() probes.CheckInfo {
	return probes.CheckInfo{Name: c.name, Kind: "http", Pane: probes.PaneEndpoints, Target: c.url}
}

func (c *loopCheck) Run(ctx context.Context) probes.Result {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, c.url, nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return probes.Result{Err: err.Error()}
	}
	res.Body.Close()
	return probes.Result{Status: probes.StatusOK}
}

// fakeTrigger records what an operator's console asked the runner for.
type fakeTrigger struct {
	mu    sync.Mutex
	asked []string
}

func (f *fakeTrigger) Trigger(name string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, name)
	return true
}

func (f *fakeTrigger) TriggerAll() { f.Trigger("*") }

func (f *fakeTrigger) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.asked)
}

type harness struct {
	addr             string
	operator, viewer gossh.Signer
	oncall           gossh.Signer // a second operator
	hostKey          gossh.Signer
	dir              string // the state folder: host key, local socket
	srv              *Server
	hits             *atomic.Int64
	trig             *fakeTrigger
	mu               sync.Mutex
	sessions         []Session
	heard            []string // "open founder", "close founder: why"
	log              *syncBuf
}

func (h *harness) heardSoFar() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.heard...)
}

func (h *harness) seen() []Session {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Session(nil), h.sessions...)
}

// startServe runs a serve on 127.0.0.1 over one real runner probing a loopback page once
// (the interval is an hour), with an operator and a viewer in the config.
func startServe(t *testing.T, extra string) *harness {
	t.Helper()
	return startServeEvery(t, extra, time.Hour)
}

// startServeEvery is startServe with the runner sweeping every interval.
func startServeEvery(t *testing.T, extra string, interval time.Duration) *harness {
	t.Helper()
	return startServeWith(t, extra, interval, nil)
}

// startServeWith is startServeEvery with runbooks: when rbo is set, every session gets
// them as cmd/launchready's sessionRunbooks gives them (no shell; an operator runs as
// itself, its serve.users name and key in the lock and the transcript; a viewer only
// looks).
func startServeWith(t *testing.T, extra string, interval time.Duration, rbo *tui.RunbookOptions) *harness {
	t.Helper()
	h := &harness{operator: newKey(t), viewer: newKey(t), oncall: newKey(t), hits: &atomic.Int64{}, trig: &fakeTrigger{}, log: &syncBuf{}}
	target := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.hits.Add(1) }))
	target.Listener, _ = net.Listen("tcp", "127.0.0.1:0")
	target.Start()
	t.Cleanup(target.Close)

	yml := fmt.Sprintf(`product: Acme
domain: acme.example
canonical_url: https://app.acme.example/
hosts:
  - name: app.acme.example
    role: app
    cname: acme.example
serve:
%s  users:
    - name: ops-lead
      role: operator
      keys: [%q]
    - name: founder
      role: viewer
      keys: [%q]
    - name: on-call
      role: operator
      keys: [%q]
`, extra, authorized(h.operator), authorized(h.viewer), authorized(h.oncall))
	cfg, err := config.Parse([]byte(yml), "launchready.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sc, err := serveconf.Decode(cfg)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	host, _, err := HostKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	h.hostKey, h.dir = host, dir
	checks := []probes.Check{&loopCheck{name: "http app.acme.example", url: target.URL + "/app"}, &loopCheck{name: "http api.acme.example", url: target.URL + "/api"}}
	runner := probes.NewRunner(checks, probes.RunnerOptions{Interval: interval})
	hub := NewHub()
	runner.Subscribe(hub.Publish)
	infos := make([]probes.CheckInfo, len(checks))
	for i, c := range checks {
		infos[i] = c.Info()
	}
	srv, err := New(Options{Config: sc, HostKey: host, Hub: hub, Log: slog.New(slog.NewTextHandler(h.log, nil)),
		Sessions: func(s Session, opened bool, why string) {
			h.mu.Lock()
			defer h.mu.Unlock()
			if opened {
				h.heard = append(h.heard, "open "+s.User)
			} else {
				h.heard = append(h.heard, "close "+s.User+": "+why)
			}
		},
		Console: func(s Session) tui.Options {
			h.mu.Lock()
			h.sessions = append(h.sessions, s)
			h.mu.Unlock()
			o := tui.Options{Product: "Acme", Checks: infos, Tick: -1, Runbooks: sessionRunbooks(rbo, s)}
			if s.Operator() {
				o.Runner = h.trig
			} else {
				o.Viewer = s.User
			}
			return o
		}})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h.addr, h.srv = ln.Addr().String(), srv
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { srv.Serve(ln) })
	wg.Go(func() { runner.Run(ctx) })
	t.Cleanup(func() { srv.Close(); cancel(); wg.Wait() })
	return h
}

// client is one SSH console session as a user sees it: what the screen printed.
type client struct {
	t    *testing.T
	conn *gossh.Client
	sess *gossh.Session
	in   io.WriteCloser
	mu   sync.Mutex
	out  bytes.Buffer
	done chan struct{}
}

func dial(h *harness, signers ...gossh.Signer) (*gossh.Client, error) {
	return gossh.Dial("tcp", h.addr, &gossh.ClientConfig{
		User:            "anyone",
		Auth:            []gossh.AuthMethod{gossh.PublicKeys(signers...)},
		HostKeyCallback: gossh.FixedHostKey(h.hostKey.PublicKey()),
		Timeout:         10 * time.Second,
	})
}

func openConsole(t *testing.T, h *harness, w, ht int, signers ...gossh.Signer) *client {
	t.Helper()
	conn, err := dial(h, signers...)
	if err != nil {
		t.Fatal(err)
	}
	return attach(t, conn, w, ht)
}

// attach opens a console session with a w x ht terminal on a signed-in connection.
func attach(t *testing.T, conn *gossh.Client, w, ht int) *client {
	t.Helper()
	sess, err := conn.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.RequestPty("xterm-256color", ht, w, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	c := &client{t: t, conn: conn, sess: sess, done: make(chan struct{})}
	out, _ := sess.StdoutPipe()
	c.in, _ = sess.StdinPipe()
	sess.Stderr = c
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(c.done)
		buf := make([]byte, 32<<10)
		for {
			n, err := out.Read(buf)
			c.mu.Lock()
			c.out.Write(buf[:n])
			c.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() { sess.Close(); conn.Close() })
	return c
}

// Write takes the session's stderr into the screen, as a terminal shows both.
func (c *client) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.out.Write(p)
}

// screen is everything drawn so far, without the escape sequences.
func (c *client) screen() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return ansi.Strip(c.out.String())
}

// since is what was drawn after mark.
func (c *client) mark() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.out.Len()
}

func (c *client) waitFor(want string, from int) {
	c.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		c.mu.Lock()
		s := ansi.Strip(c.out.String()[from:])
		c.mu.Unlock()
		if strings.Contains(s, want) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	s := c.screen()
	c.t.Fatalf("the console never showed %q; it drew (last 3000 chars):\n%s", want, s[max(0, len(s)-3000):])
}

func (c *client) keys(s string) {
	c.t.Helper()
	if _, err := c.in.Write([]byte(s)); err != nil {
		c.t.Fatal(err)
	}
}

// TestTwoSessionsOneEngine: two consoles at once, and one that joins later, all show the
// same sweep, and the target saw each check once: the sessions share the engine instead
// of each probing the product.
func TestTwoSessionsOneEngine(t *testing.T) {
	h := startServe(t, "")
	a := openConsole(t, h, 120, 40, h.operator)
	b := openConsole(t, h, 80, 24, h.viewer)
	for _, c := range []*client{a, b} {
		c.keys("5") // the Endpoints pane lists the checks
		c.waitFor("/api", 0)
	}
	// Both checks ran once; let any second run have its chance to show up.
	deadline := time.Now().Add(10 * time.Second)
	for h.hits.Load() < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	late := openConsole(t, h, 100, 30, h.viewer)
	late.keys("5")
	late.waitFor("/api", 0)
	late.waitFor("ok", 0)
	if n := h.hits.Load(); n != 2 {
		t.Errorf("the target was probed %d times for 2 checks and 3 consoles; want 2 (one engine)", n)
	}
}

// TestRoles: an operator's r reaches the runner; a viewer's r and R are refused on the
// screen and never reach it.
func TestRoles(t *testing.T) {
	h := startServe(t, "")
	v := openConsole(t, h, 120, 40, h.viewer)
	v.keys("5")
	v.waitFor("/app", 0)
	m := v.mark()
	v.keys("R")
	v.waitFor("founder is signed in as a viewer", m)
	m = v.mark()
	v.keys("r")
	v.waitFor("re-run checks (serve.users role)", m)
	if n := h.trig.count(); n != 0 {
		t.Fatalf("a viewer's keys reached the runner %d times", n)
	}
	o := openConsole(t, h, 120, 40, h.operator)
	o.keys("5")
	o.waitFor("/app", 0)
	m = o.mark()
	o.keys("R")
	o.waitFor("sweeping all 2 checks", m)
	deadline := time.Now().Add(5 * time.Second)
	for h.trig.count() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if h.trig.count() == 0 {
		t.Fatal("the operator's R never reached the runner")
	}
}

// offerOnly shows a listed public key and then declines to sign with it, as a client does
// whose agent offers a key the user then refuses to unlock: the server's auth callback
// runs for the key (and says yes), but the key is never proven.
type offerOnly struct{ pub gossh.PublicKey }

func (o offerOnly) PublicKey() gossh.PublicKey { return o.pub }
func (o offerOnly) Sign(io.Reader, []byte) (*gossh.Signature, error) {
	return nil, errors.New("declined to sign")
}

// TestRoleFromTheProvenKey: the client offers the operator's key without proving it, then
// proves the viewer's key. The auth callback said yes to the operator's key, so a role
// remembered there (the first key accepted, or the most powerful) would be operator; the
// session must be the viewer. (golang.org/x/crypto/ssh caches one key since CVE-2024-45337,
// so the callback's last call is for the proven key; serve relies on neither.)
func TestRoleFromTheProvenKey(t *testing.T) {
	h := startServe(t, "")
	steps := []gossh.AuthMethod{
		gossh.PublicKeys(offerOnly{h.operator.PublicKey()}),
		gossh.PublicKeys(h.viewer),
	}
	conn, err := gossh.Dial("tcp", h.addr, &gossh.ClientConfig{
		User: "anyone",
		AuthCallback: func(*gossh.ClientAuthContext) (gossh.AuthMethod, error) {
			if len(steps) == 0 {
				return nil, nil
			}
			m := steps[0]
			steps = steps[1:]
			return m, nil
		},
		HostKeyCallback: gossh.FixedHostKey(h.hostKey.PublicKey()),
		Timeout:         10 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 0 {
		t.Fatalf("the handshake ended before the viewer's key was proven (%d steps left)", len(steps))
	}
	c := attach(t, conn, 80, 24)
	c.waitFor("Acme", 0)
	ss := h.seen()
	if len(ss) != 1 {
		t.Fatalf("sessions = %+v", ss)
	}
	if ss[0].User != "founder" || ss[0].Role != Viewer {
		t.Errorf("the session is %s (%s); it authenticated with founder's viewer key", ss[0].User, ss[0].Role)
	}
	m := c.mark()
	c.keys("R")
	c.waitFor("signed in as a viewer", m)
	if h.trig.count() != 0 {
		t.Error("the session's R reached the runner")
	}
}

// TestUnknownKeyRefused: a key nobody listed never gets a session.
func TestUnknownKeyRefused(t *testing.T) {
	h := startServe(t, "")
	_, err := dial(h, newKey(t))
	if err == nil || !strings.Contains(err.Error(), "unable to authenticate") {
		t.Fatalf("an unknown key: err = %v, want the handshake refused", err)
	}
	if len(h.seen()) != 0 {
		t.Error("an unknown key reached the console")
	}
}

// TestResize: the console redraws at the terminal's new size.
func TestResize(t *testing.T) {
	h := startServe(t, "")
	c := openConsole(t, h, 80, 24, h.operator)
	c.waitFor("Acme", 0)
	m := c.mark()
	if err := c.sess.WindowChange(48, 160); err != nil {
		t.Fatal(err)
	}
	// At 160 columns the help line has room for keys the 80-column one leaves out; the
	// simplest sure sign of a redraw at the new width is a line longer than 80.
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		c.mu.Lock()
		raw := c.out.String()[m:]
		c.mu.Unlock()
		if widestLine(raw) > 80 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("no line wider than 80 columns after resizing to 160x48")
}

func widestLine(raw string) int {
	w := 0
	for _, l := range strings.Split(raw, "\n") {
		w = max(w, ansi.StringWidth(l))
	}
	return w
}

// TestMaxSessions: one console over serve.max_sessions is told so and closed.
func TestMaxSessions(t *testing.T) {
	h := startServe(t, "  max_sessions: 1\n")
	a := openConsole(t, h, 80, 24, h.operator)
	a.waitFor("Acme", 0)
	b := openConsole(t, h, 80, 24, h.viewer)
	select {
	case <-b.done:
	case <-time.After(10 * time.Second):
		t.Fatal("the second session stayed open past max_sessions 1")
	}
	// The message comes on stderr, which the SSH client copies on its own goroutine: it
	// may land just after stdout's end.
	deadline := time.Now().Add(3 * time.Second)
	for !strings.Contains(b.screen(), "serve.max_sessions") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(b.screen(), "serve.max_sessions") {
		t.Errorf("the refused session was told: %q", b.screen())
	}
}

// TestAuditLog: a session's start and end are logged with the user, the key and where
// from.
func TestAuditLog(t *testing.T) {
	h := startServe(t, "")
	c := openConsole(t, h, 80, 24, h.viewer)
	c.waitFor("Acme", 0)
	c.keys("q")
	select {
	case <-c.done:
	case <-time.After(10 * time.Second):
		t.Fatal("q did not end the session")
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) && !strings.Contains(logText(h), "ssh session ended") {
		time.Sleep(10 * time.Millisecond)
	}
	log := logText(h)
	fp := gossh.FingerprintSHA256(h.viewer.PublicKey())
	for _, want := range []string{"ssh session started", "ssh session ended", "user=founder", "role=viewer", "key=" + fp, "remote=127.0.0.1:", `why="closed by the user"`} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %q:\n%s", want, log)
		}
	}
}

func logText(h *harness) string { return h.log.String() }

// syncBuf is a log the server writes while the test reads.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

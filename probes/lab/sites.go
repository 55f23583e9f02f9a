package lab

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"maps"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// routeTable is one listener's routes. Lab.SetRoute changes it while
// requests are served, hence the lock.
type routeTable struct {
	mu     sync.RWMutex
	routes []Route
	// upgradeTo, when set, answers requests no route matches with a 301 to
	// https://upgradeTo + the request URI: the plain listener of a site whose
	// scenario gave it no HTTP routes.
	upgradeTo string
	// done is closed by Lab.Close, so delayed answers give up at once.
	done <-chan struct{}
	// auth is the lab's accounts and sessions, for Login and Auth routes; the
	// lab sets one shared by all its listeners.
	auth *auth
	// loads is the load state of rate-aware routes (DegradeAbove, FailAbove), by
	// loadKey, under its own lock so counting never waits for a route change.
	loadMu sync.Mutex
	loads  map[string]*routeLoad
	// mailer submits Mails routes' mail to the scenario's mail world; nil without one.
	mailer *labMailer
	// turnedAway counts requests answered 503 past a route's FailAbove: the failed jobs a
	// Backlog route adds to its count.
	turnedAway atomic.Int64
}

func newRouteTable(routes []Route, upgradeTo string, done <-chan struct{}) *routeTable {
	t := &routeTable{upgradeTo: upgradeTo, done: done, auth: newAuth(nil, nil)}
	for _, r := range routes {
		t.set(r)
	}
	return t
}

// set adds r, or replaces the route with the same Path and Method.
func (t *routeTable) set(r Route) {
	r.Method = strings.ToUpper(r.Method)
	r.Headers = maps.Clone(r.Headers) // the caller's map stays the caller's
	t.forget(r)
	t.mu.Lock()
	defer t.mu.Unlock()
	for i, old := range t.routes {
		if old.Path == r.Path && old.Method == r.Method {
			t.routes[i] = r
			return
		}
	}
	t.routes = append(t.routes, r)
}

// match finds the most specific route for a request: exact paths before
// prefixes, longer prefixes before shorter, routes with a Method before
// those without. A GET route answers HEAD too.
func (t *routeTable) match(method, path string) (Route, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	var best Route
	bestScore := -1
	for _, r := range t.routes {
		if r.Method != "" && r.Method != method && !(r.Method == http.MethodGet && method == http.MethodHead) {
			continue
		}
		score := 0
		if prefix, ok := strings.CutSuffix(r.Path, "*"); ok {
			if !strings.HasPrefix(path, prefix) {
				continue
			}
			score = 2 * len(prefix)
		} else {
			if r.Path != path {
				continue
			}
			score = 1 << 30
		}
		if r.Method != "" {
			score++
		}
		if score > bestScore {
			best, bestScore = r, score
		}
	}
	return best, bestScore >= 0
}

// ServeHTTP answers with the matching route's canned response.
func (t *routeTable) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r, ok := t.match(req.Method, req.URL.Path)
	if !ok {
		if t.upgradeTo != "" {
			w.Header().Set("Location", "https://"+t.upgradeTo+req.URL.RequestURI())
			w.WriteHeader(http.StatusMovedPermanently)
			return
		}
		http.NotFound(w, req)
		return
	}
	delay := r.Delay
	if r.DegradeAbove > 0 || r.FailAbove > 0 {
		load := t.loadOf(r)
		if r.FailAbove > 0 {
			if !load.enter(r.FailAbove) {
				t.turnedAway.Add(1)
				overloaded(w)
				return
			}
			defer load.leave()
		}
		if r.DegradeAbove > 0 && load.arrive(time.Now(), r.DegradeAbove) {
			delay += r.degradeBy()
		}
	}
	if delay > 0 {
		timer := time.NewTimer(delay)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-req.Context().Done():
			return
		case <-t.done:
			return
		}
	}
	if r.Login != nil {
		t.auth.login(w, req, r)
		return
	}
	if r.Webhook != nil && !r.Webhook.accept(req) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"error":"webhook signature verification failed"}`)
		return
	}
	if r.Mails != nil && t.mailOut(w, req, r) {
		return
	}
	body := r.Body
	if r.Auth != "" {
		u, answered := t.auth.deny(w, req, r)
		if answered {
			return
		}
		body = strings.ReplaceAll(body, "{{user}}", u.Email)
	} else if r.Personal {
		u, _ := t.auth.user(req)
		body = strings.ReplaceAll(body, "{{user}}", u.Email)
	}
	if r.Backlog != nil {
		body = strings.ReplaceAll(body, "{{failed_jobs}}", strconv.FormatInt(int64(r.Backlog.FailedJobs)+t.turnedAway.Load(), 10))
	}
	h := w.Header()
	for k, v := range r.Headers {
		h.Set(k, v)
	}
	if r.Location != "" {
		h.Set("Location", r.Location)
	}
	if h.Get("Content-Type") == "" && (strings.HasPrefix(body, "{") || strings.HasPrefix(body, "[")) {
		h.Set("Content-Type", "application/json")
	}
	if r.status() == http.StatusOK && notModified(req, h) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.WriteHeader(r.status())
	_, _ = io.WriteString(w, body)
}

// overloaded is a route's answer past its FailAbove: what an app out of database
// connections sends.
func overloaded(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Retry-After", "5")
	w.WriteHeader(http.StatusServiceUnavailable)
	_, _ = io.WriteString(w, `{"error":"too many requests in progress: database connection pool exhausted"}`)
}

// webServer is one listener: a site's HTTPS or plain HTTP port.
type webServer struct {
	addr string
	srv  *http.Server
	// live counts the serve goroutine and every open connection, so close
	// returns only once all of them are gone.
	live sync.WaitGroup
}

// serveWeb starts an HTTP server on a fresh loopback port; with tlsConf it
// speaks TLS, offering HTTP/2 and HTTP/1.1 over ALPN as real sites do.
func serveWeb(h http.Handler, tlsConf *tls.Config) (*webServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	ws := &webServer{addr: ln.Addr().String()}
	ws.srv = &http.Server{
		Handler:           h,
		TLSConfig:         tlsConf,
		ReadHeaderTimeout: 10 * time.Second,
		// Probes of broken certificates abort handshakes on purpose; the
		// lab is not the place to report that.
		ErrorLog:  log.New(io.Discard, "", 0),
		ConnState: ws.track,
	}
	ws.live.Add(1)
	go func() {
		defer ws.live.Done()
		if tlsConf != nil {
			_ = ws.srv.ServeTLS(ln, "", "")
		} else {
			_ = ws.srv.Serve(ln)
		}
	}()
	return ws, nil
}

// track keeps live in step with the server's connections. StateNew is
// reported from the serve loop, while live already counts that loop, so the
// WaitGroup never goes from zero to one behind close's back.
func (ws *webServer) track(_ net.Conn, s http.ConnState) {
	switch s {
	case http.StateNew:
		ws.live.Add(1)
	case http.StateClosed, http.StateHijacked:
		ws.live.Done()
	}
}

// close stops the listener, drops every connection and waits until the
// serve loop and every connection goroutine have finished.
func (ws *webServer) close() error {
	err := ws.srv.Close()
	finished := make(chan struct{})
	go func() {
		ws.live.Wait()
		close(finished)
	}()
	select {
	case <-finished:
		return err
	case <-time.After(5 * time.Second):
		return errors.Join(err, fmt.Errorf("listener %s: connections still open 5s after close", ws.addr))
	}
}

// closedPort is a loopback port that refuses connections and that no other
// program can take while the lab runs: the local end of a connection the lab
// made to itself. Nothing listens there, so the kernel answers a connection
// attempt with a reset ("connection refused"), exactly what a probe sees
// when a site's port is down. A port merely found free and released could be
// taken by anything in the meantime.
type closedPort struct {
	addr   string
	client net.Conn
	server net.Conn
}

func reserveClosedPort() (*closedPort, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	defer ln.Close()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		return nil, err
	}
	server, err := ln.Accept()
	if err != nil {
		client.Close()
		return nil, err
	}
	return &closedPort{addr: client.LocalAddr().String(), client: client, server: server}, nil
}

// close resets the connection instead of closing it politely: a polite
// close would leave the port in TIME_WAIT for a minute, unusable by the next
// lab or test.
func (p *closedPort) close() error {
	if tc, ok := p.client.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	return errors.Join(p.client.Close(), p.server.Close())
}

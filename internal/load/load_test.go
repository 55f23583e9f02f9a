package load

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// bucket is a token bucket: the lab's idea of a login that holds up to a known rate.
type bucket struct {
	mu     sync.Mutex
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
}

func (b *bucket) take() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := time.Now()
	if b.last.IsZero() {
		b.tokens = b.burst
	} else {
		b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	}
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true
	}
	return false
}

// degrading serves fast up to rate requests a second; past it, each request over the
// rate is slow (slow > 0) or refused with 429 (slow == 0).
func degrading(t *testing.T, rate float64, slow time.Duration, hits *atomic.Int64) string {
	t.Helper()
	b := &bucket{rate: rate, burst: 3}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if b.take() {
			w.Write([]byte("ok"))
			return
		}
		if slow > 0 {
			time.Sleep(slow)
			w.Write([]byte("ok, slowly"))
			return
		}
		w.Header().Set("Retry-After", "1")
		http.Error(w, "slow down", http.StatusTooManyRequests)
	})}}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL
}

func plan(url string, rate float64, ramp, hold time.Duration) Plan {
	return Plan{
		Flows: []Flow{{Name: "login", Method: http.MethodPost, URL: url + "/login", Body: SignupBody(`{"email":"{{email}}"}`, "test.example", "t1")}},
		Rate:  rate, Ramp: ramp, Duration: hold,
		ErrorThreshold: 0.05, P95Budget: 40 * time.Millisecond, StopAfter: 2 * time.Second,
		Client:  &http.Client{Timeout: 5 * time.Second},
		Allowed: func(h string) bool { return h == "127.0.0.1" },
	}
}

// TestKnee: a login that slows past 30 requests a second; the ramp finds the knee within
// 20% of it.
func TestKnee(t *testing.T) {
	t.Parallel()
	var hits atomic.Int64
	u := degrading(t, 30, 80*time.Millisecond, &hits)
	p := plan(u, 60, 6*time.Second, time.Second)
	p.StopAfter = time.Minute // measure, do not stop
	rep, err := Run(context.Background(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := rep.Flows[0]
	if f.Knee == nil {
		t.Fatalf("no knee found: %+v", f)
	}
	t.Logf("knee at %.1f/s (limit 30/s)", f.Knee.Rate)
	if f.Knee.Rate < 24 || f.Knee.Rate > 36 {
		t.Errorf("knee at %.1f/s, want within 20%% of 30/s", f.Knee.Rate)
	}
	if f.Failing != nil || f.ErrorRate > 0 {
		t.Errorf("a slow login is not a failing one: %+v", f)
	}
	// Bounded: the ramp and the hold send about 1*6 + 59*3 + 60 = 243 requests.
	if n := hits.Load(); n < 200 || n > 260 {
		t.Errorf("%d requests, want about 243", n)
	}
}

// TestStopsEarlyOnErrors: a sign-up that answers 429 past 20/s stops a 30 s run after
// StopAfter of errors, and the report says when the 429s began.
func TestStopsEarlyOnErrors(t *testing.T) {
	t.Parallel()
	var hits atomic.Int64
	u := degrading(t, 20, 0, &hits)
	rep, err := Run(context.Background(), plan(u, 50, 0, 30*time.Second), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rep.StoppedBy, "errors over 5%") || rep.Took > 6*time.Second {
		t.Fatalf("stopped by %q after %s, want an early stop on errors", rep.StoppedBy, rep.Took)
	}
	f := rep.Flows[0]
	if f.First429 == nil || f.First429.At > 2*time.Second || f.Failing == nil || f.Statuses["429"] == 0 {
		t.Errorf("first 429 %v, failing %v, statuses %v", f.First429, f.Failing, f.Statuses)
	}
	var b strings.Builder
	rep.WriteText(&b)
	for _, want := range []string{"Stopped early: login: errors over 5%", "first 429   at ", "429×"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, b.String())
		}
	}
}

// TestInterruptWritesReport: Ctrl+C (ctx cancelled) stops at once and still reports.
func TestInterruptWritesReport(t *testing.T) {
	t.Parallel()
	var hits atomic.Int64
	u := degrading(t, 1000, 0, &hits)
	ctx, cancel := context.WithCancel(context.Background())
	var snaps atomic.Int64
	go func() { time.Sleep(1500 * time.Millisecond); cancel() }()
	rep, err := Run(ctx, plan(u, 20, 0, 30*time.Second), func(s Snapshot) {
		snaps.Add(1)
		if !strings.Contains(s.Line(0), "login") {
			t.Errorf("progress line %q does not name the flow", s.Line(0))
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Interrupted || rep.Took > 3*time.Second || rep.Flows[0].Requests == 0 || snaps.Load() == 0 {
		t.Fatalf("interrupted %v after %s with %d requests, %d progress calls", rep.Interrupted, rep.Took, rep.Flows[0].Requests, snaps.Load())
	}
}

// TestRefusesHostsNotInConfig: nothing is sent to a host the config does not list.
func TestRefusesHostsNotInConfig(t *testing.T) {
	t.Parallel()
	var hits atomic.Int64
	u := degrading(t, 1000, 0, &hits)
	p := plan(u, 10, 0, time.Second)
	p.Allowed = func(h string) bool { return h == "app.acme.example" }
	_, err := Run(context.Background(), p, nil)
	if err == nil || !strings.Contains(err.Error(), "127.0.0.1 is not one of the config's hosts") {
		t.Fatalf("error %v", err)
	}
	p.Allowed = nil
	if _, err := Run(context.Background(), p, nil); err == nil {
		t.Fatal("a plan without an allow list ran")
	}
	if hits.Load() != 0 {
		t.Errorf("%d requests reached a host that is not allowed", hits.Load())
	}
}

func TestRampPacer(t *testing.T) {
	t.Parallel()
	p := rampPacer{start: 1, rate: 21, ramp: 10 * time.Second}
	// Over the ramp: 1*10 + 20*10/2 = 110 requests; then 21 a second.
	for _, tc := range []struct {
		at   time.Duration
		want float64
	}{{0, 0}, {10 * time.Second, 110}, {12 * time.Second, 152}} {
		if got := p.expected(tc.at); got != tc.want {
			t.Errorf("expected(%s) = %g, want %g", tc.at, got, tc.want)
		}
	}
	// The wait for request 111 (the first after the ramp) lands at 10s + 1/21 s.
	if w, _ := p.Pace(10*time.Second, 110); w < 47*time.Millisecond || w > 48*time.Millisecond {
		t.Errorf("wait %s, want about 47.6ms", w)
	}
	if w, _ := p.Pace(5*time.Second, 0); w != 0 {
		t.Errorf("behind schedule, wait %s, want 0", w)
	}
}

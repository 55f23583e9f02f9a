package load

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestGaugesDuringTheRun: an app whose job queue grows with every sign-up and whose
// sign-ups slow as it grows; the run reads the queue (over HTTP, as the metric checks do)
// before, during and after, and the report says the background work backed up while p95
// rose. A gauge that cannot be read is named, not fatal.
func TestGaugesDuringTheRun(t *testing.T) {
	t.Parallel()
	var queue atomic.Int64
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/metrics" {
			fmt.Fprint(w, queue.Load())
			return
		}
		n := queue.Add(1) // each sign-up queues its welcome e-mail; nothing drains it
		time.Sleep(time.Duration(n) * 50 * time.Microsecond)
		w.Write([]byte("ok"))
	})}}
	srv.Start()
	t.Cleanup(srv.Close)
	read := func(ctx context.Context) (Reading, error) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/metrics", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return Reading{}, err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		v, err := strconv.ParseFloat(string(b), 64)
		return Reading{Value: v}, err
	}
	p := plan(srv.URL, 100, 0, 3*time.Second)
	p.P95Budget, p.StopAfter = 0, time.Minute
	p.SampleEvery = 500 * time.Millisecond
	p.Gauges = []Gauge{{Name: "queue_depth", Read: read},
		{Name: "failed_jobs", Read: func(context.Context) (Reading, error) { return Reading{}, errors.New("connection refused") }}}
	rep, err := Run(context.Background(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	bg := rep.Background
	if bg == nil || len(bg.Gauges) != 2 {
		t.Fatalf("background %+v", bg)
	}
	q := bg.Gauges[0]
	t.Logf("%s; %+v", bg.Summary, q)
	if q.From != 0 || q.To < 250 || q.Samples < 6 || !bg.BackedUp || bg.P95Peak <= bg.P95From {
		t.Errorf("queue %+v, p95 %s → %s: want 0 before, about 300 after, sampled every 0.5s", q, bg.P95From, bg.P95Peak)
	}
	if !strings.HasPrefix(bg.Summary, "background work backed up: queue_depth 0 → "+num(q.Worst)+" while p95 rose from ") ||
		!strings.Contains(bg.Summary, "failed_jobs could not be read (connection refused)") {
		t.Errorf("summary %q", bg.Summary)
	}
	var b strings.Builder
	rep.WriteText(&b)
	if !strings.Contains(b.String(), "\nBackground work backed up: queue_depth 0 → ") {
		t.Errorf("text report lacks the background line:\n%s", b.String())
	}
}

// TestGaugesKeptUp: a gauge that does not move reads "kept up".
func TestGaugesKeptUp(t *testing.T) {
	t.Parallel()
	s := newSampler([]Gauge{{Name: "workers", Read: func(context.Context) (Reading, error) { return Reading{Value: 4, LowerIsWorse: true}, nil }}}, time.Second)
	s.sample(context.Background(), 0)
	s.sample(context.Background(), 80*time.Millisecond)
	s.sample(context.Background(), 80*time.Millisecond)
	if got := s.report().Summary; got != "background work kept up: workers 4 → 4 with p95 at 80ms" {
		t.Errorf("summary %q", got)
	}
	if num(0) != "0" || num(17) != "17" || num(0.125) != "0.13" {
		t.Errorf("num: %q %q %q", num(0), num(17), num(0.125))
	}
}

// TestGaugesNoise: a gauge backs up only when it rises past max(1, 20% of its baseline)
// and is still above the baseline at the last sample, or crosses the metric check's own
// threshold on the way; the app at work (17 → 18 failed jobs, a queue of 3 that touched 5
// and drained) kept up.
func TestGaugesNoise(t *testing.T) {
	t.Parallel()
	one, ten := 1.0, 10.0
	for _, tc := range []struct {
		name      string
		samples   []float64
		lower     bool
		threshold *float64
		backedUp  bool
	}{
		{"queue touched 5 and drained", []float64{3, 5, 3}, false, nil, false},
		{"queue grew to 240", []float64{3, 240}, false, nil, true},
		{"one more failed job of 17", []float64{17, 18}, false, nil, false},
		{"one more failed job of 17, past warn long since", []float64{17, 18}, false, &one, false},
		{"failed jobs 0 → 2", []float64{0, 2}, false, nil, true},
		{"failed jobs 0 → 1, no threshold", []float64{0, 1}, false, nil, false},
		{"failed jobs 0 → 1 crosses warn 1", []float64{0, 1}, false, &one, true},
		{"crossed warn and came back", []float64{0, 1, 0}, false, &one, false},
		{"queue 100 → 115 stays under 20%", []float64{100, 115, 110}, false, nil, false},
		{"queue 100 → 130 → 125", []float64{100, 130, 125}, false, nil, true},
		{"workers 12 → 11 → 12", []float64{12, 11, 12}, true, nil, false},
		{"workers 12 → 4 and stayed", []float64{12, 4, 4}, true, nil, true},
		{"workers 12 → 10 under critical 10", []float64{12, 10}, true, &ten, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var i atomic.Int64
			s := newSampler([]Gauge{{Name: "g", Read: func(context.Context) (Reading, error) {
				return Reading{Value: tc.samples[i.Add(1)-1], LowerIsWorse: tc.lower, Threshold: tc.threshold}, nil
			}}}, time.Second)
			for range tc.samples {
				s.sample(context.Background(), 0)
			}
			if bg := s.report(); bg.BackedUp != tc.backedUp {
				t.Errorf("%v: backed up %v, want %v (%s)", tc.samples, bg.BackedUp, tc.backedUp, bg.Summary)
			}
		})
	}
}

package watch

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/launchready/launchready/internal/alert"
)

// health is what /healthz knows: when results last arrived and how the channels are.
type health struct {
	mu       sync.Mutex
	started  time.Time
	last     time.Time
	results  uint64
	stale    time.Duration
	checks   int
	now      func() time.Time
	channels func() []alert.Health
}

func (h *health) observe(t time.Time) {
	h.mu.Lock()
	h.last = t
	h.results++
	h.mu.Unlock()
}

// HealthReport is /healthz's body.
type HealthReport struct {
	Status       string    `json:"status"` // ok, or stalled: no result for longer than two intervals
	Checks       int       `json:"checks"`
	Results      uint64    `json:"results"`
	LastResult   time.Time `json:"last_result,omitzero"`
	Started      time.Time `json:"started"`
	ChannelsDown []string  `json:"channels_down"`
	Queued       int       `json:"queued"`
}

// ServeHTTP answers 200 while the scheduler produces results, 503 when it has stalled.
// A channel being down does not fail /healthz (the process is fine and keeps retrying);
// it is in the body and in launchready_alert_channel_up.
func (h *health) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	h.mu.Lock()
	rep := HealthReport{Status: "ok", Checks: h.checks, Results: h.results, LastResult: h.last, Started: h.started, ChannelsDown: []string{}}
	ref := h.last
	if ref.IsZero() {
		ref = h.started
	}
	if h.checks > 0 && h.now().Sub(ref) > h.stale {
		rep.Status = "stalled"
	}
	h.mu.Unlock()
	if h.channels != nil {
		for _, c := range h.channels() {
			if !c.Up {
				rep.ChannelsDown = append(rep.ChannelsDown, c.Channel)
			}
			rep.Queued += c.Queued
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if rep.Status != "ok" {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	json.NewEncoder(w).Encode(rep)
}

// newMux serves /metrics, /healthz and a short index.
func newMux(m *Metrics, h *health) *http.ServeMux {
	reg := prometheus.NewRegistry()
	reg.MustRegister(m, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{MaxRequestsInFlight: 4, Timeout: 10 * time.Second}))
	mux.Handle("GET /healthz", h)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "launchready watch\n  /metrics  Prometheus metrics (names in the README, \"Watch and alerts\")\n  /healthz  200 while checks run on schedule, 503 when stalled")
	})
	return mux
}

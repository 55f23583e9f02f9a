package store

import (
	"testing"
	"time"

	"github.com/launchready/launchready/probes"
)

// TestDays: the daily figures agree with Uptime and Latency over the same windows, and
// P95 agrees with Latency over 7 and 30 days.
func TestDays(t *testing.T) {
	t.Parallel()
	end := t0
	s := OpenMemory(Options{Now: clock(&end), Retention: 60 * 24 * time.Hour})
	defer s.Close()
	var rs []probes.Result
	for i := 1; i <= 10*24*6; i++ { // ten days, one every 10 minutes
		at := end.Add(-time.Duration(i) * 10 * time.Minute)
		up := i%50 != 0
		r := probes.Result{Check: "home", Kind: "http", Pane: probes.PaneEndpoints, Target: "https://acme.example/", Started: at,
			Latency: time.Duration(10+i%97) * time.Millisecond, Status: probes.StatusOK, Metrics: map[string]float64{"up": 1}}
		if !up {
			r.Status, r.Metrics["up"] = probes.StatusFail, 0
		}
		rs = append(rs, r)
	}
	if err := s.Write(rs...); err != nil {
		t.Fatal(err)
	}
	days, err := s.Days("home", end, 30)
	if err != nil || len(days) != 30 {
		t.Fatalf("%v %d", err, len(days))
	}
	week := days[23:]
	var got Uptime
	failed := 0
	for _, d := range week {
		got.Up += d.Uptime.Up
		got.Total += d.Uptime.Total
		failed += d.Failed
	}
	want, _ := s.Uptime("home", end.Add(-7*24*time.Hour), end)
	lat, _ := s.Latency("home", end.Add(-7*24*time.Hour), end)
	if got != want || failed != want.Total-want.Up {
		t.Errorf("7d uptime %+v failed %d, want %+v", got, failed, want)
	}
	last, err := s.P95("home", end.Add(-7*24*time.Hour), end, got.Up)
	up30, _ := s.Uptime("home", end.Add(-30*24*time.Hour), end)
	all, _ := s.P95("home", end.Add(-30*24*time.Hour), end, up30.Up)
	lat30, _ := s.Latency("home", end.Add(-30*24*time.Hour), end)
	if err != nil || last != lat.P95 || all != lat30.P95 {
		t.Errorf("p95 7d %v 30d %v, want %v %v (%v)", last, all, lat.P95, lat30.P95, err)
	}
	if days[0].Total != 0 || days[29].Total == 0 {
		t.Errorf("empty and full days: %+v %+v", days[0], days[29])
	}
}

package timeline

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/store"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/dnscheck"
	"github.com/launchready/launchready/probes/errlog"
	"github.com/launchready/launchready/runbook"
)

var t0 = time.Date(2026, 11, 28, 2, 10, 0, 0, time.UTC)

// writeTranscript writes a run's transcript as the engine would, one JSON event a line.
func writeTranscript(t testing.TB, rs runbook.Store, id string, evs ...runbook.Event) {
	t.Helper()
	path := rs.TranscriptPath(id)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for i, e := range evs {
		e.Seq, e.Run = i+1, id
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		f.Write(append(b, '\n'))
	}
}

// deployRun is a deploy by ops-lead at at: started, two steps ok, succeeded.
func deployRun(t testing.TB, rs runbook.Store, at time.Time) {
	op := &runbook.Operator{User: "ops-lead", Host: "ops-1"}
	writeTranscript(t, rs, "20261128-021000-deploy",
		runbook.Event{Time: at, Type: runbook.RunStart, Runbook: &runbook.RunbookInfo{Name: "deploy", Steps: 2}, Operator: op},
		runbook.Event{Time: at.Add(5 * time.Second), Type: runbook.StepStart, Step: 1, StepName: "Build the release"},
		runbook.Event{Time: at.Add(10 * time.Second), Type: runbook.StepEnd, Step: 1, Status: "ok"},
		runbook.Event{Time: at.Add(15 * time.Second), Type: runbook.StepStart, Step: 2, StepName: "Switch traffic"},
		runbook.Event{Time: at.Add(20 * time.Second), Type: runbook.StepEnd, Step: 2, Status: "ok"},
		runbook.Event{Time: at.Add(25 * time.Second), Type: runbook.RunEnd, Status: "succeeded"},
	)
}

func dnsResult(at time.Time, live string) probes.Result {
	return probes.Result{Check: "dns app.acme.example", Kind: "dns", Pane: probes.PaneDNS, Target: "app.acme.example",
		Status: probes.StatusOK, Started: at, Data: dnscheck.HostData{Name: "app.acme.example", Live: live}}
}

func endpointResult(at time.Time, up bool, lat time.Duration) probes.Result {
	r := probes.Result{Check: "endpoint api health", Kind: "endpoint", Pane: probes.PaneEndpoints,
		Target: "https://app.acme.example/health", Status: probes.StatusOK, Started: at, Latency: lat,
		Summary: "200 OK", Metrics: map[string]float64{"up": 1}}
	if !up {
		r.Status, r.Summary, r.Metrics["up"] = probes.StatusFail, "503 Service Unavailable", 0
	}
	return r
}

func errorsResult(at time.Time, rate float64, groups ...errlog.Group) probes.Result {
	return probes.Result{Check: "errors app", Kind: "errors", Pane: probes.PaneErrors, Target: "app.log",
		Status: probes.StatusOK, Started: at, Data: errlog.Snapshot{At: at, Groups: groups, ErrorsPerMin: rate}}
}

func openStore(t testing.TB) *store.Store {
	t.Helper()
	now := t0.Add(time.Hour)
	s, err := store.Open(filepath.Join(t.TempDir(), "history.db"), store.Options{Detect: NewDetector(), Now: func() time.Time { return now }, Linger: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

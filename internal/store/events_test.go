package store

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/probes"
)

// downDetector reports every result that is down: enough to see the writer store what a
// detector finds, in the result's transaction.
type downDetector struct{}

func (downDetector) Detect(r probes.Result, out []Event) []Event {
	if r.Metrics["up"] == 0 {
		out = append(out, Event{Time: r.Started, Kind: "endpoints.state", Pane: string(r.Pane), Check: r.Check,
			Target: r.Target, Summary: r.Target + " down: " + r.Summary, Link: "check:" + r.Check})
	}
	return out
}

func TestEventsWrittenWithResultsKeptAndPruned(t *testing.T) {
	t.Parallel()
	now := t0
	path := filepath.Join(t.TempDir(), "history.db")
	s, err := Open(path, Options{Now: clock(&now), Detect: downDetector{}, Retention: 24 * time.Hour,
		Redact: []string{"s3cr3t-token"}})
	if err != nil {
		t.Fatal(err)
	}
	old := result("endpoint home", t0.Add(-48*time.Hour), false, 0)
	r := result("endpoint home", t0.Add(-time.Minute), false, 0)
	r.Summary = "503 for token s3cr3t-token"
	must(t, s.Write(old, result("endpoint home", t0.Add(-2*time.Minute), true, time.Millisecond), r))
	must(t, s.AddEvents(Event{Time: t0, Kind: "session.start", Pane: "session", Summary: "console started by sam", Who: "sam"}))

	// A second console reads them while the writer runs.
	rd, err := OpenReader(path, Options{Now: clock(&now)})
	must(t, err)
	evs, err := rd.Events(EventQuery{Since: t0.Add(-time.Hour)})
	must(t, err)
	rd.Close()
	if len(evs) != 2 || evs[0].Kind != "session.start" || evs[1].Summary != "https://app.acme.example/ down: 503 for token [redacted]" {
		t.Fatalf("events read by a second console: %+v", evs)
	}
	if _, err := s.Write(result("x", t0, true, 0)), s.Flush(); err != nil {
		t.Fatal(err)
	}
	// Pruning takes events past the retention with the results.
	must(t, s.Prune())
	all, err := s.Events(EventQuery{})
	must(t, err)
	if len(all) != 2 {
		t.Errorf("after pruning a day's retention, %d events remain, want 2: %+v", len(all), all)
	}
	must(t, s.Close())
	// And they survive a restart.
	s2 := openT(t, path, &now)
	all, err = s2.Events(EventQuery{Panes: []string{"endpoints"}, Limit: 5})
	must(t, err)
	if len(all) != 1 || all[0].Check != "endpoint home" {
		t.Errorf("after a restart, endpoints events = %+v", all)
	}
}

// TestMigratesVersion1 opens a database the previous launchready wrote (schema 1, no
// events table): its results stay, the events table appears, the schema says the current version.
func TestMigratesVersion1(t *testing.T) {
	t.Parallel()
	now := t0
	path := filepath.Join(t.TempDir(), "history.db")
	db, err := sql.Open("sqlite", "file:"+path)
	must(t, err)
	_, err = db.Exec(schema + `INSERT INTO meta (key, value) VALUES ('schema', '1');
		INSERT INTO checks (id, name, kind, pane, target) VALUES (1, 'endpoint home', 'endpoint', 'endpoints', 'https://app.acme.example/');
		INSERT INTO results (check_id, ts, status, up, latency_us) VALUES (1, ` + fmt.Sprint(t0.Add(-time.Minute).UnixMicro()) + `, 0, 1, 1000);`)
	must(t, err)
	// An older launchready's reader sees no events table: Events is empty, not an error.
	rd, err := OpenReader(path, Options{Now: clock(&now)})
	must(t, err)
	if evs, err := rd.Events(EventQuery{}); err != nil || len(evs) != 0 {
		t.Errorf("events of a version 1 database: %v, %v", evs, err)
	}
	rd.Close()
	db.Close()

	s := openT(t, path, &now)
	if u, err := s.Uptime("endpoint home", t0.Add(-time.Hour), t0); err != nil || u.Total != 1 {
		t.Errorf("results after migrating: %+v, %v", u, err)
	}
	var v string
	must(t, s.db.QueryRow(`SELECT value FROM meta WHERE key = 'schema'`).Scan(&v))
	if v != strconv.Itoa(schemaVersion) {
		t.Errorf("schema after migrating = %s, want %d", v, schemaVersion)
	}
	must(t, s.AddEvents(Event{Time: t0, Kind: "session.start", Pane: "session", Summary: "watch started"}))
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// BenchmarkEvents10k is the timeline's read: listing 10,000 events (a very busy week)
// newest first. Target: under 20 ms. cpu-ms/op is the CPU it took, which a shared
// machine's load does not inflate as it does ns/op.
func BenchmarkEvents10k(b *testing.B) {
	now := t0
	s, err := Open(filepath.Join(b.TempDir(), "h.db"), Options{Now: clock(&now)})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	evs := make([]Event, 10000)
	for i := range evs {
		evs[i] = Event{Time: t0.Add(-time.Duration(i) * time.Minute), Kind: "dns.answer", Pane: "dns", Check: fmt.Sprintf("dns h%d", i%50),
			Target: "app.acme.example", Summary: "app.acme.example: A 203.0.113.10 → A 203.0.113.99", Link: "check:dns app"}
	}
	if err := s.AddEvents(evs...); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		got, err := s.Events(EventQuery{})
		if err != nil || len(got) != 10000 {
			b.Fatalf("%d events, %v", len(got), err)
		}
	}
	b.ReportMetric(float64(cpuTime()-cpu)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}

// TestEventBaselineFlagStored: the baseline flag survives the database, and a body
// written without flags (before the flag existed) reads as a change with its who intact.
func TestEventBaselineFlagStored(t *testing.T) {
	for _, e := range []Event{
		{Kind: "email.status", Pane: "email", Summary: "email fail", Baseline: true},
		{Kind: "runbooks.run-start", Pane: "runbooks", Summary: "deploy started", Who: "ops-lead"},
		{Kind: "runbooks.run-start", Pane: "runbooks", Summary: "deploy started", Who: "ops-lead", Baseline: true},
	} {
		got, ok := decodeEvent(encodeEvent(e))
		if !ok || got != e {
			t.Errorf("decode(encode(%+v)) = %+v, %v", e, got, ok)
		}
	}
	old := strings.Join([]string{"runbooks.run-start", "runbooks", "", "", "deploy started", "run:x#1", "ops-lead"}, sep)
	if got, ok := decodeEvent(old); !ok || got.Who != "ops-lead" || got.Baseline {
		t.Errorf("a body without flags read as %+v, %v", got, ok)
	}
}

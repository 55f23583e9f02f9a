package store

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/launchready/launchready/probes"
)

// t0 is the frozen "now" of these tests.
var t0 = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

func clock(t *time.Time) func() time.Time { return func() time.Time { return *t } }

// result makes an endpoint result at time at, up or down, with the given latency.
func result(check string, at time.Time, up bool, lat time.Duration) probes.Result {
	r := probes.Result{Check: check, Kind: "endpoint", Pane: probes.PaneEndpoints, Target: "https://app.acme.example/",
		Started: at, Latency: lat, Status: probes.StatusOK, Summary: "200 OK",
		Metrics: map[string]float64{"up": 1}}
	if !up {
		r.Status, r.Summary, r.Metrics["up"] = probes.StatusFail, "503 Service Unavailable", 0
		r.Findings = []probes.Finding{{ID: "endpoint.status", Severity: probes.Critical}}
	}
	return r
}

func openT(t *testing.T, path string, now *time.Time) *Store {
	t.Helper()
	s, err := Open(path, Options{Now: clock(now)})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestRestartKeepsHistory(t *testing.T) {
	t.Parallel()
	now := t0
	path := filepath.Join(t.TempDir(), "history.db")
	s := openT(t, path, &now)
	for i := range 10 {
		s.Record(result("endpoint home", now.Add(-time.Duration(10-i)*time.Minute), i != 3, time.Duration(10+i)*time.Millisecond))
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + "-wal"); err == nil {
		if fi, _ := os.Stat(path + "-wal"); fi.Size() > 0 {
			t.Errorf("Close left %d bytes in the WAL; a copy of the database alone would miss them", fi.Size())
		}
	}

	s2 := openT(t, path, &now)
	st, err := s2.Stats("endpoint home")
	if err != nil {
		t.Fatal(err)
	}
	if st.Uptime24h != (Uptime{Up: 9, Total: 10}) || st.Latency1h.N != 9 {
		t.Errorf("after restart: %+v", st)
	}
	pts, err := s2.Recent("endpoint home", 3)
	if err != nil || len(pts) != 3 {
		t.Fatalf("Recent: %v %v", pts, err)
	}
	if !pts[0].Time.Before(pts[2].Time) || pts[2].Latency != 19*time.Millisecond || *pts[2].Up != true {
		t.Errorf("Recent must be oldest first, newest last: %+v", pts)
	}
	down, _ := s2.Recent("endpoint home", 7)
	if down[0].Status != probes.StatusFail || *down[0].Up || down[0].Findings != "endpoint.status/critical" {
		t.Errorf("the down result was not kept as it was: %+v", down[0])
	}
}

func TestUptimeAndPercentiles(t *testing.T) {
	t.Parallel()
	now := t0
	s := openT(t, filepath.Join(t.TempDir(), "h.db"), &now)
	var rs []probes.Result
	// 100 results in the last hour: latencies 1..100 ms, every 10th one down.
	for i := 1; i <= 100; i++ {
		rs = append(rs, result("c", now.Add(-time.Duration(i)*30*time.Second), i%10 != 0, time.Duration(i)*time.Millisecond))
	}
	// 50 results two days ago, all down: in the 7-day window, not in 24 h.
	for i := range 50 {
		rs = append(rs, result("c", now.Add(-48*time.Hour-time.Duration(i)*time.Minute), false, time.Second))
	}
	// A result that could not run: no say in uptime or latency.
	errRes := result("c", now.Add(-10*time.Second), true, 9*time.Second)
	errRes.Err, errRes.Status, errRes.Metrics = "probe crashed", probes.StatusError, nil
	rs = append(rs, errRes)
	if err := s.Write(rs...); err != nil {
		t.Fatal(err)
	}
	st, err := s.Stats("c")
	if err != nil {
		t.Fatal(err)
	}
	if st.Uptime24h != (Uptime{90, 100}) || st.Uptime7d != (Uptime{90, 150}) {
		t.Errorf("uptime: 24h %+v, 7d %+v", st.Uptime24h, st.Uptime7d)
	}
	// Up latencies are 1..100 ms without the multiples of 10: 90 values.
	// Nearest rank: p50 is the 45th (49 ms), p95 the 86th (95 ms), p99 the 90th (99 ms).
	want := Latency{N: 90, P50: 49 * time.Millisecond, P95: 95 * time.Millisecond, P99: 99 * time.Millisecond}
	if st.Latency1h != want {
		t.Errorf("latency 1h: %+v, want %+v", st.Latency1h, want)
	}
	m := st.Metrics()
	if m["uptime_24h"] != 90 || m["uptime_7d"] != 60 || m["p95_ms_1h"] != 95 || m["p50_ms_24h"] != 49 {
		t.Errorf("metrics: %v", m)
	}
	empty, err := s.Stats("never ran")
	if err != nil || len(empty.Metrics()) != 0 {
		t.Errorf("a check without history has no figures, not zeros: %v %v", empty.Metrics(), err)
	}
}

func TestSeriesBuckets(t *testing.T) {
	t.Parallel()
	now := t0
	s := openT(t, filepath.Join(t.TempDir(), "h.db"), &now)
	var rs []probes.Result
	for i := range 60 { // one hour at 1/min; minutes 30..39 down
		rs = append(rs, result("c", now.Add(-time.Hour+time.Duration(i)*time.Minute), i < 30 || i >= 40, time.Duration(i+1)*time.Millisecond))
	}
	if err := s.Write(rs...); err != nil {
		t.Fatal(err)
	}
	b, err := s.Series("c", now.Add(-time.Hour), now, 6)
	if err != nil || len(b) != 6 {
		t.Fatalf("%v %v", b, err)
	}
	if b[3].Uptime != (Uptime{0, 10}) || b[0].Uptime != (Uptime{10, 10}) || b[0].P95 != 10*time.Millisecond || b[5].P95 != 60*time.Millisecond {
		t.Errorf("buckets: %+v", b)
	}
}

func TestPruning(t *testing.T) {
	t.Parallel()
	now := t0
	path := filepath.Join(t.TempDir(), "h.db")
	s, err := Open(path, Options{Now: clock(&now), Retention: 3 * 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var rs []probes.Result
	for d := range 6 { // one result a day for six days, for two checks
		for _, c := range []string{"a", "b"} {
			rs = append(rs, result(c, now.Add(-time.Duration(d)*24*time.Hour-time.Minute), true, time.Millisecond))
		}
	}
	if err := s.Write(rs...); err != nil {
		t.Fatal(err)
	}
	n, err := s.prune()
	if err != nil || n != 6 {
		t.Fatalf("pruned %d (%v), want 6: days 3, 4 and 5 of both checks", n, err)
	}
	u, _ := s.Uptime("a", now.Add(-30*24*time.Hour), now)
	if u.Total != 3 {
		t.Errorf("check a keeps %d results, want 3", u.Total)
	}
	// The writer prunes on its own as time passes.
	now = now.Add(2 * 24 * time.Hour)
	s.Record(result("a", now, true, time.Millisecond))
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	u, _ = s.Uptime("a", now.Add(-30*24*time.Hour), now.Add(time.Second))
	if u.Total != 2 { // day 0 (now 2 days old) and the new one
		t.Errorf("after two more days check a keeps %d results, want 2", u.Total)
	}
}

func TestSecondReaderWhileWriterRuns(t *testing.T) {
	t.Parallel()
	now := t0
	path := filepath.Join(t.TempDir(), "h.db")
	w := openT(t, path, &now)
	if err := w.Write(result("c", now.Add(-time.Hour), true, time.Millisecond)); err != nil {
		t.Fatal(err)
	}

	// A second writer is refused, and says who holds the database.
	if _, err := Open(path, Options{Now: clock(&now)}); !errors.Is(err, ErrWriterBusy) || !strings.Contains(err.Error(), fmt.Sprint(os.Getpid())) {
		t.Fatalf("second writer: %v, want ErrWriterBusy naming pid %d", err, os.Getpid())
	}
	r, err := OpenReader(path, Options{Now: clock(&now)})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if !r.ReadOnly() || !strings.Contains(r.Where(), "read-only") {
		t.Errorf("reader: %q", r.Where())
	}
	if err := r.Write(result("c", now, true, time.Millisecond)); !errors.Is(err, ErrReadOnly) {
		t.Errorf("reader Write: %v", err)
	}
	r.Record(result("c", now, true, time.Millisecond)) // a no-op, not a panic
	// The reader can name the writer for its header: this process, this host, since now-ish.
	host, _ := os.Hostname()
	if wr, ok := r.Writer(); !ok || wr.PID != os.Getpid() || wr.Host != host || time.Since(wr.Since) > time.Minute {
		t.Errorf("reader's Writer() = %+v, %v; want pid %d on %q since moments ago", wr, ok, os.Getpid(), host)
	}

	// The writer keeps writing while the reader reads; the reader sees the count grow and
	// never an error.
	var wg sync.WaitGroup
	var writeErr atomic.Value
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 200 {
			w.Record(result("c", now.Add(-time.Hour+time.Duration(i+1)*time.Second), true, time.Millisecond))
			if i%20 == 0 {
				if err := w.Flush(); err != nil {
					writeErr.Store(err)
				}
			}
		}
		if err := w.Flush(); err != nil {
			writeErr.Store(err)
		}
	}()
	last := 0
	for range 50 {
		u, err := r.Uptime("c", now.Add(-2*time.Hour), now)
		if err != nil {
			t.Fatalf("reader during writes: %v", err)
		}
		if u.Total < last {
			t.Fatalf("reader saw history shrink: %d after %d", u.Total, last)
		}
		last = u.Total
	}
	wg.Wait()
	if e := writeErr.Load(); e != nil {
		t.Fatalf("writer: %v", e)
	}
	u, err := r.Uptime("c", now.Add(-2*time.Hour), now)
	if err != nil || u.Total != 201 {
		t.Errorf("reader after the writes: %+v %v, want 201", u, err)
	}
	// When the writer goes, a new writer may take over.
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	w2, err := Open(path, Options{Now: clock(&now)})
	if err != nil {
		t.Fatalf("writer after the first closed: %v", err)
	}
	w2.Close()
}

func TestCorruptDatabase(t *testing.T) {
	t.Parallel()
	for name, content := range map[string][]byte{
		"not a database": []byte(strings.Repeat("this is a log file, not SQLite\n", 200)),
		"damaged pages":  damaged(t),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "history.db")
			if err := os.WriteFile(path, content, 0o600); err != nil {
				t.Fatal(err)
			}
			now := t0
			s, err := Open(path, Options{Now: clock(&now)})
			if err == nil {
				// Some damage is only found when the pages are read.
				_, err = s.Uptime("c", now.Add(-time.Hour), now)
				if err == nil {
					err = s.Write(result("c", now, true, time.Millisecond))
				}
				s.Close()
			}
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("err = %v, want ErrCorrupt", err)
			}
			if testing.Verbose() {
				t.Log(err)
			}
			for _, want := range []string{path, "mv " + path + " " + path + ".broken"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error does not say %q: %v", want, err)
				}
			}
			// The lock was released: the next start (after the file is moved aside) works.
			if err := os.Rename(path, path+".broken"); err != nil {
				t.Fatal(err)
			}
			s2, err := Open(path, Options{Now: clock(&now)})
			if err != nil {
				t.Fatalf("fresh database after moving the damaged one aside: %v", err)
			}
			s2.Close()
		})
	}
}

// damaged is a real history database with its table pages overwritten.
func damaged(t *testing.T) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "good.db")
	now := t0
	s, err := Open(path, Options{Now: clock(&now)})
	if err != nil {
		t.Fatal(err)
	}
	var rs []probes.Result
	for i := range 2000 {
		rs = append(rs, result("c", now.Add(-time.Duration(i)*time.Second), true, time.Millisecond))
	}
	if err := s.Write(rs...); err != nil {
		t.Fatal(err)
	}
	s.Close()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := 4096; i < len(b); i++ { // keep the header page, garble the rest
		b[i] = byte(i * 7)
	}
	return b
}

func TestLockedDatabase(t *testing.T) {
	t.Parallel()
	now := t0
	path := filepath.Join(t.TempDir(), "history.db")
	s := openT(t, path, &now)
	s.Close()
	// Another program (a sqlite3 shell, a backup) holds the write lock.
	other, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(t.Context(), "BEGIN EXCLUSIVE"); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(t.Context(), "ROLLBACK")
	start := time.Now()
	_, err = Open(path, Options{Now: clock(&now), BusyTimeout: 200 * time.Millisecond})
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "close the other program") {
		t.Fatalf("err = %v, want ErrLocked with advice", err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("took %s to report the lock; the busy timeout was 200ms", took)
	}
}

func TestRecordNeverBlocksTheRunner(t *testing.T) {
	t.Parallel()
	now := t0
	path := filepath.Join(t.TempDir(), "h.db")
	s, err := Open(path, Options{Now: clock(&now), Queue: 4, BusyTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// Hold the database so the writer stalls, then flood Record.
	other, _ := sql.Open("sqlite", path)
	defer other.Close()
	conn, _ := other.Conn(t.Context())
	defer conn.Close()
	if _, err := conn.ExecContext(t.Context(), "BEGIN EXCLUSIVE"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for i := range 1000 {
		s.Record(result("c", now.Add(time.Duration(i)*time.Second), true, time.Millisecond))
	}
	if took := time.Since(start); took > 500*time.Millisecond {
		t.Errorf("1000 Records took %s while the database was locked", took)
	}
	conn.ExecContext(t.Context(), "ROLLBACK")
	s.Flush()
	err, dropped := s.Err()
	if dropped == 0 {
		t.Error("a full queue must drop and count, not block")
	}
	_ = err // the stalled batch may or may not have failed; either is reported, not fatal
}

func TestSecretsNeverStored(t *testing.T) {
	t.Parallel()
	const secret = "whsec_planted_4c1d"
	now := t0
	path := filepath.Join(t.TempDir(), "h.db")
	s, err := Open(path, Options{Now: clock(&now), Redact: []string{secret}})
	if err != nil {
		t.Fatal(err)
	}
	r := result("c", now, false, time.Millisecond)
	r.Target = "https://app.acme.example/hook?key=" + secret
	r.Err = "request to https://app.acme.example/hook?key=" + secret + " failed"
	r.Summary = "401 for key " + secret
	if err := s.Write(r); err != nil {
		t.Fatal(err)
	}
	pts, _ := s.Recent("c", 1)
	if len(pts) != 1 || !strings.Contains(pts[0].Err, "[redacted]") {
		t.Errorf("redaction: %+v", pts)
	}
	s.Close()
	for _, f := range []string{path, path + "-wal"} {
		b, _ := os.ReadFile(f)
		if strings.Contains(string(b), secret) {
			t.Errorf("%s contains the secret", f)
		}
	}
}

func TestMemoryStore(t *testing.T) {
	t.Parallel()
	now := t0
	s := OpenMemory(Options{Now: clock(&now)})
	defer s.Close()
	for i := range 4 {
		s.Record(result("c", now.Add(-time.Duration(i)*time.Minute), i != 0, time.Millisecond))
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	u, err := s.Uptime("c", now.Add(-time.Hour), now.Add(time.Second))
	if err != nil || u != (Uptime{3, 4}) {
		t.Errorf("memory uptime %+v %v", u, err)
	}
	if s.Path() != "" || !strings.Contains(s.Where(), "memory") {
		t.Errorf("Where: %q", s.Where())
	}
	cs, err := s.Checks()
	if err != nil || len(cs) != 1 || cs[0].Name != "c" || !cs[0].Last.Equal(now) {
		t.Errorf("Checks: %+v %v", cs, err)
	}
}

func TestUpRules(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name        string
		r           probes.Result
		up, applies bool
	}{
		{"metric says up", probes.Result{Pane: probes.PaneDNS, Metrics: map[string]float64{"up": 1}}, true, true},
		{"metric says down", probes.Result{Pane: probes.PaneEndpoints, Status: probes.StatusOK, Metrics: map[string]float64{"up": 0}}, false, true},
		{"endpoints pane failing", probes.Result{Pane: probes.PaneEndpoints, Status: probes.StatusFail}, false, true},
		{"endpoints pane slow", probes.Result{Pane: probes.PaneEndpoints, Status: probes.StatusWarn}, true, true},
		{"could not run", probes.Result{Pane: probes.PaneEndpoints, Err: "hung"}, false, false},
		{"dns", probes.Result{Pane: probes.PaneDNS, Status: probes.StatusFail}, false, false},
	}
	for _, c := range cases {
		up, applies := Up(c.r)
		if up != c.up || applies != c.applies {
			t.Errorf("%s: Up = %v, %v; want %v, %v", c.name, up, applies, c.up, c.applies)
		}
	}
}

func TestReaderAfterTheWriterLeft(t *testing.T) {
	t.Parallel()
	now := t0
	path := filepath.Join(t.TempDir(), "h.db")
	w := openT(t, path, &now)
	if err := w.Write(result("c", now.Add(-time.Minute), true, time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	w.Close()
	r, err := OpenReader(path, Options{Now: clock(&now)})
	if err != nil {
		t.Fatalf("a report after the console exited: %v", err)
	}
	defer r.Close()
	if u, err := r.Uptime("c", now.Add(-time.Hour), now); err != nil || u.Total != 1 {
		t.Errorf("%+v %v", u, err)
	}
	if _, err := OpenReader(filepath.Join(t.TempDir(), "none.db"), Options{}); err == nil || !strings.Contains(err.Error(), "no history database") {
		t.Errorf("no database yet: %v", err)
	}
}

// TestParseWriter reads the lock's text, including an older launchready's bare pid, and
// refuses garbage rather than name pid 0.
func TestParseWriter(t *testing.T) {
	t.Parallel()
	since := time.Date(2026, 3, 2, 14, 2, 0, 0, time.UTC)
	if w, ok := parseWriter(formatWriter(Writer{PID: 1234, Host: "ops-1", Since: since})); !ok || w.PID != 1234 || w.Host != "ops-1" || !w.Since.Equal(since) {
		t.Errorf("round trip: %+v %v", w, ok)
	}
	if w, ok := parseWriter([]byte("77\n")); !ok || w.PID != 77 || w.Host != "" || !w.Since.IsZero() {
		t.Errorf("bare pid: %+v %v", w, ok)
	}
	for _, bad := range []string{"", "x\nhost\n", "-3\n", "\n\n"} {
		if w, ok := parseWriter([]byte(bad)); ok {
			t.Errorf("parseWriter(%q) = %+v, want not ok", bad, w)
		}
	}
	mem := OpenMemory(Options{})
	defer mem.Close()
	if _, ok := mem.Writer(); ok {
		t.Error("an in-memory store names a writer")
	}
}

// TestLingerBatchesSpreadResults: results that finish apart (as a sweep's checks do) are
// committed together, and Flush does not wait out the linger.
func TestLingerBatchesSpreadResults(t *testing.T) {
	t.Parallel()
	now := t0
	s, err := Open(filepath.Join(t.TempDir(), "h.db"), Options{Now: clock(&now), Linger: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range 20 {
		s.Record(result(fmt.Sprintf("c%d", i), now, true, time.Millisecond))
		time.Sleep(2 * time.Millisecond)
	}
	// With an hour's linger, only the flush can have ended the batch: if Flush waited for
	// the linger this test would time out.
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	commits, written := s.commits, s.written
	s.mu.Unlock()
	if written != 20 || commits != 1 {
		t.Errorf("20 results spread over 40 ms: %d written in %d commits, want 20 in 1", written, commits)
	}
	st, err := s.Stats("c19")
	if err != nil || st.Uptime24h.Total != 1 {
		t.Errorf("Stats(c19) = %+v, %v; want the flushed result readable", st, err)
	}
}

// TestLingerEndsOnItsOwn: without a flush, a lingering batch is committed when the linger
// runs out, so a reader sees results within about a second.
func TestLingerEndsOnItsOwn(t *testing.T) {
	t.Parallel()
	now := t0
	s, err := Open(filepath.Join(t.TempDir(), "h.db"), Options{Now: clock(&now), Linger: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Record(result("c", now, true, time.Millisecond))
	deadline := time.Now().Add(5 * time.Second)
	for {
		s.mu.Lock()
		written := s.written
		s.mu.Unlock()
		if written == 1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("a lingering result was never committed")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

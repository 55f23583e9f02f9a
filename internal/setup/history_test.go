package setup

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/store"
	"github.com/launchready/launchready/probes"
)

// session opens a session on a config whose one host is a loopback test server, with the
// given state folder.
func session(t *testing.T, state string) *Session {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) }))
	t.Cleanup(srv.Close)
	cfg := filepath.Join(t.TempDir(), "launchready.yaml")
	text := fmt.Sprintf("domain: acme.example\ncanonical_url: https://app.acme.example/\nhosts:\n  - {name: app.acme.example, url: %q}\n", srv.URL+"/")
	if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	// Only the endpoints pane: the other panes would ask the system's resolver about
	// acme.example, and tests never leave loopback.
	s, err := Open(Options{ConfigFlag: cfg, StateFlag: state, Only: []probes.Pane{probes.PaneEndpoints}, Getenv: func(string) (string, bool) { return "", false }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestDamagedHistoryKeepsChecksRunningInMemory(t *testing.T) {
	t.Parallel()
	state := t.TempDir()
	if err := os.WriteFile(filepath.Join(state, "history.db"), []byte(strings.Repeat("garbage ", 1000)), 0o600); err != nil {
		t.Fatal(err)
	}
	s := session(t, state)
	r := s.Runner(time.Now)
	h := s.Record(r)
	notes := strings.Join(s.Notes, "\n")
	if !strings.Contains(notes, "damaged") || !strings.Contains(notes, "in memory") || !strings.Contains(notes, ".broken") {
		t.Errorf("notes do not explain the damaged history and the fallback:\n%s", notes)
	}
	if h.Path() != "" {
		t.Errorf("history should be in memory, is %q", h.Path())
	}
	// The config's one http check, beside the checks a state folder brings (the handover
	// pack's).
	var web []probes.Result
	for _, x := range r.Sweep(t.Context()) {
		if x.Kind == "http" {
			web = append(web, x)
		}
	}
	if len(web) != 1 || web[0].Status != "ok" {
		t.Fatalf("the checks must run regardless: %+v", web)
	}
	if err := h.Flush(); err != nil {
		t.Fatal(err)
	}
	u, err := h.Uptime(web[0].Check, time.Now().Add(-time.Hour), time.Now().Add(time.Second))
	if err != nil || u != (store.Uptime{Up: 1, Total: 1}) {
		t.Errorf("in-memory history: %+v %v", u, err)
	}
}

func TestSecondSessionReadsHistory(t *testing.T) {
	t.Parallel()
	state := t.TempDir()
	first := session(t, state)
	r := first.Runner(time.Now)
	h1 := first.Record(r)
	if h1.ReadOnly() || h1.Path() != filepath.Join(state, "history.db") {
		t.Fatalf("first session: %s", h1.Where())
	}
	res := r.Sweep(t.Context())
	if err := h1.Flush(); err != nil {
		t.Fatal(err)
	}
	second := session(t, state)
	h2 := second.History()
	if !h2.ReadOnly() || !strings.Contains(strings.Join(second.Notes, "\n"), "read-only") {
		t.Errorf("second session should read: %s, notes %v", h2.Where(), second.Notes)
	}
	u, err := h2.Uptime(res[0].Check, time.Now().Add(-time.Hour), time.Now().Add(time.Second))
	if err != nil || u.Total != 1 {
		t.Errorf("second session does not see the first's history: %+v %v", u, err)
	}
	if second.History() != h2 {
		t.Error("History must return the same store on every call")
	}
}

// TestWatchTakesOverTheHistory: a console that started first holds the writer's lock;
// watch's session reads, then records itself once the console lets go, and its results
// land in the same database.
func TestWatchTakesOverTheHistory(t *testing.T) {
	t.Parallel()
	state := t.TempDir()
	console := session(t, state)
	if h := console.History(); h.ReadOnly() {
		t.Fatalf("the first session should write: %s", h.Where())
	}
	watch := session(t, state)
	r := watch.Runner(time.Now)
	watch.Record(r)
	watch.TakeOverHistory(t.Context(), r, 20*time.Millisecond)
	if !watch.History().ReadOnly() {
		t.Fatal("watch should start read-only while the console writes")
	}
	time.Sleep(100 * time.Millisecond) // the console still holds the lock: no take-over yet
	if err := console.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(state, "history.db")
	deadline := time.Now().Add(5 * time.Second)
	for {
		r.Sweep(t.Context())
		rd, err := store.OpenReader(path, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		checks, _ := rd.Checks()
		rd.Close()
		if len(checks) > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("watch never took over recording after the console closed")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

package lab

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestBacklogCountsTurnedAwayRequests: a Backlog route's failed_jobs is its starting
// count plus every request the site turned away past a FailAbove limit, so a load run
// sees background work back up; with none turned away it stays where it started.
func TestBacklogCountsTurnedAwayRequests(t *testing.T) {
	t.Parallel()
	done := make(chan struct{})
	t.Cleanup(func() { close(done) })
	table := newRouteTable([]Route{
		{Path: "/signup", Method: "POST", Delay: 300 * time.Millisecond, FailAbove: 1, Body: `{"ok":true}`},
		{Path: "/internal/metrics", Body: `{"failed_jobs":{{failed_jobs}}}`, Backlog: &Backlog{FailedJobs: 17}},
	}, "", done)
	metrics := func() string {
		rec := httptest.NewRecorder()
		table.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/internal/metrics", nil))
		b, _ := io.ReadAll(rec.Result().Body)
		return string(b)
	}
	if got := metrics(); got != `{"failed_jobs":17}` {
		t.Fatalf("before any load: %s", got)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[int]int{}
	for range 5 {
		wg.Go(func() {
			rec := httptest.NewRecorder()
			table.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/signup", strings.NewReader("email=a")))
			mu.Lock()
			codes[rec.Code]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if codes[http.StatusServiceUnavailable] == 0 {
		t.Fatalf("no sign-up was turned away: %v", codes)
	}
	want := `{"failed_jobs":` + strconv.Itoa(17+codes[http.StatusServiceUnavailable]) + `}`
	if got := metrics(); got != want {
		t.Errorf("after %v: %s, want %s", codes, got, want)
	}
}

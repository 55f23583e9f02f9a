package load

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSaveRunKeepsTheLastRunPerFlow: a run replaces the record of the flows it ran and
// leaves the others; a damaged record is replaced, not an error forever.
func TestSaveRunKeepsTheLastRunPerFlow(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := RecordPath(dir, false)
	if _, ok, err := ReadRecord(path); ok || err != nil {
		t.Fatalf("empty state folder: ok %v, err %v", ok, err)
	}
	t1 := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	first := Report{Started: t1, Flows: []FlowReport{
		{Name: "login", Role: RoleLogin, Target: 20, Held: true, P95: 40 * time.Millisecond},
		{Name: "signup", Role: RoleSignup, Target: 20, Held: false, Why: "errors 23.5% over the 5% threshold", Failing: &Moment{At: 4 * time.Second, Rate: 18}},
	}}
	if err := SaveRun(path, "acme.example", "staging", first); err != nil {
		t.Fatal(err)
	}
	second := Report{Started: t1.Add(time.Hour), Flows: []FlowReport{{Name: "signup", Role: RoleSignup, Target: 25, Held: true}}}
	if err := SaveRun(path, "acme.example", "staging", second); err != nil {
		t.Fatal(err)
	}
	rec, ok, err := ReadRecord(path)
	if !ok || err != nil || len(rec.Flows) != 2 {
		t.Fatalf("record %+v, ok %v, err %v; want two flows", rec, ok, err)
	}
	login, _ := rec.Last(RoleLogin)
	signup, _ := rec.Last(RoleSignup)
	if !login.When.Equal(t1) || !login.Held || login.Environment != "staging" {
		t.Errorf("login %+v: want the first run's, held", login)
	}
	if !signup.When.Equal(t1.Add(time.Hour)) || !signup.Held || signup.Target != 25 {
		t.Errorf("signup %+v: want the second run's, held at 25/s", signup)
	}
	if RecordPath(dir, true) == path {
		t.Error("the lab's runs share the real product's record")
	}

	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ReadRecord(path); err == nil {
		t.Error("a damaged record read without error")
	}
	if err := SaveRun(path, "acme.example", "staging", second); err != nil {
		t.Fatalf("a damaged record was not replaced: %v", err)
	}
	if rec, ok, _ := ReadRecord(filepath.Clean(path)); !ok || len(rec.Flows) != 1 {
		t.Errorf("after replacing a damaged record: %+v", rec)
	}
}

// TestReportHeld: a flow held when the run ended and its errors and p95 stayed within
// the plan's; otherwise Why says what failed.
func TestReportHeld(t *testing.T) {
	t.Parallel()
	base := Report{ErrorThreshold: 0.05, P95Budget: 2 * time.Second}
	for _, tc := range []struct {
		name string
		rep  func(Report) Report
		held bool
		why  string
	}{
		{"within", func(r Report) Report { return r }, true, ""},
		{"slow", func(r Report) Report {
			r.Flows[0].P95, r.Flows[0].Knee = 3*time.Second, &Moment{At: 2 * time.Second, Rate: 10}
			return r
		}, false, "p95 3002ms over the 2s budget, past it at 2s (10/s)"},
		{"errors", func(r Report) Report { r.Flows[0].ErrorRate = 0.2; return r }, false, "errors 20.0% over the 5% threshold"},
		{"interrupted", func(r Report) Report { r.Interrupted = true; return r }, false, "interrupted"},
		{"stopped", func(r Report) Report { r.StoppedBy = "signup: errors over 5% for 10s"; return r }, false, "stopped early"},
	} {
		r := base
		r.Flows = []FlowReport{{Name: "login", Requests: 100, P95: 40 * time.Millisecond}}
		r = tc.rep(r)
		if tc.name == "slow" {
			r.Flows[0].P95 = 3002 * time.Millisecond
		}
		r.judge()
		f := r.Flows[0]
		if f.Held != tc.held || r.Held() != tc.held || (tc.why != "" && !strings.Contains(f.Why, tc.why)) {
			t.Errorf("%s: held %v, why %q; want %v with %q", tc.name, f.Held, f.Why, tc.held, tc.why)
		}
	}
}

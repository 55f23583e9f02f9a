package errlog

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/redact"
	"github.com/launchready/launchready/probes"
)

// clockCheck is an errors check on a fake clock whose store is fed directly through a
// pipeline, for the time-dependent parts: rates, new windows, eviction.
func clockCheck(t *testing.T, extra string) (*Check, *pipeline, *fakeClock) {
	t.Helper()
	clk := newFakeClock()
	env := testEnv(t, "errors:\n  sources: [{name: app, file: /nonexistent/app.log}]\n"+extra, nil)
	env.Now = clk.now
	c := buildCheck(t, env)
	red, err := redact.New(redact.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return c, newPipeline("app", c.st, red, c.set.levels, c.set.caps, clk.now), clk
}

func findingIDs(fs []probes.Finding) map[string]probes.Severity {
	m := map[string]probes.Severity{}
	for _, f := range fs {
		m[f.ID+" "+f.Title] = f.Severity
	}
	return m
}

func findingByID(fs []probes.Finding, id string) (probes.Finding, bool) {
	for _, f := range fs {
		if f.ID == id {
			return f, true
		}
	}
	return probes.Finding{}, false
}

func TestRateThresholds(t *testing.T) {
	t.Parallel()
	c, p, clk := clockCheck(t, "")
	lines := func(n int, msg string) {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, `{"level":"error","msg":"%s","attempt":%d}`+"\n", msg, i)
		}
		run(p, b.String())
	}
	lines(40, "db timeout")
	res := c.result(c.Snapshot())
	if _, ok := findingByID(res.Findings, "errors.rate"); ok || res.Metrics["errors_per_min"] != 8 {
		t.Fatalf("40 errors = 8/min over 5 min: no rate finding expected; metrics %v findings %v", res.Metrics, findingIDs(res.Findings))
	}
	lines(20, "webhook signature mismatch for stripe")
	res = c.result(c.Snapshot())
	f, ok := findingByID(res.Findings, "errors.rate")
	if !ok || f.Severity != probes.High || res.Metrics["errors_per_min"] != 12 {
		t.Fatalf("60 errors: want a high rate finding at 12/min; metrics %v findings %v", res.Metrics, findingIDs(res.Findings))
	}
	if f.Impact != probes.Support || !strings.Contains(strings.Join(f.Evidence, "\n"), "40× in 5 min  db timeout") {
		t.Errorf("rate finding names the busiest group: %+v", f)
	}
	clk.advance(time.Minute)
	lines(300, "db timeout")
	res = c.result(c.Snapshot())
	if f, _ := findingByID(res.Findings, "errors.rate"); f.Severity != probes.Critical {
		t.Errorf("360 errors in 2 min: want critical, got %+v (%v)", f.Severity, res.Metrics)
	}
	s := c.Snapshot()
	if got := s.PerMinute[58:]; got[0] != 60 || got[1] != 300 {
		t.Errorf("per-minute tail %v, want [60 300]", got)
	}
	clk.advance(10 * time.Minute)
	res = c.result(c.Snapshot())
	if _, ok := findingByID(res.Findings, "errors.rate"); ok || res.Metrics["errors_per_min"] != 0 {
		t.Errorf("ten quiet minutes later: metrics %v findings %v", res.Metrics, findingIDs(res.Findings))
	}
	// The groups are still new (within the hour) but no longer after it.
	if res.Metrics["new_groups"] != 2 {
		t.Errorf("new groups %v", res.Metrics["new_groups"])
	}
	clk.advance(time.Hour)
	res = c.result(c.Snapshot())
	if _, ok := findingByID(res.Findings, "errors.new-group"); ok || res.Metrics["new_groups"] != 0 || res.Metrics["groups"] != 2 {
		t.Errorf("after new_window: metrics %v findings %v", res.Metrics, findingIDs(res.Findings))
	}
}

func TestNewGroupSeverity(t *testing.T) {
	t.Parallel()
	c, p, _ := clockCheck(t, "  burst: 3\n")
	run(p, `{"level":"error","msg":"avatar upload failed"}
{"level":"error","msg":"invoice webhook failed"}
{"level":"fatal","msg":"cannot open database"}
{"level":"error","msg":"login failed: user lookup"}
{"level":"error","msg":"cache miss storm"}
{"level":"error","msg":"cache miss storm"}
{"level":"error","msg":"cache miss storm"}
`)
	got := map[string]string{}
	for _, f := range c.result(c.Snapshot()).Findings {
		got[f.Title] = f.Severity.String() + " " + string(f.Impact)
		if f.Fix == "" || f.Detail == "" || len(f.Evidence) < 2 || !strings.HasPrefix(f.Target, "group ") {
			t.Errorf("finding lacks what an operator needs: %+v", f)
		}
	}
	want := map[string]string{
		"New error: avatar upload failed":      "medium support",
		"New error: invoice webhook failed":    "high revenue",
		"New error: cannot open database":      "high support",
		"New error: login failed: user lookup": "medium onboarding",
		"New error: cache miss storm (×3)":     "high support",
	}
	for title, w := range want {
		if got[title] != w {
			t.Errorf("%q: %q, want %q (all: %v)", title, got[title], w, got)
		}
	}
}

func TestCapsEvictLeastRecentAndRemember(t *testing.T) {
	t.Parallel()
	c, p, clk := clockCheck(t, "  caps: {groups: 10}\n")
	t0 := clk.now()
	for i := range 15 {
		run(p, fmt.Sprintf(`{"level":"error","msg":"failure kind %s"}`+"\n", strings.Repeat("x", i+1)))
		clk.advance(time.Second)
		if i == 0 {
			run(p, `{"level":"error","msg":"failure kind x"}`+"\n") // seen twice, then goes quiet
		}
	}
	s := c.Snapshot()
	if len(s.Groups) != 10 || s.EvictedGroups != 5 {
		t.Fatalf("%d groups, %d evicted; want 10 and 5", len(s.Groups), s.EvictedGroups)
	}
	if s.Groups[0].Title != "failure kind "+strings.Repeat("x", 15) {
		t.Errorf("most recent first: %v", titles(s))
	}
	for _, g := range s.Groups {
		if g.Title == "failure kind x" {
			t.Errorf("the least recently seen group was kept: %v", titles(s))
		}
	}
	// It comes back: not new since it was first seen, and it keeps that first sighting.
	later := clk.now()
	run(p, `{"level":"error","msg":"failure kind x"}`+"\n")
	for _, g := range c.NewGroupsSince(later) {
		if g.Title == "failure kind x" {
			t.Errorf("a returning group is announced as new since %v: first seen %v", later, g.FirstSeen)
		}
	}
	s = c.Snapshot()
	if s.EvictedGroups != 6 || s.Groups[0].Title != "failure kind x" || !s.Groups[0].FirstSeen.Equal(t0) {
		t.Errorf("after return: evicted %d, first group %+v", s.EvictedGroups, s.Groups[0])
	}
}

func TestNewGroupsSince(t *testing.T) {
	t.Parallel()
	c, p, clk := clockCheck(t, "")
	run(p, `{"level":"error","msg":"old problem"}`+"\n")
	clk.advance(10 * time.Minute)
	deploy := clk.now()
	clk.advance(time.Minute)
	run(p, `{"level":"error","msg":"old problem"}`+"\n"+`{"level":"error","msg":"new since the deploy"}`+"\n")
	clk.advance(time.Minute)
	run(p, `{"level":"error","msg":"newer still"}`+"\n")
	got := c.NewGroupsSince(deploy)
	if len(got) != 2 || got[0].Title != "new since the deploy" || got[1].Title != "newer still" {
		t.Errorf("new since deploy: %v", got)
	}
	if len(c.NewGroupsSince(clk.now().Add(time.Second))) != 0 {
		t.Error("nothing is new since the future")
	}
}

// TestUnleveledTraces: the healthy lab's recovered Go panic carries no level. It is kept
// aside (counted, latest shown), not grouped as an error, unless levels says unleveled.
func TestUnleveledTraces(t *testing.T) {
	t.Parallel()
	trace := "2026/11/28 01:59:31 http: panic serving 10.0.3.7:51234: runtime error: invalid memory address or nil pointer dereference\n" +
		"goroutine 1187 [running]:\nnet/http.(*conn).serve.func1()\n\t/usr/local/go/src/net/http/server.go:1947 +0xbe\n" +
		"github.com/acme/community/internal/members.(*Handler).Feed(0xc0001a2000)\n\t/app/internal/members/feed.go:88 +0x1c4\n" +
		"plain line without a level\n"
	c, p, _ := clockCheck(t, "")
	run(p, trace)
	s := c.Snapshot()
	if len(s.Groups) != 0 || s.UnleveledTraces != 1 || s.LastUnleveledTrace == nil || !strings.Contains(s.LastUnleveledTrace.Stack, "feed.go:88") {
		t.Fatalf("groups %v, traces %d, last %+v", titles(s), s.UnleveledTraces, s.LastUnleveledTrace)
	}
	if res := c.result(s); len(res.Findings) != 0 || !strings.Contains(res.Summary, "1 stack trace without a level") {
		t.Errorf("findings %v summary %q", findingIDs(res.Findings), res.Summary)
	}
	c2, p2, _ := clockCheck(t, "  levels: [error, unleveled]\n")
	run(p2, trace)
	s2 := c2.Snapshot()
	if len(s2.Groups) != 2 || !hasGroup(s2, "http: panic serving") {
		t.Errorf("with unleveled counted: groups %v", titles(s2))
	}
}

func TestLevelsAreConfigurable(t *testing.T) {
	t.Parallel()
	c, p, _ := clockCheck(t, "  levels: [warn]\n")
	run(p, "WARN disk 91% full\nERROR not counted now\n{\"level\":40,\"msg\":\"pino warning\"}\nlevel=warning msg=\"logfmt warning\" x=1\n")
	s := c.Snapshot()
	if len(s.Groups) != 3 || hasGroup(s, "not counted") {
		t.Errorf("groups %v", titles(s))
	}
	if s.Levels["warn"] != 3 || s.Levels["error"] != 1 {
		t.Errorf("levels %v", s.Levels)
	}
}

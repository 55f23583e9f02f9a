package errlog

import (
	"strings"
	"testing"
)

// TestTracesOfEachLanguage runs real-shaped logs through the pipeline: each has normal
// lines around one error with a multi-line trace, which must come out as one group whose
// sample holds the whole trace, with the lines around it left out.
func TestTracesOfEachLanguage(t *testing.T) {
	t.Parallel()
	cases := []struct {
		file        string
		title       string // the group's title
		err         string // the sample's error, "" to skip
		level       string
		stackHas    []string
		stackLacks  []string
		events      int64 // entries in the file
		stackFrames string
	}{
		{file: "go-panic.log", title: "runtime error: index out of range [5] with length 3", level: "panic",
			stackHas:   []string{"goroutine 1 [running]:", "(*Builder).Page", "/app/cmd/server/main.go:41", "exit status 2"},
			stackLacks: []string{"server started"}, events: 3},
		{file: "go-goroutines.log", title: "fatal error: all goroutines are asleep - deadlock!", level: "fatal",
			stackHas:   []string{"goroutine 18 [select]:", "created by github.com/acme/community/internal/worker.New", "pool.go:22"},
			stackLacks: []string{"starting worker pool"}, events: 3},
		{file: "python.log", title: "[worker] charge failed", err: "billing.BillingError: could not charge", level: "error",
			stackHas:   []string{"stripe.error.CardError: declined", "During handling of the above exception", "raise BillingError"},
			stackLacks: []string{"next job", "charging member"}, events: 3},
		{file: "python-uncaught.log", title: "Traceback (most recent call last):", err: "ValueError: bad config: missing QUEUE_URL", level: "error",
			stackHas: []string{`File "/app/worker.py", line 1, in main`}, stackLacks: []string{"starting"}, events: 3},
		{file: "java.log", title: "Servlet.service() threw exception", err: "java.sql.SQLException: Connection is not available, request timed out after 30000ms.", level: "error",
			stackHas:   []string{"java.lang.IllegalStateException: Subscription not found", "at com.acme.billing.WebhookController.handle", "... 12 more"},
			stackLacks: []string{"received event"}, events: 3},
		{file: "node.log", title: "request failed", err: "TypeError: Cannot read properties of undefined (reading 'id')", level: "error",
			stackHas: []string{"at getMember (/app/src/members.js:12:20)"}, events: 3},
		{file: "node-plain.log", title: "connect ECONNREFUSED 127.0.0.1:5432", level: "error",
			stackHas: []string{"at async getMember (/app/src/members.js:12:20)"}, stackLacks: []string{"retrying"}, events: 3},
		{file: "ruby.log", title: "NoMethodError (undefined method `email' for nil):", level: "error",
			stackHas: []string{"members_controller.rb:12:in `show'"}, stackLacks: []string{"Completed"}, events: 3},
		{file: "ruby-uncaught.log", title: "app.rb:10:in `charge': card declined (Stripe::CardError)", level: "error",
			stackHas: []string{"from app.rb:30:in `<main>'"}, events: 3},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			t.Parallel()
			p, st := testPipeline(t, nil)
			run(p, readTestdata(t, "traces/"+c.file))
			gs := groupsOf(st)
			if len(gs) != 1 {
				for _, g := range gs {
					t.Logf("group %q\n%s", g.Title, g.Sample.Stack)
				}
				t.Fatalf("%d groups, want 1", len(gs))
			}
			g := gs[0]
			if g.Title != c.title {
				t.Errorf("title %q, want %q", g.Title, c.title)
			}
			if c.err != "" && g.Sample.Error != c.err {
				t.Errorf("error %q, want %q", g.Sample.Error, c.err)
			}
			if g.Level != c.level {
				t.Errorf("level %q, want %q", g.Level, c.level)
			}
			for _, s := range c.stackHas {
				if !strings.Contains(g.Sample.Stack, s) {
					t.Errorf("stack lacks %q:\n%s", s, g.Sample.Stack)
				}
			}
			for _, s := range c.stackLacks {
				if strings.Contains(g.Sample.Stack, s) || strings.Contains(g.Sample.Message, s) {
					t.Errorf("a neighbouring line %q was joined into the error:\n%s\n%s", s, g.Sample.Message, g.Sample.Stack)
				}
			}
			if n := st.events.Load(); n != c.events {
				t.Errorf("%d entries, want %d (the trace is one entry with its line)", n, c.events)
			}
			if st.lines.Load() != int64(strings.Count(readTestdata(t, "traces/"+c.file), "\n")) {
				t.Errorf("%d lines counted, want every line of the file", st.lines.Load())
			}
		})
	}
}

// TestSameErrorOneGroup: occurrences that differ only in data group together; a
// different error or a different place in the code does not.
func TestSameErrorOneGroup(t *testing.T) {
	t.Parallel()
	p, st := testPipeline(t, nil)
	run(p, `{"level":"error","msg":"charge failed for cus_9s8d7f6g5h4j3k","error":"card 4242 declined after 3 tries","request_id":"req_1"}
{"level":"error","msg":"charge failed for cus_AAAbbb111222cc","error":"card 1881 declined after 12 tries","request_id":"req_2"}
{"level":"error","msg":"user 'jane@example.com' not found in 550e8400-e29b-41d4-a716-446655440000"}
{"level":"error","msg":"user 'bob@other.example' not found in 6ba7b810-9dad-11d1-80b4-00c04fd430c8"}
{"level":"error","msg":"timeout after 30s at 0xc0001a2000"}
{"level":"error","msg":"timeout after 31s at 0xc000ffee00"}
{"level":"error","msg":"charge refused for cus_9s8d7f6g5h4j3k"}
`)
	gs := groupsOf(st)
	counts := map[string]int64{}
	for _, g := range gs {
		counts[firstWord(g.Title)] += g.Count
		if g.Count != 2 && !strings.HasPrefix(g.Title, "charge refused") {
			t.Errorf("group %q has %d, want 2", g.Title, g.Count)
		}
	}
	if len(gs) != 4 {
		for _, g := range gs {
			t.Logf("%s ×%d", g.Title, g.Count)
		}
		t.Fatalf("%d groups, want 4", len(gs))
	}
	// Same message, different code: two groups.
	p2, st2 := testPipeline(t, nil)
	run(p2, "panic: boom\n\ngoroutine 1 [running]:\nmain.a()\n\t/app/a.go:1\npanic: boom\n\ngoroutine 1 [running]:\nmain.b()\n\t/app/b.go:1\npanic: boom\n\ngoroutine 9 [running]:\nmain.a()\n\t/app/a.go:7 +0x10\n")
	if gs := groupsOf(st2); len(gs) != 2 {
		t.Errorf("%d groups for the same panic in two functions (and one repeat), want 2", len(gs))
	}
}

func firstWord(s string) string { return strings.Fields(s + " x")[0] }

package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/setup"
	"github.com/launchready/launchready/probes"
)

// TestErrorGroupsSinceReadsTheErrorsCheck: the stepper's "since start" source is the
// session's errors check: an error first logged after the run started is listed, what
// the log held before is not.
func TestErrorGroupsSinceReadsTheErrorsCheck(t *testing.T) {
	t.Parallel()
	s, err := setup.Open(setup.Options{Lab: "demo", StateFlag: t.TempDir(), Getenv: func(string) (string, bool) { return "", false }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	since := errorGroupsSince(s.Checks)
	if since == nil {
		t.Fatal("the demo config watches the lab's log; the source should exist")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// A run of the errors check reads its sources: first the backlog (old), then new lines.
	readLogs := func() {
		for _, c := range s.Checks {
			if c.Info().Pane == probes.PaneErrors {
				c.Run(ctx)
			}
		}
	}
	readLogs()
	start := time.Now()
	if titles, ok := since(start); !ok || len(titles) != 0 {
		t.Fatalf("nothing is new yet, got %v (%v)", titles, ok)
	}
	msg := "billing export crashed: unexpected EOF reading invoice batch"
	if err := s.Lab.AppendLog(fmt.Sprintf(`{"time":%q,"level":"ERROR","msg":%q}`, time.Now().UTC().Format(time.RFC3339), msg)); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		readLogs()
		titles, _ := since(start)
		if slices.ContainsFunc(titles, func(t string) bool { return strings.Contains(t, "billing export crashed") }) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the new error never showed as a new group; titles %v", titles)
		}
		time.Sleep(300 * time.Millisecond)
	}
	if titles, _ := since(time.Now().Add(time.Hour)); len(titles) != 0 {
		t.Errorf("nothing is new since an hour from now, got %v", titles)
	}
}

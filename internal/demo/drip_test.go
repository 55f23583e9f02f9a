package demo

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/probes/lab"
)

func TestDripAppendsToTheLabLogOverTime(t *testing.T) {
	t.Parallel()
	sc, _ := lab.ScenarioByName("demo")
	l, err := lab.Start(sc, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	before, _ := os.ReadFile(l.LogFile)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	at := time.Date(2026, 11, 28, 14, 0, 0, 0, time.UTC)
	go func() {
		Drip(ctx, l, 5*time.Millisecond, func() time.Time { return at }, func(err error) { t.Error(err) })
		close(done)
	}()
	deadline := time.Now().Add(5 * time.Second)
	for {
		after, _ := os.ReadFile(l.LogFile)
		if grown := strings.TrimPrefix(string(after), string(before)); strings.Count(grown, "request_id") >= 3 {
			if !strings.Contains(grown, "2026-11-28T14:00:00Z") || !strings.Contains(grown, "Traceback") && !strings.Contains(grown, "stripe webhook rejected") {
				t.Errorf("appended entries are not the demo's, stamped with the clock:\n%s", grown)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the log did not grow:\n%s", after)
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
}

func TestEntriesAreWellFormed(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 28, 14, 0, 0, 0, time.UTC)
	for i := 0; i < 12; i++ {
		e := Entry(i, at)
		if strings.HasPrefix(e, "{") {
			var v map[string]any
			if err := json.Unmarshal([]byte(e), &v); err != nil {
				t.Errorf("entry %d is not valid JSON: %v\n%s", i, err, e)
			}
		} else if !strings.Contains(e, "Traceback (most recent call last):") {
			t.Errorf("entry %d is neither JSON nor a traceback:\n%s", i, e)
		}
	}
}

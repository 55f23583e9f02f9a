package errlog

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/internal/redact"
	"github.com/launchready/launchready/probes"
)

// testCaps are small enough that tests reach them.
var testCaps = caps{groups: 50, sampleBytes: 4096, lineBytes: 64 << 10, eventLines: 50}

// fakeClock is a settable clock for store and rate tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// testPipeline is a pipeline into a fresh store, counting the default levels as errors.
func testPipeline(t testing.TB, red *redact.Redactor) (*pipeline, *store) {
	t.Helper()
	if red == nil {
		var err error
		if red, err = redact.New(redact.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	levels, err := parseLevelSet(defaultLevels)
	if err != nil {
		t.Fatal(err)
	}
	st := newStore(testCaps.groups)
	return newPipeline("test", st, red, levels, testCaps, time.Now), st
}

// run feeds text through the pipeline as one file that then ends.
func run(p *pipeline, text string) {
	p.feed([]byte(text))
	p.flush(true)
}

func groupsOf(st *store) []Group {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.groupsLocked(time.Now(), nil)
}

func readTestdata(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// testEnv builds a probe Env from an errors: section (indented under "errors:"). With
// getenv, the host carries a secret header env:LR_TEST_SECRET, resolved from it, so the
// config knows a secret by value as a real one does.
func testEnv(t testing.TB, errorsSection string, getenv map[string]string) probes.Env {
	t.Helper()
	text := "domain: acme.example\ncanonical_url: https://app.acme.example/\nhosts:\n  - name: app.acme.example\n"
	if getenv != nil {
		text += "    secret_headers:\n      Authorization: env:LR_TEST_SECRET\n"
	}
	text += errorsSection
	cfg, err := config.Parse([]byte(text), filepath.Join(t.TempDir(), "launchready.yaml"))
	if err != nil {
		t.Fatalf("config: %v\n%s", err, text)
	}
	env := probes.Env{Config: cfg, Now: time.Now}
	if _, err := Kind.Build(env); err != nil {
		t.Fatalf("build: %v", err) // decoding the section registers its secrets, before Resolve
	}
	if getenv != nil {
		if errs := cfg.Resolve(func(k string) (string, bool) { v, ok := getenv[k]; return v, ok }); len(errs) > 0 {
			t.Fatal(errs)
		}
	}
	return env
}

// buildCheck builds the errors check from a config's errors: section and closes it when
// the test ends.
func buildCheck(t testing.TB, env probes.Env) *Check {
	t.Helper()
	checks, err := Kind.Build(env)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	if len(checks) != 1 {
		t.Fatalf("%d checks, want 1", len(checks))
	}
	c := checks[0].(*Check)
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Error(err)
		}
	})
	return c
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

func yamlQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func runCheck2(t testing.TB, c *Check) probes.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	res := c.Run(ctx)
	if res.Err != "" {
		t.Fatalf("run: %s", res.Err)
	}
	return res
}

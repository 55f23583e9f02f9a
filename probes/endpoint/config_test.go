package endpoint

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/netx"
)

var update = flag.Bool("update", false, "rewrite testdata/*.err from the current messages")

// TestInvalidConfigs maps each testdata/invalid-*.yaml to the exact messages in its .err
// file: every error positioned, every one with a fix.
func TestInvalidConfigs(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("testdata/invalid-*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata/invalid-*.yaml: %v", err)
	}
	n, _ := netx.New(netx.Config{Resolvers: []string{"127.0.0.1:1"}})
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			cfg, err := config.Load(f)
			if err != nil {
				t.Fatalf("the top level must be valid, only endpoints: broken: %v", err)
			}
			_, err = Kind.Build(probes.Env{Config: cfg, Net: n, Now: time.Now})
			if err == nil {
				t.Fatal("built without error")
			}
			errs, ok := err.(config.Errors)
			if !ok {
				t.Fatalf("error is %T, want config.Errors", err)
			}
			got := err.Error() + "\n"
			golden := strings.TrimSuffix(f, ".yaml") + ".err"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("missing %s (run go test -update once and review it): %v", golden, err)
			}
			if got != string(want) {
				t.Errorf("messages changed:\n--- got\n%s--- want\n%s", got, want)
			}
			for _, e := range errs {
				// Type errors come from the config walker, which says what it found; the
				// section's own checks always say what to do.
				if e.Line == 0 || (e.Fix == "" && !strings.Contains(e.Msg, "expected") && !strings.Contains(e.Msg, "literal secret")) {
					t.Errorf("error without a position or a fix: %v", e)
				}
			}
			if strings.Contains(got, "Bearer abc") || strings.Contains(got, "hunter2") || strings.Contains(got, "whsec_literal") || strings.Contains(got, "correct-horse") {
				t.Error("a credential in plain headers is echoed")
			}
		})
	}
}

func FuzzJSONPath(f *testing.F) {
	f.Add([]byte(`{"status":"ok","checks":{"db":"ok"},"items":[{"id":7}],"n":1.50}`), "items.0.id")
	f.Add([]byte(`[[[[[[1]]]]]]`), "0.0.0.0.0.0")
	f.Add([]byte(`{"a":"\"}{[\\"}`), "a")
	f.Add([]byte(`{"failed_jobs":"17"}`), "failed_jobs")
	f.Fuzz(func(t *testing.T, body []byte, path string) {
		p, err := parsePath(path)
		if err != nil {
			return
		}
		v, err := decodeJSON(body)
		if err != nil {
			return
		}
		if got, ok := p.lookup(v); ok {
			_ = scalarText(got)
			_, _ = number(got)
		}
	})
}

func FuzzParseStatus(f *testing.F) {
	for _, s := range []string{"200", "2xx", "200-299", "5XX", " 301 ", "600", "1-2", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, ok := parseStatus(s)
		if ok && (r.lo < 100 || r.hi > 599 || r.lo > r.hi) {
			t.Fatalf("%q parsed to %+v", s, r)
		}
	})
}

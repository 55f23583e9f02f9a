package exposure

import (
	"context"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/secretscan"
	"github.com/launchready/launchready/probes"
)

func TestRepoCheckReadsTheLastScan(t *testing.T) {
	t.Parallel()
	state := t.TempDir()
	c := &repoCheck{state: state, head: func(context.Context, string) (string, error) { return "abc1234def", nil }}
	if r := c.Run(context.Background()); r.Err != "" || r.Status != probes.StatusUnknown || r.Metrics["repo_scan_recorded"] != 0 || len(r.Findings) != 0 {
		t.Errorf("no record: %+v", r)
	}
	rep := &secretscan.Report{Repo: "/src/shop", Head: "abc1234def", Time: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC),
		Counts: secretscan.Counts{Critical: 1, Removed: 1},
		Findings: []secretscan.Finding{{Rule: "stripe-access-token", Kind: "stripe-secret-key", Level: secretscan.Critical, What: "Stripe live secret key",
			File: "src/pay.js", Line: 2, Where: secretscan.WhereHistory, Preview: "sk_live_… (40 chars)", Advice: "rotate it"}}}
	if err := secretscan.WriteRecord(state, rep); err != nil {
		t.Fatal(err)
	}
	r := c.Run(context.Background())
	if len(r.Findings) != 1 || r.Findings[0].ID != "exposure.repo-secret" || r.Findings[0].Title != "Stripe live secret key removed from the code, alive in git history" || r.Metrics["repo_scan_current"] != 1 {
		t.Errorf("a recorded leak at the current HEAD: %+v", r)
	}
	c.head = func(context.Context, string) (string, error) { return "fff0000", nil }
	r = c.Run(context.Background())
	if r.Metrics["repo_scan_current"] != 0 || r.Findings[len(r.Findings)-1].ID != "exposure.repo-scan-stale" {
		t.Errorf("HEAD moved: %+v", r)
	}
}

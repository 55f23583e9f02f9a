package exposure

import (
	"context"
	"fmt"
	"time"

	"github.com/launchready/launchready/internal/secretscan"
	"github.com/launchready/launchready/probes"
)

// repoCheck is "repo secrets": the last repository scan, read from the state folder. The
// console cannot scan a repository every minute, but it can say whether the last scan was
// clean and whether the code has moved on since.
type repoCheck struct {
	info  probes.CheckInfo
	state string
	head  func(ctx context.Context, repo string) (string, error)
}

func buildRepo(env probes.Env) ([]probes.Check, error) {
	if env.StateDir == "" {
		return nil, nil
	}
	return []probes.Check{&repoCheck{
		info:  probes.CheckInfo{Name: "repo secrets", Kind: "repo-secrets", Pane: probes.PaneExposure, Target: "launchready secrets scan", Interval: time.Minute, Timeout: 10 * time.Second},
		state: env.StateDir, head: secretscan.Head,
	}}, nil
}

func (c *repoCheck) Info() probes.CheckInfo { return c.info }

func (c *repoCheck) Run(ctx context.Context) probes.Result {
	rec, ok, err := secretscan.ReadRecord(c.state)
	if err != nil {
		return probes.Result{Err: err.Error()}
	}
	if !ok {
		// Not a pass: nothing was judged. The pane shows it as unknown, as the launch bar
		// says "not checked".
		return probes.Result{Status: probes.StatusUnknown, Summary: "no repository scan recorded: run `launchready secrets scan` in the app's repository",
			Metrics: map[string]float64{"repo_scan_recorded": 0}}
	}
	res := probes.Result{Target: rec.Repo, Metrics: map[string]float64{"repo_scan_recorded": 1, "repo_leaks": float64(rec.Counts.Leaks())}}
	for _, f := range rec.Findings {
		if f.Public {
			continue
		}
		title := f.What + " in the repository"
		if f.Removed() {
			title = f.What + " removed from the code, alive in git history"
		}
		res.Findings = append(res.Findings, probes.Finding{ID: "exposure.repo-secret", Pane: probes.PaneExposure, Check: c.info.Name,
			Target:   fmt.Sprintf("%s:%d", f.File, f.Line),
			Severity: severity(f.Level), Impact: impact(f), Title: title,
			Detail:   "Everyone with a clone of the repository, and every service it is mirrored to, has this secret.",
			Observed: fmt.Sprintf("%s:%d %s (scan of %s at %s, %s)", f.File, f.Line, f.Preview, rec.Repo, short(rec.Head), rec.Time.Format("Jan 2 15:04")),
			Expected: "no secret in code or history; secrets in the host's secret store",
			Fix:      f.Advice, Evidence: []string{"rule " + f.Rule, "fingerprint " + f.Fingerprint}})
	}
	head, herr := c.head(ctx, rec.Repo)
	current := herr == nil && head == rec.Head
	if current {
		res.Metrics["repo_scan_current"] = 1
	} else {
		res.Metrics["repo_scan_current"] = 0
		obs := fmt.Sprintf("HEAD is %s, the scan saw %s", short(head), short(rec.Head))
		if herr != nil {
			obs = fmt.Sprintf("cannot read HEAD of %s: %v", rec.Repo, herr)
		}
		res.Findings = append(res.Findings, probes.Finding{ID: "exposure.repo-scan-stale", Pane: probes.PaneExposure, Check: c.info.Name,
			Target: rec.Repo, Severity: probes.Info, Impact: probes.DataExposure,
			Title:    "Repository changed since its last secret scan",
			Detail:   "Commits after the last scan have not been checked for secrets.",
			Observed: obs, Expected: "a scan of the current HEAD",
			Fix: "run `launchready secrets scan " + rec.Repo + "`, or add it to CI so every push is scanned"})
	}
	res.Summary = fmt.Sprintf("last scan %s at %s: %s", rec.Time.Format("Jan 2 15:04"), short(rec.Head), secretscan.Verdict(&rec.Report))
	if !current {
		res.Summary += " (HEAD has moved since)"
	}
	return res
}

func short(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}

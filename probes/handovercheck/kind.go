// Package handovercheck is "handover pack": whether the launch handover pack
// (`launchready handover -o DIR`) exists, is not older than the config or the last
// runbook run, and names an owner for every system. It reads the freshness record the
// pack leaves in the state folder (handover.json) and judges it with the same functions
// as `handover --check`, so the console, `launchready check` and --check agree. The launch
// bar's "Handover checklist written" reads it: the roadmap's failure signal is
// "everything works today but nobody knows how to recover when something breaks
// tomorrow", and a pack that is missing, stale or leaves a system unowned is that.
//
// The check sits in the Endpoints pane, beside the alert channels' health: both are about
// who hears of a failure and who can act on it, and neither is a DNS, certificate, email,
// log or exposure fact (rules of the launch bar read those panes' findings as evidence
// for their own items). It is built only with a state folder, as the pack records there.
//
// Findings: handover.no-pack (low; in the built-in lab only the summary says it), handover.stale (medium: the config changed or a
// runbook ran after the pack was written), handover.unowned (medium: systems with no
// owner in the pack). Metrics: handover_pack (1 a pack is recorded), handover_current (1
// not older than the config or the last run), handover_unowned (systems with no owner).
package handovercheck

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/internal/handoverrec"
	"github.com/launchready/launchready/probes"
)

// KindName is the kind the launch bar looks for.
const KindName = "handover"

// WriteCommand is what writes the pack, for findings and the launch bar.
const WriteCommand = "launchready handover -o handover/"

// Kind registers the handover pack check.
var Kind = probes.Kind{Name: KindName, Pane: probes.PaneEndpoints,
	Doc: "the launch handover pack exists, is not older than the config or the last runbook run, and every system has an owner",
	Build: func(env probes.Env) ([]probes.Check, error) {
		if env.StateDir == "" || env.Config == nil {
			return nil, nil
		}
		return []probes.Check{&check{cfg: env.Config, state: env.StateDir, lab: env.LabDir != "", lastRun: env.LastRunbookRun,
			info: probes.CheckInfo{Name: "handover pack", Kind: KindName, Pane: probes.PaneEndpoints,
				Target: "launchready handover", Interval: time.Minute, Timeout: 10 * time.Second}}}, nil
	}}

type check struct {
	info  probes.CheckInfo
	cfg   *config.Config
	state string
	// lab: the built-in lab is nobody's product to hand over, and its healthy scenario
	// must report no findings, so there a missing pack is said in the summary alone. The
	// launch bar reads the metrics, so its item reads the same either way.
	lab bool
	// lastRun is the state folder's newest runbook run (probes.Env.LastRunbookRun, wired by
	// setup): probes do not read the runbook store themselves. Nil: no run is known.
	lastRun func() (string, time.Time)
}

func (c *check) Info() probes.CheckInfo { return c.info }

func (c *check) Run(ctx context.Context) probes.Result {
	path := filepath.Join(c.state, handoverrec.StateRecord)
	rec, err := handoverrec.ReadRecord(path)
	if errors.Is(err, os.ErrNotExist) {
		res := probes.Result{Summary: "no handover pack yet: " + WriteCommand,
			Metrics: map[string]float64{"handover_pack": 0, "handover_current": 0, "handover_unowned": 0}}
		if !c.lab {
			res.Findings = []probes.Finding{c.finding("handover.no-pack", probes.Low, c.info.Target,
				"No handover pack yet",
				"Nobody has written down who owns each system, how to get access and how to recover: the person who owns the product after launch week starts from nothing.",
				"no handover.json in the state folder "+c.state, "a pack written by launchready handover",
				"run `"+WriteCommand+"` and commit the folder, or hand index.html to the owner")}
		}
		return res
	}
	if err != nil {
		return probes.Result{Err: err.Error()}
	}
	var lastRun string
	var lastAt time.Time
	if c.lastRun != nil {
		lastRun, lastAt = c.lastRun()
	}
	stale := rec.Stale(handoverrec.ConfigHash(c.cfg), lastRun, lastAt)
	target := rec.Dir
	if target == "" {
		target = c.info.Target
	}
	res := probes.Result{Target: target, Metrics: map[string]float64{"handover_pack": 1, "handover_current": 1,
		"handover_unowned": float64(len(rec.Unowned))}}
	again := "write it again: `launchready handover -o " + target + "`"
	if stale != "" {
		res.Metrics["handover_current"] = 0
		res.Findings = append(res.Findings, c.finding("handover.stale", probes.Medium, target,
			"Handover pack is out of date",
			"The pack describes the product as it was: what changed since (the config, a deploy or rotation run) is not in what the new owner reads.",
			stale, "a pack written after the last config change and runbook run", again))
	}
	if len(rec.Unowned) > 0 {
		res.Findings = append(res.Findings, c.finding("handover.unowned", probes.Medium, target,
			fmt.Sprintf("%d systems have no owner in the handover pack: %s", len(rec.Unowned), strings.Join(rec.Unowned, ", ")),
			"When one of these breaks, nobody knows who can log in to fix it or how access is granted.",
			"no owner for "+strings.Join(rec.Unowned, ", "), "an owner and an access process for every system",
			"add each to owners: in launchready.yaml (who owns it, how access is granted: a process, never a credential), then "+again))
	}
	res.Summary = fmt.Sprintf("pack in %s written %s", target, rec.Generated.Format("Jan 2 15:04"))
	switch {
	case stale != "":
		res.Summary += ", out of date: " + stale
	case len(rec.Unowned) > 0:
		res.Summary += fmt.Sprintf(", current; %d systems have no owner", len(rec.Unowned))
	default:
		res.Summary += ", current, every system owned"
	}
	return res
}

func (c *check) finding(id string, sev probes.Severity, target, title, detail, observed, expected, fix string) probes.Finding {
	return probes.Finding{ID: id, Pane: probes.PaneEndpoints, Check: c.info.Name, Target: target, Severity: sev,
		Impact: probes.Support, Title: title, Detail: detail, Observed: observed, Expected: expected, Fix: fix}
}

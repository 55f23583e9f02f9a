package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/launchready/launchready/internal/setup"
	history "github.com/launchready/launchready/internal/store"
	"github.com/launchready/launchready/internal/timeline"
	"github.com/launchready/launchready/runbook"
)

// timelineOut is what `timeline --json` prints (schema launchready.timeline/v1).
type timelineOut struct {
	Schema  string          `json:"schema"`
	History string          `json:"history"`
	Since   time.Time       `json:"since"`
	Until   time.Time       `json:"until"`
	Panes   []string        `json:"panes,omitempty"`
	Events  []history.Event `json:"events"`
}

// newTimelineCmd prints the incident timeline: what changed, newest first, for a script
// or a postmortem. It only reads (the history database read-only, the transcripts), so
// it is safe beside a running watch or console.
func newTimelineCmd(g *globalFlags) *cobra.Command {
	var (
		since, until string
		panes        []string
		asJSON       bool
	)
	cmd := &cobra.Command{
		Use:   "timeline",
		Short: "What changed, newest first: DNS answers, certificates, endpoint states, new errors, runbook runs, restarts",
		Long: `Print the changes the history recorded in a window, newest first: a DNS answer that
changed (old and new), a new certificate, an endpoint going up, degraded or down or its
latency stepping, an error group first seen or the error rate spiking, each runbook run's
start, steps, rollback and outcome with who ran it, the console or watch starting and
stopping, the config changing. It only reads, and needs no config with --state DIR (the
demo's: the state folder the demo was given).

--since and --until take a duration back from now (2h, 30m) or a time (15:04, or RFC 3339).`,
		Example: `  launchready timeline --since 2h
  launchready timeline --state /var/lib/launchready --since 02:00 --until 02:30 --pane dns,endpoints,runbooks
  launchready timeline --json | jq -r '.events[] | "\(.time) \(.summary)"'`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			now := time.Now()
			from, err := parseWhen(since, now)
			if err != nil {
				return usageError(cmd, fmt.Errorf("--since: %v", err))
			}
			to := now.Add(time.Second) // include what happened this second
			if until != "" {
				if to, err = parseWhen(until, now); err != nil {
					return usageError(cmd, fmt.Errorf("--until: %v", err))
				}
			}
			ps, err := timelinePanes(panes)
			if err != nil {
				return usageError(cmd, err)
			}
			src, path, err := g.timelineSource(cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			if src.History != nil {
				defer src.History.Close()
			}
			evs, err := src.List(history.EventQuery{Since: from, Until: to, Panes: ps})
			if err != nil {
				return &exitError{exitUsage, err}
			}
			if asJSON {
				out := timelineOut{Schema: "launchready.timeline/v1", History: path, Since: from, Until: to, Panes: ps, Events: evs}
				if out.Events == nil {
					out.Events = []history.Event{}
				}
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(out)
			}
			timeline.WriteText(cmd.OutOrStdout(), evs, time.Local)
			return nil
		},
	}
	cmd.Flags().StringVar(&since, "since", "2h", "start of the window: a duration back from now (2h) or a time (02:00, RFC 3339)")
	cmd.Flags().StringVar(&until, "until", "", "end of the window, like --since (default now)")
	cmd.Flags().StringSliceVar(&panes, "pane", nil, "only these panes (dns, tls, email, endpoints, errors, runbooks, alerts, session; repeat or comma-separate)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (schema launchready.timeline/v1)")
	return cmd
}

// timelineSource finds the state folder (from --state alone, or the config's) and opens
// its history read-only with the runbook runs beside it. The product's history.db is read
// when there is one, else the lab's (a folder only the demo used: STATE/lab/demo/
// history-lab.db, whose runs are in STATE/lab/demo/demo). History is nil when neither exists yet: the runs still show.
func (g *globalFlags) timelineSource(stderr io.Writer) (timeline.Source, string, error) {
	dir := g.state
	if dir == "" {
		s, err := g.openOffline()
		if err != nil {
			return timeline.Source{}, "", err
		}
		dir = s.StateDir
		s.Close()
		if dir == "" {
			return timeline.Source{}, "", &exitError{exitUsage, errors.New("launchready timeline: no state folder; pass --state DIR (the one watch or the console uses)")}
		}
	}
	src := timeline.Source{Runs: runbook.NewStore(dir)}
	path := filepath.Join(dir, "history.db")
	if _, err := os.Stat(path); err != nil {
		// A folder only the demo used: its lab keeps its state in STATE/lab/SCENARIO (the
		// demo scenario's first, the usual one), or --state named that folder itself.
		for _, lab := range []string{setup.LabStateDir(dir, "demo"), setup.LabStateDir(dir, "healthy"), dir} {
			if _, lerr := os.Stat(filepath.Join(lab, "history-lab.db")); lerr == nil {
				path = filepath.Join(lab, "history-lab.db")
				src.Runs = runbook.NewStore(filepath.Join(lab, "demo"))
				break
			}
		}
	}
	h, err := history.OpenReader(path, history.Options{})
	if err != nil {
		fmt.Fprintf(stderr, "note: %v; only runbook runs are listed\n", err)
		return src, "", nil
	}
	src.History = h
	return src, path, nil
}

// timelinePanes reads --pane: the check panes by the names --only takes, plus runbooks,
// alerts and session.
func timelinePanes(in []string) ([]string, error) {
	var out []string
	for _, p := range in {
		for _, w := range strings.Split(p, ",") {
			w = strings.ToLower(strings.TrimSpace(w))
			switch w {
			case "":
			case timeline.PaneRunbooks, "runbook", "runs":
				out = append(out, timeline.PaneRunbooks)
			case timeline.PaneSession:
				out = append(out, timeline.PaneSession)
			case timeline.PaneAlerts, "alert":
				out = append(out, timeline.PaneAlerts)
			default:
				ps, err := parseOnly(w)
				if err != nil {
					return nil, fmt.Errorf("--pane: unknown pane %q: use any of dns, tls, email, endpoints, errors, runbooks, alerts, session", w)
				}
				for _, p := range ps {
					out = append(out, string(p))
				}
			}
		}
	}
	return out, nil
}

// parseWhen reads a time for --since and --until: a duration back from now ("2h"), a
// clock time today ("02:10", in the local zone; yesterday's if that is still ahead), or
// RFC 3339.
func parseWhen(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if d, err := time.ParseDuration(s); err == nil {
		if d < 0 {
			d = -d
		}
		return now.Add(-d), nil
	}
	for _, layout := range []string{"15:04", "15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, now.Location()); err == nil {
			at := time.Date(now.Year(), now.Month(), now.Day(), t.Hour(), t.Minute(), t.Second(), 0, now.Location())
			if at.After(now) {
				at = at.AddDate(0, 0, -1)
			}
			return at, nil
		}
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is neither a duration (2h, 30m), a time of day (02:10) nor RFC 3339 (2026-11-28T02:10:00Z)", s)
}

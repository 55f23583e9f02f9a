package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/launchready/launchready/internal/alert"
	"github.com/launchready/launchready/internal/watch"
)

// alertStatus is what `alert status --json` prints (schema launchready.alertstatus/v1).
type alertStatus struct {
	Schema   string         `json:"schema"`
	State    string         `json:"state_dir"`
	Watch    *watch.Holder  `json:"watch,omitempty"` // nil: no watch holds the folder
	Firing   []alert.Alert  `json:"firing"`
	Pending  []alert.Alert  `json:"pending"` // failing, not firing yet
	Channels []alert.Health `json:"channels"`
	Queued   map[string]int `json:"queued"`
	Windows  []alert.Span   `json:"maintenance"`
}

// newAlertStatusCmd answers "is anything firing, is a channel down, is something holding
// alerts?" from the state folder watch keeps, without touching it: the 2 a.m. question
// before opening the console.
func newAlertStatusCmd(g *globalFlags) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "What watch is alerting on now: firing alerts, channel health, queued messages, maintenance windows",
		Long: `Read the state folder launchready watch keeps (alert journal, channel health, maintenance
windows, its lock) and say what is firing, what is failing but not firing yet, which
channels are down or have messages queued, and which maintenance windows hold alerts
now. It only reads: safe while watch runs.

Exit codes: 0 nothing firing and every channel up, 1 something firing or a channel down,
2 usage, config or state folder error.`,
		Example: `  launchready alert status --state /var/lib/launchready
  launchready alert status --json | jq '.firing[].title'`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := g.openOffline()
			if err != nil {
				return err
			}
			defer s.Close()
			if s.StateDir == "" {
				return &exitError{exitUsage, errors.New("launchready alert status: no state folder; pass --state DIR (the one watch uses)")}
			}
			now := time.Now()
			st, err := alert.ReadState(s.StateDir)
			if err != nil {
				return &exitError{exitUsage, fmt.Errorf("launchready alert status: %v", err)}
			}
			out := alertStatus{Schema: "launchready.alertstatus/v1", State: s.StateDir, Queued: st.Queued,
				Firing: []alert.Alert{}, Pending: []alert.Alert{}, Channels: []alert.Health{}, Windows: []alert.Span{}}
			if h, ok := watch.Held(s.StateDir); ok {
				out.Watch = &h
			}
			for _, a := range st.Alerts {
				switch {
				case a.Firing:
					out.Firing = append(out.Firing, a)
				case a.Fails > 0:
					out.Pending = append(out.Pending, a)
				}
			}
			hs, err := alert.ReadHealth(s.StateDir)
			if err != nil && !errors.Is(err, os.ErrNotExist) {
				fmt.Fprintln(cmd.ErrOrStderr(), "note:", err)
			}
			out.Channels = append(out.Channels, hs.Channels...)
			if s.Alerts != nil {
				out.Windows = append(out.Windows, alert.NewMaintenance(s.Alerts, s.StateDir, nil).Open(now)...)
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				if err := enc.Encode(out); err != nil {
					return err
				}
			} else {
				writeAlertStatus(cmd.OutOrStdout(), out, now)
			}
			for _, c := range out.Channels {
				if !c.Up {
					return &exitError{exitFindings, nil}
				}
			}
			if len(out.Firing) > 0 {
				return &exitError{exitFindings, nil}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (schema launchready.alertstatus/v1)")
	return cmd
}

func writeAlertStatus(w io.Writer, st alertStatus, now time.Time) {
	if st.Watch != nil {
		fmt.Fprintf(w, "watch: running, %s\n", st.Watch)
	} else {
		fmt.Fprintf(w, "watch: not running on %s (no one holds its lock): nothing is checked or alerted\n", st.State)
	}
	fmt.Fprintf(w, "\nfiring (%d)\n", len(st.Firing))
	if len(st.Firing) == 0 {
		fmt.Fprintln(w, "  ✔ nothing")
	}
	for _, a := range st.Firing {
		told := "told " + strings.Join(a.Owners, ", ")
		if !a.Notified {
			told = "not sent yet (grouping, a maintenance window or a queued channel)"
		}
		fmt.Fprintf(w, "  %s %-8s %s: %s\n      since %s (%s) · %s\n", a.Severity.Icon(), a.Severity, a.Check, a.Title,
			a.FiredAt.Local().Format("Jan 2 15:04"), ago(now, a.FiredAt), told)
	}
	if len(st.Pending) > 0 {
		fmt.Fprintf(w, "\nfailing, not firing yet (%d)\n", len(st.Pending))
		for _, a := range st.Pending {
			fmt.Fprintf(w, "  %s %-8s %s: %s (%d failed in a row)\n", a.Severity.Icon(), a.Severity, a.Check, a.Title, a.Fails)
		}
	}
	fmt.Fprintf(w, "\nchannels (%d)\n", len(st.Channels))
	if len(st.Channels) == 0 {
		fmt.Fprintln(w, "  none reported yet (watch writes their health after its first delivery attempt)")
	}
	for _, c := range st.Channels {
		line := fmt.Sprintf("  ✔ %-16s %-12s up · %d delivered", c.Channel, c.Kind, c.Delivered)
		if !c.Up {
			line = fmt.Sprintf("  ✖ %-16s %-12s DOWN since %s (%s): %s", c.Channel, c.Kind, c.DownSince.Local().Format("15:04"), ago(now, c.DownSince), c.LastError)
		}
		if n := st.Queued[c.Channel]; n > 0 {
			line += fmt.Sprintf(" · %d queued", n)
		}
		fmt.Fprintln(w, line)
	}
	if len(st.Windows) > 0 {
		fmt.Fprintf(w, "\nmaintenance windows open now (%d): alerts for these are held\n", len(st.Windows))
		for _, sp := range st.Windows {
			by := ""
			if sp.By != "" {
				by = " by " + sp.By
			}
			fmt.Fprintf(w, "  ○ %s until %s: %s%s\n", sp.What(), sp.Until.Local().Format("Jan 2 15:04"), sp.Reason, by)
		}
	}
}

func ago(now, t time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	d := now.Sub(t).Round(time.Second)
	switch {
	case d < time.Minute:
		return d.String() + " ago"
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d.Minutes()))
	}
	return fmt.Sprintf("%dh%02dm ago", int(d.Hours()), int(d.Minutes())%60)
}

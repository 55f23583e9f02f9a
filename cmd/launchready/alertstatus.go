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

// alertStatusSchema names the --json output. v2: an alert's notified and last_sent say
// whether and when a channel accepted a message about it (v1 said one was queued, so an
// alert whose only channel was down read as told), and delivery says where it stands on
// each channel.
const alertStatusSchema = "launchready.alertstatus/v2"

// alertStatus is what `alert status --json` prints.
type alertStatus struct {
	Schema   string         `json:"schema"`
	State    string         `json:"state_dir"`
	Watch    *watch.Holder  `json:"watch,omitempty"` // nil: no watch holds the folder
	Firing   []statusAlert  `json:"firing"`
	Pending  []statusAlert  `json:"pending"` // failing, not firing yet
	Channels []alert.Health `json:"channels"`
	Queued   map[string]int `json:"queued"`
	Windows  []alert.Span   `json:"maintenance"`
}

// statusAlert is an open alert as alert status reports it. Its Notified and LastSent
// hide the journal's fields of the same JSON names, which mean "queued" (what the engine
// needs to not queue a message twice): here they mean "delivered", told.
type statusAlert struct {
	alert.Alert
	Notified bool             `json:"notified"`           // a channel accepted a message about it
	LastSent time.Time        `json:"last_sent,omitzero"` // the latest time one did
	Delivery []alert.Delivery `json:"delivery"`           // per channel: delivered, queued, failed
}

func newStatusAlert(a alert.Alert, ds []alert.Delivery) statusAlert {
	sa := statusAlert{Alert: a, Delivery: ds}
	if sa.Delivery == nil {
		sa.Delivery = []alert.Delivery{}
	}
	sa.Notified, sa.LastSent = alert.Told(ds)
	return sa
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
windows, its lock) and say what is firing and who was told (a channel accepted the
message), or, per channel, what is still queued and why the last attempt failed; what is
failing but not firing yet; which channels are down or have messages queued; and which
maintenance windows hold alerts now. It only reads: safe while watch runs.

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
			out := alertStatus{Schema: alertStatusSchema, State: s.StateDir, Queued: st.Queued,
				Firing: []statusAlert{}, Pending: []statusAlert{}, Channels: []alert.Health{}, Windows: []alert.Span{}}
			if h, ok := watch.Held(s.StateDir); ok {
				out.Watch = &h
			}
			for _, a := range st.Alerts {
				switch {
				case a.Firing:
					out.Firing = append(out.Firing, newStatusAlert(a, st.Delivery[a.Key]))
				case a.Fails > 0:
					out.Pending = append(out.Pending, newStatusAlert(a, st.Delivery[a.Key]))
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
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (schema "+alertStatusSchema+")")
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
		fmt.Fprintf(w, "  %s %-8s %s: %s\n      since %s (%s) · %s\n", a.Severity.Icon(), a.Severity, a.Check, a.Title,
			a.FiredAt.Local().Format("Jan 2 15:04"), ago(now, a.FiredAt), told(a))
		for _, d := range a.Delivery {
			fmt.Fprintf(w, "      → %s: %s\n", d.Channel, deliveryLine(d, now))
		}
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

// told says who was told about a firing alert: its owners once a channel accepted a
// message, else why no one is yet.
func told(a statusAlert) string {
	if a.Notified {
		return "told " + strings.Join(a.Owners, ", ")
	}
	for _, d := range a.Delivery {
		if d.Queued > 0 {
			return "not told yet: nothing delivered, messages queued"
		}
	}
	return "not told: nothing delivered or queued (a maintenance window holds it, or it was given up after retry.give_up)"
}

// deliveryLine is where an alert stands on one channel, for the text output.
func deliveryLine(d alert.Delivery, now time.Time) string {
	var parts []string
	if !d.Delivered.IsZero() {
		parts = append(parts, fmt.Sprintf("delivered %s (%s)", d.Delivered.Local().Format("Jan 2 15:04"), ago(now, d.Delivered)))
	}
	if d.Queued > 0 {
		parts = append(parts, fmt.Sprintf("%d queued since %s (%s)", d.Queued, d.QueuedSince.Local().Format("15:04"), ago(now, d.QueuedSince)))
	}
	if d.Failed != "" {
		parts = append(parts, fmt.Sprintf("last attempt failed %s: %s", ago(now, d.FailedAt), d.Failed))
	}
	if len(parts) == 0 {
		return "nothing delivered or queued"
	}
	return strings.Join(parts, " · ")
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

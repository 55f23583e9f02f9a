package roundtrip

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// WriteText writes the round trip for a person: one block per inbox, the outcome first
// (where it landed and how fast), then the provider's verdict beside ours, then every
// disagreement, so nothing that differs is hidden.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	if r.Trigger != "" {
		fmt.Fprintf(&b, "Email round trip of the app's %s mail, waiting up to %s for it\n", r.Trigger, time.Duration(r.WaitSeconds*float64(time.Second)))
	} else {
		fmt.Fprintf(&b, "Email round trip: %s, waiting up to %s each\n", inboxCount(len(r.Inboxes)), time.Duration(r.WaitSeconds*float64(time.Second)))
	}
	for _, x := range r.Inboxes {
		b.WriteString("\n")
		icon := "✔"
		if !x.OK() {
			icon = "✖"
		}
		fmt.Fprintf(&b, "%s %s (%s)", icon, x.Inbox, x.Address)
		if x.Token != "" {
			fmt.Fprintf(&b, " · %s", x.Token)
		}
		b.WriteString("\n")
		delay := "under a second"
		if d := time.Duration(x.DelaySeconds * float64(time.Second)).Round(time.Second); d > 0 {
			delay = d.String()
		}
		switch x.Status {
		case StatusInbox:
			fmt.Fprintf(&b, "  delivered to the inbox after %s\n", delay)
		case StatusSpam:
			fmt.Fprintf(&b, "  delivered to SPAM (%s) after %s: members will not see this mail\n", x.Folder, delay)
		case StatusMissing:
			fmt.Fprintf(&b, "  NOT DELIVERED within %s (looked in %s): check the provider's bounce or suppression list, then the spam filter's quarantine\n",
				time.Duration(r.WaitSeconds*float64(time.Second)), strings.Join(x.Looked, ", "))
		case StatusError:
			fmt.Fprintf(&b, "  could not make the round trip: %s\n", x.Error)
		}
		if x.Receiver != nil {
			fmt.Fprintf(&b, "  receiver %s: %s\n", x.Receiver.Server, joinAuth(x.Receiver.Results, x.Receiver.Raw))
		}
		if len(x.Ours) > 0 {
			fmt.Fprintf(&b, "  our check:  %s\n", joinAuth(x.Ours, ""))
		}
		if x.Subject != "" {
			fmt.Fprintf(&b, "  subject: %s\n", x.Subject)
		}
		writeLinks(&b, x.Links)
		for _, d := range x.Disagreements {
			fmt.Fprintf(&b, "  ▲ disagreement: %s\n", d)
		}
		if x.Status == StatusInbox || x.Status == StatusSpam {
			what := "the test message"
			if x.Trigger != "" {
				what = "the " + x.Trigger + " mail"
			}
			if x.Deleted {
				fmt.Fprintf(&b, "  %s was deleted from the inbox\n", what)
			} else {
				fmt.Fprintf(&b, "  %s was left in the inbox\n", what)
			}
		}
		for _, n := range x.Notes {
			fmt.Fprintf(&b, "  note: %s\n", n)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeLinks lists each link with what is wrong with it, or that it answered.
func writeLinks(b *strings.Builder, links []Link) {
	for _, l := range links {
		switch {
		case l.Problem != "":
			fmt.Fprintf(b, "  ✖ link %s: %s\n", l.URL, l.Problem)
		case l.Status != 0:
			fmt.Fprintf(b, "  ✔ link %s answers %d\n", l.URL, l.Status)
		default:
			fmt.Fprintf(b, "  ✔ link %s\n", l.URL)
		}
	}
}

func joinAuth(list []Auth, raw string) string {
	if raw != "" {
		return "unparsed: " + raw
	}
	parts := make([]string, len(list))
	for i, a := range list {
		parts[i] = a.String()
	}
	if len(parts) == 0 {
		return "(no dkim, spf or dmarc results)"
	}
	return strings.Join(parts, " ")
}

// Failed is whether any inbox's round trip found a problem (the exit code's 1).
func (r *Report) Failed() bool {
	for _, x := range r.Inboxes {
		if !x.OK() {
			return true
		}
	}
	return false
}

// AllErrors is whether no inbox could be read at all: the round trip did not run (exit 2).
func (r *Report) AllErrors() bool {
	for _, x := range r.Inboxes {
		if x.Status != StatusError {
			return false
		}
	}
	return len(r.Inboxes) > 0
}

// inboxCount is "1 test inbox" or "3 test inboxes": a check's target and a report's first
// line read as written, not "1 test inbox(es)".
func inboxCount(n int) string {
	if n == 1 {
		return "1 test inbox"
	}
	return fmt.Sprintf("%d test inboxes", n)
}

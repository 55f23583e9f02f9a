package roundtrip

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// WriteMarkdown writes the round trips as the roadmap's "sample test results from inbox
// providers": one row per inbox (and trigger), what the provider saw beside our verdict,
// for the handover pack and `email roundtrip --format md`. Reports are rows in the order
// given (the test message's, then each trigger's); nil reports are skipped.
func WriteMarkdown(w io.Writer, reports ...*Report) error {
	var b strings.Builder
	b.WriteString("| Inbox | Mail | When | Folder | Delay | Provider saw | Our verdict | Links |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|\n")
	rows := 0
	for _, r := range reports {
		if r == nil {
			continue
		}
		mail := "test message"
		if r.Trigger != "" {
			mail = r.Trigger
		}
		for _, x := range r.Inboxes {
			rows++
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s |\n",
				mdCell(x.Inbox), mdCell(mail), r.Started.UTC().Format("2006-01-02 15:04 UTC"), mdCell(mdFolder(x)), mdDelay(x),
				mdCell(mdProvider(x)), mdCell(mdVerdict(x)), mdCell(mdLinks(x.Links)))
		}
	}
	if rows == 0 {
		b.Reset()
		b.WriteString("No email round trip has been made yet: run `launchready email roundtrip`.\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func mdFolder(x Result) string {
	switch x.Status {
	case StatusInbox:
		return "inbox"
	case StatusSpam:
		return "**spam** (" + x.Folder + ")"
	case StatusMissing:
		return "**not delivered**"
	}
	return "**error**: " + clip(x.Error, 120)
}

func mdDelay(x Result) string {
	if x.Status != StatusInbox && x.Status != StatusSpam {
		return "–"
	}
	return time.Duration(x.DelaySeconds * float64(time.Second)).Round(time.Second).String()
}

func mdProvider(x Result) string {
	if x.Receiver == nil {
		return "–"
	}
	return joinAuth(x.Receiver.Results, x.Receiver.Raw)
}

func mdVerdict(x Result) string {
	if len(x.Ours) == 0 {
		return "–"
	}
	v := "✖ " + joinAuth(x.Ours, "")
	if x.DMARCPass {
		v = "✔ aligned"
	}
	if n := len(x.Disagreements); n > 0 {
		v += fmt.Sprintf(" (%d disagreement(s) with the provider)", n)
	}
	return v
}

func mdLinks(ls []Link) string {
	if len(ls) == 0 {
		return "–"
	}
	bad := 0
	for _, l := range ls {
		if l.Problem != "" {
			bad++
		}
	}
	if bad == 0 {
		return fmt.Sprintf("✔ %d", len(ls))
	}
	return fmt.Sprintf("✖ %d of %d", bad, len(ls))
}

// mdCell keeps a value inside its table cell: pipes escaped, lines joined.
func mdCell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.Join(strings.Fields(s), " ")
}

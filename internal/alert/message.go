package alert

import (
	"fmt"
	"strings"
	"time"
)

// maxSummaryLines caps how many alerts a summary lists; the rest are counted.
const maxSummaryLines = 25

// style is how a channel marks emphasis (Slack mrkdwn, plain text for email).
type style struct {
	bold func(string) string
	icon func(Kind) string
}

var plain = style{bold: func(s string) string { return s }, icon: func(Kind) string { return "" }}

// Subject is the one line that names a message: an email subject, a summary's title.
func Subject(m Message) string {
	if m.Summary {
		return fmt.Sprintf("[%s] %s", m.Product, countLine(m.Items))
	}
	n := m.Items[0]
	a := n.Alert
	switch n.Kind {
	case KindResolved:
		return fmt.Sprintf("[%s] RESOLVED: %s", m.Product, a.Title)
	case KindTest:
		return fmt.Sprintf("[%s] test alert: %s", m.Product, n.Channel)
	case KindRepeat:
		return fmt.Sprintf("[%s] STILL FIRING %s: %s", m.Product, a.Severity, a.Title)
	}
	return fmt.Sprintf("[%s] FIRING %s: %s", m.Product, a.Severity, a.Title)
}

// countLine says how many alerts a summary holds and of which kinds.
func countLine(items []Notification) string {
	var firing, repeat, resolved, other int
	for _, n := range items {
		switch n.Kind {
		case KindFiring:
			firing++
		case KindRepeat:
			repeat++
		case KindResolved:
			resolved++
		default:
			other++
		}
	}
	var parts []string
	for _, p := range []struct {
		n    int
		what string
	}{{firing, "firing"}, {repeat, "still firing"}, {resolved, "resolved"}, {other, "other"}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.what))
		}
	}
	return fmt.Sprintf("%d alerts: %s", len(items), strings.Join(parts, ", "))
}

// Text renders a message for people: the same words in Slack, email and the webhook's
// "text" field.
func Text(m Message, st style) string {
	var b strings.Builder
	if m.Summary {
		b.WriteString(st.bold(Subject(m)))
		b.WriteString("\n")
		for i, n := range m.Items {
			if i == maxSummaryLines {
				fmt.Fprintf(&b, "…and %d more (run `launchready check` or open the console for all of them)\n", len(m.Items)-i)
				break
			}
			a := n.Alert
			fmt.Fprintf(&b, "%s%s %s · %s · %s · owner: %s\n", st.icon(n.Kind), kindWord(n.Kind), strings.ToUpper(a.Severity.String()), a.Title, a.Check, owners(a))
		}
		return strings.TrimRight(b.String(), "\n")
	}
	n := m.Items[0]
	a := n.Alert
	switch n.Kind {
	case KindTest:
		fmt.Fprintf(&b, "%s%s · %s\n%s\n%s", st.icon(n.Kind), st.bold("TEST"), m.Product, a.Title, a.Detail)
		return b.String()
	case KindResolved:
		fmt.Fprintf(&b, "%s%s · %s · %s\n", st.icon(n.Kind), st.bold("RESOLVED"), strings.ToUpper(a.Severity.String()), m.Product)
		fmt.Fprintf(&b, "%s\n", st.bold(a.Title))
		fmt.Fprintf(&b, "check: %s · target: %s\n", a.Check, a.Target)
		fmt.Fprintf(&b, "was failing for %s (since %s) · owner: %s", roundDur(a.ResolvedAt.Sub(a.Since)), stamp(a.Since), owners(a))
		return b.String()
	}
	fmt.Fprintf(&b, "%s%s · %s · %s · %s\n", st.icon(n.Kind), st.bold(kindWord(n.Kind)), strings.ToUpper(a.Severity.String()), a.Impact.Label(), m.Product)
	fmt.Fprintf(&b, "%s\n", st.bold(a.Title))
	fmt.Fprintf(&b, "check: %s · target: %s\n", a.Check, a.Target)
	if a.Observed != "" || a.Expected != "" {
		fmt.Fprintf(&b, "observed: %s · expected: %s\n", a.Observed, a.Expected)
	}
	if a.Detail != "" && a.Detail != a.Observed {
		fmt.Fprintf(&b, "%s\n", a.Detail)
	}
	if a.Fix != "" {
		fmt.Fprintf(&b, "fix: %s\n", a.Fix)
	}
	fmt.Fprintf(&b, "failing since %s (%d results in a row) · owner: %s", stamp(a.Since), a.Fails, owners(a))
	return b.String()
}

func kindWord(k Kind) string {
	switch k {
	case KindRepeat:
		return "STILL FIRING"
	case KindResolved:
		return "RESOLVED"
	case KindTest:
		return "TEST"
	}
	return "FIRING"
}

func owners(a Alert) string {
	if len(a.Owners) == 0 {
		return "unassigned"
	}
	return strings.Join(a.Owners, ", ")
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

func roundDur(d time.Duration) string {
	switch {
	case d < time.Minute:
		return d.Round(time.Second).String()
	case d < time.Hour:
		return d.Round(time.Minute).String()
	}
	return d.Round(time.Minute).String()
}

package dnscheck

import (
	"fmt"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/netx"
)

// finding builds a finding; the runner fills pane and check.
func finding(id string, sev probes.Severity, imp probes.Impact, target, title, detail, observed, expected, fix string, ev []string) probes.Finding {
	return probes.Finding{
		ID: id, Severity: sev, Impact: imp, Target: target,
		Title: title, Detail: detail, Observed: observed, Expected: expected, Fix: fix, Evidence: ev,
	}
}

// roleImpact says what a name failing costs, by what the name is for.
func roleImpact(role string) probes.Impact {
	switch role {
	case "api":
		return probes.Revenue
	case "admin", "other":
		return probes.Support
	case "status", "mail":
		return probes.Trust
	}
	return probes.Onboarding
}

// downSeverity: the app, API and front door not resolving is critical; admin or status
// pages are serious but members can still sign up. Staging is high at most.
func downSeverity(role string, st Settings) probes.Severity {
	sev := probes.High
	switch role {
	case "", "app", "api", "www", "marketing":
		sev = probes.Critical
	}
	if st.Staging && sev > probes.High {
		sev = probes.High
	}
	return sev
}

// what names a host by its role, the way a founder says it.
func what(role, name string) string {
	switch role {
	case "app":
		return "App"
	case "api":
		return "API"
	case "admin":
		return "Admin"
	case "status":
		return "Status page"
	case "www", "marketing":
		return "Site"
	}
	return bare(name)
}

// rrLine renders a record on one line, as dig does, with spaces for tabs.
func rrLine(rr dns.RR) string { return strings.ReplaceAll(rr.String(), "\t", " ") }

// maxEvidenceRecords bounds how many records of one answer go into evidence: a hostile
// or huge answer must not become a huge finding.
const maxEvidenceRecords = 12

// describeAnswer is one answer as evidence: the question, who answered how, and its records.
func describeAnswer(a *netx.Answer, server string) string {
	var b strings.Builder
	flags := ""
	if a.Msg.Authoritative {
		flags += " aa"
	}
	if a.Msg.AuthenticatedData {
		flags += " ad"
	}
	if a.Truncated {
		flags += " tc->tcp"
	}
	who := a.Server
	if server != "" && server != a.Server {
		who = server + " (" + a.Server + ")"
	}
	fmt.Fprintf(&b, "%s %s @%s -> %s%s, %d records, %s", bare(a.Name), dns.TypeToString[a.Qtype], who,
		dns.RcodeToString[a.Msg.Rcode], flags, len(a.Msg.Answer), roundDur(a.RTT))
	for i, rr := range a.Msg.Answer {
		if i == maxEvidenceRecords {
			fmt.Fprintf(&b, "\n  … %d more", len(a.Msg.Answer)-i)
			break
		}
		b.WriteString("\n  ")
		b.WriteString(clip(rrLine(rr), 200))
	}
	return b.String()
}

func roundDur(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%d µs", d.Microseconds())
	case d < time.Second:
		return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// plural writes "1 record" or "3 records".
func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

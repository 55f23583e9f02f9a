// Package loadhold opens the maintenance window a `launchready load` run holds alerts
// with. It stands apart from internal/load so that the load engine, and probes/perf which
// reads the load record, do not pull in the alert engine and its senders.
package loadhold

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/launchready/launchready/internal/alert"
	"github.com/launchready/launchready/internal/load"
	"github.com/launchready/launchready/probes"
)

// grace is how long past the planned end the window lasts: requests in flight, the
// report, a last metric sample. A run that dies without closing it (kill -9) stays quiet
// no longer than this past its plan.
const grace = 2 * time.Minute

// Name is one run's window name, load-PID-UNIX (STATE/maintenance/load-4242-1767600000.json).
// Each run has its own file: watch reads every window in the folder, so two runs at once
// each hold their own checks, and the first to end closes its own window, not the other's.
// A killed run's file stops holding at its Until and watch tidies it away an hour later.
func Name(pid int, start time.Time) string {
	return fmt.Sprintf("load-%d-%d", pid, start.Unix())
}

// Affected names the checks a load run will upset: the Endpoints and Performance checks
// whose target is on a host under load (they slow or fail because of the load, not
// because the product broke), and the smoke flow when a sign-in or sign-up is loaded (it
// signs in and signs up on the same app). Names are escaped for the window's patterns.
func Affected(checks []probes.CheckInfo, flows []load.Flow) []string {
	hosts := map[string]bool{}
	roles := false
	for _, f := range flows {
		if u, err := url.Parse(f.URL); err == nil {
			hosts[strings.ToLower(u.Hostname())] = true
		}
		roles = roles || f.Role != ""
	}
	var out []string
	for _, c := range checks {
		if c.Pane != probes.PaneEndpoints && c.Pane != probes.PanePerformance {
			continue
		}
		if hosts[targetHost(c.Target)] || (roles && c.Kind == "smoke") {
			out = append(out, escapePattern(c.Name))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// targetHost is the host of a check's target: "https://h/p", "POST https://h/p" or a bare
// "https://h"; "" when the target names no URL (a runbook, the smoke flow).
func targetHost(target string) string {
	for _, f := range strings.Fields(target) {
		if !strings.Contains(f, "://") {
			continue
		}
		if u, err := url.Parse(f); err == nil {
			return strings.ToLower(u.Hostname())
		}
	}
	return ""
}

// escapePattern quotes a check name for path.Match, the window's pattern language: a
// check named "api [v2]" must hold exactly itself, not a character class.
func escapePattern(name string) string {
	var b strings.Builder
	for _, r := range name {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Open opens run pid's maintenance window in stateDir (see Name) for the checks named
// (see Affected) from now until the planned end plus a grace, so `launchready watch` on
// the same state folder keeps their state but pages nobody for slowness the run itself
// causes. The caller closes it with alert.EndMaintenance when the run ends, however it
// ends; the window's own end bounds it if the process is killed.
func Open(stateDir string, pid int, checks []string, now time.Time, planned time.Duration, by string) (alert.Span, string, error) {
	sp := alert.Span{Checks: checks, From: now, Until: now.Add(planned + grace),
		Reason: "launchready load (alerts held while the run loads these checks' hosts)", By: by}
	file, err := alert.StartMaintenance(stateDir, Name(pid, now), sp)
	return sp, file, err
}

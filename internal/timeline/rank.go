package timeline

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/launchready/launchready/internal/store"
)

// DefaultWindow is how far "before this" looks back from a failure: long enough for a
// deploy and the DNS caches after it, short enough that what it lists is suspect.
const DefaultWindow = 30 * time.Minute

// Failure is what "before this" explains: a failing check or finding at a moment.
type Failure struct {
	Time   time.Time
	Pane   string
	Check  string
	Target string
}

// Ranked is a change with why it is suspect.
type Ranked struct {
	store.Event
	Score float64 `json:"score"`
	// Why lists what relates it to the failure: "same host", "same pane", "deploy".
	Why []string `json:"why,omitempty"`
}

// Before is the changes in the window before f (and up to SeenLate after), most suspect first: nearness in time
// (a change a minute before counts more than one 29 minutes before) plus relatedness
// (the same host, the same pane, and any runbook run, because a deploy anywhere
// breaks things everywhere). deploy is the newest runbook run among them, nil when none:
// the run whose rollback to offer.
func Before(evs []store.Event, f Failure, window time.Duration) (ranked []Ranked, deploy *store.Event) {
	if window <= 0 {
		window = DefaultWindow
	}
	from := f.Time.Add(-window)
	host := hostOf(f.Target)
	for _, e := range evs {
		if e.Time.Before(from) || e.Time.After(f.Time.Add(SeenLate)) {
			continue
		}
		if f.Check != "" && e.Check == f.Check && (isStateEdge(e) || isAlert(e)) {
			// The failing check's own state changing, or its alert firing, is the
			// failure, not a cause.
			continue
		}
		d := f.Time.Sub(e.Time)
		if d < 0 && f.Check != "" && e.Check == f.Check {
			continue // the failing check's own later results follow from it
		}
		r := Ranked{Event: e, Score: 1 - float64(d.Abs())/float64(window)}
		if d < 0 {
			r.Why = append(r.Why, "seen just after")
		}
		if e.Baseline {
			// Where things stood when the session started, not a change in the
			// window: listed, below every change.
			r.Score /= 4
			ranked = append(ranked, r)
			continue
		}
		if host != "" && hostOf(e.Target) == host {
			r.Score += 1
			r.Why = append(r.Why, "same host")
		}
		if f.Pane != "" && e.Pane == f.Pane {
			r.Score += 0.5
			r.Why = append(r.Why, "same pane")
		}
		if IsDeploy(e) {
			r.Score += 1
			r.Why = append(r.Why, "deploy")
			if deploy == nil || e.Time.After(deploy.Time) {
				d := e
				deploy = &d
			}
		}
		ranked = append(ranked, r)
	}
	slices.SortStableFunc(ranked, func(a, b Ranked) int {
		if a.Score != b.Score {
			if a.Score > b.Score {
				return -1
			}
			return 1
		}
		return b.Time.Compare(a.Time)
	})
	return ranked, deploy
}

// SeenLate is how long after a failure a change still counts as before it: each check
// runs on its own schedule, so the DNS check that sees a record changed may run seconds
// after the endpoint check that sees the site break, though the change came first.
const SeenLate = time.Minute

// isStateEdge says whether an event is a check's state changing (up, down, ok, fail)
// rather than something about its target changing (an answer, a certificate, latency).
func isStateEdge(e store.Event) bool {
	return e.Kind == KindEndpointState || strings.HasSuffix(e.Kind, "."+KindStatus)
}

// RunID is the run an event of a runbook run belongs to ("run:ID#SEQ"), "" for others.
func RunID(e store.Event) string {
	id, ok := strings.CutPrefix(e.Link, "run:")
	if !ok {
		return ""
	}
	id, _, _ = strings.Cut(id, "#")
	return id
}

// hostOf reads the host out of a target: a URL's host, "host:port"'s host, or the
// name itself; lower-case, without a trailing dot.
func hostOf(target string) string {
	t := strings.TrimSpace(target)
	if t == "" {
		return ""
	}
	if strings.Contains(t, "://") {
		if u, err := url.Parse(t); err == nil {
			t = u.Hostname()
		}
	} else if h, _, ok := strings.Cut(t, ":"); ok && !strings.Contains(h, " ") {
		t = h
	}
	if i := strings.IndexByte(t, ' '); i >= 0 {
		t = t[:i]
	}
	return strings.TrimSuffix(strings.ToLower(t), ".")
}

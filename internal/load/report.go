package load

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

// Report is what a load run found, per flow. Times are offsets from the start.
type Report struct {
	Schema   string        `json:"schema"`
	Started  time.Time     `json:"started"`
	Took     time.Duration `json:"took_ns"`
	Rate     float64       `json:"target_rate"`
	Ramp     time.Duration `json:"ramp_ns"`
	Duration time.Duration `json:"duration_ns"`
	// ErrorThreshold and P95Budget are the plan's: a flow held when its errors and p95
	// over the run stayed within them.
	ErrorThreshold float64       `json:"error_threshold"`
	P95Budget      time.Duration `json:"p95_budget_ns"`
	StoppedBy      string        `json:"stopped_early,omitempty"`
	Interrupted    bool          `json:"interrupted,omitempty"`
	Flows          []FlowReport  `json:"flows"`
	// Background is what the app's own metrics (the config's metric checks) did during
	// the run; nil when none were read.
	Background *Background `json:"background,omitempty"`
}

// FlowReport is one flow's figures over the run.
type FlowReport struct {
	Name   string  `json:"name"`
	Role   string  `json:"role,omitempty"`
	Target float64 `json:"target_rate"` // the flow's share of the plan's rate
	// Held: the run went to its end and the flow's errors and p95 stayed within the
	// plan's threshold and budget. Why says what failed when it did not.
	Held       bool           `json:"held"`
	Why        string         `json:"why,omitempty"`
	Requests   uint64         `json:"requests"`
	Rate       float64        `json:"rate"`       // sent per second
	Throughput float64        `json:"throughput"` // successful answers per second
	P50        time.Duration  `json:"p50_ns"`
	P95        time.Duration  `json:"p95_ns"`
	P99        time.Duration  `json:"p99_ns"`
	Max        time.Duration  `json:"max_ns"`
	ErrorRate  float64        `json:"error_rate"`
	Statuses   map[string]int `json:"statuses"` // "0" is no answer
	Errors     []string       `json:"errors,omitempty"`
	// Knee is the first second whose p95 passed the budget, and the target rate then.
	Knee *Moment `json:"knee,omitempty"`
	// Failing is the first second whose error rate passed the threshold.
	Failing *Moment `json:"failing,omitempty"`
	// First429 is the first second a 429 came back: the rate limit seen.
	First429 *Moment `json:"first_429,omitempty"`
}

// Moment is a point of the run: when, and the flow's target rate then.
type Moment struct {
	At   time.Duration `json:"at_ns"`
	Rate float64       `json:"rate"`
}

func (m *Moment) String() string {
	if m == nil {
		return "never"
	}
	return fmt.Sprintf("at %s (%.0f/s)", m.At.Round(time.Second), m.Rate)
}

func (r *runner) report() Report {
	r.mu.Lock()
	defer r.mu.Unlock()
	rep := Report{Schema: "launchready.load/v1", Started: r.began, Took: time.Since(r.began), Rate: r.plan.Rate,
		Ramp: r.plan.Ramp, Duration: r.plan.Duration, StoppedBy: r.stop,
		ErrorThreshold: r.plan.ErrorThreshold, P95Budget: r.plan.P95Budget}
	for i, fs := range r.flows {
		m := fs.metrics
		m.Close()
		f := FlowReport{Name: fs.name, Role: r.plan.Flows[i].Role, Target: fs.pacer.rate, Requests: m.Requests, Rate: m.Rate, Throughput: m.Throughput,
			P50: m.Latencies.P50, P95: m.Latencies.P95, P99: m.Latencies.P99, Max: m.Latencies.Max,
			ErrorRate: 1 - m.Success, Statuses: maps.Clone(m.StatusCodes)}
		if m.Requests == 0 {
			f.ErrorRate = 0
		}
		f.Errors = m.Errors[:min(5, len(m.Errors))]
		for i, s := range fs.seconds {
			if s.count == 0 {
				continue
			}
			at := &Moment{At: time.Duration(i) * time.Second, Rate: s.rate}
			if f.Knee == nil && r.plan.P95Budget > 0 && s.P95() > r.plan.P95Budget {
				f.Knee = at
			}
			if f.Failing == nil && float64(s.errors)/float64(s.count) > r.plan.ErrorThreshold {
				f.Failing = at
			}
			if f.First429 == nil && s.got429 {
				f.First429 = at
			}
		}
		rep.Flows = append(rep.Flows, f)
	}
	return rep
}

// judge sets each flow's Held and Why, once the report knows whether the run was
// interrupted.
func (rep *Report) judge() {
	for i := range rep.Flows {
		f := &rep.Flows[i]
		var why []string
		switch {
		case rep.Interrupted:
			why = append(why, "the run was interrupted before its end")
		case rep.StoppedBy != "":
			why = append(why, "the run stopped early ("+rep.StoppedBy+")")
		}
		if f.ErrorRate > rep.ErrorThreshold {
			why = append(why, fmt.Sprintf("errors %.1f%% over the %.0f%% threshold, failing %s", f.ErrorRate*100, rep.ErrorThreshold*100, f.Failing))
		}
		if rep.P95Budget > 0 && f.P95 > rep.P95Budget {
			why = append(why, fmt.Sprintf("p95 %s over the %s budget, past it %s", ms(f.P95), rep.P95Budget, f.Knee))
		}
		if f.Requests == 0 {
			why = append(why, "no request was sent")
		}
		f.Held, f.Why = len(why) == 0, strings.Join(why, "; ")
	}
}

// Held says whether every flow held.
func (rep Report) Held() bool {
	for _, f := range rep.Flows {
		if !f.Held {
			return false
		}
	}
	return true
}

// WriteJSON writes the report as one JSON document (schema launchready.load/v1).
func (rep Report) WriteJSON(w io.Writer) error {
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	return e.Encode(rep)
}

// WriteText writes the report for a terminal.
func (rep Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Load run %s: target %.0f/s, ramp %s, hold %s, took %s\n", rep.Started.Format("2006-01-02 15:04:05"),
		rep.Rate, rep.Ramp, rep.Duration, rep.Took.Round(100*time.Millisecond))
	if rep.Interrupted {
		b.WriteString("Interrupted (Ctrl+C): the figures cover what was sent.\n")
	} else if rep.StoppedBy != "" {
		fmt.Fprintf(&b, "Stopped early: %s.\n", rep.StoppedBy)
	}
	for _, f := range rep.Flows {
		verdict := fmt.Sprintf("held %.0f/s", f.Target)
		if !f.Held {
			verdict = fmt.Sprintf("did not hold %.0f/s: %s", f.Target, f.Why)
		}
		fmt.Fprintf(&b, "\n%s: %s\n", f.Name, verdict)
		fmt.Fprintf(&b, "  requests    %d (%.1f/s sent, %.1f/s succeeded)\n", f.Requests, f.Rate, f.Throughput)
		fmt.Fprintf(&b, "  latency     p50 %s · p95 %s · p99 %s · max %s\n", ms(f.P50), ms(f.P95), ms(f.P99), ms(f.Max))
		fmt.Fprintf(&b, "  errors      %.1f%%\n", f.ErrorRate*100)
		fmt.Fprintf(&b, "  statuses    %s\n", statusMix(f.Statuses))
		fmt.Fprintf(&b, "  p95 budget  passed %s\n", f.Knee)
		fmt.Fprintf(&b, "  failing     %s\n", f.Failing)
		fmt.Fprintf(&b, "  first 429   %s\n", f.First429)
		for _, e := range f.Errors {
			fmt.Fprintf(&b, "  error       %s\n", e)
		}
	}
	if rep.Background != nil {
		fmt.Fprintf(&b, "\n%s.\n", capitalize(rep.Background.Summary))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteMarkdown writes the report as a Markdown table, for the launch notes.
func (rep Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## Load run %s\n\nTarget %.0f/s, ramp %s, hold %s, took %s.", rep.Started.Format("2006-01-02 15:04"),
		rep.Rate, rep.Ramp, rep.Duration, rep.Took.Round(time.Second))
	if rep.Interrupted {
		b.WriteString(" Interrupted (Ctrl+C).")
	} else if rep.StoppedBy != "" {
		fmt.Fprintf(&b, " Stopped early: %s.", rep.StoppedBy)
	}
	b.WriteString("\n\n| flow | held | requests | ok/s | p50 | p95 | p99 | errors | statuses | p95 over budget | failing | first 429 |\n")
	b.WriteString("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- | --- |\n")
	for _, f := range rep.Flows {
		held := fmt.Sprintf("yes, %.0f/s", f.Target)
		if !f.Held {
			held = "**no**: " + f.Why
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %.1f | %s | %s | %s | %.1f%% | %s | %s | %s | %s |\n", f.Name, held, f.Requests, f.Throughput,
			ms(f.P50), ms(f.P95), ms(f.P99), f.ErrorRate*100, statusMix(f.Statuses), f.Knee, f.Failing, f.First429)
	}
	if rep.Background != nil {
		fmt.Fprintf(&b, "\n%s.\n", capitalize(rep.Background.Summary))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// statusMix is "200×1180 429×20", most frequent first; 0 reads "no answer".
func statusMix(m map[string]int) string {
	keys := slices.Collect(maps.Keys(m))
	slices.SortFunc(keys, func(a, b string) int {
		if m[a] != m[b] {
			return m[b] - m[a]
		}
		return strings.Compare(a, b)
	})
	var parts []string
	for _, k := range keys {
		name := k
		if k == "0" {
			name = "no answer"
		}
		parts = append(parts, fmt.Sprintf("%s×%d", name, m[k]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, " ")
}

func ms(d time.Duration) string {
	if d < 10*time.Millisecond {
		return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000)
	}
	return fmt.Sprintf("%dms", d.Milliseconds())
}

// Line is the live progress line: one flow per segment, for a terminal (rewritten in place
// with \r) or a log (one line every few seconds).
func (s Snapshot) Line(width int) string {
	total := max(s.Total, time.Second)
	done := min(1, float64(s.Elapsed)/float64(total))
	const barW = 20
	n := int(done * barW)
	var b strings.Builder
	fmt.Fprintf(&b, "[%s%s] %s/%s", strings.Repeat("=", n), strings.Repeat(" ", barW-n), s.Elapsed.Round(time.Second), total)
	for _, f := range s.Flows {
		fmt.Fprintf(&b, " | %s %.0f/%.0f/s p50 %s p95 %s p99 %s err %.0f%% %s", f.Name, f.Achieved, f.Target,
			ms(f.P50), ms(f.P95), ms(f.P99), f.ErrorRate*100, statusMix(f.Statuses))
	}
	line := b.String()
	if width > 0 && len(line) > width {
		line = line[:width]
	}
	return line
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

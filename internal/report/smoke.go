package report

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/endpoint"
)

// SmokeSchema names the JSON `launchready smoke --json` writes; it changes only when a
// field is removed or changes meaning.
const SmokeSchema = "launchready.smoke/v1"

// Smoke is one run of the smoke flow, ready to print.
type Smoke struct {
	Schema     string               `json:"schema"`
	Product    string               `json:"product"`
	Started    time.Time            `json:"started"`
	DurationMs float64              `json:"duration_ms"`
	Passed     bool                 `json:"passed"`
	FailedStep int                  `json:"failed_step"` // 0 when it passed
	Steps      []endpoint.SmokeStep `json:"steps"`
	// Cause is the finding that stopped the flow; Error is set when the flow itself could
	// not run (it hung past its timeout).
	Cause *probes.Finding `json:"cause,omitempty"`
	Error string          `json:"error,omitempty"`
}

// NewSmoke reads the smoke check's result.
func NewSmoke(product string, res probes.Result) *Smoke {
	s := &Smoke{Schema: SmokeSchema, Product: product, Started: res.Started.UTC(), DurationMs: msOf(res.Latency), Error: res.Err, Steps: []endpoint.SmokeStep{}}
	if rep, ok := res.Data.(*endpoint.SmokeReport); ok {
		s.Steps, s.FailedStep, s.Cause = rep.Steps, rep.FailedStep, rep.Cause
	}
	s.Passed = s.Error == "" && s.FailedStep == 0 && len(s.Steps) > 0
	return s
}

// WriteJSON writes the run as indented JSON.
func (s *Smoke) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(s)
}

// trailingLatency is the " · 12 ms" a check's summary ends with; the step line has its own
// latency column.
var trailingLatency = regexp.MustCompile(` · [0-9.]+ m?s$`)

var stepStyle = map[string]struct{ icon, color string }{
	endpoint.StepPass:    {"✔", statusColor[probes.StatusOK]},
	endpoint.StepWarn:    {"▲", statusColor[probes.StatusWarn]},
	endpoint.StepFail:    {"✖", statusColor[probes.StatusFail]},
	endpoint.StepNotRun:  {"○", statusColor[probes.StatusUnknown]},
	endpoint.StepSkipped: {"-", statusColor[probes.StatusUnknown]},
}

// WriteText writes the run for a person: every step with its status, latency and what
// it saw, then the verdict and, on failure, the fix.
func (s *Smoke) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s · %s\n", bold.Render("Smoke test"), s.Product)
	nw := 0
	for _, st := range s.Steps {
		nw = max(nw, len(st.Name))
	}
	for _, st := range s.Steps {
		style := stepStyle[st.Status]
		lat, what := fmt.Sprintf("%6s", roundMs(st.LatencyMs)), trailingLatency.ReplaceAllString(st.Summary, "")
		switch st.Status {
		case endpoint.StepNotRun, endpoint.StepSkipped:
			lat, what = strings.Repeat(" ", 6), st.Status
		case endpoint.StepFail, endpoint.StepWarn:
			what = st.Reason
		}
		line := fmt.Sprintf("  %s %d  %-*s  %s  %s", style.icon, st.N, nw, st.Name, lat, what)
		if st.Status == endpoint.StepNotRun || st.Status == endpoint.StepSkipped {
			line = dim.Render(line)
		} else {
			line = fg(style.color).Render(fmt.Sprintf("  %s %d", style.icon, st.N)) + fmt.Sprintf("  %-*s  %s  %s", nw, st.Name, lat, what)
		}
		b.WriteString(line + "\n")
	}
	b.WriteString("\n")
	switch {
	case s.Error != "":
		fmt.Fprintf(&b, "%s the smoke flow could not run: %s\n", fg(statusColor[probes.StatusError]).Bold(true).Render("✖ ERROR"), s.Error)
	case s.Passed:
		fmt.Fprintf(&b, "%s every step passed in %s\n", fg(statusColor[probes.StatusOK]).Bold(true).Render("✔ PASSED"), roundMs(s.DurationMs))
	default:
		st := s.Steps[s.FailedStep-1]
		fmt.Fprintf(&b, "%s at step %d of %d (%s): %s\n", fg(statusColor[probes.StatusFail]).Bold(true).Render("✖ FAILED"),
			st.N, len(s.Steps), strings.ToLower(st.Name), st.Reason)
		if s.Cause != nil && s.Cause.Fix != "" {
			fmt.Fprintf(&b, "  %s %s\n", bold.Render("fix:"), s.Cause.Fix)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

package timeline

import (
	"cmp"
	"fmt"
	"strings"
	"time"

	"github.com/launchready/launchready/internal/store"
	"github.com/launchready/launchready/runbook"
)

// RunEvents are the changes runbook runs made, from their transcripts: each run's start
// (with who), each step's outcome, a rollback and the run's end. The transcripts are the
// durable record already (fsynced line by line, by whichever process ran the run, even a
// read-only console), so they are read where they are rather than copied into the
// history database. Runs that ended before since are skipped without their steps.
func RunEvents(rs runbook.Store, since time.Time) ([]store.Event, error) {
	runs, err := rs.ListRuns()
	if err != nil {
		return nil, fmt.Errorf("cannot list the runbook transcripts in %s: %w", rs.RunsDir(), err)
	}
	var out []store.Event
	for _, r := range runs {
		if !since.IsZero() && !r.Ended.IsZero() && r.Ended.Before(since) {
			continue
		}
		evs, err := runbook.ReadTranscript(r.Path)
		if err != nil {
			continue // a damaged transcript: runbook log says what is wrong with it
		}
		out = append(out, transcriptEvents(r, evs)...)
	}
	return out, nil
}

// transcriptEvents turns one run's transcript into timeline events.
func transcriptEvents(r runbook.RunSummary, evs []runbook.Event) []store.Event {
	who := r.Operator.User
	name := r.Runbook
	var out []store.Event
	add := func(e runbook.Event, kind, summary string) {
		out = append(out, store.Event{Time: e.Time, Kind: kind, Pane: PaneRunbooks, Target: name,
			Summary: summary, Link: fmt.Sprintf("run:%s#%d", r.ID, e.Seq), Who: who})
	}
	names := map[int]string{} // step-end carries only the number; step-start has the name
	for _, e := range evs {
		switch e.Type {
		case runbook.StepStart:
			names[e.Step] = e.StepName
		case runbook.RunStart:
			if e.Operator != nil {
				who = e.Operator.User
			}
			add(e, KindRunStart, name+" started by "+who)
		case runbook.StepEnd:
			s := fmt.Sprintf("%s step %d %s: %s", name, e.Step, quoteStep(cmp.Or(e.StepName, names[e.Step])), e.Status)
			if e.Reason != "" {
				s += " (" + e.Reason + ")"
			}
			add(e, KindRunStep, s)
		case runbook.RollbackStart:
			s := name + " rolling back"
			if e.Reason != "" {
				s += ": " + e.Reason
			}
			add(e, KindRollback, s)
		case runbook.RollbackEnd:
			add(e, KindRollback, name+" rollback "+e.Status)
		case runbook.RunEnd:
			add(e, KindRunEnd, name+" "+e.Status)
		}
	}
	return out
}

func quoteStep(name string) string {
	if name == "" {
		return ""
	}
	return "“" + strings.TrimSpace(name) + "”"
}

// IsDeploy says whether an event is a runbook run starting or ending: an operator's
// change, which "before this" ranks above everything else nearby wherever it happened.
func IsDeploy(e store.Event) bool {
	return e.Kind == KindRunStart || e.Kind == KindRunEnd || e.Kind == KindRunStep
}

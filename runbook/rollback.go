package runbook

import (
	"context"
	"fmt"
)

// rollbackDue says whether step i's rollback belongs in a roll back: its run: command
// succeeded (even if a check after it then failed: the change it made is live), or it has
// no run: and completed.
func (r *run) rollbackDue(i int) bool {
	st := r.steps[i]
	if r.rb.Steps[i].Run != "" {
		return st.ranOK
	}
	return st.status == StepOK
}

// rollback undoes what the run did: the rollback of every step that is due, newest
// first, each recorded and each able to fail. A failed rollback asks the operator: retry
// it, skip it and go on with older ones, or stop rolling back.
func (r *run) rollback(ctx context.Context, reason string) (string, error) {
	if !r.rollingBack {
		r.rollingBack = true
		if err := r.emit(ctx, Event{Type: RollbackStart, Reason: reason}); err != nil {
			return "", err
		}
	}
	for i := len(r.rb.Steps) - 1; i >= 0; i-- {
		if r.rolledBack[i] || !r.rollbackDue(i) {
			continue
		}
		s := &r.rb.Steps[i]
		if s.Rollback == "" {
			r.rolledBack[i] = true
			if err := r.emit(ctx, Event{Type: RollbackSkip, Step: i + 1, StepName: r.stepName(i), Reason: "no rollback: for this step"}); err != nil {
				return "", err
			}
			continue
		}
		for {
			res, err := r.command(ctx, i, "rollback", s.Rollback)
			if err != nil {
				return r.stopped(ctx, err)
			}
			if res.ok {
				r.rolledBack[i] = true
				break
			}
			d, err := r.choose(ctx, ChoiceRollbackFailed, i, fmt.Sprintf("the rollback of step %d (%s) %s", i+1, r.stepName(i), res.reason),
				[]Decision{Retry, Skip, Abort}, nil)
			if err != nil {
				return r.stopped(ctx, err)
			}
			if d == Retry {
				continue
			}
			r.rbFailed = true
			if d == Abort {
				return StatusRollbackFailed, r.emit(ctx, Event{Type: RollbackEnd, Status: StatusRollbackFailed, Reason: "the operator stopped the roll back"})
			}
			r.rolledBack[i] = true
			break
		}
	}
	status := StatusRolledBack
	if r.rbFailed {
		status = StatusRollbackFailed
	}
	return status, r.emit(ctx, Event{Type: RollbackEnd, Status: status})
}

package runbook

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Holder is who holds the runbook lock, so a second operator is told who and since when
// instead of "resource busy".
type Holder struct {
	Operator Operator  `json:"operator"`
	Since    time.Time `json:"since"`
	Run      string    `json:"run,omitempty"`
	Runbook  string    `json:"runbook,omitempty"`
}

// Lock is the one-run-at-a-time lock of a state folder: two operators running a deploy
// and a rollback at once is how a launch goes down.
type Lock struct {
	path   string
	holder Holder
}

// ErrLocked marks a lock held by someone else; errors.As gives the *LockedError with who.
var ErrLocked = errors.New("another runbook run holds the lock")

// LockedError says who holds the lock.
type LockedError struct {
	Holder Holder
	Path   string
	Now    time.Time
}

func (e *LockedError) Error() string {
	h := e.Holder
	what := "a runbook"
	if h.Runbook != "" {
		what = "runbook " + h.Runbook
	}
	ago := e.Now.Sub(h.Since).Round(time.Second)
	msg := fmt.Sprintf("%s is already running: started %s (%s ago) by %s, pid %d",
		what, h.Since.Local().Format("15:04:05 Mon Jan 2"), ago, h.Operator, h.Operator.PID)
	if h.Run != "" {
		msg += ", run " + h.Run
	}
	msg += "; one run at a time. Wait for it to finish (launchready runbook log shows its progress)"
	host, _ := os.Hostname()
	if h.Operator.Host != host {
		msg += fmt.Sprintf(", or if %s is gone for good, remove %s", h.Operator.Host, e.Path)
	}
	return msg
}

func (e *LockedError) Unwrap() error { return ErrLocked }

// AcquireLock takes the lock in dir. A lock left by a process that no longer exists on this
// host is stale and taken over; a live holder, or one on another host (a shared state
// folder), gives a *LockedError.
func AcquireLock(dir string, h Holder) (*Lock, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("cannot create %s for the runbook lock: %w", dir, err)
	}
	path := filepath.Join(dir, "lock")
	unguard, err := guard(path + ".guard")
	if err != nil {
		return nil, err
	}
	defer unguard()
	if cur, err := readHolder(path); err == nil {
		host, _ := os.Hostname()
		if cur.Operator.Host != host || processAlive(cur.Operator.PID) {
			return nil, &LockedError{Holder: *cur, Path: path, Now: time.Now()}
		}
		// Stale: its process is gone. The run it held (if any) is found unfinished by the
		// caller, which offers to resume it.
		if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
			return nil, fmt.Errorf("cannot remove the stale runbook lock %s: %w", path, err)
		}
	} else if !os.IsNotExist(err) {
		return nil, fmt.Errorf("the runbook lock %s is unreadable (%v); if no run is in progress, remove it", path, err)
	}
	l := &Lock{path: path, holder: h}
	if err := l.write(false); err != nil {
		return nil, err
	}
	return l, nil
}

// Update records which run the lock covers, once the run has an id.
func (l *Lock) Update(run, runbook string) error {
	l.holder.Run, l.holder.Runbook = run, runbook
	return l.write(true)
}

// Holder returns who holds the lock (this process).
func (l *Lock) Holder() Holder { return l.holder }

// write puts the holder in place atomically: the content goes to a temporary file first,
// then a hard link (which fails if the lock exists) or a rename (to update our own lock).
func (l *Lock) write(replace bool) error {
	b, _ := json.MarshalIndent(l.holder, "", "  ")
	tmp := fmt.Sprintf("%s.%d.tmp", l.path, os.Getpid())
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("cannot write the runbook lock: %w", err)
	}
	defer os.Remove(tmp)
	if replace {
		return os.Rename(tmp, l.path)
	}
	if err := os.Link(tmp, l.path); err != nil {
		if os.IsExist(err) {
			if cur, rerr := readHolder(l.path); rerr == nil {
				return &LockedError{Holder: *cur, Path: l.path, Now: time.Now()}
			}
		}
		return fmt.Errorf("cannot take the runbook lock %s: %w", l.path, err)
	}
	return nil
}

// Release gives the lock up, if it is still ours.
func (l *Lock) Release() error {
	if l == nil {
		return nil
	}
	cur, err := readHolder(l.path)
	if err != nil || cur.Operator.PID != l.holder.Operator.PID || !cur.Since.Equal(l.holder.Since) {
		return nil
	}
	return os.Remove(l.path)
}

// ReadLock says who holds the lock in dir, nil when nobody does (or the holder is dead).
func ReadLock(dir string) (*Holder, bool) {
	h, err := readHolder(filepath.Join(dir, "lock"))
	if err != nil {
		return nil, false
	}
	host, _ := os.Hostname()
	if h.Operator.Host == host && !processAlive(h.Operator.PID) {
		return h, false
	}
	return h, true
}

func readHolder(path string) (*Holder, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var h Holder
	if err := json.Unmarshal(b, &h); err != nil {
		return nil, fmt.Errorf("not a lock file: %s", strings.TrimSpace(err.Error()))
	}
	return &h, nil
}

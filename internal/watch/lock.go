package watch

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// errHeld is what lockFile returns when another process holds the lock.
var errHeld = errors.New("held by another process")

// LockName is the lock file in the state folder.
const LockName = "watch.lock"

// Holder says who owns a state folder's scheduling and alerting.
type Holder struct {
	PID     int       `json:"pid"`
	Host    string    `json:"host"`
	Started time.Time `json:"started"`
	Version string    `json:"version,omitempty"`
}

func (h Holder) String() string {
	return fmt.Sprintf("pid %d on %s, started %s (%s ago)", h.PID, h.Host, h.Started.UTC().Format("2006-01-02 15:04:05 UTC"),
		time.Since(h.Started).Round(time.Second))
}

// LockedError is returned when another watch owns the state folder.
type LockedError struct {
	Dir    string
	Holder Holder
	known  bool
}

func (e *LockedError) Error() string {
	who, stop := "a process that is still starting", "systemctl stop launchready-watch"
	if e.known {
		who, stop = e.Holder.String(), fmt.Sprintf("systemctl stop launchready-watch, or kill %d", e.Holder.PID)
	}
	return fmt.Sprintf("another launchready watch already owns the state folder %s: %s. One watch schedules checks and sends alerts per state folder, "+
		"so alerts are never sent twice; stop that one first (%s), or give this one another --state", e.Dir, who, stop)
}

// Lock is an exclusive flock(2) on STATE/watch.lock. The kernel drops it when the process
// dies, however it dies, so a crash never leaves a stale lock; the file's content says
// who holds it, for the error a second watch prints and for consoles that attach.
type Lock struct {
	f *os.File
}

// Acquire takes the state folder for this process, or returns a *LockedError naming the
// holder.
func Acquire(dir string, h Holder) (*Lock, error) {
	p := filepath.Join(dir, LockName)
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("cannot open the lock %s: %w", p, err)
	}
	if err := lockFile(f, true); err != nil {
		defer f.Close()
		if errors.Is(err, errHeld) {
			le := &LockedError{Dir: dir}
			le.Holder, le.known = readHolder(f)
			return nil, le
		}
		return nil, fmt.Errorf("cannot lock %s: %w", p, err)
	}
	b, _ := json.Marshal(h)
	if err := f.Truncate(0); err == nil {
		_, err = f.WriteAt(append(b, '\n'), 0)
		if err == nil {
			err = f.Sync()
		}
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("cannot write the lock %s: %w", p, err)
		}
	}
	return &Lock{f: f}, nil
}

func readHolder(f *os.File) (Holder, bool) {
	var h Holder
	b, err := io.ReadAll(io.LimitReader(f, 4096))
	if err != nil || json.Unmarshal(b, &h) != nil || h.PID == 0 {
		return h, false
	}
	return h, true
}

// Release empties the file (so nobody reads a holder that is gone) and unlocks.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	l.f.Truncate(0)
	err := l.f.Close() // closing drops the flock
	l.f = nil
	return err
}

// Held reports whether a watch holds dir now, and who: for consoles that attach
// read-only and for `launchready alert` commands.
func Held(dir string) (Holder, bool) {
	f, err := os.Open(filepath.Join(dir, LockName))
	if err != nil {
		return Holder{}, false
	}
	defer f.Close()
	if err := lockFile(f, false); err == nil {
		unlockFile(f)
		return Holder{}, false
	}
	h, _ := readHolder(f)
	return h, true
}

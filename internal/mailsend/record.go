package mailsend

import (
	"encoding/json"
	"fmt"
	"github.com/launchready/launchready/internal/atomicfile"
	"os"
	"path/filepath"
	"slices"
)

// RecordFile is the name of the attempts record in the state folder.
const RecordFile = "email-send-test.json"

// keep is how many attempts the record holds: enough for a launch week's deploys.
const keep = 50

// maxRecord bounds what we read back: the record is small; anything bigger is not ours.
const maxRecord = 1 << 20

// record is the attempts file: newest last.
type record struct {
	path     string
	Attempts []Attempt `json:"attempts"`
}

func openLog(dir string) (*record, error) {
	r := &record{path: filepath.Join(dir, RecordFile)}
	b, err := os.ReadFile(r.path)
	switch {
	case os.IsNotExist(err):
		return r, nil
	case err != nil:
		return nil, fmt.Errorf("cannot read the send-test record %s: %v", r.path, err)
	case len(b) > maxRecord:
		return nil, fmt.Errorf("the send-test record %s is %d bytes, far more than it ever holds; move it aside", r.path, len(b))
	}
	if err := json.Unmarshal(b, r); err != nil {
		return nil, fmt.Errorf("the send-test record %s is not valid JSON (%v); move it aside to start a new one", r.path, err)
	}
	return r, nil
}

func (r *record) last() *Attempt {
	if len(r.Attempts) == 0 {
		return nil
	}
	a := r.Attempts[len(r.Attempts)-1]
	return &a
}

// save records a (replacing its earlier state) and writes the file atomically and durably:
// a temporary file, fsynced, renamed over the old one.
func (r *record) save(a *Attempt) error {
	i := slices.IndexFunc(r.Attempts, func(x Attempt) bool { return x.Token == a.Token })
	if i >= 0 {
		r.Attempts[i] = *a
	} else {
		r.Attempts = append(r.Attempts, *a)
	}
	if len(r.Attempts) > keep {
		r.Attempts = r.Attempts[len(r.Attempts)-keep:]
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteBytes(r.path, 0o600, append(b, '\n'))
}

// Last returns the most recent attempt recorded in dir, for the console and runbooks.
func Last(dir string) (*Attempt, error) {
	r, err := openLog(dir)
	if err != nil {
		return nil, err
	}
	return r.last(), nil
}

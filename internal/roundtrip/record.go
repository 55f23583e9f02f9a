package roundtrip

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/launchready/launchready/internal/atomicfile"
)

// RecordFile is the last round trip, in the state folder, for the console and the
// handover to show without making one.
const RecordFile = "email-roundtrip.json"

// maxRecord bounds what Last reads back: a report is a few KB per inbox.
const maxRecord = 1 << 20

// Save records the report as the last round trip, atomically. It holds no secret: errors
// were redacted when they were made.
func Save(dir string, r *Report) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.WriteBytes(filepath.Join(dir, RecordFile), 0o600, append(b, '\n')); err != nil {
		return fmt.Errorf("cannot record the round trip in %s: %v", dir, err)
	}
	return nil
}

// Last is the most recent round trip recorded in dir; nil (and no error) when none was.
func Last(dir string) (*Report, error) {
	p := filepath.Join(dir, RecordFile)
	b, err := os.ReadFile(p)
	switch {
	case os.IsNotExist(err):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("cannot read the last round trip %s: %v", p, err)
	case len(b) > maxRecord:
		return nil, fmt.Errorf("%s is %d bytes, far more than a round trip records; move it aside", p, len(b))
	}
	r := &Report{}
	if err := json.Unmarshal(b, r); err != nil {
		return nil, fmt.Errorf("%s is not valid JSON (%v); move it aside, the next round trip writes a new one", p, err)
	}
	return r, nil
}

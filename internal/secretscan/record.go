package secretscan

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/launchready/launchready/internal/atomicfile"
)

// RecordFile is the last repository scan's result in the state folder. The console and
// the launch bar read it: they cannot scan a repository on every refresh, but they can
// tell whether the last scan was clean and whether HEAD has moved since.
const RecordFile = "secrets-scan.json"

// RecordSchema versions the file.
const RecordSchema = "launchready.secretscan/v1"

// maxRecorded caps the findings kept in the record: the counts are exact, the list is for
// the console's detail view and needs only the worst.
const maxRecorded = 50

// Record is what RecordFile holds: the report, redacted as every report is, its findings
// capped at the worst 50.
type Record struct {
	Schema string `json:"schema"`
	Report
}

// WriteRecord replaces the state folder's record with this report.
func WriteRecord(stateDir string, r *Report) error {
	rec := Record{Schema: RecordSchema, Report: *r}
	if len(rec.Findings) > maxRecorded {
		rec.Findings = rec.Findings[:maxRecorded]
	}
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	path := filepath.Join(stateDir, RecordFile)
	if err := atomicfile.WriteBytes(path, 0o600, append(b, '\n')); err != nil {
		return fmt.Errorf("cannot record the scan in %s: %v; check the state folder is writable (--state DIR)", path, err)
	}
	return nil
}

// ReadRecord reads the state folder's record; ok is false when no scan was ever recorded.
func ReadRecord(stateDir string) (rec Record, ok bool, err error) {
	path := filepath.Join(stateDir, RecordFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return Record{}, false, nil
	}
	if err != nil {
		return Record{}, false, fmt.Errorf("cannot read %s: %v", path, err)
	}
	if err := json.Unmarshal(b, &rec); err != nil || rec.Schema != RecordSchema {
		return Record{}, false, fmt.Errorf("%s is not a scan record this version reads; run `launchready secrets scan` again to replace it", path)
	}
	return rec, true, nil
}

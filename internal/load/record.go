package load

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/launchready/launchready/internal/atomicfile"
)

// Record files in the state folder. Runs against the built-in lab keep their own, so a
// demo never vouches for the real product's login.
const (
	RecordFile    = "load.json"
	LabRecordFile = "lab-load.json"
	RecordSchema  = "launchready.load-record/v1"
)

// Record is the last load run of each flow, kept in the state folder so the console (the
// Performance pane and the launch bar's "Login and signup tested") knows, between runs,
// whether the sign-in and sign-up held and when.
type Record struct {
	Schema string       `json:"schema"`
	Flows  []FlowRecord `json:"flows"`
}

// FlowRecord is one flow's last run: enough to judge it, not the whole report.
type FlowRecord struct {
	Name        string        `json:"name"`
	Role        string        `json:"role,omitempty"`
	Domain      string        `json:"domain"`
	Environment string        `json:"environment"`
	When        time.Time     `json:"when"`
	Target      float64       `json:"target_rate"`
	Held        bool          `json:"held"`
	Why         string        `json:"why,omitempty"`
	P95         time.Duration `json:"p95_ns"`
	ErrorRate   float64       `json:"error_rate"`
	// Rate is what was sent per second over the run (Target is what was asked): the
	// history keeps both figures, as the load record check reports them.
	Rate    float64 `json:"rate"`
	Knee    *Moment `json:"knee,omitempty"`
	Failing *Moment `json:"failing,omitempty"`
}

// RecordPath is the record's file in stateDir: the lab's own for a lab config.
func RecordPath(stateDir string, lab bool) string {
	if lab {
		return filepath.Join(stateDir, LabRecordFile)
	}
	return filepath.Join(stateDir, RecordFile)
}

// SaveRun merges rep's flows into the record at path: each flow run replaces that flow's
// last run; flows not in this run keep theirs.
func SaveRun(path, domain, environment string, rep Report) error {
	rec, _, err := ReadRecord(path)
	if err != nil {
		rec = Record{} // a damaged record is replaced by this run's, not kept forever
	}
	rec.Schema = RecordSchema
	for _, f := range rep.Flows {
		fr := FlowRecord{Name: f.Name, Role: f.Role, Domain: domain, Environment: environment, When: rep.Started,
			Target: f.Target, Held: f.Held, Why: f.Why, P95: f.P95, ErrorRate: f.ErrorRate, Rate: f.Rate, Knee: f.Knee, Failing: f.Failing}
		rec.Flows = slices.DeleteFunc(rec.Flows, func(o FlowRecord) bool { return o.Name == f.Name })
		rec.Flows = append(rec.Flows, fr)
	}
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.WriteBytes(path, 0o600, append(b, '\n')); err != nil {
		return fmt.Errorf("cannot record the load run in %s: %v; check the state folder is writable (--state DIR)", path, err)
	}
	return nil
}

// ReadRecord reads the record at path; ok is false when no run was ever recorded.
func ReadRecord(path string) (rec Record, ok bool, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return Record{}, false, nil
	}
	if err != nil {
		return Record{}, false, fmt.Errorf("cannot read %s: %v", path, err)
	}
	if err := json.Unmarshal(b, &rec); err != nil || rec.Schema != RecordSchema {
		return Record{}, false, fmt.Errorf("%s is not a load record (%v): run `launchready load` again to replace it", path, err)
	}
	return rec, len(rec.Flows) > 0, nil
}

// Last returns the most recent run of a flow with that role, if any.
func (rec Record) Last(role string) (FlowRecord, bool) {
	var best FlowRecord
	found := false
	for _, f := range rec.Flows {
		if f.Role == role && (!found || f.When.After(best.When)) {
			best, found = f, true
		}
	}
	return best, found
}

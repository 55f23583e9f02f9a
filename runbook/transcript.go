package runbook

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Store is where runbook state lives inside the state folder: the lock, and per run an
// append-only transcript (runs/ID.jsonl) and a work folder (runs/ID/) holding a running
// command's output and exit status until they are in the transcript.
type Store struct{ Dir string }

// NewStore returns the store in a state folder (internal/setup's Session.StateDir).
func NewStore(stateDir string) Store { return Store{Dir: filepath.Join(stateDir, "runbooks")} }

// StateDir is the state folder the store lives in, which other processes share: watch
// reads the maintenance windows a run opens there.
func (s Store) StateDir() string { return filepath.Dir(s.Dir) }

// RunsDir holds the transcripts.
func (s Store) RunsDir() string { return filepath.Join(s.Dir, "runs") }

// TranscriptPath is the transcript of run id.
func (s Store) TranscriptPath(id string) string { return filepath.Join(s.RunsDir(), id+".jsonl") }

// WorkDir holds run id's in-flight command files.
func (s Store) WorkDir(id string) string { return filepath.Join(s.RunsDir(), id) }

// transcript appends events to a run's file, one JSON object per line, each fsynced
// before the engine moves on: after a crash the file says exactly how far the run got.
type transcript struct {
	f    *os.File
	path string
	run  string
	seq  int
	red  *Redactor
	now  func() time.Time
}

func createTranscript(path, run string, red *Redactor, now func() time.Time) (*transcript, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("cannot create the transcripts folder: %w", err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("cannot create the transcript %s: %w", path, err)
	}
	return &transcript{f: f, path: path, run: run, red: red, now: now}, nil
}

// appendTranscript reopens a run's transcript to add to it (a resume), after seq.
func appendTranscript(path, run string, seq int, red *Redactor, now func() time.Time) (*transcript, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("cannot reopen the transcript %s: %w", path, err)
	}
	// A crash can leave a half-written last line; end it so the next event starts clean
	// (readers skip the broken line).
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		last := make([]byte, 1)
		if r, err := os.Open(path); err == nil {
			if _, err := r.ReadAt(last, st.Size()-1); err == nil && last[0] != '\n' {
				_, _ = f.Write([]byte("\n"))
			}
			r.Close()
		}
	}
	return &transcript{f: f, path: path, run: run, seq: seq, red: red, now: now}, nil
}

// write stamps, redacts, appends and fsyncs one event, and returns it as written.
func (t *transcript) write(e Event) (Event, error) {
	t.seq++
	e.Seq, e.Run = t.seq, t.run
	if e.Time.IsZero() {
		e.Time = t.now()
	}
	e.redact(t.red)
	b, err := json.Marshal(e)
	if err != nil {
		return e, fmt.Errorf("cannot encode a transcript event: %w", err)
	}
	// Last guard: a secret that reached a field redact does not know is still caught.
	if t.red.Contains(string(b)) {
		b = []byte(t.red.Redact(string(b)))
	}
	b = append(b, '\n')
	if _, err := t.f.Write(b); err != nil {
		return e, fmt.Errorf("cannot write the transcript %s: %w", t.path, err)
	}
	if err := t.f.Sync(); err != nil {
		return e, fmt.Errorf("cannot flush the transcript %s to disk: %w", t.path, err)
	}
	return e, nil
}

func (t *transcript) close() error { return t.f.Close() }

// maxEventLine bounds one transcript line when reading; output events are far smaller.
const maxEventLine = 8 << 20

// ReadTranscript reads a run's events. A line that does not parse (the half-written last
// line of a crash) is skipped, and said so in the returned error only if nothing parsed.
func ReadTranscript(path string) ([]Event, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readEvents(f)
}

func readEvents(r io.Reader) ([]Event, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxEventLine)
	var out []Event
	bad := 0
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var e Event
		if err := json.Unmarshal(line, &e); err != nil || e.Type == "" {
			bad++
			continue
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("reading the transcript: %w", err)
	}
	if len(out) == 0 && bad > 0 {
		return nil, errors.New("not a runbook transcript: no line is an event")
	}
	return out, nil
}

// RunSummary is one run as `runbook list` and the console's Runbooks pane show it.
type RunSummary struct {
	ID       string    `json:"id"`
	Runbook  string    `json:"runbook"`
	Started  time.Time `json:"started"`
	Ended    time.Time `json:"ended"`
	Operator Operator  `json:"operator"`
	// Status is the run-end status, or "unfinished" (the engine stopped mid-run: resume it).
	Status string `json:"status"`
	Steps  int    `json:"steps"`
	Done   int    `json:"done"` // steps that completed or were skipped
	Path   string `json:"path"`
}

// StatusUnfinished is a run with no run-end: resumable.
const StatusUnfinished = "unfinished"

// ListRuns summarises every run in the store, newest first.
func (s Store) ListRuns() ([]RunSummary, error) {
	files, err := filepath.Glob(filepath.Join(s.RunsDir(), "*.jsonl"))
	if err != nil {
		return nil, err
	}
	var out []RunSummary
	for _, f := range files {
		evs, err := ReadTranscript(f)
		if err != nil || len(evs) == 0 {
			continue
		}
		out = append(out, summarize(f, evs))
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Started.Equal(out[j].Started) {
			return out[i].Started.After(out[j].Started)
		}
		return out[i].ID > out[j].ID
	})
	return out, nil
}

func summarize(path string, evs []Event) RunSummary {
	s := RunSummary{ID: strings.TrimSuffix(filepath.Base(path), ".jsonl"), Path: path, Status: StatusUnfinished}
	done := map[int]bool{}
	for _, e := range evs {
		switch e.Type {
		case RunStart:
			s.Started = e.Time
			if e.Runbook != nil {
				s.Runbook, s.Steps = e.Runbook.Name, e.Runbook.Steps
			}
			if e.Operator != nil {
				s.Operator = *e.Operator
			}
		case StepEnd:
			if e.Status == StepOK || e.Status == StepSkipped {
				done[e.Step] = true
			}
		case RunEnd:
			s.Status, s.Ended = e.Status, e.Time
		}
	}
	s.Done = len(done)
	return s
}

// Unfinished returns the runs that have no run-end, newest first.
func (s Store) Unfinished() ([]RunSummary, error) {
	all, err := s.ListRuns()
	var out []RunSummary
	for _, r := range all {
		if r.Status == StatusUnfinished {
			out = append(out, r)
		}
	}
	return out, err
}

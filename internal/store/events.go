package store

import (
	"database/sql"
	"strings"
	"time"

	"github.com/launchready/launchready/probes"
)

// Event is one change: something that was different from the moment before (a DNS answer,
// a certificate, an endpoint's state, a new error group, a run of a runbook, the config),
// as the timeline lists it. States are in results; events are the edges between them, so
// "what changed at 02:10?" is one query rather than a scan of every check's history.
type Event struct {
	Time time.Time `json:"time"`
	// Kind names the change, pane first: "dns.answer", "tls.certificate",
	// "endpoints.state", "endpoints.latency", "errors.new-group", "errors.spike",
	// "runbooks.run-start", "session.start", "config.changed"...
	Kind string `json:"kind"`
	// Pane is the console pane the change belongs to (dns, tls, endpoints, errors,
	// runbooks, session...): the pane filter matches it.
	Pane    string `json:"pane"`
	Check   string `json:"check,omitempty"`
	Target  string `json:"target,omitempty"`
	Summary string `json:"summary"`
	// Link points at the detail: "check:NAME", "run:ID#SEQ" (a transcript line),
	// "finding:ID TARGET".
	Link string `json:"link,omitempty"`
	// Who made the change when someone did (a runbook's operator).
	Who string `json:"who,omitempty"`
	// Baseline marks where a check stood when recording began ("failing at start", "in
	// the log at start") rather than a change seen while recording: "before this" lists it
	// below every change. A flag rather than the summary's words, so ranking never depends
	// on wording.
	Baseline bool `json:"baseline,omitempty"`
}

// Detector computes the changes a result shows against the previous result of the same
// check. The writer calls it for every result it stores, in order, inside the result's
// transaction, so a change costs nothing to find later and survives with the result.
// Detect appends to out and returns it; it must not allocate when nothing changed,
// because it runs for every result of every check.
type Detector interface {
	Detect(r probes.Result, out []Event) []Event
}

// Seeder is a Detector that can pick up where the last writer left off. Open calls Seed
// before the first result is written, so a restart compares its first results with the
// stored ones instead of recording every failing check "at start" again. A failure is
// logged and the detector starts empty: the history is never a reason not to start.
type Seeder interface {
	Seed(s *Store) error
}

// EventQuery selects events: [Since, Until) (zero: unbounded), of Panes (none: all),
// newest first, at most Limit (zero: all).
type EventQuery struct {
	Since, Until time.Time
	Panes        []string
	Limit        int
}

const insertEvent = `INSERT INTO events (ts, pane, body) VALUES (?, ?, ?)`

// AddEvents stores events now (a session starting or stopping, the config's hash
// changing): changes that no result carries. A read-only store refuses, like Write.
func (s *Store) AddEvents(evs ...Event) error {
	if s.readOnly {
		return ErrReadOnly
	}
	if len(evs) == 0 {
		return nil
	}
	ctx, cancel := s.ctx()
	defer cancel()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return explain(s.path, err)
	}
	defer tx.Rollback()
	ins, err := tx.PrepareContext(ctx, insertEvent)
	if err != nil {
		return explain(s.path, err)
	}
	defer ins.Close()
	if err := s.insertEvents(ins, evs); err != nil {
		return err
	}
	return explain(s.path, tx.Commit())
}

func (s *Store) insertEvents(ins *sql.Stmt, evs []Event) error {
	for _, e := range evs {
		e.Target, e.Summary, e.Link = s.redact(e.Target), s.redact(e.Summary), s.redact(e.Link)
		if _, err := ins.Exec(e.Time.UnixMicro(), e.Pane, encodeEvent(e)); err != nil {
			return explain(s.path, err)
		}
	}
	return nil
}

// Events lists stored events, newest first. The events table is indexed by time, so a
// window of the last hours reads only its own rows however long the history is.
func (s *Store) Events(q EventQuery) ([]Event, error) {
	var b strings.Builder
	b.WriteString(`SELECT ts, body FROM events WHERE ts >= ? AND ts < ?`)
	since, until := int64(-1<<63), int64(1<<63-1)
	if !q.Since.IsZero() {
		since = q.Since.UnixMicro()
	}
	if !q.Until.IsZero() {
		until = q.Until.UnixMicro()
	}
	args := []any{since, until}
	if len(q.Panes) > 0 {
		b.WriteString(` AND pane IN (?` + strings.Repeat(`, ?`, len(q.Panes)-1) + `)`)
		for _, p := range q.Panes {
			args = append(args, p)
		}
	}
	b.WriteString(` ORDER BY ts DESC, id DESC`)
	if q.Limit > 0 {
		b.WriteString(` LIMIT ?`)
		args = append(args, q.Limit)
	}
	ctx, cancel := s.ctx()
	defer cancel()
	st, err := s.stmt(b.String())
	if err != nil && s.readOnly && strings.Contains(err.Error(), "no such table: events") {
		// A database an older launchready writes, read by this one: it records no changes.
		return nil, nil
	}
	if err != nil {
		return nil, explain(s.path, err)
	}
	rows, err := st.QueryContext(ctx, args...)
	if err != nil && s.readOnly && strings.Contains(err.Error(), "no such table: events") {
		// A database an older launchready writes, read by this one: it records no changes.
		return nil, nil
	}
	if err != nil {
		return nil, explain(s.path, err)
	}
	defer rows.Close()
	var out []Event
	var ts int64
	var body string
	for rows.Next() {
		if err := rows.Scan(&ts, &body); err != nil {
			return nil, explain(s.path, err)
		}
		e, ok := decodeEvent(body)
		if !ok {
			continue // not written by this layout: skip rather than misread
		}
		e.Time = time.UnixMicro(ts)
		out = append(out, e)
	}
	return out, explain(s.path, rows.Err())
}

// sep separates an event's fields in the body column: a control character no summary,
// name or link holds (encodeEvent replaces any that does).
const sep = "\x1f"

// encodeEvent is the body column: kind, pane, check, target, summary, link and who in one
// text, then flags ("b" for a baseline) only when there are any. One column rather than
// seven because reading is what the timeline does most, and the driver's cost is per
// column: 10,000 events read in a third of the time.
func encodeEvent(e Event) string {
	f := [...]string{e.Kind, e.Pane, e.Check, e.Target, e.Summary, e.Link, e.Who}
	for i := range f {
		f[i] = strings.ReplaceAll(f[i], sep, " ")
	}
	body := strings.Join(f[:], sep)
	if e.Baseline {
		body += sep + flagBaseline
	}
	return body
}

// flagBaseline in an event's flags field marks Event.Baseline.
const flagBaseline = "b"

// decodeEvent reads encodeEvent's text (with or without the flags field); the fields
// share the body's memory.
func decodeEvent(body string) (Event, bool) {
	var f [7]string
	for i := range 6 {
		var ok bool
		if f[i], body, ok = strings.Cut(body, sep); !ok {
			return Event{}, false
		}
	}
	var flags string
	f[6], flags, _ = strings.Cut(body, sep)
	return Event{Kind: f[0], Pane: f[1], Check: f[2], Target: f[3], Summary: f[4], Link: f[5], Who: f[6],
		Baseline: strings.Contains(flags, flagBaseline)}, true
}

package store

import (
	"database/sql"
	"math"
	"strings"
	"time"

	"github.com/launchready/launchready/probes"
)

// batchMax bounds one transaction of the background writer: big enough that a sweep of a
// hundred checks is one commit, small enough that a reader never waits long.
const batchMax = 512

// pruneEvery is how often the writer deletes results past the retention.
const pruneEvery = time.Hour

// Record queues a result for the writer; it is what the store subscribes to the runner
// with (runner.Subscribe(store.Record)). It never blocks: when the queue is full the
// result is dropped and counted (Err reports it). A read-only or closed store ignores it.
func (s *Store) Record(res probes.Result) {
	if s.readOnly {
		return
	}
	s.sendMu.RLock()
	defer s.sendMu.RUnlock()
	if s.closed || s.queue == nil {
		return
	}
	select {
	case s.queue <- &item{res: res}:
	default:
		s.mu.Lock()
		s.dropped++
		s.mu.Unlock()
	}
}

// Flush waits until every result recorded so far is written, and returns the last write
// error, if any. Tests and a clean shutdown use it; the runner never needs to.
func (s *Store) Flush() error {
	if s.readOnly {
		return nil
	}
	ack := make(chan error, 1)
	s.sendMu.RLock()
	if s.closed || s.queue == nil {
		s.sendMu.RUnlock()
		return ErrClosed
	}
	// A flush waits for room rather than being dropped: the writer is draining, and
	// Close waits for this send before it closes the queue.
	s.queue <- &item{ack: ack}
	s.sendMu.RUnlock()
	return <-ack
}

func (s *Store) start() {
	s.queue = make(chan *item, s.opt.Queue)
	s.done = make(chan struct{})
	go s.writer()
}

// writer drains the queue in batches, one transaction each, until the queue is closed.
func (s *Store) writer() {
	defer close(s.done)
	batch := make([]probes.Result, 0, batchMax)
	var acks []chan error
	linger := time.NewTimer(time.Hour)
	linger.Stop()
	for it := range s.queue {
		batch, acks = add(batch, acks, it)
		if len(acks) == 0 && s.opt.Linger > 0 {
			linger.Reset(s.opt.Linger)
		gather:
			for len(batch) < batchMax && len(acks) == 0 {
				select {
				case it, ok := <-s.queue:
					if !ok {
						break gather
					}
					batch, acks = add(batch, acks, it)
				case <-linger.C:
					break gather
				}
			}
			linger.Stop()
		}
	more:
		for len(batch) < batchMax {
			select {
			case it, ok := <-s.queue:
				if !ok {
					break more
				}
				batch, acks = add(batch, acks, it)
			default:
				break more
			}
		}
		var err error
		if len(batch) > 0 {
			err = s.Write(batch...)
			s.mu.Lock()
			s.lastErr = err
			s.mu.Unlock()
			if err != nil {
				s.opt.Log.Error("history: results not written", "results", len(batch), "err", err)
			}
		}
		s.mu.Lock()
		due := s.opt.Now().Sub(s.pruned) >= pruneEvery
		s.mu.Unlock()
		if due {
			if perr := s.Prune(); perr != nil {
				s.opt.Log.Warn("history: pruning failed", "err", perr)
			}
		}
		for _, a := range acks {
			a <- err
		}
		batch, acks = batch[:0], acks[:0]
	}
}

func add(batch []probes.Result, acks []chan error, it *item) ([]probes.Result, []chan error) {
	if it.ack != nil {
		return batch, append(acks, it.ack)
	}
	return append(batch, it.res), acks
}

// Write stores results now, in one transaction, and returns when they are committed.
// Record is the asynchronous path the runner uses; Write is for imports, tests and
// benchmarks that need to know the rows are there.
func (s *Store) Write(results ...probes.Result) error {
	if s.readOnly {
		return ErrReadOnly
	}
	if len(results) == 0 {
		return nil
	}
	ctx, cancel := s.ctx()
	defer cancel()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return explain(s.path, err)
	}
	defer tx.Rollback()
	ins, err := tx.PrepareContext(ctx, `INSERT OR REPLACE INTO results
		(check_id, ts, status, up, latency_us, error, summary, findings, worst) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return explain(s.path, err)
	}
	defer ins.Close()
	var evIns, mIns *sql.Stmt
	var evs []Event
	for _, r := range results {
		id, err := s.checkID(tx, r)
		if err != nil {
			return explain(s.path, err)
		}
		row := s.row(r)
		if _, err := ins.ExecContext(ctx, id, row.ts, row.status, row.up, row.latencyUs, row.err, row.summary, row.findings, row.worst); err != nil {
			return explain(s.path, err)
		}
		for name, v := range r.Metrics {
			if !Kept(r.Kind, name) || math.IsNaN(v) || math.IsInf(v, 0) {
				continue
			}
			if mIns == nil {
				if mIns, err = tx.PrepareContext(ctx, `INSERT OR REPLACE INTO metrics (check_id, name, ts, value) VALUES (?, ?, ?, ?)`); err != nil {
					return explain(s.path, err)
				}
				defer mIns.Close()
			}
			if _, err := mIns.ExecContext(ctx, id, name, row.ts, v); err != nil {
				return explain(s.path, err)
			}
		}
		if s.opt.Detect == nil {
			continue
		}
		if evs = s.opt.Detect.Detect(r, evs[:0]); len(evs) == 0 {
			continue
		}
		if evIns == nil {
			if evIns, err = tx.PrepareContext(ctx, insertEvent); err != nil {
				return explain(s.path, err)
			}
			defer evIns.Close()
		}
		if err := s.insertEvents(evIns, evs); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		// The ids cached inside the failed transaction may not exist.
		s.idMu.Lock()
		clear(s.ids)
		s.idMu.Unlock()
		return explain(s.path, err)
	}
	s.mu.Lock()
	s.written += int64(len(results))
	s.commits++
	s.mu.Unlock()
	return nil
}

// checkID finds or creates the checks row for a result's check, inside tx.
func (s *Store) checkID(tx *sql.Tx, r probes.Result) (int64, error) {
	s.idMu.Lock()
	id, ok := s.ids[r.Check]
	s.idMu.Unlock()
	if ok {
		return id, nil
	}
	if _, err := tx.Exec(`INSERT INTO checks (name, kind, pane, target) VALUES (?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, pane = excluded.pane, target = excluded.target`,
		r.Check, r.Kind, string(r.Pane), s.redact(r.Target)); err != nil {
		return 0, err
	}
	if err := tx.QueryRow(`SELECT id FROM checks WHERE name = ?`, r.Check).Scan(&id); err != nil {
		return 0, err
	}
	s.idMu.Lock()
	s.ids[r.Check] = id
	s.idMu.Unlock()
	return id, nil
}

// row is a result as stored.
type row struct {
	ts, latencyUs int64
	status        int
	up            sql.NullInt64
	err           sql.NullString
	summary       sql.NullString
	findings      sql.NullString
	worst         sql.NullInt64
}

var statusCodes = map[probes.Status]int{probes.StatusOK: 0, probes.StatusWarn: 1, probes.StatusFail: 2, probes.StatusError: 3}
var statusNames = []probes.Status{probes.StatusOK, probes.StatusWarn, probes.StatusFail, probes.StatusError}

func (s *Store) row(r probes.Result) row {
	st, ok := statusCodes[r.Status]
	if !ok {
		st = statusCodes[probes.StatusFor(r.Findings)]
		if r.Err != "" {
			st = statusCodes[probes.StatusError]
		}
	}
	out := row{ts: r.Started.UnixMicro(), latencyUs: r.Latency.Microseconds(), status: st}
	if up, ok := Up(r); ok {
		out.up = sql.NullInt64{Int64: b2i(up), Valid: true}
	}
	if r.Err != "" {
		out.err = sql.NullString{String: s.redact(r.Err), Valid: true}
	}
	if r.Summary != "" {
		out.summary = sql.NullString{String: s.redact(r.Summary), Valid: true}
	}
	if len(r.Findings) > 0 {
		ids := make([]string, len(r.Findings))
		for i, f := range r.Findings {
			ids[i] = f.ID + "/" + f.Severity.String()
		}
		out.findings = sql.NullString{String: strings.Join(ids, ","), Valid: true}
		out.worst = sql.NullInt64{Int64: int64(probes.Worst(r.Findings)), Valid: true}
	}
	return out
}

// Up says whether a result counts as the target being up, and whether availability
// applies to it at all. A check that reports the "up" metric (endpoint checks) decides
// for itself; other checks of the endpoints pane are up unless they failed; a check that
// could not run, and checks of other panes, say nothing about availability.
func Up(r probes.Result) (up, applies bool) {
	if r.Err != "" || r.Status == probes.StatusError {
		return false, false
	}
	if v, ok := r.Metrics["up"]; ok {
		return v != 0, true
	}
	if r.Pane == probes.PaneEndpoints {
		st := r.Status
		if st == "" || st == probes.StatusUnknown {
			st = probes.StatusFor(r.Findings)
		}
		return st != probes.StatusFail, true
	}
	return false, false
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

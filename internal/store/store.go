// Package store keeps the history of every check result in SQLite (modernc.org/sqlite:
// pure Go, no cgo), so the console and watch can show uptime over 24 hours and 7 days,
// latency percentiles and sparklines, and so history survives a restart.
//
// One process writes (it holds an flock beside the database); any number read, even while
// the writer runs, because the database is in WAL mode. Results arrive from the runner
// through Record, which never blocks the runner: a background writer batches them into
// transactions. A database that is damaged or locked by another program is an error at
// Open that says what to do; the session then keeps its history in memory (OpenMemory) and
// the checks run on.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/launchready/launchready/probes"
)

// DefaultRetention is how long results are kept when the config does not say: two weeks
// covers launch week and the week after, when "was it like this before?" gets asked.
const DefaultRetention = 14 * 24 * time.Hour

// Options tune a store; the zero value is the defaults.
type Options struct {
	// Retention is how long results are kept; default DefaultRetention.
	Retention time.Duration
	// Now is the clock for pruning and queries' "last 24 hours"; default time.Now.
	Now func() time.Time
	// Log receives write failures; default discard.
	Log *slog.Logger
	// Redact lists secret values that must never reach the database (the config's
	// resolved secrets). Any text stored (errors, summaries) has them replaced by "[redacted]".
	Redact []string
	// BusyTimeout is how long a statement waits for another program's lock before the
	// store calls the database locked; default 2s.
	BusyTimeout time.Duration
	// Queue is how many results may wait for the writer; when it is full Record drops
	// the result (and counts it) rather than stall the runner. Default 4096.
	Queue int
	// Linger is how long the writer waits after a result for more to arrive before it
	// commits them together; default DefaultLinger. Checks finish spread over their
	// interval, so without it nearly every result is its own transaction (the
	// writer's cost per result falls about fourfold with it). A crash loses at most this
	// much history; Flush and Close never wait for it.
	Linger time.Duration
	// Detect finds the changes each written result shows (the timeline's events); nil
	// records none. Only a writer detects, so a second console adds no duplicates.
	Detect Detector
}

// DefaultLinger gathers a second of results into one commit.
const DefaultLinger = time.Second

// Store is a history database. It is safe for concurrent use.
type Store struct {
	db       *sql.DB
	path     string // "" in memory
	readOnly bool
	opt      Options
	lock     *writerLock

	// ids caches check name -> row id, for the writer and for queries (rows in checks
	// are never deleted, so an id once seen stays right).
	idMu sync.Mutex
	ids  map[string]int64

	prepared stmts

	// The background writer. sendMu guards closed and sends on queue: Close takes it
	// exclusively to close the queue, so no send can race the close.
	sendMu  sync.RWMutex
	closed  bool
	queue   chan *item // pointers: a full-size buffer of Results would sit in memory, and be scanned by every GC, even when empty
	done    chan struct{}
	mu      sync.Mutex // guards lastErr, dropped, written, pruned
	lastErr error
	dropped int
	written int64
	commits int64 // transactions the writer committed: how well Linger batches
	pruned  time.Time
}

// item is one queued result, or a flush request when ack is set.
type item struct {
	res probes.Result
	ack chan error
}

func (o *Options) defaults() {
	if o.Retention <= 0 {
		o.Retention = DefaultRetention
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.BusyTimeout <= 0 {
		o.BusyTimeout = 2 * time.Second
	}
	if o.Linger == 0 {
		o.Linger = DefaultLinger
	}
	if o.Queue <= 0 {
		o.Queue = 4096
	}
}

// Open opens (creating if needed) the history database at path as its one writer. When
// another process already writes it, the error wraps ErrWriterBusy: open it with
// OpenReader instead. A damaged file wraps ErrCorrupt, a file another program holds
// locked wraps ErrLocked; both say what to do.
func Open(path string, o Options) (*Store, error) {
	o.defaults()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("cannot create the folder for the history database %s: %w", path, err)
	}
	lock, err := lockWriter(path + ".writer")
	if err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", dsn(path, o, false))
	if err != nil {
		lock.release()
		return nil, explain(path, err)
	}
	db.SetMaxOpenConns(4)
	s := newStore(db, path, o, false)
	s.lock = lock
	if err := s.init(); err != nil {
		db.Close()
		lock.release()
		return nil, explain(path, err)
	}
	if err := s.Prune(); err != nil {
		o.Log.Warn("history: pruning failed at open", "err", err)
	}
	if sd, ok := o.Detect.(Seeder); ok {
		if err := sd.Seed(s); err != nil {
			o.Log.Warn("timeline: could not read the last stored states; checks already failing will be listed \"at start\" again", "err", err)
		}
	}
	s.start()
	return s, nil
}

// OpenReader opens the history database at path read-only, for a second console or a
// report while a writer runs. Record is a no-op and Write returns ErrReadOnly.
func OpenReader(path string, o Options) (*Store, error) {
	o.defaults()
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("no history database at %s yet (%w); it appears once a console or watch has run", path, err)
	}
	db, err := sql.Open("sqlite", dsn(path, o, true))
	if err != nil {
		return nil, explain(path, err)
	}
	db.SetMaxOpenConns(4)
	s := newStore(db, path, o, true)
	// Touch the schema now, so a damaged file is reported at open, not at the first query.
	if err := db.QueryRow(`SELECT count(*) FROM checks`).Scan(new(int)); err != nil {
		db.Close()
		return nil, explain(path, err)
	}
	return s, nil
}

// OpenMemory makes a store that keeps history in memory for this process only: what a
// session falls back to when the database cannot be used, so uptime and percentiles
// still work for as long as it runs.
func OpenMemory(o Options) *Store {
	o.defaults()
	// One connection: each connection to ":memory:" would be its own empty database.
	db, err := sql.Open("sqlite", "file::memory:")
	if err != nil {
		panic("store: the sqlite driver is not registered: " + err.Error())
	}
	db.SetMaxOpenConns(1)
	s := newStore(db, "", o, false)
	if err := s.init(); err != nil {
		panic("store: cannot create tables in memory: " + err.Error())
	}
	s.start()
	return s
}

// dsn builds the driver's URI: WAL for concurrent readers, NORMAL sync (WAL makes that
// safe against corruption; a crash may lose the last results, not the database), and a
// busy timeout so a brief lock by a reader's checkpoint is waited out.
func dsn(path string, o Options, readOnly bool) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", o.BusyTimeout.Milliseconds()))
	if readOnly {
		q.Set("mode", "ro")
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(NORMAL)")
		// 2 MB of page cache per connection, as readers have: a watch left running
		// for weeks would otherwise grow toward 16 MB per connection as pruning and
		// queries walk the table, and the OS page cache holds the file anyway.
		q.Add("_pragma", "cache_size(-2048)")
	}
	return "file:" + (&url.URL{Path: abs}).EscapedPath() + "?" + q.Encode()
}

func newStore(db *sql.DB, path string, o Options, readOnly bool) *Store {
	return &Store{db: db, path: path, opt: o, readOnly: readOnly, ids: map[string]int64{}}
}

// Path is the database file, or "" for an in-memory store.
func (s *Store) Path() string { return s.path }

// ReadOnly says whether this store only reads (another process writes).
func (s *Store) ReadOnly() bool { return s.readOnly }

// Where says in a few words where history goes, for notes and the console's footer.
func (s *Store) Where() string {
	switch {
	case s.path == "":
		return "history in memory (not kept after exit)"
	case s.readOnly:
		return "history from " + s.path + " (read-only; another launchready records it)"
	}
	return "history in " + s.path
}

// Err is the last write failure, nil when writes succeed; Dropped is how many results
// were dropped because the writer fell behind.
func (s *Store) Err() (err error, dropped int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastErr, s.dropped
}

// Close writes what is queued, stops the writer and closes the database. Safe to call
// more than once.
func (s *Store) Close() error {
	s.sendMu.Lock()
	if s.closed {
		s.sendMu.Unlock()
		return nil
	}
	s.closed = true
	if s.queue != nil {
		close(s.queue)
	}
	s.sendMu.Unlock()
	if s.done != nil {
		<-s.done
	}
	var errs []error
	if !s.readOnly && s.path != "" {
		// Fold the WAL back into the database so a reader opened later, or a copy of the
		// file, sees everything without the -wal beside it.
		if _, err := s.db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			errs = append(errs, explain(s.path, err))
		}
	}
	s.closeStmts()
	errs = append(errs, s.db.Close(), s.lock.release())
	return errors.Join(errs...)
}

// redact replaces secret values in text bound for the database.
func (s *Store) redact(text string) string {
	for _, v := range s.opt.Redact {
		if v != "" {
			text = strings.ReplaceAll(text, v, "[redacted]")
		}
	}
	return text
}

// ctx is the context for the store's own statements: bounded, so a wedged database
// cannot hang a caller forever.
func (s *Store) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), s.opt.BusyTimeout+5*time.Second)
}

package store

import (
	"database/sql"
	"errors"
	"fmt"
	"strconv"
)

// schemaVersion is bumped when the tables change; init refuses a newer database rather
// than misread it. 2 added the events table (the timeline); 3 the metrics table (figures
// over time).
const schemaVersion = 3

// The results table is clustered on (check, time) (WITHOUT ROWID): every query the console
// makes is "one check, a time range", which then reads consecutive pages, and no separate
// index doubles the file's size. Times are Unix microseconds. status is 0 ok, 1 warn,
// 2 fail, 3 error; up is 1 up, 0 down, NULL when availability does not apply (a check
// that could not run, a DNS or email check). findings is "id/severity" joined by ",",
// NULL when there were none.
const schema = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS checks (
	id     INTEGER PRIMARY KEY,
	name   TEXT NOT NULL UNIQUE,
	kind   TEXT NOT NULL,
	pane   TEXT NOT NULL,
	target TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS results (
	check_id   INTEGER NOT NULL,
	ts         INTEGER NOT NULL,
	status     INTEGER NOT NULL,
	up         INTEGER,
	latency_us INTEGER NOT NULL,
	error      TEXT,
	summary    TEXT,
	findings   TEXT,
	worst      INTEGER,
	PRIMARY KEY (check_id, ts)
) WITHOUT ROWID;
`

// eventsSchema is version 2: the timeline's changes, one row each, by time. A rowid table
// with an index on ts: events are few (a quiet day writes none) and every read is "a
// window of time, newest first". pane is a column of its own for the pane filter; the
// rest of the event is one text (see encodeEvent). Created by init on a version 1 database too, which is
// the whole migration: version 1 never had the table, and results are untouched.
const eventsSchema = `
CREATE TABLE IF NOT EXISTS events (
	id   INTEGER PRIMARY KEY,
	ts   INTEGER NOT NULL,
	pane TEXT NOT NULL,
	body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_ts ON events (ts);
`

// metricsSchema is version 3: the figures a check reports that the pack's dashboard and
// the panes draw over days (failed jobs, webhook failures, a page's weight, the mail's
// delay), one row per kept metric per result. Clustered like results, on (check, name,
// time): every read is "one figure of one check over a window". Only the names Kept
// allows are written, so a check's dozen incidental figures do not multiply the writes
// watch makes. Created on an older database too: that is the whole migration.
const metricsSchema = `
CREATE TABLE IF NOT EXISTS metrics (
	check_id INTEGER NOT NULL,
	name     TEXT NOT NULL,
	ts       INTEGER NOT NULL,
	value    REAL NOT NULL,
	PRIMARY KEY (check_id, name, ts)
) WITHOUT ROWID;
`

// init creates the tables inside an IMMEDIATE transaction: taking the write lock at open
// is how a database another program holds locked is found now, with a clear error, rather
// than at the first result.
func (s *Store) init() error {
	ctx, cancel := s.ctx()
	defer cancel()
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return err
	}
	commit := false
	defer func() {
		if !commit {
			_, _ = conn.ExecContext(ctx, "ROLLBACK")
		}
	}()
	if _, err := conn.ExecContext(ctx, schema); err != nil {
		return err
	}
	var v string
	switch err := conn.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'schema'`).Scan(&v); {
	case err == nil:
		if n, _ := strconv.Atoi(v); n > schemaVersion {
			return fmt.Errorf("written by a newer launchready (history schema %s, this one reads %d); upgrade launchready or use another --state", v, schemaVersion)
		}
	case errors.Is(err, sql.ErrNoRows):
	default:
		return err
	}
	if _, err := conn.ExecContext(ctx, eventsSchema+metricsSchema); err != nil {
		return err
	}
	if v != strconv.Itoa(schemaVersion) {
		if _, err := conn.ExecContext(ctx, `INSERT OR REPLACE INTO meta (key, value) VALUES ('schema', ?)`, strconv.Itoa(schemaVersion)); err != nil {
			return err
		}
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return err
	}
	commit = true
	return nil
}

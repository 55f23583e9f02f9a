package store

import (
	"errors"
	"fmt"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Errors the store returns, wrapped with the file and the advice; callers test with
// errors.Is to decide between "read only", "in memory" and "give up".
var (
	// ErrWriterBusy: another launchready process records history into this file. Open
	// the store with OpenReader to watch it instead.
	ErrWriterBusy = errors.New("another launchready is already recording history here")
	// ErrCorrupt: the file is not a SQLite database, or a damaged one.
	ErrCorrupt = errors.New("the history database is damaged or is not a database")
	// ErrLocked: another program (a sqlite3 shell, a backup tool) holds a lock on the
	// database for longer than the busy timeout.
	ErrLocked = errors.New("the history database is locked by another program")
	// ErrReadOnly: the store was opened to read; Write refuses.
	ErrReadOnly = errors.New("this history store was opened read-only")
	// ErrClosed: the store was closed.
	ErrClosed = errors.New("the history store is closed")
)

// explain turns a SQLite error into one an operator can act on, keeping the original for
// the log. path is the database file.
func explain(path string, err error) error {
	if err == nil {
		return nil
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return fmt.Errorf("history database %s: %w", path, err)
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
		return fmt.Errorf("%w: %s (%v); move it aside (mv %s %s.broken) and launchready starts a fresh one on the next run",
			ErrCorrupt, path, se, path, path)
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return fmt.Errorf("%w: %s (%v); close the other program (a sqlite3 shell, a backup) or wait for it, then restart launchready",
			ErrLocked, path, se)
	case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM, sqlite3.SQLITE_READONLY:
		return fmt.Errorf("cannot write the history database %s (%v); check that the state folder is writable by this user, or pass --state DIR", path, se)
	case sqlite3.SQLITE_FULL:
		return fmt.Errorf("the disk holding %s is full (%v); free space, or lower history.retention_days", path, se)
	}
	return fmt.Errorf("history database %s: %w", path, err)
}

//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package store

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"
)

// writerLock is held by the one process that records history. It is an flock on a file
// beside the database rather than SQLite's own locks: those are taken per transaction,
// while "who is the writer" must hold for the writer's whole life, and a second console
// must learn at start that it only reads.
type writerLock struct{ f *os.File }

// lockWriter takes the writer lock without waiting. When another process holds it, the
// error wraps ErrWriterBusy and names that process's pid, read from the file.
func lockWriter(path string) (*writerLock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("cannot open the history lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		b := make([]byte, 512)
		n, _ := f.ReadAt(b, 0)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			pid := "unknown"
			if w, ok := parseWriter(b[:n]); ok {
				pid = strconv.Itoa(w.PID)
			}
			return nil, fmt.Errorf("%w (pid %s holds %s)", ErrWriterBusy, pid, path)
		}
		return nil, fmt.Errorf("cannot lock %s: %w", path, err)
	}
	// Who writes is only for the messages another process shows (the busy error, a second
	// console's header); failing to write it is harmless.
	_ = f.Truncate(0)
	_, _ = f.WriteAt(formatWriter(Writer{PID: os.Getpid(), Host: hostname(), Since: time.Now()}), 0)
	return &writerLock{f: f}, nil
}

func (l *writerLock) release() error {
	if l == nil || l.f == nil {
		return nil
	}
	_ = syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	err := l.f.Close()
	l.f = nil
	return err
}

package errlog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"
)

// fileSource follows a log file like tail -F: from its last backfill lines at start,
// through rotation by rename (the old file is read to its end, then the new one from its
// start), truncation in place (copytruncate: read again from the start), and a file that
// does not exist yet (waited for, then read from its start). It polls, which works the
// same on every filesystem and over NFS, at the cost of up to one poll interval of delay.
type fileSource struct {
	sourceBase
	path     string
	backfill int
	poll     time.Duration
}

func newFileSource(name, path string, backfill int, poll time.Duration, p *pipeline, now func() time.Time) *fileSource {
	s := &fileSource{sourceBase: newBase(name, "file", path, now), path: path, backfill: backfill, poll: poll}
	s.p = p
	return s
}

// maxBackfillScan bounds how far back from the end the backfill looks for its lines.
const maxBackfillScan = 16 << 20

func (s *fileSource) run(ctx context.Context) {
	defer s.setState(StateStopped, "")
	defer s.markReady()
	var (
		f     *os.File
		fi    os.FileInfo
		off   int64
		first = true // the file as found at start: only its last lines are backlog
		buf   = make([]byte, 64<<10)
		quiet = 0
	)
	defer func() {
		if f != nil {
			f.Close()
		}
	}()
	for ctx.Err() == nil {
		if f == nil {
			nf, st, err := openRegular(s.path)
			switch {
			case err == nil:
				f, fi, off = nf, st, 0
				if first {
					off = backfillOffset(f, st.Size(), s.backfill)
					s.p.backfill = true
				}
				if _, err := f.Seek(off, io.SeekStart); err != nil {
					s.setState(StateError, fmt.Sprintf("cannot seek in %s: %v", s.path, err))
				}
				s.setState(StateFollowing, "")
			case errors.Is(err, fs.ErrNotExist):
				s.setState(StateWaiting, fmt.Sprintf("%s does not exist yet; reading it from its start once it appears", s.path))
				first = false
				s.markReady()
				if !sleep(ctx, s.poll) {
					return
				}
				continue
			default:
				s.setState(StateError, err.Error())
				first = false
				s.markReady()
				if !sleep(ctx, s.poll*4) {
					return
				}
				continue
			}
		}
		n, err := s.drain(ctx, f, buf)
		off += n
		if err != nil {
			s.setState(StateError, fmt.Sprintf("reading %s: %v", s.path, err))
		}
		if first {
			// The backlog is read: an entry at its end is complete, and what comes next
			// is live.
			s.p.flush(false)
			s.p.backfill = false
			first = false
			s.markReady()
		}
		if n > 0 {
			quiet = 0
		} else if quiet++; quiet == 1 {
			s.p.flush(false) // a quiet poll ends the entry being written (a stack trace)
		}
		cur, err := os.Stat(s.path)
		switch {
		case err == nil && !os.SameFile(cur, fi):
			// Rotated: something else is at the path now. Finish the old file (the app may
			// have written to it after the rename), then read the new one from its start.
			n, _ := s.drain(ctx, f, buf)
			off += n
			s.p.flush(true)
			f.Close()
			f = nil
			s.update(func(st *SourceStatus) { st.Rotations++ })
			continue
		case err == nil && cur.Size() < off:
			// Truncated in place: read again from the start.
			s.p.flush(true)
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				f.Close()
				f = nil
			}
			off = 0
			s.update(func(st *SourceStatus) { st.Truncations++ })
			continue
		case err == nil:
			if s.stateIs(StateError) || s.stateIs(StateWaiting) {
				s.setState(StateFollowing, "")
			}
		case errors.Is(err, fs.ErrNotExist):
			// Moved away and not yet replaced: keep reading the old file meanwhile.
			s.setState(StateWaiting, fmt.Sprintf("%s was moved or deleted; following the old file until a new one appears", s.path))
		}
		if !sleep(ctx, s.poll) {
			return
		}
	}
}

func (s *fileSource) stateIs(st string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.State == st
}

// drain reads f to its current end.
func (s *fileSource) drain(ctx context.Context, f *os.File, buf []byte) (int64, error) {
	var total int64
	for ctx.Err() == nil {
		n, err := f.Read(buf)
		if n > 0 {
			s.p.feed(buf[:n])
			total += int64(n)
		}
		if err == io.EOF || (err == nil && n == 0) {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// openRegular opens a regular file; a directory or a device is an error an operator
// can act on, not something to read.
func openRegular(path string) (*os.File, os.FileInfo, error) {
	st, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return nil, nil, fmt.Errorf("cannot read %s: permission denied; run launchready as a user who can (add it to the log's group, e.g. adm)", path)
		}
		return nil, nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, nil, fmt.Errorf("%s is not a regular file (%s); point the source at the log file itself", path, st.Mode().Type())
	}
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return nil, nil, fmt.Errorf("cannot read %s: permission denied; run launchready as a user who can (add it to the log's group, e.g. adm)", path)
		}
		return nil, nil, err
	}
	fst, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, fst, nil
}

// backfillOffset finds where the last n lines of f start, looking back at most
// maxBackfillScan bytes (and starting at a line boundary when it gives up).
func backfillOffset(f *os.File, size int64, n int) int64 {
	if n <= 0 || size == 0 {
		return size
	}
	const chunk = 64 << 10
	buf := make([]byte, chunk)
	need := n
	pos := size
	// A file ending in a newline: that newline ends the last line, it does not start one.
	var last [1]byte
	if _, err := f.ReadAt(last[:], size-1); err == nil && last[0] == '\n' {
		need++
	}
	for pos > 0 && size-pos < maxBackfillScan {
		step := min(int64(chunk), pos)
		pos -= step
		b := buf[:step]
		if _, err := f.ReadAt(b, pos); err != nil && err != io.EOF {
			return size
		}
		for i := len(b) - 1; i >= 0; i-- {
			if b[i] == '\n' {
				need--
				if need == 0 {
					return pos + int64(i) + 1
				}
			}
		}
	}
	if pos == 0 {
		return 0
	}
	// Gave up looking: start after the next newline so no half line is read.
	b := buf[:min(int64(chunk), size-pos)]
	if _, err := f.ReadAt(b, pos); err == nil || err == io.EOF {
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			return pos + int64(i) + 1
		}
	}
	return pos
}

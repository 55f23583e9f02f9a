package errlog

import "bytes"

// splitter cuts a byte stream into lines, each at most max bytes: the rest of a longer
// line is dropped (and the line marked truncated), so one runaway line (a binary dump, a
// 50 MB JSON blob) costs max bytes of memory, not its size.
type splitter struct {
	max        int
	buf        []byte
	discarding bool
	emit       func(line []byte, truncated bool)
}

// feed consumes p; emitted lines are only valid during the emit call.
func (s *splitter) feed(p []byte) {
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			s.add(p)
			return
		}
		if len(s.buf) == 0 && !s.discarding && i <= s.max {
			s.emit(trimCR(p[:i]), false) // the common case: a whole line in the chunk, no copy
		} else {
			s.add(p[:i])
			s.end()
		}
		p = p[i+1:]
	}
}

func (s *splitter) add(seg []byte) {
	if s.discarding {
		return
	}
	if room := s.max - len(s.buf); len(seg) > room {
		s.buf = append(s.buf, seg[:room]...)
		s.emit(s.buf, true)
		s.reset()
		s.discarding = true
		return
	}
	s.buf = append(s.buf, seg...)
}

func (s *splitter) end() {
	if s.discarding {
		s.discarding = false
		return
	}
	s.emit(trimCR(s.buf), false)
	s.reset()
}

// flush emits a partial last line (a file that does not end in a newline, a command
// that exited mid-line).
func (s *splitter) flush() {
	if len(s.buf) > 0 && !s.discarding {
		s.emit(trimCR(s.buf), false)
	}
	s.reset()
	s.discarding = false
}

// pending says whether a partial line is waiting for its newline.
func (s *splitter) pending() bool { return len(s.buf) > 0 }

func (s *splitter) reset() {
	if cap(s.buf) > 64<<10 {
		s.buf = nil // a long line's buffer is not kept for ever
		return
	}
	s.buf = s.buf[:0]
}

func trimCR(b []byte) []byte {
	if len(b) > 0 && b[len(b)-1] == '\r' {
		return b[:len(b)-1]
	}
	return b
}

package errlog

import (
	"bytes"
	"fmt"
)

// event is one log entry as written: its first line and the lines that continue it (a
// stack trace, a goroutine dump, a private key block that must be redacted whole).
type event struct {
	buf       []byte // lines joined by '\n'
	lines     int
	cut       int    // continuation lines dropped past the caps
	last      []byte // the latest dropped line: a Python traceback ends with its exception
	truncated bool   // a line was longer than caps.line_bytes and was cut
	backfill  bool   // read from the backlog at start, not as it happened
}

func (e *event) head() []byte {
	if i := bytes.IndexByte(e.buf, '\n'); i >= 0 {
		return e.buf[:i]
	}
	return e.buf
}

// traceMode is what kind of multi-line block the joiner is inside; each language's trace
// has its own shape of continuation line.
type traceMode uint8

const (
	modeNone       traceMode = iota
	modeGo                   // panic: / fatal error: / goroutine N [state]:
	modePython               // Traceback (most recent call last): and its frames
	modePythonDone           // after the exception line: only a chained traceback continues
	modePEM                  // inside -----BEGIN ... -----END
)

// joiner groups lines into events. Continuation lines are: indented lines (the frames of
// Java, Node, Python, Ruby and Go traces), Java's "Caused by:", Go's goroutine headers and
// function lines, Python's exception line and chained tracebacks, Ruby's "from" lines, and
// everything inside a PEM block. Anything else starts a new event.
type joiner struct {
	maxLines, maxBytes int
	ev                 event
	open               bool
	mode               traceMode
	emit               func(*event)
	// headLevel reads an event's first line's level; a Python traceback after an INFO
	// line is an uncaught exception of its own, not that line's detail.
	headLevel func([]byte) level
}

func (j *joiner) add(line []byte, truncated, backfill bool) {
	if j.open && j.continues(line) {
		j.append(line, truncated)
		return
	}
	if j.open {
		j.flush()
	}
	if isBlank(line) {
		return
	}
	j.start(line, truncated, backfill)
}

func (j *joiner) start(line []byte, truncated, backfill bool) {
	j.open = true
	j.ev.buf = append(j.ev.buf[:0], line...)
	j.ev.lines, j.ev.cut = 1, 0
	j.ev.last = j.ev.last[:0]
	j.ev.truncated, j.ev.backfill = truncated, backfill
	j.mode = modeNone
	switch {
	case bytes.HasPrefix(line, []byte("panic: ")), bytes.HasPrefix(line, []byte("fatal error: ")):
		j.mode = modeGo
	case bytes.HasPrefix(line, pyTraceback):
		j.mode = modePython
	}
	j.pem(line)
}

// pem enters PEM mode on a "-----BEGIN LABEL-----" line whose block does not end on it.
func (j *joiner) pem(line []byte) {
	i := bytes.Index(line, []byte("-----BEGIN "))
	if i < 0 {
		return
	}
	rest := line[i+len("-----BEGIN "):]
	if k := bytes.Index(rest, []byte("-----")); k > 0 && k <= 64 && !bytes.Contains(rest, []byte("-----END")) {
		j.mode = modePEM
	}
}

// isPEMBody: a line inside a PEM block is base64 (no spaces), or a header like
// "Proc-Type: 4,ENCRYPTED". Anything else means the block was cut short and a new
// entry begins.
func isPEMBody(line []byte) bool {
	if bytes.Contains(line, []byte("-----END")) || bytes.HasPrefix(line, []byte("Proc-Type:")) || bytes.HasPrefix(line, []byte("DEK-Info:")) {
		return true
	}
	for _, c := range line {
		if !(isLetterByte(c) || isDigitByte(c) || c == '+' || c == '/' || c == '=' || c == '\\') {
			return false
		}
	}
	return true
}

func (j *joiner) append(line []byte, truncated bool) {
	j.ev.truncated = j.ev.truncated || truncated
	if j.ev.lines >= j.maxLines || len(j.ev.buf)+1+len(line) > j.maxBytes {
		j.ev.cut++
		j.ev.last = append(j.ev.last[:0], line[:min(len(line), 4096)]...)
		return
	}
	j.ev.buf = append(j.ev.buf, '\n')
	j.ev.buf = append(j.ev.buf, line...)
	j.ev.lines++
}

var (
	pyTraceback = []byte("Traceback (most recent call last):")
	goroutine   = []byte("goroutine ")
)

func (j *joiner) continues(line []byte) bool {
	if j.mode == modePEM {
		if !isPEMBody(bytes.TrimLeft(line, " \t")) {
			j.mode = modeNone
			return false
		}
		if bytes.Contains(line, []byte("-----END")) {
			j.mode = modeNone
		}
		return true
	}
	if isBlank(line) {
		// Go separates the panic from its goroutines, and goroutines from each other, with
		// blank lines; Python puts them around "During handling of the above exception".
		return j.mode == modeGo || j.mode == modePython || j.mode == modePythonDone
	}
	if line[0] == ' ' || line[0] == '\t' {
		return true
	}
	if bytes.HasPrefix(line, []byte("-----BEGIN ")) {
		// a key or certificate printed under the line that mentions it
		j.pem(line)
		return true
	}
	if bytes.HasPrefix(line, pyTraceback) {
		if j.mode == modePython || j.mode == modePythonDone || (j.ev.lines == 1 && j.headLevel(j.ev.head()) >= lvWarn) {
			j.mode = modePython
			return true
		}
		return false
	}
	switch j.mode {
	case modePython:
		j.mode = modePythonDone // the exception line: "ValueError: bad input"
		return true
	case modePythonDone:
		return bytes.HasPrefix(line, []byte("During handling of the above exception")) ||
			bytes.HasPrefix(line, []byte("The above exception was the direct cause"))
	case modeGo:
		return isGoFrame(line) || bytes.HasPrefix(line, goroutine) || bytes.HasPrefix(line, []byte("created by ")) ||
			bytes.HasPrefix(line, []byte("[signal ")) || bytes.HasPrefix(line, []byte("exit status ")) ||
			bytes.HasPrefix(line, []byte("panic("))
	}
	switch {
	case bytes.HasPrefix(line, []byte("Caused by: ")), bytes.HasPrefix(line, []byte("Suppressed: ")):
		return true // Java
	case isExceptionHead(line):
		// "java.lang.IllegalStateException: ..." under the log line that reported it. After
		// an INFO line it is an uncaught exception of its own.
		return j.headLevel(j.ev.head()) >= lvWarn
	case bytes.HasPrefix(line, goroutine) && isGoroutineHeader(line):
		j.mode = modeGo // a goroutine dump after a recovered panic's log line
		return true
	case bytes.HasPrefix(line, []byte("from ")) && bytes.Contains(line, []byte(":in ")):
		return true // Ruby
	}
	return false
}

// isGoroutineHeader: "goroutine 1187 [running]:".
func isGoroutineHeader(line []byte) bool {
	rest := line[len(goroutine):]
	i := 0
	for i < len(rest) && isDigitByte(rest[i]) {
		i++
	}
	return i > 0 && i+1 < len(rest) && rest[i] == ' ' && rest[i+1] == '['
}

// isGoFrame: a function line of a Go stack, "net/http.(*conn).serve(0xc000...)" or
// "main.main()": starts with a package path and ends with its arguments.
func isGoFrame(line []byte) bool {
	if len(line) < 3 || !isLetterByte(line[0]) || line[len(line)-1] != ')' {
		return false
	}
	p := bytes.IndexByte(line, '(')
	return p > 0 && bytes.IndexByte(line[:p+1], ' ') < 0 && bytes.IndexByte(line[:p], '.') >= 0 || bytes.HasPrefix(line, []byte("main."))
}

func (j *joiner) flush() {
	if !j.open {
		return
	}
	j.open = false
	// trailing blank lines belong to nobody
	for j.ev.lines > 1 {
		i := bytes.LastIndexByte(j.ev.buf, '\n')
		if i < 0 || !isBlank(j.ev.buf[i+1:]) {
			break
		}
		j.ev.buf = j.ev.buf[:i]
		j.ev.lines--
	}
	if j.ev.cut > 0 {
		j.ev.buf = fmt.Appendf(j.ev.buf, "\n  … %d lines cut …", j.ev.cut)
		if len(j.ev.last) > 0 {
			j.ev.buf = append(j.ev.buf, '\n')
			j.ev.buf = append(j.ev.buf, j.ev.last...)
		}
	}
	j.mode = modeNone
	j.emit(&j.ev)
	if cap(j.ev.buf) > 256<<10 {
		j.ev.buf = nil
	}
}

func isBlank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' {
			return false
		}
	}
	return true
}

func isDigitByte(c byte) bool  { return '0' <= c && c <= '9' }
func isLetterByte(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' }

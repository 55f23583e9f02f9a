package errlog

import "bytes"

// Plain text logs: a level word near the start, a timestamp before it, and for
// multi-line entries the exception line that names the error.

// plainError finds the error line of a multi-line plain event: a Python traceback's
// exception (its last unindented line), or Java's root cause (the last "Caused by:").
func (e *entry) plainError(b []byte) {
	if e.tail.empty() {
		return
	}
	tail := b[e.tail.s:e.tail.e]
	if bytes.HasPrefix(b, pyTraceback) || bytes.Contains(tail, pyTraceback) {
		end := len(tail)
		for end > 0 {
			i := bytes.LastIndexByte(tail[:end], '\n') + 1
			line := tail[i:end]
			if len(line) > 0 && line[0] != ' ' && line[0] != '\t' && !bytes.HasPrefix(line, pyTraceback) && !isBlank(line) {
				off := int(e.tail.s) + i
				e.err = span{s: int32(off), e: int32(off + len(line)), kind: 'p'}
				return
			}
			if i == 0 {
				break
			}
			end = i - 1
		}
		return
	}
	if !bytes.Contains(tail, []byte("Caused by: ")) {
		// Java and Node under a log line: the first continuation line naming an exception
		for i := 0; i < len(tail); {
			end := bytes.IndexByte(tail[i:], '\n')
			if end < 0 {
				end = len(tail) - i
			}
			if line := tail[i : i+end]; isExceptionHead(line) {
				off := int(e.tail.s) + i
				e.err = span{s: int32(off), e: int32(off + end), kind: 'p'}
				return
			}
			i += end + 1
		}
		return
	}
	if k := bytes.LastIndex(tail, []byte("\nCaused by: ")); k >= 0 || bytes.HasPrefix(tail, []byte("Caused by: ")) {
		start := k + 1 // k == -1 when the cause is the first continuation line
		start += len("Caused by: ")
		end := bytes.IndexByte(tail[start:], '\n')
		if end < 0 {
			end = len(tail) - start
		}
		off := int(e.tail.s) + start
		e.err = span{s: int32(off), e: int32(off + end), kind: 'p'}
	}
}

// plainHead reads a text line's level and where its message starts. A level word counts
// when it is written as one: upper case (ERROR, WARN), bracketed ([error], <warn>,
// |info|), or first after the timestamp and followed by a colon (error: ...). A lower-case
// "error" in the middle of a sentence ("runtime error: ...") is not a level. ts is the end
// of a leading timestamp, 0 when there is none.
func plainHead(line []byte) (lv level, ok bool, msg, ts int) {
	limit := min(len(line), 200)
	inPrefix := true
	for i, tok := 0, 0; i < limit && tok < 10; tok++ {
		for i < limit && isSep(line[i]) {
			i++
		}
		if i >= limit {
			break
		}
		start := i
		for i < limit && !isSep(line[i]) {
			i++
		}
		w := line[start:i]
		var prev, next byte
		if start > 0 {
			prev = line[start-1]
		}
		if i < len(line) {
			next = line[i]
		}
		// klog/glog: "E1128 02:02:12.441  1 file.go:12] message"
		if tok == 0 && len(w) == 5 && bytes.IndexByte([]byte("IWEF"), w[0]) >= 0 && allDigits(w[1:]) {
			m := i
			if k := bytes.IndexByte(line[i:limit], ']'); k >= 0 {
				m = i + k + 1
			}
			return [...]level{'I': lvInfo, 'W': lvWarn, 'E': lvError, 'F': lvFatal}[w[0]], true, skipMsgSep(line, m), 0
		}
		isTS := inPrefix && isTimestampToken(w)
		if l, isLevel := wordLevel(w); isLevel && !isTS {
			if (len(w) >= 3 && isUpperWord(w)) || bytes.IndexByte([]byte("[<(|"), prev) >= 0 && prev != 0 ||
				bytes.IndexByte([]byte("]>)|"), next) >= 0 && next != 0 || (inPrefix && next == ':') {
				return l, true, skipMsgSep(line, i), ts
			}
		}
		if eq := bytes.IndexByte(w, '='); eq > 0 {
			if r := lookupRole(fieldRoles, w[:eq]); r == roleLevel {
				if l, isLevel := wordLevel(bytes.Trim(w[eq+1:], `"`)); isLevel {
					return l, true, skipMsgSep(line, i), ts
				}
			}
		}
		if isTS {
			ts = i
		} else {
			inPrefix = false
		}
	}
	return unleveled, false, skipMsgSep(line, ts), ts
}

func isSep(c byte) bool {
	switch c {
	case ' ', '\t', '[', ']', '(', ')', '<', '>', '|', ',', ':', ';':
		return true
	}
	return false
}

// skipMsgSep skips what sits between a level or timestamp and the message: spaces,
// closing brackets, colons, dashes ("ERROR -- : msg", "[ERROR] msg", "error: msg").
func skipMsgSep(line []byte, i int) int {
	for i < len(line) {
		switch line[i] {
		case ' ', '\t', ']', ')', '>', '|', ':', '-':
			i++
			continue
		}
		break
	}
	return i
}

var monthsAndDays = []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
	"mon", "tue", "wed", "thu", "fri", "sat", "sun", "am", "pm", "utc", "gmt"}

// isTimestampToken: a piece of a date or time ("2026-11-28T02", "01", "441", "Nov", "UTC").
func isTimestampToken(w []byte) bool {
	digit := false
	for _, c := range w {
		switch {
		case isDigitByte(c):
			digit = true
		case c == '-' || c == '/' || c == '.' || c == 'T' || c == 'Z' || c == '+':
		default:
			if len(w) <= 3 {
				for _, m := range monthsAndDays {
					if len(m) == len(w) && bytes.EqualFold(w, []byte(m)) {
						return true
					}
				}
			}
			return false
		}
	}
	return digit
}

func isUpperWord(w []byte) bool {
	for _, c := range w {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

func allDigits(w []byte) bool {
	for _, c := range w {
		if !isDigitByte(c) {
			return false
		}
	}
	return len(w) > 0
}

// impliedLevel reads a crash from the first line's shape when it carries no level: Go
// panics and runtime fatal errors, an uncaught Python, Java, Node or Ruby exception.
func impliedLevel(line []byte) (level, bool) {
	switch {
	case bytes.HasPrefix(line, []byte("panic: ")):
		return lvPanic, true
	case bytes.HasPrefix(line, []byte("fatal error: ")):
		return lvFatal, true
	case bytes.HasPrefix(line, pyTraceback),
		bytes.HasPrefix(line, []byte("Exception in thread ")),
		bytes.HasPrefix(line, []byte("Uncaught ")),
		bytes.HasPrefix(line, []byte("Unhandled")):
		return lvError, true
	}
	if isExceptionHead(line) {
		return lvError, true
	}
	// Ruby: "app/models/user.rb:12:in `save': undefined method (NoMethodError)"
	if n := len(line); n > 0 && line[n-1] == ')' && bytes.Contains(line, []byte(":in ")) {
		if o := bytes.LastIndexByte(line, '('); o >= 0 {
			w := line[o+1 : n-1]
			if bytes.HasSuffix(w, []byte("Error")) || bytes.HasSuffix(w, []byte("Exception")) {
				return lvError, true
			}
		}
	}
	return unleveled, false
}

// isExceptionHead: a line that starts with an exception's type, "TypeError: ...",
// "java.lang.IllegalStateException: ...", "ValueError".
func isExceptionHead(line []byte) bool {
	end := 0
	for end < len(line) && (isLetterByte(line[end]) || isDigitByte(line[end]) || line[end] == '.' || line[end] == '$') {
		end++
	}
	w := line[:end]
	return end > 0 && (end == len(line) || line[end] == ':') && (bytes.HasSuffix(w, []byte("Error")) || bytes.HasSuffix(w, []byte("Exception")))
}

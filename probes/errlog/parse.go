package errlog

import (
	"bytes"
)

// entry is one event parsed: where its parts are in the event buffer. Nothing is decoded
// or copied until the level says the event is kept, so the lines that are only counted
// (most of a log) cost a scan and no allocation.
type entry struct {
	format  byte // 'j' JSON, 'l' logfmt, 'p' plain text
	level   level
	implied bool // the level comes from the shape of a crash (panic:, Traceback), not a level field or word
	msg     span
	err     span
	errType span
	stack   span // a stack field
	tail    span // continuation lines after the first line
	ts      span
	reqID   span
	fields  []field
}

type field struct{ key, val span }

// maxFields bounds the extra fields kept with a sample.
const maxFields = 16

// role is what a structured log's field is for. Field names vary by logger (slog, zap,
// logrus, zerolog, pino, bunyan, structlog, python-json-logger, Serilog, journald, ECS,
// GCP); they are matched lower-cased.
type role uint8

const (
	roleOther role = iota
	roleLevel
	roleMsg
	roleEvent // structlog's message, used when there is no msg
	roleLog   // docker's json-file line, used when there is no msg
	roleErr
	roleErrType
	roleStack
	roleTime
	roleReqID
)

var fieldRoles = map[string]role{
	"level": roleLevel, "lvl": roleLevel, "severity": roleLevel, "loglevel": roleLevel, "log_level": roleLevel,
	"log.level": roleLevel, "level_name": roleLevel, "levelname": roleLevel, "@l": roleLevel, "severity_text": roleLevel,
	"severitytext": roleLevel, "priority": roleLevel, "@level": roleLevel,
	"msg": roleMsg, "message": roleMsg, "@m": roleMsg, "@mt": roleMsg, "body": roleMsg,
	"event": roleEvent, "log": roleLog,
	"error": roleErr, "err": roleErr, "exception": roleErr, "exc": roleErr, "error.message": roleErr,
	"error_message": roleErr, "errormessage": roleErr, "err.message": roleErr, "@x": roleErr,
	"error.type": roleErrType, "error.kind": roleErrType, "exception.type": roleErrType, "err.type": roleErrType, "exc_type": roleErrType,
	"stack": roleStack, "stacktrace": roleStack, "stack_trace": roleStack, "error.stack": roleStack, "error.stack_trace": roleStack,
	"err.stack": roleStack, "exc_info": roleStack, "backtrace": roleStack, "traceback": roleStack, "exception.stacktrace": roleStack,
	"stack_info": roleStack,
	"time":       roleTime, "ts": roleTime, "timestamp": roleTime, "@t": roleTime, "@timestamp": roleTime, "t": roleTime,
	"datetime": roleTime, "__realtime_timestamp": roleTime, "time_local": roleTime,
	"request_id": roleReqID, "requestid": roleReqID, "req_id": roleReqID, "reqid": roleReqID, "x_request_id": roleReqID,
	"x-request-id": roleReqID, "request.id": roleReqID, "http.request.id": roleReqID,
}

// innerRoles are the fields of an error object ("err": {"type":..., "message":..., "stack":...}).
var innerRoles = map[string]role{
	"message": roleErr, "msg": roleErr, "error": roleErr,
	"stack": roleStack, "stacktrace": roleStack, "stack_trace": roleStack, "backtrace": roleStack, "trace": roleStack,
	"type": roleErrType, "kind": roleErrType, "name": roleErrType, "class": roleErrType, "code": roleOther,
}

func lookupRole(m map[string]role, k []byte) role {
	if len(k) > 24 {
		return roleOther
	}
	var buf [24]byte
	for i, c := range k {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return m[string(buf[:len(k)])]
}

// parse reads an event. b is the whole event, lines joined by '\n'.
func (e *entry) parse(b []byte) {
	*e = entry{fields: e.fields[:0]}
	head := b
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		head = b[:i]
		e.tail = span{s: int32(i + 1), e: int32(len(b)), kind: 'p'}
	}
	levelKnown := false
	switch h := skipWS(head, 0); {
	case h < len(head) && head[h] == '{':
		levelKnown = e.parseJSON(b, head, h)
	case bytes.IndexByte(head, '=') > 0:
		levelKnown = e.parseLogfmt(b, head)
	}
	if e.format == 0 {
		e.format = 'p'
		lv, ok, msg, ts := plainHead(head)
		e.level, levelKnown = lv, ok
		// Spring Boot: "ERROR 1 --- [thread] logger.Name : message"
		if k := bytes.Index(head[msg:], []byte("--- [")); k >= 0 && k < 16 {
			if c := bytes.Index(head[msg+k:], []byte(" : ")); c >= 0 {
				msg += k + c + 3
			}
		}
		e.msg = span{s: int32(msg), e: int32(len(head)), kind: 'p'}
		if ts > 0 {
			e.ts = span{s: 0, e: int32(ts), kind: 'p'}
		}
		e.plainError(b)
	} else if !levelKnown && !e.msg.empty() {
		// {"log":"ERROR ..."}: a structured wrapper around a plain line
		m := b[e.msg.s:e.msg.e]
		if lv, ok, _, _ := plainHead(m); ok {
			e.level, levelKnown = lv, true
		}
	}
	if !levelKnown {
		line := head
		if e.format != 'p' && !e.msg.empty() {
			line = b[e.msg.s:e.msg.e]
		} else if e.format == 'p' {
			line = head[e.msg.s:]
		}
		if lv, ok := impliedLevel(line); ok {
			e.level, e.implied = lv, true
		}
	}
}

func (e *entry) parseJSON(b, head []byte, at int) bool {
	levelKnown := false
	var event, log span
	ok := scanObject(head, at, func(k, v span) {
		r := lookupRole(fieldRoles, head[k.s:k.e])
		switch r {
		case roleLevel:
			if lv, ok := spanLevel(head, v); ok && !levelKnown {
				e.level, levelKnown = lv, true
				return
			}
		case roleMsg:
			if e.msg.empty() && v.kind == 's' {
				e.msg = v
				return
			}
		case roleEvent:
			if v.kind == 's' {
				event = v
				return
			}
		case roleLog:
			if v.kind == 's' {
				log = v
				return
			}
		case roleErr:
			if v.kind == 'o' {
				scanObject(head, int(v.s), func(k2, v2 span) {
					switch lookupRole(innerRoles, head[k2.s:k2.e]) {
					case roleErr:
						if e.err.empty() && v2.kind == 's' {
							e.err = v2
						}
					case roleStack:
						if e.stack.empty() && v2.kind == 's' {
							e.stack = v2
						}
					case roleErrType:
						if e.errType.empty() && v2.kind == 's' {
							e.errType = v2
						}
					}
				})
				return
			}
			if e.err.empty() && v.kind == 's' {
				e.err = v
				return
			}
		case roleErrType:
			if e.errType.empty() && v.kind == 's' {
				e.errType = v
				return
			}
		case roleStack:
			if e.stack.empty() && v.kind == 's' {
				e.stack = v
				return
			}
		case roleTime:
			if e.ts.empty() {
				e.ts = v
				return
			}
		case roleReqID:
			if e.reqID.empty() && v.kind != 'o' && v.kind != 'a' {
				e.reqID = v
				return
			}
		}
		if v.kind != 'o' && v.kind != 'a' && len(e.fields) < maxFields {
			e.fields = append(e.fields, field{k, v})
		}
	})
	if !ok && e.msg.empty() && !levelKnown && e.err.empty() {
		e.fields = e.fields[:0]
		return false // not JSON after all (or cut before anything useful): read it as text
	}
	e.format = 'j'
	if e.msg.empty() {
		switch {
		case !event.empty():
			e.msg = event
		case !log.empty():
			e.msg = log
		}
	}
	return levelKnown
}

// spanLevel reads a level field's value: a word, a number, or a number in a string.
func spanLevel(b []byte, v span) (level, bool) {
	w := b[v.s:v.e]
	if lv, ok := wordLevel(w); ok {
		return lv, true
	}
	return numericLevel(w)
}

// parseLogfmt reads key=value pairs (Go's log/slog text handler, logrus, Heroku). It is
// logfmt only with at least two pairs, one of them a level or message.
func (e *entry) parseLogfmt(b, head []byte) bool {
	levelKnown, pairs, useful := false, 0, false
	fields := e.fields[:0]
	var msg, errs, stack, ts, req, typ span
	for i := 0; i < len(head); {
		for i < len(head) && head[i] == ' ' {
			i++
		}
		ks := i
		for i < len(head) && head[i] != '=' && head[i] != ' ' && head[i] != '"' {
			i++
		}
		if i >= len(head) || head[i] != '=' || i == ks {
			// a bare word: skip it
			for i < len(head) && head[i] != ' ' {
				i++
			}
			continue
		}
		k := span{s: int32(ks), e: int32(i), kind: 's'}
		i++
		var v span
		if i < len(head) && head[i] == '"' {
			sp, next, ok := scanString(head, i)
			if !ok {
				sp = span{s: int32(i + 1), e: int32(len(head)), kind: 's', esc: bytes.IndexByte(head[i+1:], '\\') >= 0}
				next = len(head)
			}
			v, i = sp, next
		} else {
			vs := i
			for i < len(head) && head[i] != ' ' {
				i++
			}
			v = span{s: int32(vs), e: int32(i), kind: 'n'}
		}
		pairs++
		switch lookupRole(fieldRoles, head[k.s:k.e]) {
		case roleLevel:
			if lv, ok := spanLevel(head, v); ok && !levelKnown {
				e.level, levelKnown, useful = lv, true, true
				continue
			}
		case roleMsg, roleEvent:
			if msg.empty() {
				msg, useful = v, true
				continue
			}
		case roleErr:
			if errs.empty() {
				errs = v
				continue
			}
		case roleErrType:
			if typ.empty() {
				typ = v
				continue
			}
		case roleStack:
			if stack.empty() {
				stack = v
				continue
			}
		case roleTime:
			if ts.empty() {
				ts = v
				continue
			}
		case roleReqID:
			if req.empty() {
				req = v
				continue
			}
		}
		if len(fields) < maxFields {
			fields = append(fields, field{k, v})
		}
	}
	e.fields = fields
	if pairs < 2 || !useful {
		e.level = unleveled
		e.fields = e.fields[:0]
		return false
	}
	e.format = 'l'
	e.msg, e.err, e.stack, e.ts, e.reqID, e.errType = msg, errs, stack, ts, req, typ
	return levelKnown
}

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

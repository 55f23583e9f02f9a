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

package errlog

import "bytes"

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

package errlog

import (
	"bytes"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/launchready/launchready/internal/redact"
	"github.com/launchready/launchready/probes"
)

// caps bound what one source can make the pane hold.
type caps struct {
	groups      int // error groups kept (least recently seen evicted)
	sampleBytes int // a sample's stack
	lineBytes   int // one line; the rest of a longer line is dropped
	eventLines  int // lines joined into one entry (a stack trace)
}

// Message and field sizes in a sample: enough to read, never a whole payload.
const (
	maxMessage = 2048
	maxField   = 256
	maxTitle   = 160
)

// pipeline turns one source's bytes into counted entries and grouped errors: lines, then
// entries (stack traces joined), then parsed, then for errors only: decoded, redacted,
// fingerprinted, stored. It belongs to the source's goroutine and is not shared.
type pipeline struct {
	source   string
	st       *store
	red      *redact.Redactor
	levels   levelSet
	caps     caps
	now      func() time.Time
	sp       splitter
	j        joiner
	e        entry
	e2       entry
	norm     []byte
	scratch  []byte
	backfill bool
	// read and lastRead are the source's status, read from other goroutines.
	read     atomic.Int64
	lastRead atomic.Int64 // unix nanoseconds
}

func newPipeline(source string, st *store, red *redact.Redactor, levels levelSet, c caps, now func() time.Time) *pipeline {
	p := &pipeline{source: source, st: st, red: red, levels: levels, caps: c, now: now}
	p.sp = splitter{max: c.lineBytes, emit: p.line}
	p.j = joiner{maxLines: c.eventLines, maxBytes: c.lineBytes + 64<<10, emit: p.handle, headLevel: p.headLevel}
	return p
}

// feed takes raw bytes as read.
func (p *pipeline) feed(b []byte) {
	p.lastRead.Store(p.now().UnixNano())
	p.sp.feed(b)
}

// flush ends the current entry: the source saw no more input for a while, so a stack
// trace being written is complete. A partial line stays pending unless final is set (the
// file was rotated or the command exited).
func (p *pipeline) flush(final bool) {
	if final {
		p.sp.flush()
	}
	p.j.flush()
}

func (p *pipeline) line(b []byte, truncated bool) {
	p.read.Add(1)
	if bytes.IndexByte(b, 0x1b) >= 0 {
		p.scratch = stripANSI(p.scratch[:0], b)
		b = p.scratch
	}
	if isBinary(b) {
		p.st.binary.Add(1)
		p.st.lines.Add(1)
		return
	}
	p.j.add(b, truncated, p.backfill)
}

func (p *pipeline) headLevel(head []byte) level {
	p.e2.parse(head)
	return p.e2.level
}

// handle is called by the joiner with each complete entry.
func (p *pipeline) handle(ev *event) {
	e := &p.e
	e.parse(ev.buf)
	p.st.countEvent(e.level, ev.lines+ev.cut, ev.truncated)
	if ev.cut > 0 {
		p.st.cut.Add(int64(ev.cut))
	}
	keep := p.levels[e.level]
	if !keep && (e.level != unleveled || (ev.lines < 2 && e.stack.empty())) {
		return // counted, not kept
	}
	var hits redact.Hits
	sm := p.sample(ev, &hits)
	if !keep {
		p.st.trace(sm, hits)
		return
	}
	var fp uint64
	fp, p.norm = fingerprint(sm.Message, sm.Error, sm.Stack, p.norm)
	title := firstLine(sm.Message)
	if title == "" {
		title = firstLine(sm.Error)
	}
	if title == "" {
		title = firstLine(sm.Stack)
	}
	p.st.add(&record{
		fp: fp, title: clip(title, maxTitle), level: e.level, sample: sm, source: p.source,
		backfill: ev.backfill, at: p.now(), hits: hits,
		impact: func() probes.Impact { return impactOf(sm) },
	})
}

// sample decodes, redacts and caps the parts of an entry worth keeping. Every string
// leaves here redacted; nothing unredacted is stored.
func (p *pipeline) sample(ev *event, h *redact.Hits) Sample {
	e := &p.e
	sm := Sample{Source: p.source, Level: e.level.String()}
	if e.format == 'p' {
		// Redact the entry whole, so a secret that spans lines (a private key block) is
		// seen whole, then read the redacted text's parts.
		text := p.red.Apply(string(ev.buf), h)
		b := []byte(text)
		p.e2.parse(b)
		sm.Time = spanText(b, p.e2.ts)
		sm.Message = spanText(b, p.e2.msg)
		sm.Error = spanText(b, p.e2.err)
		sm.Stack = spanText(b, p.e2.tail)
	} else {
		b := ev.buf
		red := func(sp span) string { return p.red.Apply(spanText(b, sp), h) }
		sm.Time = red(e.ts)
		sm.Message = red(e.msg)
		sm.Error = red(e.err)
		if t := red(e.errType); t != "" && !strings.HasPrefix(sm.Error, t) {
			sm.Error = strings.TrimPrefix(t+": "+sm.Error, ": ")
		}
		sm.Stack = red(e.stack)
		if !e.tail.empty() {
			sm.Stack = strings.TrimPrefix(sm.Stack+"\n"+red(e.tail), "\n")
		}
		sm.RequestID = red(e.reqID)
		for _, f := range e.fields {
			key := p.red.Apply(spanText(b, f.key), h)
			val := redact.Marker
			if redact.SensitiveKey(key) {
				h[redact.Parameter]++
			} else {
				val = red(f.val)
			}
			sm.Fields = append(sm.Fields, Field{Key: clean(clip(key, 64)), Value: clean(clip(val, maxField))})
		}
		if sm.Error != "" && strings.Contains(sm.Error, "\n") {
			// a formatted traceback in the error field: keep it as the stack, and its
			// exception line as the error
			if sm.Stack == "" {
				sm.Stack = sm.Error
			}
			sm.Error = lastLine(sm.Error)
		}
		if sm.Message == "" && sm.Error != "" {
			sm.Message = sm.Error
		}
	}
	sm.Time = clean(clip(strings.Trim(sm.Time, "[]() "), 64))
	sm.Message = clean(clip(sm.Message, maxMessage))
	sm.Error = clean(clip(sm.Error, maxMessage))
	sm.RequestID = clean(clip(sm.RequestID, 128))
	sm.Stack = clean(capStack(sm.Stack, p.caps.sampleBytes))
	return sm
}

func spanText(b []byte, sp span) string {
	if sp.empty() || int(sp.e) > len(b) {
		return ""
	}
	v := b[sp.s:sp.e]
	if sp.esc {
		return unescapeJSON(v)
	}
	if sp.kind == 'p' {
		return strings.TrimSpace(string(v))
	}
	return string(v)
}

// clean makes stored text valid UTF-8 (logs are not) and drops control characters other
// than newlines and tabs, so a sample can be printed on a terminal safely.
func clean(s string) string {
	ok := utf8.ValidString(s)
	if ok {
		for i := 0; i < len(s); i++ {
			if c := s[i]; c < 0x20 && c != '\n' && c != '\t' || c == 0x7f {
				ok = false
				break
			}
		}
	}
	if ok {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

// clip cuts s to at most n bytes, on a rune boundary, marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// capStack keeps a stack within n bytes: its first lines (where it failed) and its last
// (a Python exception, Go's exit status), with a marker where lines were dropped.
func capStack(s string, n int) string {
	if len(s) <= n {
		return s
	}
	headBudget, tailBudget := n*2/3, n/3
	head := s[:headBudget]
	if i := strings.LastIndexByte(head, '\n'); i > 0 {
		head = head[:i]
	}
	tail := s[len(s)-tailBudget:]
	if i := strings.IndexByte(tail, '\n'); i >= 0 {
		tail = tail[i+1:]
	}
	dropped := strings.Count(s[len(head):len(s)-len(tail)], "\n") - 1
	return clip(head, headBudget) + "\n  … " + itoa(max(dropped, 1)) + " lines cut …\n" + clip(tail, tailBudget)
}

func lastLine(s string) string {
	s = strings.TrimRight(s, "\n ")
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return strings.TrimSpace(s[i+1:])
	}
	return s
}

// isBinary says a line is not text: a NUL, or more than one byte in ten a control
// character (other than tab and the escapes of colour codes).
func isBinary(b []byte) bool {
	if bytes.IndexByte(b, 0) >= 0 {
		return true
	}
	ctl := 0
	for _, c := range b {
		if c < 0x20 && c != '\t' || c == 0x7f {
			ctl++
		}
	}
	return ctl > 0 && ctl*10 > len(b)
}

// stripANSI drops terminal colour codes (CSI sequences), which tools like docker logs
// keep: "\x1b[31mERROR\x1b[0m" must read as ERROR.
func stripANSI(dst, b []byte) []byte {
	for i := 0; i < len(b); i++ {
		if b[i] == 0x1b && i+1 < len(b) && b[i+1] == '[' {
			j := i + 2
			for j < len(b) && (b[j] < 0x40 || b[j] > 0x7e) {
				j++
			}
			i = j
			continue
		}
		dst = append(dst, b[i])
	}
	return dst
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

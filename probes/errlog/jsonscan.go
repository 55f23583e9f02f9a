package errlog

import (
	"bytes"
	"unicode/utf16"
	"unicode/utf8"
)

// A hand-written scanner for JSON log lines: the errors pane reads hundreds of thousands
// of lines a second and only needs a few top-level fields of each, so it records where
// values are (spans) and decodes only what it keeps. It never allocates. A line cut short
// (longer than caps.line_bytes) still yields the members before the cut.

// span is a value's place in the event buffer. For strings it is the text inside the
// quotes, and esc says whether it holds escapes to decode.
type span struct {
	s, e int32
	esc  bool
	kind byte // 's' string, 'n' number or literal, 'o' object, 'a' array
}

func (sp span) empty() bool { return sp.e <= sp.s }

// scanObject calls fn for each member of the object starting at b[i] (after spaces). It
// returns whether the object was well formed to its end.
func scanObject(b []byte, i int, fn func(key span, val span)) bool {
	i = skipWS(b, i)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i++
	for {
		i = skipWS(b, i)
		if i >= len(b) {
			return false
		}
		if b[i] == '}' {
			return true
		}
		if b[i] != '"' {
			return false
		}
		key, next, ok := scanString(b, i)
		if !ok {
			return false
		}
		i = skipWS(b, next)
		if i >= len(b) || b[i] != ':' {
			return false
		}
		val, next, ok := scanValue(b, skipWS(b, i+1))
		if !ok {
			return false
		}
		fn(key, val)
		i = skipWS(b, next)
		if i >= len(b) {
			return false
		}
		switch b[i] {
		case ',':
			i++
		case '}':
			return true
		default:
			return false
		}
	}
}

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// scanString reads the string whose opening quote is at b[i]; next is after the closing quote.
func scanString(b []byte, i int) (sp span, next int, ok bool) {
	j := i + 1
	esc := false
	for {
		k := bytes.IndexByte(b[j:], '"')
		if k < 0 {
			return span{}, 0, false
		}
		q := j + k
		n := 0
		for p := q - 1; p > i && b[p] == '\\'; p-- {
			n++
		}
		if n > 0 {
			esc = true
		}
		if n%2 == 0 {
			if !esc {
				esc = bytes.IndexByte(b[i+1:q], '\\') >= 0
			}
			return span{s: int32(i + 1), e: int32(q), esc: esc, kind: 's'}, q + 1, true
		}
		j = q + 1
	}
}

func scanValue(b []byte, i int) (sp span, next int, ok bool) {
	if i >= len(b) {
		return span{}, 0, false
	}
	switch c := b[i]; {
	case c == '"':
		return scanString(b, i)
	case c == '{' || c == '[':
		end, ok := skipNested(b, i)
		if !ok {
			return span{}, 0, false
		}
		kind := byte('o')
		if c == '[' {
			kind = 'a'
		}
		return span{s: int32(i), e: int32(end), kind: kind}, end, true
	default:
		j := i
		for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' && b[j] != '\n' && b[j] != '\t' && b[j] != '\r' {
			j++
		}
		if j == i {
			return span{}, 0, false
		}
		return span{s: int32(i), e: int32(j), kind: 'n'}, j, true
	}
}

// skipNested returns the index after the object or array starting at b[i].
func skipNested(b []byte, i int) (int, bool) {
	depth := 0
	for i < len(b) {
		switch b[i] {
		case '"':
			_, next, ok := scanString(b, i)
			if !ok {
				return 0, false
			}
			i = next
			continue
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1, true
			}
		}
		i++
	}
	return 0, false
}

// unescapeJSON decodes a JSON string's contents (without quotes). Bad escapes are kept as
// written; invalid UTF-8 becomes U+FFFD later, when the text is stored.
func unescapeJSON(src []byte) string {
	out := make([]byte, 0, len(src))
	for i := 0; i < len(src); i++ {
		c := src[i]
		if c != '\\' || i+1 == len(src) {
			out = append(out, c)
			continue
		}
		i++
		switch src[i] {
		case '"', '\\', '/':
			out = append(out, src[i])
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, n := hex4(src[i+1:])
			if n == 0 {
				out = append(out, '\\', 'u')
				continue
			}
			i += n
			if utf16.IsSurrogate(r) && i+2 < len(src) && src[i+1] == '\\' && src[i+2] == 'u' {
				if r2, n2 := hex4(src[i+3:]); n2 > 0 {
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						r = d
						i += 2 + n2
					}
				}
			}
			out = utf8.AppendRune(out, r)
		default:
			out = append(out, '\\', src[i])
		}
	}
	return string(out)
}

func hex4(b []byte) (rune, int) {
	if len(b) < 4 {
		return 0, 0
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, 0
		}
	}
	return r, 4
}

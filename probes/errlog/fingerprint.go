package errlog

import (
	"strconv"
	"strings"
)

// A fingerprint says "same error" across occurrences that differ only in their data:
// numbers, ids (cus_9fA3..., req_7f3a91, and ids without a digit such as
// cus_NffrFeUfNVaHib, recognised by shape: see isID), hex addresses, uuids, quoted
// values, e-mail addresses, and what redaction removed. It hashes the normalised message and error and
// the top frames of the stack (function names, not line numbers, so a deploy that moves
// code does not split every group).

// fingerprint computes the group key. norm is scratch space, returned for reuse.
func fingerprint(msg, errText, stack string, norm []byte) (uint64, []byte) {
	norm = normalise(norm[:0], msg, 240)
	norm = append(norm, 0)
	norm = normalise(norm, errText, 240)
	norm = append(norm, 0)
	norm = appendFrames(norm, stack, 3)
	if len(norm) == 2 && stack != "" {
		norm = normalise(norm, firstLine(stack), 240)
	}
	return fnv64(norm), norm
}

// fingerprintHex is how a fingerprint is shown: 12 hex digits are plenty to tell a few
// hundred groups apart and short enough to type.
func fingerprintHex(fp uint64) string {
	s := strconv.FormatUint(fp>>16, 16)
	return strings.Repeat("0", 12-len(s)) + s
}

func fnv64(b []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

// normalise appends s with its variable parts replaced by '#', stopping at the first
// newline or after max bytes of output.
func normalise(dst []byte, s string, max int) []byte {
	start := len(dst)
	space := false
	for i := 0; i < len(s) && len(dst)-start < max; {
		c := s[i]
		switch {
		case c == '\n' || c == '\r':
			return trimSpaceEnd(dst, start)
		case c == ' ' || c == '\t':
			space = true
			i++
			continue
		}
		if space && len(dst) > start {
			dst = append(dst, ' ')
		}
		space = false
		switch {
		case c == '"' || c == '`' || (c == '\'' && (i == 0 || !isAlnumByte(s[i-1]))):
			// a quoted value: "acme", 'bob', `x`
			if j := strings.IndexByte(s[i+1:], c); j >= 0 && j < 200 && strings.IndexByte(s[i+1:i+1+j], '\n') < 0 {
				dst = append(dst, c, '#', c)
				i += j + 2
				continue
			}
			dst = append(dst, c)
			i++
		case c == '[' && strings.HasPrefix(s[i:], "[REDACTED"):
			j := strings.IndexByte(s[i:], ']')
			dst = append(dst, '#')
			i += j + 1
		case c == '@':
			// an address: the local part was redacted or is a word; the domain varies
			dst = append(dst, '@', '#')
			i++
			for i < len(s) && (isAlnumByte(s[i]) || s[i] == '.' || s[i] == '-') {
				i++
			}
		case isAlnumByte(c) || c == '_' || c == '-' && i+1 < len(s) && isAlnumByte(s[i+1]) && (i == 0 || !isIDByte(s[i-1])):
			// a word, a number or an id; one that starts with '-' is a Firebase push id or
			// nothing (then the '-' is written as it is)
			j, digit, ascii := i, false, true
			for j < len(s) && (isAlnumByte(s[j]) || s[j] == '_') {
				digit = digit || isDigitByte(s[j])
				ascii = ascii && s[j] < 0x80
				j++
			}
			// An id may go on with '-' (uuid, nanoid, base64url); it is judged whole, where
			// it starts, so one id is one '#' however its dashes fall.
			k := j
			for k < len(s) && isIDByte(s[k]) {
				k++
			}
			if k-i >= 8 && (i == 0 || !isIDByte(s[i-1])) && (k == len(s) || s[k] < 0x80) && !(digit && k == j) && ascii && isID(s[i:k]) {
				dst = append(dst, '#')
				i = k
				continue
			}
			switch {
			case c == '-':
				dst = append(dst, c)
				j = i + 1
			case digit:
				dst = append(dst, '#')
			default:
				dst = append(dst, s[i:j]...)
			}
			i = j
		default:
			dst = append(dst, c)
			i++
		}
	}
	return trimSpaceEnd(dst, start)
}

func trimSpaceEnd(dst []byte, start int) []byte {
	for len(dst) > start && dst[len(dst)-1] == ' ' {
		dst = dst[:len(dst)-1]
	}
	return dst
}

func isAlnumByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c >= 0x80
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// appendFrames appends up to n frames of the stack as "function" or "file:function",
// separated by '|'. Python lists the innermost frame last, so its last frames are used;
// every other language lists it first. Runtime and standard library frames are skipped:
// they are the same for every panic.
func appendFrames(dst []byte, stack string, n int) []byte {
	if stack == "" {
		return dst
	}
	python := strings.Contains(stack, "Traceback (most recent call last):") || strings.Contains(stack, "  File \"")
	var frames [64]string
	count := 0
	for rest := stack; rest != "" && count < len(frames); {
		line := rest
		if i := strings.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = ""
		}
		if f := frameName(line); f != "" {
			frames[count] = f
			count++
		}
	}
	pick := frames[:count]
	if python && count > n {
		pick = pick[count-n:]
	} else if count > n {
		pick = pick[:n]
	}
	for i, f := range pick {
		if i > 0 {
			dst = append(dst, '|')
		}
		dst = append(dst, f...)
	}
	return dst
}

// frameName extracts the function (and file, where the language names frames by file) of
// one stack line, or "" for a line that is not an application frame.
func frameName(line string) string {
	t := strings.TrimLeft(line, " \t")
	switch {
	case strings.HasPrefix(t, "File \""): // Python: File "/app/worker/tasks.py", line 57, in send_welcome_email
		file := t[6:]
		q := strings.IndexByte(file, '"')
		if q < 0 {
			return ""
		}
		fn := ""
		if k := strings.LastIndex(t, ", in "); k >= 0 {
			fn = t[k+5:]
		}
		path := file[:q]
		if strings.Contains(path, "/lib/python") || strings.Contains(path, "site-packages") {
			return ""
		}
		return base(path) + ":" + fn
	case strings.HasPrefix(t, "at "): // Java and Node
		t = strings.TrimPrefix(t[3:], "async ")
		if strings.HasPrefix(t, "java.") || strings.HasPrefix(t, "javax.") || strings.HasPrefix(t, "jdk.") ||
			strings.HasPrefix(t, "sun.") || strings.HasPrefix(t, "node:") || strings.HasPrefix(t, "internal/") ||
			strings.Contains(t, "node_modules/") {
			return ""
		}
		if p := strings.IndexByte(t, '('); p > 0 {
			return strings.TrimSpace(t[:p]) // com.acme.Foo.bar(Foo.java:10), handler (/app/x.js:1:2)
		}
		return base(stripLineCol(t)) // at /app/server.js:10:5
	case strings.HasPrefix(t, "from "): // Ruby
		return rubyFrame(t[5:])
	}
	if t != line {
		// an indented line that is not a Java/Node/Python frame: Ruby ("app/x.rb:12:in 'save'")
		// or a Go file line (which names no function; its function is the line before).
		if strings.Contains(t, ":in ") {
			return rubyFrame(t)
		}
		return ""
	}
	// Go: a function line, "github.com/acme/app/members.(*Handler).Feed(0xc0001a2000, ...)"
	if len(line) > 2 && line[len(line)-1] == ')' && isLetterByte(line[0]) {
		p := strings.LastIndexByte(line, '(')
		if p <= 0 || strings.IndexByte(line[:p], ' ') >= 0 {
			return ""
		}
		fn := line[:p]
		if strings.HasPrefix(fn, "runtime.") || fn == "panic" || strings.HasPrefix(fn, "net/http.") || strings.HasPrefix(fn, "testing.") {
			return ""
		}
		return fn
	}
	return ""
}

func rubyFrame(t string) string {
	k := strings.Index(t, ":in ")
	if k < 0 {
		return ""
	}
	path := t[:k]
	if c := strings.IndexByte(path, ':'); c >= 0 {
		path = path[:c]
	}
	if strings.Contains(path, "/gems/") || strings.Contains(path, "/ruby/") {
		return ""
	}
	fn := strings.Trim(t[k+4:], "`'\" ")
	return base(path) + ":" + fn
}

func base(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// stripLineCol drops ":10:5" from "/app/server.js:10:5".
func stripLineCol(s string) string {
	for range 2 {
		i := strings.LastIndexByte(s, ':')
		if i < 0 || i+1 == len(s) || strings.Trim(s[i+1:], "0123456789") != "" {
			break
		}
		s = s[:i]
	}
	return s
}

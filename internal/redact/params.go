package redact

import "strings"

// Names that hold a secret whatever their container: query strings (?token=), form and
// logfmt pairs (password=...), JSON ("api_key": "..."), headers (Authorization: ...),
// command-line flags (--password=...). Names are compared lower-cased with _ - . [ ]
// removed, so api_key, API-Key, apiKey and user[password] all match.
var (
	secretNameParts = []string{
		"password", "passwd", "passphrase", "secret", "token", "apikey", "accesskey",
		"privatekey", "privkey", "signingkey", "encryptionkey", "authkey", "authorization",
		"credential", "sessionid", "sessid", "cookie",
	}
	secretNames = map[string]bool{
		"pass": true, "pw": true, "pwd": true, "pin": true, "otp": true, "cvv": true, "cvc": true,
		"ssn": true, "auth": true, "sig": true, "jwt": true, "key": true, "session": true,
	}
	// wholeLineNames hold structured values ("Basic dXNlcjpw", "a=1; session=xyz") that
	// are redacted to the end of the line rather than to the next space.
	wholeLineNames = map[string]bool{"authorization": true, "proxyauthorization": true, "cookie": true, "setcookie": true}
)

// SensitiveKey says whether a field or parameter with this name holds a secret, so that
// parsers of structured logs can drop the value before looking at it.
func SensitiveKey(name string) bool {
	var buf [64]byte
	return sensitiveNorm(normName(name, buf[:0]))
}

func normName(name string, buf []byte) []byte {
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case 'A' <= c && c <= 'Z':
			buf = append(buf, c+'a'-'A')
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			buf = append(buf, c)
		}
	}
	return buf
}

func sensitiveNorm(n []byte) bool {
	if len(n) < 2 || n[0] < 'a' {
		return false // empty, or a number (the "12" of "12:30"): no secret name starts with a digit
	}
	if secretNames[string(n)] {
		return true
	}
	s := string(n) // no allocation: the compiler keeps short conversions used only here on the stack
	for _, p := range secretNameParts {
		if strings.Contains(s, p) {
			return true
		}
	}
	return strings.HasSuffix(s, "pass") || strings.HasSuffix(s, "pwd")
}

func isKeyChar(c byte) bool {
	return isAlnum(c) || c == '_' || c == '-' || c == '.'
}

// redactParams replaces the value of every name=value or name: value pair whose name is
// sensitive, in any of the quoting styles logs use.
func redactParams(s string, h *Hits) string {
	if strings.IndexByte(s, '=') < 0 && strings.IndexByte(s, ':') < 0 {
		return s
	}
	e := editor{s: s}
	var buf [64]byte
	for i := 0; i < len(s); {
		j := strings.IndexAny(s[i:], "=:")
		if j < 0 {
			break
		}
		d := i + j
		i = d + 1
		if s[d] == ':' && strings.HasPrefix(s[d:], "://") {
			continue
		}
		ks, ke := keyBefore(s, d)
		if ks == ke || ke-ks > 128 {
			continue
		}
		norm := normName(s[ks:ke], buf[:0])
		if !sensitiveNorm(norm) {
			continue
		}
		vs, ve := valueAfter(s, d, wholeLineNames[string(norm)])
		if ve <= vs {
			continue
		}
		e.replace(vs, ve, Marker)
		h[Parameter]++
		i = ve
	}
	return e.result()
}

// keyBefore finds the name before a delimiter: `name=`, `name: `, `"name":`, `\"name\":`.
func keyBefore(s string, d int) (int, int) {
	j := d
	for j > 0 && (s[j-1] == ' ' || s[j-1] == '\t') {
		j--
	}
	if j > 0 && (s[j-1] == '"' || s[j-1] == '\'') {
		j--
		if j > 0 && s[j-1] == '\\' {
			j--
		}
	}
	ke := j
	if j > 0 && s[j-1] == ']' {
		// a form field: user[password]=
		open := strings.LastIndexByte(s[:j-1], '[')
		if open < 0 || open == j-2 {
			return 0, 0
		}
		for k := open + 1; k < j-1; k++ {
			if !isKeyChar(s[k]) {
				return 0, 0 // not a name: our own marker, a list, a timestamp in brackets
			}
		}
		j = open
	}
	for j > 0 && isKeyChar(s[j-1]) {
		j--
	}
	return j, ke
}

// valueAfter finds the value after a delimiter; an empty span means none worth redacting
// (a nested object, null, true/false, or an already redacted value).
func valueAfter(s string, d int, wholeLine bool) (int, int) {
	k := d + 1
	for k < len(s) && (s[k] == ' ' || s[k] == '\t') {
		k++
	}
	if k >= len(s) || strings.HasPrefix(s[k:], "[REDACTED") {
		return 0, 0
	}
	switch c := s[k]; {
	case c == '"' || c == '\'':
		end := closingQuote(s, k+1, c)
		return k + 1, end
	case c == '\\' && k+1 < len(s) && s[k+1] == '"':
		// JSON inside a JSON string: \"password\":\"value\"
		end := strings.Index(s[k+2:], `\"`)
		if end < 0 {
			return k + 2, lineEnd(s, k+2)
		}
		return k + 2, k + 2 + end
	case c == '{' || c == '[':
		return 0, 0
	}
	if wholeLine {
		end := k
		for end < len(s) && s[end] != '\n' && s[end] != '\r' && s[end] != '"' {
			end++
		}
		return k, end
	}
	end := k
	for end < len(s) && !valueStop(s, end) {
		end++
	}
	switch s[k:end] {
	case "null", "true", "false", "nil", "None":
		return 0, 0
	}
	return k, end
}

// closingQuote finds the quote ending a value that starts at i; backslash escapes count
// in double-quoted values. A value without its closing quote runs to the end of the line.
func closingQuote(s string, i int, q byte) int {
	for j := i; j < len(s); j++ {
		switch s[j] {
		case '\\':
			if q == '"' {
				j++
			}
		case q:
			return j
		case '\n':
			return j
		}
	}
	return len(s)
}

func lineEnd(s string, i int) int {
	if j := strings.IndexByte(s[i:], '\n'); j >= 0 {
		return i + j
	}
	return len(s)
}

// valueStop says where an unquoted value ends: at space, '&' (query strings), quotes, or
// at ',' ';' ')' '}' ']' that close a list or structure rather than sit inside a password.
func valueStop(s string, i int) bool {
	switch s[i] {
	case ' ', '\t', '\n', '\r', '&', '"', '\'', '<', '>', '`':
		return true
	case ',', ';':
		return i+1 == len(s) || s[i+1] == ' ' || s[i+1] == '\t'
	case ')', '}', ']':
		return i+1 == len(s) || !isAlnum(s[i+1])
	case '\\':
		return i+1 < len(s) && s[i+1] == '"'
	}
	return false
}

// redactUserinfo removes the password in scheme://user:password@host, the form database
// and broker URLs take in connection errors.
func redactUserinfo(s string, h *Hits) string {
	if !strings.Contains(s, "://") {
		return s
	}
	e := editor{s: s}
	for i := 0; ; {
		j := strings.Index(s[i:], "://")
		if j < 0 {
			break
		}
		start := i + j + 3
		i = start
		end := start
		for end < len(s) && !isSpace(s[end]) && s[end] != '"' && s[end] != '\'' && s[end] != '<' && s[end] != '>' {
			end++
		}
		at := strings.IndexByte(s[start:end], '@')
		if at < 0 {
			continue
		}
		ui := s[start : start+at]
		c := strings.IndexByte(ui, ':')
		if c < 0 || strings.IndexByte(ui[:c], '/') >= 0 || c+1 == len(ui) || strings.HasPrefix(ui[c+1:], "[REDACTED") {
			continue
		}
		e.replace(start+c+1, start+at, Marker)
		h[URLPassword]++
		i = start + at
	}
	return e.result()
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

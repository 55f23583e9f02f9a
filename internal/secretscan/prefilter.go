package secretscan

import (
	"strings"

	"github.com/zricethezav/gitleaks/v8/detect/codec"
)

// genericRule is gitleaks' catch-all rule (a key-ish name, an assignment, a long value).
// Its keywords (key, token, auth, api, ...) are in nearly every piece of a minified
// bundle, so gitleaks runs its regular expression, the slowest of all (a 50-character lazy
// prefix before a ten-way alternation), over nearly every byte: four fifths of a bundle
// scan's time went there. mayMatchGeneric decides cheaply, per piece, whether it can match
// at all; most pieces of code never assign a ten-character value to a key-ish name.
const genericRule = "generic-api-key"

// genericKeywords are the words one of which every match of the generic rule contains,
// lower-cased (its "api" alternatives are case-sensitive; matching them in any case only
// lets more pieces through).
var genericKeywords = [...]string{"access", "auth", "api", "credential", "creds", "key", "passwd", "password", "secret", "token"}

// mayMatchGeneric is false only when gitleaks' generic-api-key rule,
//
//	(?i)[\w.-]{0,50}?(?:access|auth|(?-i:[Aa]pi|API)|credential|creds|key|passw(?:or)?d|secret|token)
//	(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}
//	([\w.=-]{10,150}|[a-z0-9][a-z0-9+/]{11,}={0,3})(?:[\x60'"\s;]|\\[nr]|$)
//
// cannot match anywhere in text. It checks a looser shape: an operator character whose
// next ten characters (after at most nine operator, quote, space or '=' characters) are
// value characters, and which follows a keyword by at most 23 name, space or quote
// characters. Every match of the rule has that shape, so a false answer is never wrong; a
// true answer only means "run the real rule". The rule's (?i) also folds the Kelvin sign
// and the long s into k and s; a text holding either is let through.
func mayMatchGeneric(text string) bool {
	if strings.Contains(text, "\u212a") || strings.Contains(text, "\u017f") {
		return true
	}
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '=', '>', ':', '|', '?', ',':
		default:
			continue
		}
		if valueAfter(text, i) && keywordBefore(text, i) {
			return true
		}
	}
	return false
}

// valueAfter: a run of ten value characters starts within ten characters after the
// operator that starts at op, separated from it by operator, quote, space or '='
// characters only.
func valueAfter(text string, op int) bool {
	for v := op + 1; v <= op+10 && v < len(text); v++ {
		run := 0
		for run < 10 && v+run < len(text) && isValueByte(text[v+run]) {
			run++
		}
		if run == 10 {
			return true
		}
		if !isGapByte(text[v]) {
			return false
		}
	}
	return false
}

// keywordBefore: a keyword ends at most 23 name, space or quote characters before op.
func keywordBefore(text string, op int) bool {
	for e := op; e >= 0 && op-e <= 23; e-- {
		for _, k := range genericKeywords {
			if e >= len(k) && equalFoldASCII(text[e-len(k):e], k) {
				return true
			}
		}
		if e == 0 || !isNameByte(text[e-1]) {
			return false
		}
	}
	return false
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// isValueByte is [\w.=+/-]: both of the rule's value alternatives are made of these.
func isValueByte(c byte) bool {
	return isWordByte(c) || c == '.' || c == '=' || c == '+' || c == '/' || c == '-'
}

// isGapByte is what may stand between an operator's first character and the value: the
// rest of the operator ([:=>|?,]) and [\x60'"\s=].
func isGapByte(c byte) bool {
	switch c {
	case ':', '=', '>', '|', '?', ',', '`', '\'', '"', ' ', '\t', '\n', '\f', '\r':
		return true
	}
	return false
}

// isNameByte is what may stand between a keyword and the operator: [ \t\w.-] and
// [\s'"].
func isNameByte(c byte) bool {
	switch c {
	case '.', '-', ' ', '\t', '\n', '\f', '\r', '\'', '"':
		return true
	}
	return isWordByte(c)
}

// equalFoldASCII compares s with the lower-case ASCII word k, ignoring s's case.
func equalFoldASCII(s, k string) bool {
	for i := 0; i < len(k); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != k[i] {
			return false
		}
	}
	return true
}

// mayDecode is false only when gitleaks' decoder would find no base64 or hex run in text
// that decodes to printable text, so a decoding pass over it would be a second scan of the
// same bytes for nothing. Minified JavaScript is full of long identifiers and paths shaped
// like base64 that decode to binary noise. Each run of base64 characters is handed to
// gitleaks' own decoder alone: what it decodes in isolation is a superset of what it
// decodes in context. Percent and Unicode escapes alone do not wake the decoder: every
// piece of many bundles has one ("\u00a0", "%20"), and decoding them costs a scan twice
// over, for keys that builds inline in plain text or base64, not escaped.
//
// It runs gitleaks' decoder, which logs through gitleaks' global logger: call it only after
// defaults() has run (every Scanner is made by New, which does), or it races the silencing.
func mayDecode(text string) bool {
	for i := 0; i < len(text); {
		if !isBase64Byte(text[i]) {
			i++
			continue
		}
		j := i
		for j < len(text) && isBase64Byte(text[j]) {
			j++
		}
		for k := 0; k < 2 && j < len(text) && text[j] == '='; k++ {
			j++
		}
		if j-i >= 16 {
			if _, segs := codec.NewDecoder().Decode(text[i:j], nil); len(segs) > 0 {
				return true
			}
		}
		i = j
	}
	return false
}

// isBase64Byte is [\w/+-], the decoder's base64 alphabet (its hex one is a subset).
func isBase64Byte(c byte) bool { return isWordByte(c) || c == '/' || c == '+' || c == '-' }

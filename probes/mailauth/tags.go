package mailauth

import (
	"errors"
	"fmt"
	"strings"
)

// tag is one tag=value pair of an RFC 6376 tag-list (DKIM key records, DKIM-Signature
// fields) or a DMARC record, which share the syntax.
type tag struct {
	Name, Value string
}

// tagList is a parsed tag-list in record order; order matters because DKIM and DMARC both
// require v= to come first.
type tagList []tag

// get returns a tag's value and whether it was present.
func (l tagList) get(name string) (string, bool) {
	for _, t := range l {
		if t.Name == name {
			return t.Value, true
		}
	}
	return "", false
}

// errTagSyntax marks a record that is not a tag-list at all: receivers discard such a record
// whole, so it is a finding in its own right.
var errTagSyntax = errors.New("not a valid tag=value list")

// parseTags reads "name=value; name=value" (RFC 6376 3.2). Whitespace around names, values
// and separators is allowed and dropped; inner whitespace in a value is kept for the caller
// (DKIM p= may be folded). A duplicate name makes the whole list invalid, as the RFC says.
// fold lower-cases names (DMARC tag names are case-insensitive; DKIM's are not).
func parseTags(s string, fold bool) (tagList, error) {
	var out tagList
	seen := map[string]bool{}
	for i, spec := range strings.Split(s, ";") {
		if strings.TrimSpace(spec) == "" {
			continue // an empty spec: a trailing ";" or a doubled one, which receivers tolerate
		}
		name, value, ok := strings.Cut(spec, "=")
		name = strings.TrimSpace(name)
		if !ok {
			return out, fmt.Errorf("%w: %q (part %d) has no '='", errTagSyntax, strings.TrimSpace(spec), i+1)
		}
		if !validTagName(name) {
			return out, fmt.Errorf("%w: %q is not a tag name (a letter, then letters, digits or _)", errTagSyntax, name)
		}
		if fold {
			name = strings.ToLower(name)
		}
		if seen[name] {
			return out, fmt.Errorf("%w: tag %q appears twice, which makes the whole record invalid", errTagSyntax, name)
		}
		seen[name] = true
		value = strings.Trim(value, " \t\r\n")
		for _, c := range []byte(value) {
			if (c < 0x21 || c > 0x7e) && c != ' ' && c != '\t' && c != '\r' && c != '\n' {
				return out, fmt.Errorf("%w: tag %q holds a byte (0x%02x) that is not printable ASCII", errTagSyntax, name, c)
			}
		}
		out = append(out, tag{name, value})
	}
	return out, nil
}

func validTagName(s string) bool {
	if s == "" || !isAlpha(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isAlpha(c) && !isDigit(c) && c != '_' {
			return false
		}
	}
	return true
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// stripSpace drops every whitespace character, for base64 values that DNS providers and
// DKIM signers fold.
func stripSpace(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n':
			return -1
		}
		return r
	}, s)
}

// splitList splits a colon-separated tag value (k=, h=, s=, t=) into trimmed, lower-case
// items.
func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ":") {
		if p = strings.ToLower(strings.TrimSpace(p)); p != "" {
			out = append(out, p)
		}
	}
	return out
}

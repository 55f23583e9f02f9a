package runbook

import (
	"slices"
	"strings"
	"sync"

	"github.com/launchready/launchready/internal/redact"
)

// Redactor removes known secret values from text before it is shown or written: secret
// inputs, generated values and the config's resolved secrets. It matches by value, so it
// catches a secret however a command prints it (echoed, in a URL, in an error); the
// pattern-based redaction of application logs lives elsewhere and will share this one.
type Redactor struct {
	mu     sync.RWMutex
	values []redactValue // longest first, so a secret containing another is replaced whole
}

type redactValue struct {
	value, label string
}

// MinRedactLen is the shortest value redacted: shorter "secrets" would blank out ordinary
// words in every line. Secret inputs shorter than this are refused when asked. The same
// floor as the log redactor's.
const MinRedactLen = redact.MinValueLen

// Add registers secret values; label names them in the replacement ([redacted NEW_KEY]),
// "" for an anonymous [redacted]. Each value is also registered in the forms it commonly
// takes in output: URL-encoded and JSON-escaped, and line by line if it spans lines.
func (r *Redactor) Add(label string, values ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, v := range values {
		forms := redact.Encodings(v)
		if strings.ContainsAny(v, "\r\n") {
			forms = append(forms, strings.FieldsFunc(v, func(r rune) bool { return r == '\n' || r == '\r' })...)
		}
		for _, f := range forms {
			if len(f) < MinRedactLen || slices.ContainsFunc(r.values, func(x redactValue) bool { return x.value == f }) {
				continue
			}
			r.values = append(r.values, redactValue{f, label})
		}
	}
	slices.SortStableFunc(r.values, func(a, b redactValue) int { return len(b.value) - len(a.value) })
}

// Redact replaces every registered value in s.
func (r *Redactor) Redact(s string) string {
	if r == nil {
		return s
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, v := range r.values {
		if strings.Contains(s, v.value) {
			s = strings.ReplaceAll(s, v.value, replacement(v.label))
		}
	}
	return s
}

func replacement(label string) string {
	if label == "" {
		return "[redacted]"
	}
	return "[redacted " + label + "]"
}

// Holdback is how many bytes at the end of s must wait for more output before s can be
// redacted and shown: the longest tail of s that is the start of a secret. A command that
// prints a secret in two writes is then still redacted whole.
func (r *Redactor) Holdback(s []byte) int {
	if r == nil {
		return 0
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	hold := 0
	for _, v := range r.values {
		for k := min(len(v.value)-1, len(s)); k > hold; k-- {
			if string(s[len(s)-k:]) == v.value[:k] {
				hold = k
				break
			}
		}
	}
	return hold
}

// Contains says whether s still holds a registered value: the last guard before a line
// reaches the transcript.
func (r *Redactor) Contains(s string) bool {
	if r == nil {
		return false
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, v := range r.values {
		if strings.Contains(s, v.value) {
			return true
		}
	}
	return false
}

// Package redact removes secret values from text before it is printed, logged, stored or
// sent. The config resolves secrets by reference; this is the other half of the promise:
// whatever a component says about a failure (an HTTP error quoting a webhook URL, an SMTP
// server echoing a password), the secret never leaves the process except to where it is
// meant to go.
package redact

import (
	"net/url"
	"slices"
	"strings"
	"sync"
)

// Mask replaces a secret in text.
const Mask = "[redacted]"

// Redactor knows the secret values of a session. It is safe for concurrent use, and values
// may be added after it is handed out (secrets are resolved after the log is opened).
type Redactor struct {
	mu     sync.RWMutex
	values []string // longest first, so a secret containing another is masked whole
}

// New makes a redactor for values.
func New(values ...string) *Redactor {
	r := &Redactor{}
	r.Add(values...)
	return r
}

// Add learns more secret values. A URL secret (a Slack or webhook URL with its token in the
// path) also teaches its path, query and password on their own, because errors quote URLs
// in pieces as often as whole.
func (r *Redactor) Add(values ...string) {
	if r == nil {
		return
	}
	var add []string
	for _, v := range values {
		if v == "" {
			continue
		}
		add = append(add, v)
		add = append(add, urlParts(v)...)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, v := range add {
		if !slices.Contains(r.values, v) {
			r.values = append(r.values, v)
		}
	}
	slices.SortFunc(r.values, func(a, b string) int { return len(b) - len(a) })
}

// urlParts returns the secret-bearing parts of a URL: a path or query long enough to hold a
// token, and a password. A short path ("/", "/hook") is not worth masking everywhere.
func urlParts(v string) []string {
	u, err := url.Parse(v)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil
	}
	var out []string
	if len(u.Path) >= 12 {
		out = append(out, u.Path, strings.TrimPrefix(u.Path, "/"))
	}
	if len(u.RawQuery) >= 8 {
		out = append(out, u.RawQuery)
	}
	if p, ok := u.User.Password(); ok && p != "" {
		out = append(out, p)
	}
	return out
}

// String masks every known secret in s.
func (r *Redactor) String(s string) string {
	if r == nil || s == "" {
		return s
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, v := range r.values {
		if strings.Contains(s, v) {
			s = strings.ReplaceAll(s, v, Mask)
		}
	}
	return s
}

// Bytes masks every known secret in b, returning b itself when there is none.
func (r *Redactor) Bytes(b []byte) []byte {
	if r == nil || len(b) == 0 {
		return b
	}
	r.mu.RLock()
	found := false
	for _, v := range r.values {
		if strings.Contains(string(b), v) {
			found = true
			break
		}
	}
	r.mu.RUnlock()
	if !found {
		return b
	}
	return []byte(r.String(string(b)))
}

// Contains says whether s holds any known secret: tests and last-line guards use it.
func (r *Redactor) Contains(s string) bool {
	if r == nil {
		return false
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, v := range r.values {
		if strings.Contains(s, v) {
			return true
		}
	}
	return false
}

// Error masks an error's text; nil stays nil.
func (r *Redactor) Error(err error) error {
	if err == nil {
		return nil
	}
	s := err.Error()
	if !r.Contains(s) {
		return err
	}
	return &redacted{msg: r.String(s), err: err}
}

type redacted struct {
	msg string
	err error
}

func (e *redacted) Error() string { return e.msg }

// Unwrap keeps errors.Is working (timeouts, context cancellation) without exposing text.
func (e *redacted) Unwrap() error { return e.err }

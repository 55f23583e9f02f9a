// Package redact removes secrets and personal data from text before Launch Ready stores,
// shows, logs, transcribes or alerts on it. The errors pane runs every kept log line
// through it; runbook transcripts and alerts use the same Redactor, so "what counts as a
// secret" is decided in one place.
//
// Two kinds of redaction run together:
//   - by pattern: well-known key and token shapes (Stripe, AWS, GitHub, Slack, JWTs, bearer
//     tokens, private key blocks), password/token/secret/api_key parameters in URLs, query
//     strings, JSON and headers, passwords in URLs, e-mail addresses (the domain is kept),
//     Luhn-valid card numbers, and the operator's extra patterns;
//   - by value: the secrets the tool itself knows (config.SecretValues()), wherever they
//     appear, also in their JSON- and URL-escaped forms.
//
// Redaction errs on the side of removing too much: a log line that loses a harmless word
// costs nothing, a leaked key costs a rotation.
package redact

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Kind is what a redacted span was. The marker names it ("[REDACTED:stripe-key]"), so an
// operator knows what leaked into a log and what to rotate, without seeing it.
type Kind uint8

// The kinds, in the order rules run. Known secret values go first so no other rule can cut
// one in half and leave a recognisable piece behind.
const (
	KnownSecret Kind = iota // a value from the tool's own config (env:/file: references)
	PrivateKey              // -----BEGIN ... PRIVATE KEY----- blocks
	Custom                  // the operator's extra patterns
	JWT
	Bearer      // "Bearer <token>"
	StripeKey   // sk_live_, rk_live_, sk_test_, rk_test_, whsec_
	AWSKeyID    // AKIA..., ASIA...
	AWSSecret   // 40-character secret access keys
	GitHubToken // ghp_, gho_, ghu_, ghs_, ghr_, github_pat_
	SlackToken  // xoxb-, xoxp-, xapp-, hooks.slack.com/services/...
	GoogleKey   // AIza...
	APIKey      // other well-known API key shapes (sk-..., SendGrid SG....)
	Parameter   // password=, "token": ..., Authorization: ..., Cookie: ...
	URLPassword // scheme://user:PASSWORD@host
	Email       // the local part; the domain is kept
	Card        // Luhn-valid card numbers
	numKinds
)

var kindNames = [numKinds]string{
	"config-secret", "private-key", "custom", "jwt", "bearer", "stripe-key", "aws-key-id",
	"aws-secret", "github-token", "slack-token", "google-key", "api-key", "parameter",
	"url-password", "email", "card",
}

func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Marker is what a redacted span becomes. Parameter values and the local part of e-mail
// addresses become the bare Marker; everything else names its kind: "[REDACTED:jwt]".
const Marker = "[REDACTED]"

func marker(k Kind) string {
	switch k {
	case Parameter, URLPassword, Email:
		return Marker
	}
	return "[REDACTED:" + k.String() + "]"
}

// Hits counts redactions by kind, so a caller can say what leaked into a log ("2 Stripe
// keys, 1 password") without keeping any of it.
type Hits [numKinds]int

// Add counts o into h.
func (h *Hits) Add(o Hits) {
	for i := range h {
		h[i] += o[i]
	}
}

// Total is the number of redactions of any kind.
func (h *Hits) Total() int {
	n := 0
	for _, v := range h {
		n += v
	}
	return n
}

// Map is h as kind name to count, without the zero counts, for JSON.
func (h *Hits) Map() map[string]int {
	m := map[string]int{}
	for i, v := range h {
		if v > 0 {
			m[Kind(i).String()] = v
		}
	}
	return m
}

// Options configure a Redactor.
type Options struct {
	// Patterns are extra regular expressions (RE2 syntax). A pattern with capture groups
	// redacts what the groups match; one without redacts the whole match.
	Patterns []string
	// Values are secrets known by value (config.SecretValues()). Values shorter than
	// MinValueLen are ignored: redacting every "abc" in a log would destroy it.
	Values []string
	// KeepEmails leaves e-mail addresses whole: for documents whose point is who to call
	// (the handover pack's owners and support contacts), where a redacted address is a
	// lost contact, not a protected one. Secrets are redacted as always.
	KeepEmails bool
}

// MinValueLen is the shortest known value redacted by value.
const MinValueLen = 4

// Redactor removes secrets from text. It is safe for concurrent use.
type Redactor struct {
	values     []string // known values and their encodings, longest first
	extra      []*regexp.Regexp
	keepEmails bool
}

// New compiles a Redactor. Its error names the pattern that does not compile.
func New(o Options) (*Redactor, error) {
	r := &Redactor{keepEmails: o.KeepEmails}
	for i, p := range o.Patterns {
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, fmt.Errorf("redaction pattern %d (%q) is not a valid regular expression: %v", i+1, p, err)
		}
		r.extra = append(r.extra, re)
	}
	long := slices.DeleteFunc(slices.Clone(o.Values), func(v string) bool { return len(v) < MinValueLen })
	r.values = Spellings(long)
	return r, nil
}

// CheckPattern says whether an extra pattern compiles, for config validation.
func CheckPattern(p string) error {
	_, err := regexp.Compile(p)
	return err
}

// Encodings are the forms a known value takes in output: as is, escaped inside a string
// by Go (%q, strconv.Quote) and by JSON encoders (which also escape <, > and &), and
// escaped in a URL's query and path. Shared by the log redactor here and the runbook's
// transcript redactor, so a secret is caught in the same spellings everywhere.
func Encodings(v string) []string {
	out := []string{v}
	add := func(f string) {
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	j := strconv.Quote(v)
	add(j[1 : len(j)-1])
	if b, err := json.Marshal(v); err == nil {
		add(strings.Trim(string(b), `"`))
	}
	add(url.QueryEscape(v))
	add(url.PathEscape(v))
	return out
}

// Spellings are the Encodings of every non-empty value, each once, longest first: the
// order to replace them in, so a form that contains another is replaced whole.
func Spellings(values []string) []string {
	var out []string
	for _, v := range values {
		if v == "" {
			continue
		}
		for _, f := range Encodings(v) {
			if !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b string) int { return len(b) - len(a) })
	return out
}

// ValueReplacer replaces every spelling of the values with marker, longest first; nil
// when there is nothing to replace. For text that needs only the known secrets taken out
// (a probe's result, the console's copy of it), not the log patterns.
func ValueReplacer(values []string, marker string) *strings.Replacer {
	var pairs []string
	for _, f := range Spellings(values) {
		pairs = append(pairs, f, marker)
	}
	if len(pairs) == 0 {
		return nil
	}
	return strings.NewReplacer(pairs...)
}

// String returns s with every secret removed.
func (r *Redactor) String(s string) string { return r.Apply(s, nil) }

// Apply returns s with every secret removed, counting what it removed in h (which may be
// nil). When nothing matches it returns s itself without allocating.
func (r *Redactor) Apply(s string, h *Hits) string {
	if s == "" {
		return s
	}
	var local Hits
	if h == nil {
		h = &local
	}
	// Rules can uncover each other (a marker splitting a PEM label, a key that only reads
	// as one once a neighbour is gone), so a changed text goes round again until it is
	// stable: redacting redacted text then changes nothing.
	for range 4 {
		out := r.once(s, h)
		if out == s {
			break
		}
		s = out
	}
	return s
}

func (r *Redactor) once(s string, h *Hits) string {
	if r != nil {
		s = r.byValue(s, h)
		s = redactPEM(s, h)
		s = r.custom(s, h)
	} else {
		s = redactPEM(s, h)
	}
	s = redactShapes(s, h)
	s = redactUserinfo(s, h)
	s = redactParams(s, h)
	s = redactAWSSecrets(s, h)
	if r == nil || !r.keepEmails {
		s = redactEmails(s, h)
	}
	s = redactCards(s, h)
	return s
}

func (r *Redactor) byValue(s string, h *Hits) string {
	for _, v := range r.values {
		if n := strings.Count(s, v); n > 0 {
			s = strings.ReplaceAll(s, v, marker(KnownSecret))
			h[KnownSecret] += n
		}
	}
	return s
}

func (r *Redactor) custom(s string, h *Hits) string {
	for _, re := range r.extra {
		locs := re.FindAllStringSubmatchIndex(s, -1)
		if locs == nil {
			continue
		}
		e := editor{s: s}
		for _, loc := range locs {
			if len(loc) == 2 {
				if loc[1] <= loc[0] || loc[0] < e.last {
					continue
				}
				e.replace(loc[0], loc[1], marker(Custom))
				h[Custom]++
				continue
			}
			done := false
			for g := 2; g+1 < len(loc); g += 2 {
				if loc[g] >= 0 && loc[g+1] > loc[g] && loc[g] >= e.last {
					e.replace(loc[g], loc[g+1], marker(Custom))
					h[Custom]++
					done = true
				}
			}
			if !done && loc[1] > loc[0] && loc[0] >= e.last {
				e.replace(loc[0], loc[1], marker(Custom))
				h[Custom]++
			}
		}
		s = e.result()
	}
	return s
}

// editor builds a copy of s with spans replaced, left to right, allocating only when the
// first replacement happens.
type editor struct {
	s    string
	b    strings.Builder
	last int
	used bool
}

func (e *editor) replace(start, end int, with string) {
	if start < e.last {
		start = e.last
	}
	if end <= start {
		return
	}
	if !e.used {
		e.used = true
		e.b.Grow(len(e.s) + 16)
	}
	e.b.WriteString(e.s[e.last:start])
	e.b.WriteString(with)
	e.last = end
}

func (e *editor) result() string {
	if !e.used {
		return e.s
	}
	e.b.WriteString(e.s[e.last:])
	return e.b.String()
}

package redact

import (
	"net/url"
	"strings"
)

// WithURLParts returns values plus the secret-bearing parts of any that are URLs: a path
// or query long enough to hold a token, and a password. A Slack or webhook URL is a secret
// whole, but errors and receivers quote it in pieces ("no such hook: /services/T0/B0/x"),
// so the pieces must be known too. A short path ("/", "/hook") is not worth masking.
func WithURLParts(values []string) []string {
	out := append([]string(nil), values...)
	for _, v := range values {
		u, err := url.Parse(v)
		if err != nil || u.Scheme == "" || u.Host == "" {
			continue
		}
		if len(u.Path) >= 12 {
			out = append(out, u.Path, strings.TrimPrefix(u.Path, "/"))
		}
		if len(u.RawQuery) >= 8 {
			out = append(out, u.RawQuery)
		}
		if p, ok := u.User.Password(); ok && p != "" {
			out = append(out, p)
		}
	}
	return out
}

package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/goccy/go-yaml"
)

// Secret is a reference to a secret (env:NAME or file:PATH), never the secret itself, so a
// config file can be committed, pasted into a support thread or shown on screen. The value
// is read once at start by Resolve and is only ever handed to the code that sends it.
type Secret struct {
	Ref   string
	path  string // the key path, for error messages
	value string
	set   bool
}

// UnmarshalYAML keeps the reference text; the walker has already refused literals.
func (s *Secret) UnmarshalYAML(b []byte) error { return yaml.Unmarshal(b, &s.Ref) }

// MarshalYAML writes the reference back, never the value.
func (s Secret) MarshalYAML() (any, error) { return s.Ref, nil }

// String shows the reference: printing a Secret by accident leaks nothing.
func (s Secret) String() string { return s.Ref }

// Value is the resolved secret; empty before Resolve.
func (s *Secret) Value() string { return s.value }

// IsSet says whether the field was given at all.
func (s *Secret) IsSet() bool { return s.Ref != "" }

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

type ref struct{ scheme, arg string }

// parseRef checks a reference's shape. Its errors never include the text, because text
// that is not a reference is most likely the secret pasted in by mistake.
func parseRef(s string) (ref, error) {
	scheme, arg, ok := strings.Cut(s, ":")
	switch {
	case ok && scheme == "env" && envName.MatchString(arg):
		return ref{scheme, arg}, nil
	case ok && scheme == "env":
		return ref{}, errors.New("env: must be followed by an environment variable name (letters, digits, _), like env:STRIPE_WEBHOOK_SECRET")
	case ok && scheme == "file" && arg != "":
		return ref{scheme, arg}, nil
	case ok && scheme == "file":
		return ref{}, errors.New("file: must be followed by a path, like file:/etc/launchready/smtp-password")
	}
	return ref{}, errors.New("this looks like a literal secret, and secrets in the config must be references: " +
		"put the value in an environment variable and write env:NAME, or in a file readable only by you and write file:PATH " +
		"(then rotate the secret if this file was ever committed or shared)")
}

// ErrSecretMissing marks a reference that names nothing: an unset variable, a missing file.
var ErrSecretMissing = errors.New("secret reference points at nothing")

// Resolve reads every secret the config references. It runs at start, so a missing
// variable is one clear error before any check runs, not a failure in the middle of one.
// getenv is a parameter so tests do not depend on the process environment.
func (c *Config) Resolve(getenv func(string) (string, bool)) Errors {
	var errs Errors
	// A section decoded by two readers registers its secrets twice: resolve, and report,
	// each key path once.
	done := map[string]*Secret{}
	for _, s := range c.secrets {
		if first, ok := done[s.path]; ok && s.path != "" {
			s.value, s.set = first.value, first.set
			continue
		}
		done[s.path] = s
		r, err := parseRef(s.Ref)
		if err != nil {
			errs = append(errs, c.errorAt(s.path, err.Error(), ""))
			continue
		}
		switch r.scheme {
		case "env":
			v, ok := getenv(r.arg)
			if !ok || v == "" {
				errs = append(errs, c.errorAt(s.path, fmt.Sprintf("%s: environment variable %s is not set (%v)", s.Ref, r.arg, ErrSecretMissing),
					fmt.Sprintf("export %s before starting launchready, or point the reference at a file with file:PATH", r.arg)))
				continue
			}
			s.value, s.set = v, true
		case "file":
			p := r.arg
			if !filepath.IsAbs(p) {
				p = filepath.Join(filepath.Dir(c.File), p)
			}
			b, err := os.ReadFile(p)
			if err != nil {
				errs = append(errs, c.errorAt(s.path, fmt.Sprintf("%s: cannot read %s (%v)", s.Ref, p, ErrSecretMissing),
					"create the file, readable only by the user running launchready (chmod 600), or fix the path"))
				continue
			}
			s.value, s.set = strings.TrimRight(string(b), "\r\n"), true
		}
	}
	sortErrors(errs)
	return errs
}

// SecretRef is one secret reference in the config: where it is (the key path) and what it
// names (env:NAME, file:PATH). Never the value.
type SecretRef struct {
	Path string
	Ref  string
}

// SecretRefs lists every secret reference the config holds, each key path once, in the
// order they were read, for the handover pack's rotation plan. Sections add theirs when
// they are decoded, so call it after the session is built.
func (c *Config) SecretRefs() []SecretRef {
	var out []SecretRef
	seen := map[string]bool{}
	for _, s := range c.secrets {
		if seen[s.path] {
			continue
		}
		seen[s.path] = true
		out = append(out, SecretRef{Path: s.path, Ref: s.Ref})
	}
	return out
}

// SecretValues returns every resolved secret value, so anything that prints, logs, stores
// or transcribes can redact them by value.
func (c *Config) SecretValues() []string {
	var out []string
	for _, s := range c.secrets {
		if s.set && s.value != "" {
			out = append(out, s.value)
		}
	}
	return out
}

package secretscan

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// AllowlistFile is the accepted-findings file read from the repository's root. gitleaks'
// own .gitleaksignore (one fingerprint a line) is honoured beside it, so a team already
// using gitleaks keeps its list.
const AllowlistFile = ".launchready-secrets.toml"

// Allowlist is the accepted false positives: each entry says why, so the next person does
// not wonder whether a hidden finding was a real key someone silenced.
type Allowlist struct {
	Allow []AllowEntry `toml:"allow"`

	file  string
	paths []*regexp.Regexp
}

// AllowEntry accepts one finding by fingerprint (as a scan prints it), or every finding
// under a path glob ("testdata/**", "*.md"), optionally of one rule only.
type AllowEntry struct {
	Fingerprint string `toml:"fingerprint"`
	Path        string `toml:"path"`
	Rule        string `toml:"rule"`
	Reason      string `toml:"reason"`
}

// LoadAllowlist reads AllowlistFile from the repository root; a missing file is an empty
// list. Every entry needs a reason and a fingerprint or a path.
func LoadAllowlist(root string) (*Allowlist, error) {
	file := filepath.Join(root, AllowlistFile)
	a := &Allowlist{file: file}
	b, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		return a, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %v", file, err)
	}
	if err := toml.Unmarshal(b, a); err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			row, col := de.Position()
			return nil, fmt.Errorf("%s:%d:%d: %v; each entry is [[allow]] with fingerprint or path, and reason", file, row, col, de.Error())
		}
		return nil, fmt.Errorf("%s: %v; each entry is [[allow]] with fingerprint or path, and reason", file, err)
	}
	for i, e := range a.Allow {
		switch {
		case strings.TrimSpace(e.Reason) == "":
			return nil, fmt.Errorf("%s: allow entry %d has no reason: say why this is not a secret (fake test data, a public key), so nobody wonders later", file, i+1)
		case e.Fingerprint == "" && e.Path == "":
			return nil, fmt.Errorf("%s: allow entry %d has neither fingerprint nor path: copy the fingerprint a scan printed, or give a path glob", file, i+1)
		}
		a.paths = append(a.paths, globRegexp(e.Path))
	}
	return a, nil
}

// allowed says whether an entry accepts the finding.
func (a *Allowlist) allowed(f Finding) bool {
	if a == nil {
		return false
	}
	for i, e := range a.Allow {
		if e.Rule != "" && e.Rule != f.Rule {
			continue
		}
		if e.Fingerprint != "" && (e.Fingerprint == f.Fingerprint || e.Fingerprint == globalFingerprint(f)) {
			return true
		}
		if e.Path != "" && a.paths[i].MatchString(filepath.ToSlash(f.File)) {
			return true
		}
	}
	return false
}

// globalFingerprint is the commit-free form (file:rule:line), which accepts a finding in
// the tree and in every commit.
func globalFingerprint(f Finding) string { return fmt.Sprintf("%s:%s:%d", f.File, f.Rule, f.Line) }

// globRegexp turns a path glob into an anchored regexp: ** crosses folders, * and ? do not.
func globRegexp(glob string) *regexp.Regexp {
	if glob == "" {
		return nil
	}
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(glob); i++ {
		switch c := glob[i]; {
		case c == '*' && i+1 < len(glob) && glob[i+1] == '*':
			b.WriteString(".*")
			i++
		case c == '*':
			b.WriteString("[^/]*")
		case c == '?':
			b.WriteString("[^/]")
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

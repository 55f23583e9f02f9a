// Package secretscan finds credentials in code and in what a site ships to browsers. The
// rules and the engine are gitleaks v8's (about 220 rules its maintainers keep current,
// with their allowlists and entropy checks); this package adds what gitleaks cannot know:
// which keys are public by design (a Stripe publishable key, a Supabase anon token) and
// which are their secret twins, and it never lets a secret value out. A Finding carries
// the rule, the place and a short redacted preview; the value itself is dropped the moment
// gitleaks hands it over.
//
// It is a foundation: the `secrets scan` command and the Exposure pane's live checks both
// stand on it, and it imports neither probes nor the console.
package secretscan

import (
	"context"
	"fmt"
	"sync"

	"github.com/rs/zerolog"
	"github.com/zricethezav/gitleaks/v8/config"
	"github.com/zricethezav/gitleaks/v8/detect"
	"github.com/zricethezav/gitleaks/v8/logging"
)

// DecodeDepth is how many rounds of base64, hex and percent decoding gitleaks tries on
// each fragment, the same as its command line's default, so a scan here finds what
// `gitleaks git` finds.
const DecodeDepth = 5

// defaults loads gitleaks' default rules once per process. It is the one piece of
// package-level state here, and it is forced on us: gitleaks reads its config through
// viper's global instance and logs through a global zerolog logger, so loading twice at
// once races, and its logger writes to stderr (the console's terminal) and logs a found
// secret in full at debug level. Loading once and silencing the logger in the same step
// makes both safe; the config itself is read-only afterwards and shared by every scan.
var defaults = sync.OnceValues(func() (config.Config, error) {
	logging.Logger = zerolog.Nop()
	d, err := detect.NewDetectorDefaultConfig()
	if err != nil {
		return config.Config{}, fmt.Errorf("secretscan: gitleaks' built-in rules do not load (%v); this is a build problem, report it", err)
	}
	return d.Config, nil
})

// Scanner scans text (a bundle, a page, a source map) with the default rules. One Scanner
// is safe for concurrent use: gitleaks' per-fragment detection only reads the detector.
type Scanner struct {
	d *detect.Detector
}

// New builds a Scanner. The first call in a process loads gitleaks' rules (about 30 ms);
// later calls reuse them.
func New() (*Scanner, error) {
	cfg, err := defaults()
	if err != nil {
		return nil, err
	}
	d := detect.NewDetector(cfg)
	d.MaxDecodeDepth = DecodeDepth
	return &Scanner{d: d}, nil
}

// newDetector is a fresh detector for one repository scan: DetectSource collects findings
// and gitleaksignore entries in the detector, so scans must not share one.
func newDetector(ctx context.Context) (*detect.Detector, error) {
	cfg, err := defaults()
	if err != nil {
		return nil, err
	}
	d := detect.NewDetectorContext(ctx, cfg)
	d.MaxDecodeDepth = DecodeDepth
	return d, nil
}

// ScanText scans one document fetched from somewhere (a script, an inline blob, a source
// map) and returns its findings, public-by-design keys included at Info so the caller
// decides whether to show them. name is where the text came from ("app.js", a URL); it is
// copied into each finding's File and is not matched against gitleaks' path allowlists
// (those skip vendored libraries in a repository, and a bundle is exactly where a leaked
// key hides beside them).
func (s *Scanner) ScanText(ctx context.Context, name string, text string) []Finding {
	// StartLine 1: lines count from 1, as gitleaks counts them in files and diffs.
	raw := s.d.DetectContext(ctx, detect.Fragment{Raw: text, StartLine: 1})
	out := make([]Finding, 0, len(raw))
	for i := range raw {
		f := fromGitleaks(&raw[i])
		f.File = name
		out = append(out, f)
	}
	return out
}

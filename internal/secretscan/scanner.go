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
	"runtime"
	"strings"
	"sync"

	"github.com/rs/zerolog"
	"github.com/zricethezav/gitleaks/v8/config"
	"github.com/zricethezav/gitleaks/v8/detect"
	"github.com/zricethezav/gitleaks/v8/logging"
)

// DecodeDepth is how many rounds of base64, hex and percent decoding gitleaks tries on
// each fragment, the same as its command line's default, so a scan here finds what
// `gitleaks git` finds. ScanText decodes as deep, but only in pieces where the decoder has
// something to decode (see mayDecode).
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
//
// It holds four detectors over the same rules, one per kind of piece: with or without
// the generic-api-key rule, and with or without decoding. Each piece of a text goes to the
// cheapest one that cannot miss what the full one finds (see mayMatchGeneric, mayDecode).
type Scanner struct {
	d [2][2]*detect.Detector // [generic][decode]
}

// New builds a Scanner. The first call in a process loads gitleaks' rules (about 30 ms);
// later calls reuse them.
func New() (*Scanner, error) {
	cfg, err := defaults()
	if err != nil {
		return nil, err
	}
	var s Scanner
	for g, c := range [2]config.Config{without(cfg, genericRule), cfg} {
		for dec, depth := range [2]int{0, DecodeDepth} {
			d := detect.NewDetector(c)
			d.MaxDecodeDepth = depth
			s.d[g][dec] = d
		}
	}
	return &s, nil
}

// without is cfg less one rule; the keyword set is rebuilt so that the rule's keywords no
// longer wake anything.
func without(cfg config.Config, id string) config.Config {
	out := cfg
	out.Rules = make(map[string]config.Rule, len(cfg.Rules))
	out.Keywords = map[string]struct{}{}
	out.OrderedRules = nil
	for _, rid := range cfg.OrderedRules {
		if rid != id {
			out.OrderedRules = append(out.OrderedRules, rid)
		}
	}
	for rid, r := range cfg.Rules {
		if rid == id {
			continue
		}
		out.Rules[rid] = r
		for _, k := range r.Keywords {
			out.Keywords[strings.ToLower(k)] = struct{}{}
		}
	}
	return out
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
//
// A text is cut into pieces of about 4 KB at statement ends and the pieces are scanned in
// parallel, each by the cheapest detector that cannot miss a finding in it. Pieces keep
// gitleaks' keyword prefilter sharp: in one 64 KB piece of a minified bundle nearly every
// rule's keyword appears somewhere, in 4 KB far fewer do. Gitleaks also copies and searches
// a match's whole line for each candidate, and a minified bundle is one line of megabytes.
// Lines and columns are those of the whole text. Fragments are decoded (base64, hex,
// percent, Unicode escapes) as deep as a repository scan, only where there is something to
// decode (base64 and hex that decode to printable text; see mayDecode): a base64-encoded key
// inlined by a build is found.
func (s *Scanner) ScanText(ctx context.Context, name string, text string) []Finding {
	pieces := split(text, pieceSize)
	results := make([][]Finding, len(pieces))
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(pieces)) {
		wg.Go(func() {
			for i := range work {
				results[i] = s.scanPiece(ctx, name, pieces[i])
			}
		})
	}
	for i := range pieces {
		work <- i
	}
	close(work)
	wg.Wait()
	var out []Finding
	for _, r := range results {
		out = append(out, r...)
	}
	return out
}

func (s *Scanner) scanPiece(ctx context.Context, name string, p piece) []Finding {
	raw := s.detectorFor(p.text).DetectContext(ctx, detect.Fragment{Raw: p.text, StartLine: p.line})
	out := make([]Finding, 0, len(raw))
	for i := range raw {
		f := fromGitleaks(&raw[i])
		f.File = name
		if f.Line == p.line {
			f.Column += p.col // the piece began inside this line
		}
		out = append(out, f)
	}
	return out
}

// detectorFor picks the detector for one piece. A piece with something to decode gets the
// generic rule too, since what it decodes to is not known before gitleaks decodes it.
func (s *Scanner) detectorFor(text string) *detect.Detector {
	if mayDecode(text) {
		return s.d[1][1]
	}
	return s.d[b2i(mayMatchGeneric(text))][0]
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// pieceSize is the length a long text is cut at (then extended to the next statement end).
const pieceSize = 4 << 10

// piece is part of a text: where it starts (line from 1, and the column offset of its
// first character within that line).
type piece struct {
	text      string
	line, col int
}

// split cuts text after a ';' or a newline past every size bytes (a hard cut when there is
// none within 4 KB). Keys never contain either, so no key is cut in two.
func split(text string, size int) []piece {
	var out []piece
	line, col := 1, 0
	for len(text) > 0 {
		end := len(text)
		if end > size+size/2 {
			end = size
			if i := strings.IndexAny(text[end:min(len(text), end+4096)], ";\n"); i >= 0 {
				end += i + 1
			}
		}
		p := piece{text: text[:end], line: line, col: col}
		out = append(out, p)
		if n := strings.Count(p.text, "\n"); n > 0 {
			line += n
			col = len(p.text) - strings.LastIndexByte(p.text, '\n') - 1
		} else {
			col += len(p.text)
		}
		text = text[end:]
	}
	if len(out) == 0 {
		out = append(out, piece{line: 1})
	}
	return out
}

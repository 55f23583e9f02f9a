package mailauth

import (
	"encoding/json"
	"fmt"
	"github.com/launchready/launchready/internal/atomicfile"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/launchready/launchready/probes/netx"
)

// SelectorsFile is the file in the state folder where `launchready email verify` records
// the DKIM selectors it saw in received messages, so the email pane checks their keys too:
// a provider's selector nobody wrote into email.dkim_selectors is otherwise checked only
// when it happens to be on the well-known list.
const SelectorsFile = "email-selectors.json"

// maxSeen is how many (domain, selector) pairs the file keeps, newest by LastSeen: each is
// a DNS lookup on every pane run, and a launch has a handful of providers.
const maxSeen = 100

// maxSelectorsFile bounds what the pane reads back: 100 entries are a few kB.
const maxSelectorsFile = 1 << 20

// SeenSelector is one DKIM selector seen in a DKIM-Signature of a received message.
type SeenSelector struct {
	Domain    string    `json:"domain"`
	Selector  string    `json:"selector"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	// Message is the base name of the message file it was last seen in ("-" for stdin).
	Message string `json:"message"`
}

type selectorLog struct {
	Selectors []SeenSelector `json:"selectors"`
}

// RecordSelectors adds the (d=, s=) pair of each signature in v to dir's SelectorsFile
// (first seen kept, last seen and message updated), keeps the newest maxSeen, and writes
// the file atomically with mode 0600. A corrupt file is replaced: it is a cache of what
// messages showed, and the next verify rebuilds it. Pairs that are not DNS names are not
// recorded: they come from a message anyone could have sent.
func RecordSelectors(dir, messageFile string, now time.Time, v *MessageVerdict) error {
	var add []SeenSelector
	for _, s := range v.DKIM {
		d, sel := normDomain(s.Domain), strings.ToLower(strings.TrimSpace(s.Selector))
		if validSelector(sel) && validDomain(d) {
			add = append(add, SeenSelector{Domain: d, Selector: sel, FirstSeen: now.UTC(), LastSeen: now.UTC(), Message: filepath.Base(messageFile)})
		}
	}
	if len(add) == 0 {
		return nil
	}
	path := filepath.Join(dir, SelectorsFile)
	seen, _ := readSelectors(path) // corrupt or missing: start afresh
	for _, a := range add {
		i := slices.IndexFunc(seen, func(x SeenSelector) bool { return x.Domain == a.Domain && x.Selector == a.Selector })
		if i < 0 {
			seen = append(seen, a)
			continue
		}
		seen[i].LastSeen, seen[i].Message = a.LastSeen, a.Message
		if seen[i].FirstSeen.IsZero() || seen[i].FirstSeen.After(a.FirstSeen) {
			seen[i].FirstSeen = a.FirstSeen
		}
	}
	seen = newest(seen)
	b, err := json.MarshalIndent(selectorLog{Selectors: seen}, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteBytes(path, 0o600, append(b, '\n'))
}

// ReadSelectors returns the selectors recorded in dir (the newest maxSeen). A missing file
// is none and no error; a corrupt one is an error that names the file and the fix.
func ReadSelectors(dir string) ([]SeenSelector, error) {
	if dir == "" {
		return nil, nil
	}
	return readSelectors(filepath.Join(dir, SelectorsFile))
}

func readSelectors(path string) ([]SeenSelector, error) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %v", path, err)
	}
	defer f.Close()
	b, truncated, err := netx.ReadLimited(f, maxSelectorsFile)
	switch {
	case err != nil:
		return nil, fmt.Errorf("cannot read %s: %v", path, err)
	case truncated:
		return nil, fmt.Errorf("%s is over %d kB, far more than it ever holds; move it aside (launchready email verify rebuilds it)", path, maxSelectorsFile>>10)
	}
	var l selectorLog
	if err := json.Unmarshal(b, &l); err != nil {
		return nil, fmt.Errorf("%s is not valid JSON (%v); move it aside (launchready email verify rebuilds it)", path, err)
	}
	var out []SeenSelector
	for _, s := range l.Selectors {
		s.Domain, s.Selector = normDomain(s.Domain), strings.ToLower(s.Selector)
		if validSelector(s.Selector) && validDomain(s.Domain) {
			out = append(out, s)
		}
	}
	return newest(out), nil
}

// newest keeps the maxSeen most recently seen pairs, newest first.
func newest(s []SeenSelector) []SeenSelector {
	slices.SortStableFunc(s, func(a, b SeenSelector) int { return b.LastSeen.Compare(a.LastSeen) })
	if len(s) > maxSeen {
		s = s[:maxSeen]
	}
	return s
}

// validSelector is a selector that can be asked for: dot-separated labels of letters,
// digits, '-' and '_' (RFC 6376 3.1), at most 63 bytes each.
func validSelector(s string) bool {
	if s == "" || len(s) > 200 {
		return false
	}
	for _, l := range strings.Split(s, ".") {
		if l == "" || len(l) > 63 {
			return false
		}
		for _, c := range l {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// validDomain is a lower-case host name with at least two labels.
func validDomain(d string) bool {
	return strings.Contains(d, ".") && len(d) <= 253 && validSelector(d)
}

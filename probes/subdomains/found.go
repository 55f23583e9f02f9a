package subdomains

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/internal/atomicfile"
)

// FoundFile is where discovery's names are kept in the state folder, so the DNS pane's
// hourly undocumented-names check asks them again long after `init` or `audit` ran:
// a name found once by a zone transfer or a record's reference is not in the dictionary,
// and nobody may have written it into hosts:.
const FoundFile = "discovered.json"

// FoundVersion is the file format's version; a file of another version is ignored with an
// error that says to run discovery again.
const FoundVersion = 1

// MaxFound bounds the names read back: the file is ours, but a hand-edited or huge one
// must not turn an hourly check into thousands of lookups.
const MaxFound = 1000

// maxFoundBytes bounds the file read: 1000 names with their sources fit in far less.
const maxFoundBytes = 4 << 20

// Found is what discovery found under one domain, as kept in the state folder:
//
//	{"version": 1, "domain": "acme.example", "taken": "2026-11-28T02:00:00Z",
//	 "names": [{"name": "old.acme.example", "source": "transfer", "cname": "acme-old.netlify.app"}]}
type Found struct {
	Version int       `json:"version"`
	Domain  string    `json:"domain"` // the zone's apex, bare, lower-case
	Taken   time.Time `json:"taken"`  // when discovery ran
	Names   []Name    `json:"names"`
}

// Name is one name found, bare and lower-case, with how it was found and what it pointed
// at then (evidence for a later finding: "was a CNAME to X when discovered").
type Name struct {
	Name   string `json:"name"`
	Source string `json:"source,omitempty"` // "dictionary", "transfer", "MX", "CNAME target", ...
	CNAME  string `json:"cname,omitempty"`  // the first CNAME target when found, bare
}

// SaveFound writes f to stateDir/discovered.json whole or not at all, readable by the
// owner only (like the rest of the state folder), creating the folder if needed.
func SaveFound(stateDir string, f Found) error {
	if stateDir == "" {
		return errors.New("no state folder to keep the discovered names in: pass --state DIR or set it in the config")
	}
	f.Version = FoundVersion
	f.Domain = strings.TrimSuffix(strings.ToLower(f.Domain), ".")
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("could not write the discovered names: %w", err)
	}
	if err := os.MkdirAll(stateDir, 0o700); err != nil {
		return fmt.Errorf("could not create the state folder %s for the discovered names: %w", stateDir, err)
	}
	path := filepath.Join(stateDir, FoundFile)
	if err := atomicfile.WriteBytes(path, 0o600, append(b, '\n')); err != nil {
		return fmt.Errorf("could not write %s: %w (check the state folder's permissions and free space)", path, err)
	}
	return nil
}

// LoadFound reads stateDir/discovered.json. A missing file (discovery never ran here) is
// an error matching fs.ErrNotExist, which callers treat as "no names". Names that are not
// DNS names are dropped, duplicates kept once, and at most MaxFound are returned.
func LoadFound(stateDir string) (Found, error) {
	if stateDir == "" {
		return Found{}, fmt.Errorf("no state folder: %w", fs.ErrNotExist)
	}
	path := filepath.Join(stateDir, FoundFile)
	fh, err := os.Open(path)
	if err != nil {
		return Found{}, err
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, maxFoundBytes+1))
	if err != nil {
		return Found{}, fmt.Errorf("could not read %s: %w", path, err)
	}
	if len(b) > maxFoundBytes {
		return Found{}, fmt.Errorf("%s is over %d MiB, far more than discovery writes: delete it and run discovery again (launchready init or audit)", path, maxFoundBytes>>20)
	}
	var f Found
	if err := json.Unmarshal(b, &f); err != nil {
		return Found{}, fmt.Errorf("%s is not discovery's file (%v): delete it and run discovery again (launchready init or audit)", path, err)
	}
	if f.Version != FoundVersion {
		return Found{}, fmt.Errorf("%s is version %d, this launchready reads version %d: run discovery again (launchready init or audit)", path, f.Version, FoundVersion)
	}
	names := f.Names[:0:0]
	seen := map[string]bool{}
	for _, n := range f.Names {
		n.Name = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(n.Name)), ".")
		if _, ok := dns.IsDomainName(n.Name); !ok || n.Name == "" || seen[n.Name] || strings.ContainsAny(n.Name, " /:@") {
			continue
		}
		seen[n.Name] = true
		names = append(names, n)
		if len(names) == MaxFound {
			break
		}
	}
	f.Names = slices.Clip(names)
	return f, nil
}

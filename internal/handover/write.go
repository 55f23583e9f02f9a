package handover

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/launchready/launchready/internal/handoverrec"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/launchready/launchready/internal/atomicfile"
	"github.com/launchready/launchready/internal/redact"
)

// Files of a pack, in its folder.
const (
	MarkdownFile = "README.md"
	HTMLFile     = "index.html"
	RecordFile   = handoverrec.RecordFile
	// StateRecord is the copy of the freshness record in the state folder: how the
	// launch bar's handover check finds the pack wherever -o put it.
	StateRecord = handoverrec.StateRecord
)

// Hash is the config file's digest, as the pack records it.
func Hash(data []byte) string { return handoverrec.Hash(data) }

// Write renders the pack into dir (README.md, index.html, handover.json) and records its
// freshness in stateDir too ("" for none). Every byte written passes the redactor built
// from the secret values; lab and staging addresses are written as the names they stand
// for (addrs: address -> host:port), so a pack reads the same on every run.
func (p *Pack) Write(dir, stateDir string, secrets []string, addrs map[string]string) error {
	red, err := redact.New(redact.Options{Values: redact.WithURLParts(secrets), KeepEmails: true})
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cannot make the pack's folder %s: %v", dir, err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	p.Fresh.Dir = abs
	clean := cleaner(red, addrs)
	var md, page bytes.Buffer
	if err := p.WriteMarkdown(&md); err != nil {
		return err
	}
	if err := p.WriteHTML(&page); err != nil {
		return err
	}
	rec, err := json.MarshalIndent(p.Fresh, "", "  ")
	if err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		body []byte
	}{{MarkdownFile, clean(md.Bytes())}, {HTMLFile, clean(page.Bytes())}, {RecordFile, append(rec, '\n')}} {
		if err := atomicfile.WriteBytes(filepath.Join(dir, f.name), 0o644, f.body); err != nil {
			return fmt.Errorf("cannot write %s: %v", f.name, err)
		}
	}
	if stateDir != "" {
		if err := atomicfile.WriteBytes(filepath.Join(stateDir, StateRecord), 0o600, append(rec, '\n')); err != nil {
			return fmt.Errorf("cannot record the pack in the state folder %s: %v", stateDir, err)
		}
	}
	return nil
}

func cleaner(red *redact.Redactor, addrs map[string]string) func([]byte) []byte {
	keys := make([]string, 0, len(addrs))
	for k := range addrs {
		keys = append(keys, k)
	}
	// Longest address first, so 127.0.0.1:4431 is not eaten by 127.0.0.1:443.
	sort.Slice(keys, func(i, j int) bool {
		return len(keys[i]) > len(keys[j]) || len(keys[i]) == len(keys[j]) && keys[i] < keys[j]
	})
	var pairs []string
	for _, k := range keys {
		pairs = append(pairs, k, addrs[k])
	}
	rep := strings.NewReplacer(pairs...)
	return func(b []byte) []byte { return []byte(red.String(rep.Replace(string(b)))) }
}

// ReadRecord reads a freshness record (a pack's handover.json, or the state folder's copy).
func ReadRecord(path string) (Freshness, error) { return handoverrec.ReadRecord(path) }

// ErrNoPack is returned when no pack was ever written.
var ErrNoPack = errors.New("no handover pack: write one with launchready handover -o DIR")

func stamp(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return orDash(h)
}

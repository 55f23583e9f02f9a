package dnscheck

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes/mailauth"
)

// TestKnownNamesIncludeSelectorsSeenInMessages: a DKIM selector `email verify` found only
// in a received message is documented and diffed like a configured one; one for another
// zone, and a damaged record file, add nothing.
func TestKnownNamesIncludeSelectorsSeenInMessages(t *testing.T) {
	cfg, err := config.Parse([]byte(mailHosts), "launchready.yaml")
	if err != nil {
		t.Fatal(err)
	}
	st, err := LoadSettings(cfg)
	if err != nil {
		t.Fatal(err)
	}
	state := t.TempDir()
	file := filepath.Join(state, mailauth.SelectorsFile)
	if err := os.WriteFile(file, []byte(`{"selectors": [
		{"domain": "acme.example", "selector": "s2024", "first_seen": "2026-11-01T00:00:00Z", "last_seen": "2026-11-20T00:00:00Z", "message": "m.eml"},
		{"domain": "mail.acme.example", "selector": "Old", "first_seen": "2026-11-01T00:00:00Z", "last_seen": "2026-11-02T00:00:00Z", "message": "n.eml"},
		{"domain": "vendor.example.net", "selector": "k1", "first_seen": "2026-11-01T00:00:00Z", "last_seen": "2026-11-02T00:00:00Z", "message": "o.eml"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	names := KnownNames(cfg, st, state)
	for _, want := range []string{"s2024._domainkey.acme.example.", "old._domainkey.mail.acme.example."} {
		if !slices.Contains(names, want) {
			t.Errorf("KnownNames lacks %s, seen in a message: %v", want, names)
		}
	}
	if slices.Contains(names, "k1._domainkey.vendor.example.net.") {
		t.Error("a selector of another zone was added to this zone's names")
	}
	without := KnownNames(cfg, st, "")
	if len(names) != len(without)+2 {
		t.Errorf("%d names with the record, %d without: want exactly the two in-zone selectors added", len(names), len(without))
	}
	if err := os.WriteFile(file, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := KnownNames(cfg, st, state); len(got) != len(without) {
		t.Errorf("a damaged record file changed the names: %v", got)
	}
}

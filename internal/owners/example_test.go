package owners

import (
	"strings"
	"testing"

	"github.com/launchready/launchready/examples"
	"github.com/launchready/launchready/internal/config"
)

// TestExampleOwnersAndBackups: the commented-out owners: and backups: sections of the
// example config are valid once uncommented, so the documentation cannot drift from the
// code. Prose comment lines (a capital after "# ") stay comments.
func TestExampleOwnersAndBackups(t *testing.T) {
	text := string(examples.Config)
	i := strings.Index(text, "\n# owners:\n")
	j := strings.Index(text, "\n# Alerts: who hears about what")
	if i < 0 || j < i {
		t.Fatal("examples/launchready.yaml has no commented-out owners: section before the alerts")
	}
	var b strings.Builder
	b.WriteString(text[:i+1])
	for _, line := range strings.Split(text[i+1:j], "\n") {
		l, ok := strings.CutPrefix(line, "# ")
		if ok && l != "" && l[0] >= 'A' && l[0] <= 'Z' {
			b.WriteString(line + "\n")
			continue
		}
		b.WriteString(l + "\n")
	}
	b.WriteString(text[j+1:])
	cfg, err := config.Parse([]byte(b.String()), "examples/launchready.yaml")
	if err != nil {
		t.Fatalf("uncommented example: %v", err)
	}
	o, err := Decode(cfg)
	if err != nil {
		t.Fatalf("uncommented owners/backups: %v", err)
	}
	if o == nil || o.Get("registrar") == nil || o.Get("payments") == nil {
		t.Fatalf("owners not read: %+v", o)
	}
}

package main

import (
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/probes/discovery"
	"github.com/launchready/launchready/probes/subdomains"
)

// TestKeepDiscovered: the names are kept for the domain the state folder serves; another
// domain's file there is left alone, and the line printed says how to keep both.
func TestKeepDiscovered(t *testing.T) {
	t.Parallel()
	rep := &discovery.Report{Domain: "acme.example", Names: []discovery.Name{{Name: "old.acme.example", CNAME: []string{"acme-old.netlify.app"}}}}
	dir := t.TempDir()
	if got := keepDiscovered(dir, rep, time.Now()); !strings.HasPrefix(got, "Kept 1 discovered names in ") {
		t.Errorf("fresh folder: %q", got)
	}
	if f, err := subdomains.LoadFound(dir); err != nil || len(f.Names) != 1 || f.Names[0].CNAME != "acme-old.netlify.app" {
		t.Errorf("kept %+v %v", f, err)
	}

	other := t.TempDir()
	if err := subdomains.SaveFound(other, subdomains.Found{Domain: "other.example", Names: []subdomains.Name{{Name: "www.other.example"}}}); err != nil {
		t.Fatal(err)
	}
	got := keepDiscovered(other, rep, time.Now())
	if !strings.Contains(got, "holds other.example's") || !strings.Contains(got, "--state DIR") {
		t.Errorf("another domain's folder: %q", got)
	}
	if f, _ := subdomains.LoadFound(other); f.Domain != "other.example" {
		t.Errorf("another domain's names were replaced: %+v", f)
	}
}

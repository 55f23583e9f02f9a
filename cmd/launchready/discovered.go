package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/launchready/launchready/probes/discovery"
	"github.com/launchready/launchready/probes/subdomains"
)

// keepDiscovered keeps the names discovery found in stateDir/discovered.json, where the DNS
// pane's hourly checks (undocumented names, copies of the app) ask them again: a name a
// zone transfer or a record's reference showed is in no dictionary, and nobody may have
// written it into hosts:. One state folder serves one domain, so a file there of another
// domain's names (a watch of another product, an earlier audit of someone else's domain)
// is left alone: --state keeps them apart. It returns the line to print, never failing the
// command: the config or audit is still worth having without it.
func keepDiscovered(stateDir string, rep *discovery.Report, now time.Time) string {
	if stateDir == "" || rep == nil {
		return ""
	}
	path := filepath.Join(stateDir, subdomains.FoundFile)
	domain := strings.TrimSuffix(strings.ToLower(rep.Domain), ".")
	// A missing file, or ours but unreadable (another version, hand-edited), is replaced.
	if old, err := subdomains.LoadFound(stateDir); err == nil && old.Domain != "" && old.Domain != domain {
		return fmt.Sprintf("Did not keep the discovered names: %s holds %s's (discovered %s). Pass --state DIR to keep %s's in a folder of its own, or delete that file.",
			path, old.Domain, old.Taken.Format("2006-01-02"), domain)
	}
	if err := discovery.SaveFound(stateDir, rep, now); err != nil {
		return "Did not keep the discovered names: " + err.Error()
	}
	n := len(rep.Found(now).Names)
	return fmt.Sprintf("Kept %d discovered names in %s: the DNS pane asks them hourly (dangling or undocumented records, copies of the app).", n, path)
}

package dnscheck

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"time"

	"github.com/launchready/launchready/internal/dnsmap"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/netx"
)

// mapCheck holds the live zone against the documented map file (dns.map_file): the
// launch bar's "DNS documented" is this check passing.
type mapCheck struct {
	net   *netx.Net
	st    Settings
	names []string
	now   func() time.Time
	info  probes.CheckInfo
}

// MapData is the map check's detail.
type MapData struct {
	File  string      `json:"file"`
	Zone  string      `json:"zone"`
	Taken time.Time   `json:"taken,omitzero"` // when the documented map was exported
	Diff  dnsmap.Diff `json:"diff"`
}

// maxDiffEvidence bounds the diff lines a finding carries; `dns diff` prints them all.
const maxDiffEvidence = 40

func newMapCheck(env probes.Env, st Settings) *mapCheck {
	now := env.Now
	if now == nil {
		now = time.Now
	}
	return &mapCheck{net: env.Net, st: st, names: KnownNames(env.Config, st, env.StateDir), now: now,
		info: probes.CheckInfo{Name: "dns map", Kind: "dns", Pane: probes.PaneDNS, Target: st.MapFile}}
}

func (c *mapCheck) Info() probes.CheckInfo { return c.info }

func (c *mapCheck) Run(ctx context.Context) probes.Result {
	file := c.st.MapFile
	doc, err := dnsmap.LoadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		f := finding("dns.map-missing", probes.Low, probes.Support, file,
			"The DNS map file does not exist yet: DNS is not documented",
			fmt.Sprintf("dns.map_file names %s, which does not exist. Without a documented map nobody can tell an intended DNS change from a mistake, and the launch bar's \"DNS documented\" stays unmet.", file),
			"no file", "a DNS map exported from the live zone and committed",
			fmt.Sprintf("Write it from the live zone, review it, and commit it: launchready dns export -o %s", file), nil)
		return probes.Result{Summary: f.Title, Findings: []probes.Finding{f}, Metrics: map[string]float64{"drift": 0, "records": 0}}
	}
	if err != nil {
		return probes.Result{Err: "the DNS map cannot be read: " + err.Error()}
	}
	if !dnsmap.InZone(doc.Zone, c.st.Zone) {
		return probes.Result{Err: fmt.Sprintf("%s documents the zone %s, but the config's domain is %s: point dns.map_file at this domain's map", file, bare(doc.Zone), bare(c.st.Zone))}
	}
	names := slices.Clone(c.names)
	for _, n := range doc.Names() {
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	got, err := Collect(ctx, c.net, bare(doc.Zone), names, c.now())
	if err != nil {
		return probes.Result{Err: "could not read the live zone: " + err.Error()}
	}
	if got.Map.Zone != doc.Zone {
		return probes.Result{Err: fmt.Sprintf("%s documents %s, but the config's domain is in the zone %s: point dns.map_file at this zone's map", file, bare(doc.Zone), bare(got.Map.Zone))}
	}
	d := dnsmap.Compare(doc, got.Map)
	res := probes.Result{
		Data:    MapData{File: file, Zone: bare(doc.Zone), Taken: doc.Taken, Diff: d},
		Metrics: map[string]float64{"drift": float64(d.Count()), "records": float64(len(got.Map.Records))},
		Summary: fmt.Sprintf("no drift from %s (%d records, from %s)", file, len(got.Map.Records), got.Server.Name),
	}
	if !d.Drift() {
		return res
	}
	lines := d.Lines()
	ev := lines
	if len(ev) > maxDiffEvidence {
		ev = append(slices.Clone(ev[:maxDiffEvidence]), fmt.Sprintf("… %d more: launchready dns diff %s", len(lines)-maxDiffEvidence, file))
	}
	since := ""
	if !doc.Taken.IsZero() {
		since = " since it was exported on " + doc.Taken.UTC().Format("2006-01-02 15:04 MST")
	}
	f := finding("dns.map-drift", probes.Medium, probes.Support, bare(doc.Zone),
		fmt.Sprintf("Live DNS differs from the documented map: %s", d.Summary()),
		fmt.Sprintf("The live zone %s (from %s) has changed%s: %s. Either someone changed DNS without updating the map, or the change was not intended.", bare(doc.Zone), got.Server.Name, since, d.Summary()),
		d.Summary(), "no drift from "+file,
		fmt.Sprintf("See every change with launchready dns diff %s. If the changes are intended, update the map (launchready dns export -o %s) and commit it; if not, restore the records at your DNS provider.", file, file), ev)
	res.Findings = []probes.Finding{f}
	res.Summary = f.Title
	return res
}

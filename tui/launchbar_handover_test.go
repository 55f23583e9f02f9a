package tui

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/internal/handover"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/handovercheck"
)

// TestLaunchBarHandoverItem: "Handover checklist written" is judged from the real handover
// pack check over a real state folder: met with a current pack that owns every system; not
// met, saying why, when the config changed after it or a system has no owner; not checked,
// naming the command, with no pack or no state folder.
func TestLaunchBarHandoverItem(t *testing.T) {
	t.Parallel()
	now := func() time.Time { return time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC) }
	item := func(t *testing.T, cfg *config.Config, state string, run bool) barItem {
		t.Helper()
		cs, err := handovercheck.Kind.Build(probes.Env{Config: cfg, StateDir: state,
			LastRunbookRun: func() (string, time.Time) { return handover.LastRun(state) }})
		if err != nil {
			t.Fatal(err)
		}
		infos := []probes.CheckInfo{{Name: "http app.acme.example", Kind: "http", Pane: probes.PaneEndpoints, Interval: time.Minute}}
		for _, c := range cs {
			infos = append(infos, c.Info())
		}
		b := newBoard(infos, time.Minute, now, NewMemHistory(8), nil)
		b.apply(probes.Result{Check: "http app.acme.example", Kind: "http", Pane: probes.PaneEndpoints, Started: now()})
		if run {
			for _, c := range cs {
				r := c.Run(context.Background())
				i := c.Info()
				r.Check, r.Kind, r.Pane, r.Started, r.Status = i.Name, i.Kind, i.Pane, now(), probes.StatusFor(r.Findings)
				if r.Err != "" {
					r.Status = probes.StatusError
				}
				b.apply(r)
			}
		}
		sh := &shared{board: b, hosts: map[string]string{}}
		var found *barItem
		for _, it := range launchBar(sh) {
			if it.name == "Uptime monitoring running" && !strings.Contains(it.why, "1 endpoint,") {
				t.Errorf("the handover check is counted as an endpoint: %q", it.why)
			}
			if it.name == "Handover checklist written" {
				it := it
				found = &it
			}
		}
		if found == nil {
			t.Fatal("no handover item")
		}
		return *found
	}
	setup := func(t *testing.T, rec *handover.Freshness) (*config.Config, string, string) {
		dir := t.TempDir()
		path := filepath.Join(dir, "launchready.yaml")
		if err := os.WriteFile(path, []byte("domain: acme.example\ncanonical_url: https://app.acme.example/\nhosts: [{name: app.acme.example}]\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, err := config.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		if rec != nil {
			rec.ConfigHash = handover.ConfigHash(cfg)
			b, _ := json.Marshal(rec)
			if err := os.WriteFile(filepath.Join(dir, handover.StateRecord), b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		return cfg, path, dir
	}
	want := func(t *testing.T, name string, it barItem, state barState, why string) {
		t.Helper()
		if it.state != state || !strings.Contains(it.why, why) {
			t.Errorf("%s: %s %q; want %s with %q", name, barWord[it.state], it.why, barWord[state], why)
		}
	}
	written := now().Add(-time.Hour)

	cfg, _, _ := setup(t, nil)
	want(t, "no state folder", item(t, cfg, "", true), barUnchecked, "launchready handover -o handover/")

	cfg, _, state := setup(t, nil)
	want(t, "not run yet", item(t, cfg, state, false), barUnchecked, "waiting for the first results")
	want(t, "no pack", item(t, cfg, state, true), barUnchecked, "no handover pack yet: run `launchready handover -o handover/`")

	cfg, _, state = setup(t, &handover.Freshness{Generated: written, Dir: "/srv/acme/handover"})
	it := item(t, cfg, state, true)
	want(t, "fresh, every system owned", it, barMet, "current, every system owned")

	cfg, path, state := setup(t, &handover.Freshness{Generated: written, Dir: "/srv/acme/handover"})
	if err := os.WriteFile(path, []byte("domain: acme.example\ncanonical_url: https://app.acme.example/\nhosts: [{name: app.acme.example}, {name: api.acme.example}]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	it = item(t, cfg, state, true)
	want(t, "config changed", it, barNotMet, "pack out of date: the config changed after the pack was written")
	if len(it.findings) != 1 || it.findings[0].ID != "handover.stale" {
		t.Errorf("config changed: findings %+v", it.findings)
	}

	cfg, _, state = setup(t, &handover.Freshness{Generated: written, Dir: "/srv/acme/handover", Unowned: []string{"Domain registrar", "Hosting"}})
	want(t, "unowned", item(t, cfg, state, true), barNotMet, "2 systems have no owner in the handover pack: Domain registrar, Hosting")

	cfg, _, state = setup(t, nil)
	if err := os.WriteFile(filepath.Join(state, handover.StateRecord), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	want(t, "unreadable record", item(t, cfg, state, true), barNotMet, "cannot read the handover record")
}

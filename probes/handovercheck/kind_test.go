package handovercheck

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
	"github.com/launchready/launchready/runbook"
)

const cfgYAML = "domain: acme.example\ncanonical_url: https://app.acme.example/\nhosts: [{name: app.acme.example}]\n"

// setup writes a real config file and returns it loaded, with an empty state folder.
func setup(t *testing.T) (*config.Config, string, string) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "launchready.yaml")
	if err := os.WriteFile(path, []byte(cfgYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(dir, "state")
	if err := os.Mkdir(state, 0o700); err != nil {
		t.Fatal(err)
	}
	return cfg, path, state
}

func build(t *testing.T, cfg *config.Config, state string) probes.Check {
	t.Helper()
	// As setup wires it: the state folder's runbook store says the newest run.
	cs, err := Kind.Build(probes.Env{Config: cfg, StateDir: state,
		LastRunbookRun: func() (string, time.Time) { return handover.LastRun(state) }})
	if err != nil || len(cs) != 1 {
		t.Fatalf("build: %v %v", cs, err)
	}
	if i := cs[0].Info(); i.Name != "handover pack" || i.Kind != KindName || i.Pane != probes.PaneEndpoints {
		t.Fatalf("info: %+v", i)
	}
	return cs[0]
}

func writeRecord(t *testing.T, state string, f handover.Freshness) {
	t.Helper()
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(state, handover.StateRecord), b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// writeRun leaves a runbook transcript with only its start, as a run in progress does.
func writeRun(t *testing.T, state, id string, at time.Time) {
	t.Helper()
	st := runbook.NewStore(state)
	if err := os.MkdirAll(st.RunsDir(), 0o700); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(runbook.Event{Seq: 1, Time: at, Type: runbook.RunStart, Run: id})
	if err := os.WriteFile(st.TranscriptPath(id), append(b, '\n'), 0o600); err != nil {
		t.Fatal(err)
	}
}

func ids(fs []probes.Finding) string {
	var out []string
	for _, f := range fs {
		out = append(out, f.ID+"/"+f.Severity.String())
	}
	return strings.Join(out, " ")
}

func TestNoStateFolderNoCheck(t *testing.T) {
	t.Parallel()
	cfg, _, _ := setup(t)
	if cs, err := Kind.Build(probes.Env{Config: cfg}); err != nil || len(cs) != 0 {
		t.Fatalf("no state folder: %v %v", cs, err)
	}
}

func TestNoPack(t *testing.T) {
	t.Parallel()
	cfg, _, state := setup(t)
	r := build(t, cfg, state).Run(context.Background())
	if r.Err != "" || ids(r.Findings) != "handover.no-pack/low" || r.Metrics["handover_pack"] != 0 ||
		!strings.Contains(r.Summary, WriteCommand) || !strings.Contains(r.Findings[0].Fix, WriteCommand) {
		t.Fatalf("no pack: %+v", r)
	}
}

func TestFreshAndOwned(t *testing.T) {
	t.Parallel()
	cfg, _, state := setup(t)
	at := time.Date(2026, 11, 28, 3, 0, 0, 0, time.UTC)
	writeRun(t, state, "deploy-1", at)
	writeRecord(t, state, handover.Freshness{ConfigHash: handover.ConfigHash(cfg), Generated: at.Add(time.Hour),
		LastRun: "deploy-1", LastRunAt: at, Dir: "/srv/acme/handover"})
	r := build(t, cfg, state).Run(context.Background())
	if r.Err != "" || len(r.Findings) != 0 || r.Metrics["handover_pack"] != 1 || r.Metrics["handover_current"] != 1 ||
		r.Target != "/srv/acme/handover" || !strings.Contains(r.Summary, "current, every system owned") {
		t.Fatalf("fresh pack: %+v", r)
	}
	if probes.StatusFor(r.Findings) != probes.StatusOK {
		t.Errorf("a fresh pack is not ok")
	}
}

func TestStaleAfterConfigChange(t *testing.T) {
	t.Parallel()
	cfg, path, state := setup(t)
	writeRecord(t, state, handover.Freshness{ConfigHash: handover.ConfigHash(cfg), Generated: time.Now(), Dir: "/srv/acme/handover"})
	c := build(t, cfg, state)
	if r := c.Run(context.Background()); len(r.Findings) != 0 {
		t.Fatalf("before the edit: %+v", r)
	}
	if err := os.WriteFile(path, []byte(cfgYAML+"product: Acme\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := c.Run(context.Background())
	if ids(r.Findings) != "handover.stale/medium" || r.Metrics["handover_current"] != 0 ||
		!strings.Contains(r.Findings[0].Observed, "the config changed") ||
		!strings.Contains(r.Findings[0].Fix, "launchready handover -o /srv/acme/handover") || !strings.Contains(r.Summary, "out of date") {
		t.Fatalf("after the edit: %+v", r)
	}
}

func TestStaleAfterRunbookRun(t *testing.T) {
	t.Parallel()
	cfg, _, state := setup(t)
	at := time.Date(2026, 11, 28, 3, 0, 0, 0, time.UTC)
	writeRecord(t, state, handover.Freshness{ConfigHash: handover.ConfigHash(cfg), Generated: at, Dir: "/srv/acme/handover"})
	writeRun(t, state, "rotate-secret-1", at.Add(time.Hour))
	r := build(t, cfg, state).Run(context.Background())
	if ids(r.Findings) != "handover.stale/medium" || !strings.Contains(r.Findings[0].Observed, "rotate-secret-1") {
		t.Fatalf("run after the pack: %+v", r)
	}
}

func TestUnowned(t *testing.T) {
	t.Parallel()
	cfg, _, state := setup(t)
	writeRecord(t, state, handover.Freshness{ConfigHash: handover.ConfigHash(cfg), Generated: time.Now(),
		Unowned: []string{"Domain registrar", "Hosting"}, Dir: "/srv/acme/handover"})
	r := build(t, cfg, state).Run(context.Background())
	if ids(r.Findings) != "handover.unowned/medium" || r.Metrics["handover_unowned"] != 2 || r.Metrics["handover_current"] != 1 ||
		!strings.Contains(r.Findings[0].Title, "Domain registrar, Hosting") || !strings.Contains(r.Findings[0].Fix, "owners:") {
		t.Fatalf("unowned: %+v", r)
	}
}

func TestUnreadableRecord(t *testing.T) {
	t.Parallel()
	cfg, _, state := setup(t)
	if err := os.WriteFile(filepath.Join(state, handover.StateRecord), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := build(t, cfg, state).Run(context.Background())
	if !strings.Contains(r.Err, "not a handover record") || !strings.Contains(r.Err, "launchready handover -o") {
		t.Fatalf("bad record: %+v", r)
	}
}

// TestNoPackInTheLabIsNoFinding: the healthy lab's report stays free of findings.
func TestNoPackInTheLabIsNoFinding(t *testing.T) {
	t.Parallel()
	cfg, _, state := setup(t)
	cs, err := Kind.Build(probes.Env{Config: cfg, StateDir: state, LabDir: t.TempDir()})
	if err != nil || len(cs) != 1 {
		t.Fatalf("build: %v %v", cs, err)
	}
	r := cs[0].Run(context.Background())
	if len(r.Findings) != 0 || !strings.Contains(r.Summary, WriteCommand) || r.Metrics["handover_pack"] != 0 {
		t.Fatalf("lab, no pack: %+v", r)
	}
}

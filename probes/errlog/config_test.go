package errlog

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
)

func buildErr(t *testing.T, section string) string {
	t.Helper()
	text := "domain: acme.example\ncanonical_url: https://app.acme.example/\nhosts:\n  - name: app.acme.example\n" + section
	cfg, err := config.Parse([]byte(text), "launchready.yaml")
	if err != nil {
		return err.Error()
	}
	if _, err := Kind.Build(probes.Env{Config: cfg}); err != nil {
		return err.Error()
	}
	return ""
}

// TestConfigErrors: every mistake is reported at its line and column, with a fix.
func TestConfigErrors(t *testing.T) {
	t.Parallel()
	cases := []struct{ section, want string }{
		{"errors:\n  levels: [error]\n", "launchready.yaml:6:9: errors: has no sources"},
		{"errors:\n  sources: []\n", "launchready.yaml:6:12: errors.sources: has no sources"},
		{"errors:\n  sources:\n    - file: a.log\n      command: tail -f a.log\n", "launchready.yaml:7:11: errors.sources[0]: has both file and command; a source reads one of them"},
		{"errors:\n  sources:\n    - name: x\n", "errors.sources[0]: has neither file nor command"},
		{"errors:\n  sources:\n    - command: journalctl -fu app\n      backfill: 10\n", "launchready.yaml:8:17: errors.sources[0].backfill: applies to file sources only; ask the command for its history instead"},
		{"errors:\n  sources:\n    - file: a.log\n      backoff: 1s\n", "errors.sources[0].backoff: applies to command sources only"},
		{"errors:\n  sources:\n    - file: a.log\n      poll: 1ms\n", "errors.sources[0].poll: 1ms is out of range"},
		{"errors:\n  sources:\n    - file: a.log\n    - file: b/a.log\n", `errors.sources[1].name: "a" is also the name of sources[0]`},
		{"errors:\n  sources: [{file: a.log}]\n  levels: [error, severe, oops]\n", `launchready.yaml:7:11: errors.levels: unknown level "oops"`},
		{"errors:\n  sources: [{file: a.log}]\n  redact: ['ok', '(unclosed']\n", "launchready.yaml:7:18: errors.redact[1]: is not a valid regular expression"},
		{"errors:\n  sources: [{file: a.log}]\n  rate_high: 20\n  rate_critical: 5\n", "errors.rate_critical: 5 is below rate_high (20)"},
		{"errors:\n  sources: [{file: a.log}]\n  caps: {groups: 1}\n", "errors.caps.groups: 1 is out of range; use 10 to 100000 groups"},
		{"errors:\n  sources: [{file: a.log}]\n  cap: {groups: 100}\n", `errors.cap: unknown key; did you mean "caps"?`},
		{"errors:\n  sources: [{file: 'lab:../etc/passwd'}]\n", "errors.sources[0].file: \"lab:../etc/passwd\": lab: must name a file in the lab's folder"},
		{"errors:\n  sources: [{file: a.log, backfill: many}]\n", "errors.sources[0].backfill: expected a whole number"},
	}
	for _, c := range cases {
		got := buildErr(t, c.section)
		if !strings.Contains(got, c.want) {
			t.Errorf("section:\n%s\ngot:  %s\nwant: %s", c.section, got, c.want)
		}
	}
}

func TestConfigDefaults(t *testing.T) {
	t.Parallel()
	env := testEnv(t, "errors:\n  sources:\n    - file: logs/app.log\n    - command: journalctl -fu app -o json\n", nil)
	c := buildCheck(t, env)
	if len(c.set.sources) != 2 {
		t.Fatal(c.set.sources)
	}
	f, cmd := c.set.sources[0], c.set.sources[1]
	if f.name != "app" || f.path != filepath.Join(filepath.Dir(env.Config.File), "logs/app.log") || f.backfill != defaultBackfill || f.poll != defaultPoll {
		t.Errorf("file source defaults: %+v", f)
	}
	if cmd.name != "journalctl" || cmd.backoff != defaultBackoff || cmd.kind != "command" {
		t.Errorf("command source defaults: %+v", cmd)
	}
	if c.set.levels.names()[0] != "error" || c.set.levels[lvWarn] || !c.set.levels[lvPanic] || c.set.caps.groups != defaultGroups {
		t.Errorf("defaults: levels %v caps %+v", c.set.levels.names(), c.set.caps)
	}
	if c.Info().Name != "errors" || c.Info().Target != "app, journalctl" || c.Info().Interval != defaultInterval {
		t.Errorf("info %+v", c.Info())
	}
	// No section, no check.
	text := "domain: acme.example\ncanonical_url: https://app.acme.example/\nhosts:\n  - name: app.acme.example\n"
	cfg, err := config.Parse([]byte(text), "x.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if cs, err := Kind.Build(probes.Env{Config: cfg}); err != nil || len(cs) != 0 {
		t.Errorf("without errors: %v %v", cs, err)
	}
}

// TestLabPathWithoutTheLab: lab:app.log outside --lab is a source in error (a high
// finding saying what to do), not a config error: the example config must validate.
func TestLabPathWithoutTheLab(t *testing.T) {
	t.Parallel()
	c := buildCheck(t, testEnv(t, "errors:\n  sources: [{name: app, file: 'lab:app.log'}]\n", nil))
	res := runCheck2(t, c)
	f, ok := findingByID(res.Findings, "errors.source-down")
	if !ok || f.Severity != probes.High || f.Impact != probes.Support || !strings.Contains(f.Detail, "exists only with --lab") {
		t.Errorf("finding %+v", res.Findings)
	}
	if res.Metrics["sources_down"] != 1 {
		t.Errorf("metrics %v", res.Metrics)
	}
}

package runbook

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
)

var update = flag.Bool("update", false, "rewrite testdata/*.err from the current messages")

// sessionChecks is a session with two endpoint checks, for validating check: steps.
func sessionChecks() Env {
	return Env{Checks: []probes.Check{fakeCheck{name: "http api.acme.example"}, fakeCheck{name: "http app.acme.example"}}}
}

// TestInvalidRunbooks maps each testdata/invalid-*.yaml to the exact messages in its .err
// file: the messages are the product, so a change to one is a reviewed change.
func TestInvalidRunbooks(t *testing.T) {
	files, err := filepath.Glob("testdata/invalid-*.yaml")
	if err != nil || len(files) < 10 {
		t.Fatalf("expected the invalid-*.yaml corpus, found %d files (%v)", len(files), err)
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".yaml"), func(t *testing.T) {
			t.Parallel()
			_, err := loadChecked(f, sessionChecks())
			if err == nil {
				t.Fatalf("%s is valid", f)
			}
			es, ok := err.(config.Errors)
			if !ok {
				t.Fatalf("error is %T, want config.Errors", err)
			}
			for _, e := range es {
				if e.File != f || (e.Line == 0 && !strings.Contains(f, "no-steps")) {
					t.Errorf("error does not say where: %v", e)
				}
			}
			got := err.Error() + "\n"
			golden := strings.TrimSuffix(f, ".yaml") + ".err"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("missing %s (run go test -update once and review it): %v", golden, err)
			}
			if got != string(want) {
				t.Errorf("messages for %s changed:\n--- got\n%s--- want\n%s", f, got, want)
			}
		})
	}
}

func TestSecretDefaultNeverEchoed(t *testing.T) {
	_, err := Load("testdata/invalid-inputs.yaml")
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("a secret's default must be refused without repeating it: %v", err)
	}
}

func TestVarRefs(t *testing.T) {
	t.Parallel()
	for cmd, want := range map[string]string{
		`echo $A ${B} ${C:-x} ${#D} "$E" '$F' \$G $h $1 $? $$ $_`: "A B C D E",
		`echo "it's $A"`:                       "A",
		`echo 'a'$B'c'`:                        "B",
		"cat <<'EOF'\n$A\nEOF\necho $B":        "B",
		"cat <<EOF\n$A\nEOF":                   "A",
		`X=1; for Y in a; do echo $X $Y; done`: "X Y",
		`echo ${A_1}_${B}x $C9`:                "A_1 B C9",
		`awk '{print $1}' | grep "$PAT"`:       "PAT",
	} {
		if got := strings.Join(varRefs(cmd), " "); got != want {
			t.Errorf("varRefs(%q) = %q, want %q", cmd, got, want)
		}
	}
	locals := shellLocals("X=1; export Y=2; for Z in a; do read -r W; done; A+=b; B[0]=c")
	for _, n := range []string{"X", "Y", "Z", "W", "A", "B"} {
		if !locals[n] {
			t.Errorf("shellLocals misses %s: %v", n, locals)
		}
	}
}

func TestLoadDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("deploy.yaml", "steps: [{run: echo deploy}]\n")
	write("rollback.yml", "description: \"# Roll back\\nTo the last good release.\"\nsteps: [{run: echo rollback}]\n")
	write("copy.yaml", "name: deploy\nsteps: [{run: echo again}]\n")
	write("broken.yaml", "steps: [{rnu: x}]\n")
	write("notes.txt", "not a runbook")
	write(".hidden.yaml", "garbage: [")
	rbs, err := LoadDir(dir, Env{})
	names := []string{}
	for _, rb := range rbs {
		names = append(names, rb.Name)
	}
	if !slices.Equal(names, []string{"deploy", "rollback"}) {
		t.Errorf("loaded %v", names)
	}
	if err == nil || !strings.Contains(err.Error(), "broken.yaml:1:10: steps[0].rnu: unknown key") || !strings.Contains(err.Error(), `"deploy" is also the name of`) {
		t.Errorf("errors: %v", err)
	}
	if rb, ok := Find(rbs, "rollback"); !ok || rb.Summary() != "Roll back" {
		t.Errorf("summary of %+v", rb)
	}
	if rbs, err := LoadDir(filepath.Join(dir, "absent"), Env{}); rbs != nil || err != nil {
		t.Errorf("a missing folder is no runbooks: %v %v", rbs, err)
	}
}

func TestPlanRunsNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t, &script{})
	h.opts.Inputs = map[string]Given{"RELEASE": {Value: "v7", By: GivenFlag}}
	h.opts.Getenv = func(k string) (string, bool) {
		if k == "TOKEN" {
			return "from-env-secret", true
		}
		return "", false
	}
	dir := t.TempDir()
	rb := runbookFrom(t, dir, `inputs:
  - {name: RELEASE}
  - {name: TOKEN, secret: true}
  - {name: REGION, default: eu}
env: {APP: acme}
steps:
  - name: Deploy
    confirm: Deploy $RELEASE?
    run: touch ran; deploy "$RELEASE" "$TOKEN"
    cwd: /srv/app
    timeout: 2m
    rollback: undo
  - generate: {name: KEY, prefix: whsec_}
  - check: {endpoint: http api.acme.example, times: 3}
  - input: {name: NOTE}
`, sessionChecks())
	p := h.engine().Plan(rb)
	if _, err := os.Stat(filepath.Join(dir, "ran")); err == nil {
		t.Fatal("the plan ran a command")
	}
	if runs, _ := h.store.ListRuns(); len(runs) != 0 {
		t.Fatal("the plan wrote a transcript")
	}
	got := map[string]string{}
	for _, in := range p.Inputs {
		got[in.Name] = in.Source + "=" + in.Value
	}
	want := map[string]string{"RELEASE": "--input=v7", "TOKEN": "environment=", "REGION": "default (or ask)=eu", "NOTE": "ask="}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("input %s: %q, want %q", k, got[k], v)
		}
	}
	s := p.Steps[0]
	if s.Cwd != "/srv/app" || s.Timeout.String() != "2m0s" || strings.Join(s.Reads, ",") != "RELEASE,TOKEN" || strings.Join(s.Env, ",") != "APP" || s.Rollback != "undo" {
		t.Errorf("step 1 plan %+v", s)
	}
	if p.Steps[1].Generate != "KEY: 32 hex characters after whsec_" || p.Steps[2].Check != "http api.acme.example is healthy 3 times in a row, every 5s, within 5m" {
		t.Errorf("plan %+v %+v", p.Steps[1], p.Steps[2])
	}
}

// FuzzParse feeds the parser and the validator arbitrary text: they must return a
// runbook or positioned errors, never panic or hang.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.yaml")
	starters, _ := filepath.Glob("../examples/runbooks/*/*.yaml")
	for _, p := range append(seeds, starters...) {
		b, err := os.ReadFile(p)
		if err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("steps:\n  - run: echo $A\n    check: {dns: {name: a.example, equals: [1.2.3.4]}, times: 2}\n"))
	f.Add([]byte("steps: [{input: {name: A, pattern: '(a|b'}}]"))
	f.Add([]byte("&a steps: *a"))
	f.Add([]byte("steps:\n  - check: &c {endpoint: x}\n  - check: *c\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rb, err := Parse(data, "fuzz.yaml")
		if err != nil {
			if _, ok := err.(config.Errors); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		_ = rb.Validate(sessionChecks())
		for i := range rb.Steps {
			_ = rb.Steps[i].Title()
			varRefs(rb.Steps[i].Run)
		}
	})
}

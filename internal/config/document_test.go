package config

import (
	"strings"
	"testing"
)

func TestDocumentDecodeStrictWithPositions(t *testing.T) {
	type step struct {
		Name  string `yaml:"name"`
		Run   string `yaml:"run"`
		Check Raw    `yaml:"check"`
	}
	var v struct {
		Name  string `yaml:"name"`
		Steps []step `yaml:"steps"`
	}
	src := `name: deploy
steps:
  - name: pull
    run: git pull
  - name: wait
    check:
      endpoint: http api.acme.example
      within: 5m
  - name: typo
    rnu: make
`
	d, errs := ParseDocument([]byte(src), "deploy.yaml", "start from launchready runbook init")
	if errs != nil {
		t.Fatal(errs)
	}
	errs = d.Decode(&v)
	if len(errs) != 1 || errs[0].Error() != `deploy.yaml:10:5: steps[2].rnu: unknown key; did you mean "run"? (known keys: check, name, run)` {
		t.Fatalf("errors: %v", errs)
	}
	// Fix the typo and decode again: the Raw is adopted with its path.
	d, _ = ParseDocument([]byte(strings.Replace(src, "rnu:", "run:", 1)), "deploy.yaml", "")
	if errs := d.Decode(&v); errs != nil {
		t.Fatal(errs)
	}
	raw := &v.Steps[1].Check
	if !raw.IsSet() || raw.Path() != "steps[1].check" || v.Steps[0].Check.IsSet() {
		t.Fatalf("raw: set=%v path=%q", raw.IsSet(), raw.Path())
	}
	fields, errs := raw.Fields()
	if errs != nil || len(fields) != 2 || fields[0].Key != "endpoint" || fields[1].Key != "within" {
		t.Fatalf("fields: %+v %v", fields, errs)
	}
	var name string
	if errs := fields[0].Value.Decode(&name); errs != nil || name != "http api.acme.example" {
		t.Fatalf("decode endpoint: %q %v", name, errs)
	}
	var n int
	errs = fields[1].Value.Decode(&n)
	if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), "deploy.yaml:8:15: steps[1].check.within: expected a whole number") {
		t.Fatalf("type error in a raw: %v", errs)
	}
	if e := raw.Error("steps[1].check.endpoint", "no such check", "fix"); e.Line != 7 {
		t.Errorf("raw error position: %+v", e)
	}
}

func TestParseDocumentRefusesNonMappings(t *testing.T) {
	for src, want := range map[string]string{
		"":                   "f.yaml: is empty; start here",
		"- a\n- b\n":         "f.yaml:1:1: must be a mapping of keys, found a list; start here",
		"a: 1\n---\nb: 2\n":  "holds more than one YAML document (---); keep one document per file",
		"a: [1\n":            "is not valid YAML",
		"a: 1\na: 2\n":       `key "a" is set twice in the same mapping`,
		"steps:\n\t- a: 1\n": "is not valid YAML",
	} {
		_, errs := ParseDocument([]byte(src), "f.yaml", "start here")
		if len(errs) != 1 || !strings.Contains(errs[0].Error(), want) {
			t.Errorf("%q: got %v, want %q", src, errs, want)
		}
	}
}

func TestUnknownKeyFixSuggests(t *testing.T) {
	if got := UnknownKeyFix("endpiont", []string{"dns", "endpoint", "within"}); !strings.HasPrefix(got, `did you mean "endpoint"?`) {
		t.Errorf("got %q", got)
	}
	if Closest("zzzzzz", []string{"dns"}) != "" {
		t.Error("suggested something for a far-off name")
	}
}

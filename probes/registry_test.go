package probes

import (
	"errors"
	"strings"
	"testing"

	"github.com/launchready/launchready/internal/config"
)

func mustConfig(t *testing.T, text string) *config.Config {
	t.Helper()
	c, err := config.Parse([]byte(text), "lr.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const base = "domain: acme.example\ncanonical_url: https://app.acme.example/\nhosts: [{name: app.acme.example}]\n"

func kindOf(name string, pane Pane, section string, checks ...string) Kind {
	return Kind{Name: name, Pane: pane, Section: section, Build: func(Env) ([]Check, error) {
		var out []Check
		for _, c := range checks {
			out = append(out, &fakeCheck{name: c, run: ok})
		}
		return out, nil
	}}
}

func TestRegistryBuild(t *testing.T) {
	t.Parallel()
	r := NewRegistry(kindOf("a", PaneDNS, "dns", "a1", "a2"), kindOf("b", PaneEndpoints, "", "b1"))
	cs, err := r.Build(Env{Config: mustConfig(t, base)}, nil)
	if err != nil || len(cs) != 3 {
		t.Fatalf("Build: %d checks, %v", len(cs), err)
	}
	cs, err = r.Build(Env{Config: mustConfig(t, base)}, []Pane{PaneEndpoints})
	if err != nil || len(cs) != 1 {
		t.Fatalf("--only endpoints: %d checks, %v", len(cs), err)
	}
}

func TestRegistryRefusesUnreadSectionsAndDuplicateNames(t *testing.T) {
	t.Parallel()
	r := NewRegistry(kindOf("a", PaneDNS, "dns", "same"), kindOf("b", PaneEndpoints, "", "same"))
	_, err := r.Build(Env{Config: mustConfig(t, base+"errors:\n  sources: []\n")}, nil)
	var ce config.Errors
	if !errors.As(err, &ce) {
		t.Fatalf("want config.Errors, got %v", err)
	}
	msg := err.Error()
	for _, want := range []string{`lr.yaml:4:1: errors: no check in this version of launchready reads this section yet`, `two checks are named "same"`} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
}

func TestRegistryCollectsEveryKindsErrors(t *testing.T) {
	t.Parallel()
	bad := func(msg string) Kind {
		return Kind{Name: msg, Pane: PaneDNS, Build: func(Env) ([]Check, error) { return nil, config.Errors{{File: "lr.yaml", Msg: msg}} }}
	}
	_, err := NewRegistry(bad("first"), bad("second")).Build(Env{Config: mustConfig(t, base)}, nil)
	if err == nil || !strings.Contains(err.Error(), "first") || !strings.Contains(err.Error(), "second") {
		t.Errorf("want both kinds' errors, got %v", err)
	}
}

package runbook

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/launchready/launchready/examples"
	"github.com/launchready/launchready/internal/config"
)

func TestStartersValidateForEverySetup(t *testing.T) {
	t.Parallel()
	cfg, err := config.Parse(examples.Config, examples.ConfigName)
	if err != nil {
		t.Fatal(err)
	}
	checks, err := httpKindChecks(cfg, netFor(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	env := Env{Checks: checks}
	for _, s := range Setups {
		files, err := Starters(s.Name, cfg, env)
		if err != nil {
			t.Fatalf("%s: %v", s.Name, err)
		}
		if len(files) != 3 || files["deploy.yaml"] == nil || files["rollback.yaml"] == nil || files["rotate-secret.yaml"] == nil {
			t.Fatalf("%s: files %v", s.Name, len(files))
		}
		for name, b := range files {
			rb, err := Parse(b, name)
			if err != nil {
				t.Fatal(err)
			}
			if err := rb.Validate(env); err != nil {
				t.Fatalf("%s/%s: %v", s.Name, name, err)
			}
			n := len(rb.Steps)
			if rb.Steps[n-1].Run != "launchready email send-test" && rb.Steps[n-2].Run != "launchready email send-test" {
				t.Errorf("%s/%s does not end with a test email", s.Name, name)
			}
			var checked []string
			for _, st := range rb.Steps {
				if st.check != nil {
					checked = append(checked, st.check.Condition.Describe())
				}
			}
			if strings.Join(checked, ",") != "http api.acme.example is healthy,http app.acme.example is healthy" {
				t.Errorf("%s/%s health checks: %v", s.Name, name, checked)
			}
			if !strings.Contains(string(b), "CHANGE-ME") || rb.Description == "" {
				t.Errorf("%s/%s lacks placeholders or a description", s.Name, name)
			}
		}
	}
	if _, err := Starters("kubernetes", cfg, env); err == nil || !strings.Contains(err.Error(), "systemd, compose, platform") {
		t.Errorf("unknown set-up: %v", err)
	}
}

func TestStartersUseTheSessionsHosts(t *testing.T) {
	t.Parallel()
	cfg, err := config.Parse([]byte(`domain: shop.example
canonical_url: https://www.shop.example/
hosts:
  - {name: www.shop.example, role: www}
  - {name: backend.shop.example, role: api, url: https://backend.shop.example/healthz}
`), "lr.yaml")
	if err != nil {
		t.Fatal(err)
	}
	checks, err := httpKindChecks(cfg, netFor(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	files, err := Starters("compose", cfg, Env{Checks: checks})
	if err != nil {
		t.Fatal(err)
	}
	d := string(files["deploy.yaml"])
	if !strings.Contains(d, "endpoint: http backend.shop.example") || !strings.Contains(d, "endpoint: http www.shop.example") || strings.Contains(d, "acme.example") {
		t.Errorf("checks not pointed at the session's hosts:\n%s", d)
	}

	dir := filepath.Join(t.TempDir(), "runbooks")
	written, err := WriteStarters(dir, files, false)
	if err != nil || len(written) != 3 {
		t.Fatalf("%v %v", written, err)
	}
	os.WriteFile(filepath.Join(dir, "deploy.yaml"), []byte("# mine\n"), 0o644)
	written, err = WriteStarters(dir, files, false)
	if !errors.Is(err, ErrStarterExists) || len(written) != 0 {
		t.Errorf("overwrote without --force: %v %v", written, err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "deploy.yaml")); string(b) != "# mine\n" {
		t.Error("an existing runbook was changed")
	}
	if written, err = WriteStarters(dir, files, true); err != nil || len(written) != 3 {
		t.Errorf("--force: %v %v", written, err)
	}
	rbs, err := LoadDir(dir, Env{Checks: checks})
	if err != nil || len(rbs) != 3 {
		t.Errorf("written starters do not load: %v", err)
	}
}

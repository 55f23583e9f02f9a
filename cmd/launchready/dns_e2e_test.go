package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/launchready/launchready/internal/report"
)

// Export then diff with no change is no drift, in both formats; the demo lab against a
// map of the healthy one is drift, exit 1, in text and JSON. The healthy map has the
// sending subdomain news.acme.example's SPF, MX, DKIM, MTA-STS and TLS-RPT names.
func TestDNSExportThenDiff(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, format := range []string{"yaml", "zone"} {
		file := filepath.Join(dir, "dns-map."+format)
		_, stderr, code := launch(t, nil, "dns", "export", "--lab=healthy", "--format", format, "-o", file)
		if code != exitOK || !strings.Contains(stderr, "wrote 24 records at 18 names of acme.example to "+file) {
			t.Fatalf("export %s: exit %d\n%s", format, code, stderr)
		}
		out, stderr, code := launch(t, nil, "dns", "diff", file, "--lab=healthy")
		if code != exitOK || !strings.HasPrefix(out, "✔ No drift: acme.example matches "+file) {
			t.Errorf("diff %s against the same zone: exit %d\n%s%s", format, code, out, stderr)
		}
		out, stderr, code = launch(t, nil, "dns", "diff", file, "--lab")
		if code != exitFindings {
			t.Errorf("diff %s against the demo: exit %d, want 1\n%s%s", format, code, out, stderr)
		}
		for _, want := range []string{
			"✖ DNS drift in acme.example: 1 added, 1 removed, 4 changed",
			"+ admin.acme.example. 300 IN CNAME ghost-app.herokudns.com.",
			"- admin.acme.example. 300 IN A 127.0.0.1",
			"~ api.acme.example. A: 300 127.0.0.1 -> 86400 127.0.0.1",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("diff %s text lacks %q:\n%s", format, want, out)
			}
		}
	}
	doc, err := os.ReadFile(filepath.Join(dir, "dns-map.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"'news.acme.example':", "'lr1._domainkey.news.acme.example':", "'_mta-sts.news.acme.example':", "'_smtp._tls.news.acme.example':"} {
		if !strings.Contains(string(doc), name) {
			t.Errorf("the exported map lacks %s, a name the email pane reads:\n%s", name, doc)
		}
	}
	out, _, code := launch(t, nil, "dns", "diff", filepath.Join(dir, "dns-map.yaml"), "--lab", "--json")
	var rep struct {
		Schema  string `json:"schema"`
		Drift   bool   `json:"drift"`
		Added   []struct{ Name, Type, Data string }
		Removed []struct{ Name, Type string }
		Changed []struct{ Name, Type string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != exitFindings {
		t.Fatalf("--json: exit %d, %v\n%s", code, err, out)
	}
	if rep.Schema != diffSchema || !rep.Drift || len(rep.Added) != 1 || rep.Added[0].Data != "ghost-app.herokudns.com." || len(rep.Removed) != 1 || len(rep.Changed) != 4 {
		t.Errorf("--json report: %+v", rep)
	}
	// Export to stdout is the map itself.
	out, _, code = launch(t, nil, "dns", "export", "--lab")
	if code != exitOK || !strings.Contains(out, "schema: launchready.dnsmap/v1") || !strings.Contains(out, "'CNAME 300 ghost-app.herokudns.com.'") {
		t.Errorf("export to stdout: exit %d\n%s", code, out)
	}
}

func TestDNSErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("schema: launchready.dnsmap/v1\nzone: acme.example\nnames:\n  acme.example:\n    - 'A 300 not-an-address'\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "other.yaml")
	if err := os.WriteFile(other, []byte("schema: launchready.dnsmap/v1\nzone: other.example\nnames: {}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no file", []string{"dns", "diff", filepath.Join(dir, "missing.yaml"), "--lab"}, "write one with `launchready dns export -o"},
		{"bad file", []string{"dns", "diff", bad, "--lab"}, bad + ":5:7: acme.example: A data"},
		{"another zone", []string{"dns", "diff", other, "--lab"}, "documents the zone other.example, but examples/launchready.yaml's domain is acme.example"},
		{"no argument", []string{"dns", "diff"}, "launchready dns diff: takes one argument"},
		{"bad format", []string{"dns", "export", "--lab", "--format", "json"}, `unknown format "json"`},
		{"unwritable", []string{"dns", "export", "--lab", "-o", filepath.Join(dir, "no", "such", "dir", "map.yaml")}, "cannot write"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, stderr, code := launch(t, nil, c.args...)
			if code != exitUsage || !strings.Contains(stderr, c.want) {
				t.Errorf("exit %d (want 2), stderr %q (want %q)", code, stderr, c.want)
			}
		})
	}
}

// check --lab shows the DNS pane's demo faults; the healthy lab has nothing above info.
func TestCheckDNSPane(t *testing.T) {
	t.Parallel()
	out, stderr, code := launch(t, nil, "check", "--lab", "--only", "dns", "--json", "--fail-on", "critical")
	if code != exitFindings {
		t.Fatalf("exit %d, want 1 (a dangling CNAME is critical)\n%s", code, stderr)
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range rep.Findings {
		got[f.ID+" "+f.Target] = f.Severity.String()
	}
	for k, sev := range map[string]string{
		"dns.dangling-cname admin.acme.example": "critical",
		"dns.drift admin.acme.example":          "high",
		"dns.caa-mismatch acme.example":         "high",
		"dns.ttl-too-long api.acme.example":     "low",
	} {
		if got[k] != sev {
			t.Errorf("want %s at %s; got %v", k, sev, got)
		}
	}
	out, stderr, code = launch(t, nil, "check", "--lab=healthy", "--only", "dns", "--fail-on", "low")
	if code != exitOK || !strings.Contains(out, "No findings") {
		t.Errorf("healthy DNS pane: exit %d\n%s%s", code, out, stderr)
	}
}

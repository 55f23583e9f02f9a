package secretscan

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var frozen = func() time.Time { return time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC) }

func TestScanRepoRemovedKeyLivesInHistory(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	rep, err := ScanRepo(context.Background(), RepoOptions{Path: fx.dir, Now: frozen})
	if err != nil {
		t.Fatal(err)
	}
	var leaks []Finding
	for _, f := range rep.Findings {
		if !f.Public {
			leaks = append(leaks, f)
		}
	}
	if len(leaks) != 1 {
		t.Fatalf("want exactly the removed Stripe key, got %+v", rep.Findings)
	}
	f := leaks[0]
	if f.Kind != "stripe-secret-key" || f.Level != Critical || !f.Removed() || f.Commit != fx.added || f.File != "src/pay.js" || f.Line != 2 {
		t.Errorf("finding = %+v; want the critical stripe-secret-key, removed, introduced in %s at src/pay.js:2", f, fx.added)
	}
	if !strings.Contains(f.Advice, "not enough") || !strings.Contains(f.Advice, "rotate-secret") {
		t.Errorf("advice %q must say removal is not enough and name the rotate runbook", f.Advice)
	}
	if rep.Counts.Critical != 1 || rep.Counts.Removed != 1 || rep.Counts.Allowed == 0 {
		t.Errorf("counts = %+v; want 1 critical, 1 removed, the fixture allowed", rep.Counts)
	}
	if rep.Head != fx.git("rev-parse", "HEAD") || rep.Commits < 5 || rep.Files < 4 {
		t.Errorf("report head %s, %d commits, %d files", rep.Head, rep.Commits, rep.Files)
	}
	if v := Verdict(rep); !strings.Contains(v, "removal is not enough") {
		t.Errorf("verdict %q", v)
	}
}

func TestScanRepoSinceOnCleanBranch(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	fx.git("checkout", "-q", "clean")
	rep, err := ScanRepo(context.Background(), RepoOptions{Path: fx.dir, Since: fx.base, Now: frozen})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Counts.Leaks() != 0 || rep.Commits != 1 {
		t.Errorf("the clean branch since its base: %d leaks in %d commits, want 0 in 1: %+v", rep.Counts.Leaks(), rep.Commits, rep.Findings)
	}
	if _, err := ScanRepo(context.Background(), RepoOptions{Path: fx.dir, Since: "origin/nope"}); err == nil || !strings.Contains(err.Error(), "fetch") {
		t.Errorf("an unknown --since ref: err = %v, want advice to fetch it", err)
	}
}

func TestScanRepoGitleaksIgnore(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	rep, err := ScanRepo(context.Background(), RepoOptions{Path: fx.dir})
	if err != nil {
		t.Fatal(err)
	}
	var fps []string
	for _, f := range rep.Findings {
		fps = append(fps, f.Fingerprint)
	}
	fx.write(".gitleaksignore", "# accepted\n"+strings.Join(fps, "\n")+"\n")
	rep, err = ScanRepo(context.Background(), RepoOptions{Path: fx.dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 0 || rep.Counts.Allowed < len(fps) {
		t.Errorf("with every fingerprint in .gitleaksignore: %+v, counts %+v", rep.Findings, rep.Counts)
	}
}

func TestScanRepoTreeAndUncommitted(t *testing.T) {
	t.Parallel()
	r := newGitRepo(t)
	r.write("app/config.go", "package app\n\nvar stripeKey = \""+plantedRestricted()+"\"\n")
	r.commit("config")
	r.write("scratch.env", "SUPABASE_SERVICE_KEY="+plantedJWT("service_role")+"\n")
	r.write(".gitignore", "local.env\n")
	r.write("local.env", "STRIPE_SECRET_KEY="+plantedStripeSecret()+"\n")
	rep, err := ScanRepo(context.Background(), RepoOptions{Path: filepath.Join(r.dir, "app")})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Finding{}
	for _, f := range rep.Findings {
		got[f.Kind] = f
	}
	if f := got["stripe-restricted-key"]; f.Where != WhereTree || f.Commit == "" || f.Level != Critical {
		t.Errorf("committed key in the tree: %+v", f)
	}
	if f := got["supabase-service-role"]; f.Where != WhereUncommitted || f.Commit != "" || f.Level != Critical {
		t.Errorf("uncommitted service-role token: %+v", f)
	}
	if len(rep.Findings) != 2 {
		t.Errorf("an ignored local.env is not code; want 2 findings, got %+v", rep.Findings)
	}
}

func TestScanRepoOutsideRepository(t *testing.T) {
	t.Parallel()
	_, err := ScanRepo(context.Background(), RepoOptions{Path: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "not inside a git repository") {
		t.Errorf("err = %v", err)
	}
}

// TestNoSecretInAnyOutput: text, JSON, SARIF and the state record of a scan that finds
// every planted secret hold none of them.
func TestNoSecretInAnyOutput(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	fx.write("server/db.js", "const password = \""+plantedPassword()+"\";\nconst k = \""+plantedRestricted()+"\";\nconst s = \""+plantedJWT("service_role")+"\";\n")
	fx.write("server/aws.ini", "aws_secret_access_key = "+plantedAWSSecret()+"\n")
	fx.commit("server")
	rep, err := ScanRepo(context.Background(), RepoOptions{Path: fx.dir, Now: frozen})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{}
	for _, f := range rep.Findings {
		kinds[f.Kind] = true
	}
	for _, k := range []string{"stripe-secret-key", "stripe-restricted-key", "supabase-service-role", "aws-secret-key", "password"} {
		if !kinds[k] {
			t.Errorf("no %s found; findings: %+v", k, rep.Findings)
		}
	}
	var text, js, sarif bytes.Buffer
	if err := WriteText(&text, rep); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&js, rep); err != nil {
		t.Fatal(err)
	}
	if err := WriteSARIF(&sarif, rep, "test"); err != nil {
		t.Fatal(err)
	}
	state := t.TempDir()
	if err := WriteRecord(state, rep); err != nil {
		t.Fatal(err)
	}
	rec, _ := os.ReadFile(filepath.Join(state, RecordFile))
	for what, out := range map[string]string{"text": text.String(), "json": js.String(), "sarif": sarif.String(), "record": string(rec)} {
		assertNoSecret(t, what, out)
	}
	if !strings.Contains(text.String(), "sk_live_… (") {
		t.Errorf("text shows no preview:\n%s", text.String())
	}
	back, ok, err := ReadRecord(state)
	if err != nil || !ok || back.Head != rep.Head || back.Counts != rep.Counts {
		t.Errorf("record read back: %+v ok=%v err=%v", back, ok, err)
	}
	var any map[string]any
	if err := json.Unmarshal(js.Bytes(), &any); err != nil || any["schema"] != RecordSchema {
		t.Errorf("json output: %v %v", err, any["schema"])
	}
}

func TestAllowlistErrors(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"no reason": "[[allow]]\npath = \"x/**\"\n",
		"no target": "[[allow]]\nreason = \"why\"\n",
		"not toml":  "[[allow]\n",
	} {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, AllowlistFile), []byte(body), 0o644)
		if _, err := LoadAllowlist(dir); err == nil || !strings.Contains(err.Error(), AllowlistFile) {
			t.Errorf("%s: err = %v, want one naming the file", name, err)
		}
	}
	a, err := LoadAllowlist(t.TempDir())
	if err != nil || len(a.Allow) != 0 {
		t.Errorf("no file: %v %v", a, err)
	}
}

package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The planted key is built from parts so this repository holds nothing a scanner takes for
// a key; no service issued it.
func cliPlantedKey() string { return "sk_" + "live_" + "51LabOnly" + "Cm4Dn6Fp8Gq1Hr3Js5" }

// cliRepo builds a repository with git: a live key added, then removed three commits ago,
// and a branch with clean work.
func cliRepo(t *testing.T) (dir, base string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed; the repository scan needs it")
	}
	dir = t.TempDir()
	g := func(args ...string) string {
		cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_AUTHOR_NAME=Lab", "GIT_AUTHOR_EMAIL=lab@acme.example",
			"GIT_COMMITTER_NAME=Lab", "GIT_COMMITTER_EMAIL=lab@acme.example")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	commit := func(file, content, msg string) {
		os.WriteFile(filepath.Join(dir, file), []byte(content), 0o644)
		g("add", "-A")
		g("commit", "-q", "-m", msg)
	}
	g("init", "-q", "-b", "main")
	commit("README.md", "# shop\n", "start")
	base = g("rev-parse", "HEAD")
	commit("pay.js", "const k = \""+cliPlantedKey()+"\";\n", "pay")
	commit("pay.js", "const k = process.env.STRIPE_SECRET_KEY;\n", "key from env")
	commit("a.md", "a\n", "a")
	commit("b.md", "b\n", "b")
	commit("c.md", "c\n", "c")
	g("checkout", "-q", "-b", "clean", base)
	commit("clean.md", "clean\n", "clean work")
	g("checkout", "-q", "main")
	return dir, base
}

func TestSecretsScanExitCodesAndFormats(t *testing.T) {
	t.Parallel()
	dir, base := cliRepo(t)
	state := t.TempDir()

	out, errOut, code := launch(t, nil, "secrets", "scan", "--state", state, dir)
	if code != 1 || !strings.Contains(out, "removed from the tree, alive in history") || !strings.Contains(out, "rotate-secret") {
		t.Errorf("text: exit %d, want 1 and the removed key with the rotate runbook\n%s%s", code, out, errOut)
	}
	rec, err := os.ReadFile(filepath.Join(state, "secrets-scan.json"))
	if err != nil || !strings.Contains(string(rec), `"critical": 1`) {
		t.Errorf("the scan is not recorded in the state folder: %v\n%s", err, rec)
	}

	js, _, code := launch(t, nil, "secrets", "scan", "--state", state, "--format", "json", dir)
	var rep struct {
		Findings []struct{ Kind, Where string } `json:"findings"`
	}
	if err := json.Unmarshal([]byte(js), &rep); err != nil || code != 1 || len(rep.Findings) != 1 || rep.Findings[0].Where != "history" {
		t.Errorf("json: exit %d, %v, %+v", code, err, rep)
	}

	sarif, _, code := launch(t, nil, "secrets", "scan", "--state", state, "--format", "sarif", dir)
	if code != 1 || !strings.Contains(sarif, `"version": "2.1.0"`) {
		t.Errorf("sarif: exit %d\n%s", code, sarif)
	}
	for what, s := range map[string]string{"text": out + errOut, "json": js, "sarif": sarif, "record": string(rec)} {
		if strings.Contains(s, cliPlantedKey()[8:]) {
			t.Errorf("%s output holds the planted key", what)
		}
	}

	// The clean branch, since its base: exit 0.
	exec.Command("git", "-C", dir, "checkout", "-q", "clean").Run()
	out, errOut, code = launch(t, nil, "secrets", "scan", "--state", state, "--since", base, dir)
	if code != 0 || !strings.Contains(out, "No secrets found") {
		t.Errorf("clean branch: exit %d\n%s%s", code, out, errOut)
	}

	// Usage and could-not-run: exit 2.
	if _, e, code := launch(t, nil, "secrets", "scan", "--format", "xml", dir); code != 2 || !strings.Contains(e, "text, json or sarif") {
		t.Errorf("bad format: exit %d %s", code, e)
	}
	if _, e, code := launch(t, nil, "secrets", "scan", t.TempDir()); code != 2 || !strings.Contains(e, "not inside a git repository") {
		t.Errorf("not a repository: exit %d %s", code, e)
	}
}

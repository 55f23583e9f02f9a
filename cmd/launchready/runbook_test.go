package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/launchready/launchready/runbook"
)

// project is a folder with the example config and a runbooks folder, as an operator has.
type project struct {
	dir, config, state string
}

func newProject(t *testing.T, runbooks map[string]string) project {
	t.Helper()
	p := project{dir: t.TempDir()}
	p.config, p.state = filepath.Join(p.dir, "launchready.yaml"), filepath.Join(p.dir, "state")
	example, err := os.ReadFile("../../examples/launchready.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p.config, example, 0o600); err != nil {
		t.Fatal(err)
	}
	if len(runbooks) > 0 {
		os.Mkdir(filepath.Join(p.dir, "runbooks"), 0o755)
	}
	for name, text := range runbooks {
		if err := os.WriteFile(filepath.Join(p.dir, "runbooks", name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// run runs launchready in the project with stdin, returning stdout, stderr and the exit code.
func (p project) run(t *testing.T, stdin string, env []string, args ...string) (string, string, int) {
	t.Helper()
	cmd := p.command(stdin, env, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running launchready: %v", err)
	}
	return out.String(), errb.String(), code
}

func (p project) command(stdin string, env []string, args ...string) *exec.Cmd {
	cmd := exec.Command(binary, append(args, "--config", p.config, "--state", p.state)...)
	cmd.Dir = p.dir
	// The example config's endpoints section references the lab's test secrets; outside
	// --lab they must come from the environment like any real secret.
	labSecrets := []string{"LAUNCHREADY_LAB_MEMBER_PASSWORD=m", "LAUNCHREADY_LAB_ADMIN_PASSWORD=a",
		"LAUNCHREADY_LAB_STRIPE_WEBHOOK_SECRET=s", "LAUNCHREADY_LAB_GITHUB_WEBHOOK_SECRET=g",
		"LAUNCHREADY_LAB_SMTP_PASSWORD=p", "LAUNCHREADY_LAB_INBOX_PASSWORD=i"}
	cmd.Env = append(append([]string{"HOME=" + p.dir, "PATH=" + os.Getenv("PATH"), "USER=sam", "SSH_CONNECTION=10.0.0.7 52311 10.0.0.5 22"}, labSecrets...), env...)
	cmd.Stdin = strings.NewReader(stdin)
	return cmd
}

func TestRunbookInitValidateList(t *testing.T) {
	t.Parallel()
	p := newProject(t, nil)
	out, stderr, code := p.run(t, "", nil, "runbook", "init", "--setup", "compose")
	if code != exitOK || strings.Count(out, "✔ wrote") != 3 {
		t.Fatalf("init: exit %d\n%s%s", code, out, stderr)
	}
	out, stderr, code = p.run(t, "", nil, "validate")
	if code != exitOK || !strings.Contains(out, "6 hosts, ") || !strings.Contains(out, " checks, 3 runbooks") {
		t.Errorf("validate: exit %d\n%s%s", code, out, stderr)
	}
	out, _, code = p.run(t, "", nil, "runbook", "list")
	for _, want := range []string{"deploy", "rollback", "rotate-secret", "Rotate a secret"} {
		if code != exitOK || !strings.Contains(out, want) {
			t.Errorf("list lacks %q (exit %d):\n%s", want, code, out)
		}
	}
	_, stderr, code = p.run(t, "", nil, "runbook", "init", "--setup", "compose")
	if code != exitUsage || !strings.Contains(stderr, "already exists (left as it is; pass --force to overwrite)") {
		t.Errorf("second init: exit %d %s", code, stderr)
	}
	_, stderr, code = p.run(t, "", nil, "runbook", "init", "--setup", "k8s")
	if code != exitUsage || !strings.Contains(stderr, "use one of systemd, compose, platform") {
		t.Errorf("bad set-up: exit %d %s", code, stderr)
	}
}

func TestValidateReportsRunbookErrors(t *testing.T) {
	t.Parallel()
	p := newProject(t, map[string]string{"deploy.yaml": `steps:
  - run: deploy "$RELEASE"
  - check:
      endpoint: http api.acme.exmple
`})
	_, stderr, code := p.run(t, "", nil, "validate")
	for _, want := range []string{
		"runbooks/deploy.yaml:2:10: steps[0].run: reads $RELEASE, which no input",
		`runbooks/deploy.yaml:4:17: steps[1].check.endpoint: "http api.acme.exmple" is not a check in launchready.yaml; did you mean "http api.acme.example"?`,
	} {
		if code != exitUsage || !strings.Contains(stderr, want) {
			t.Errorf("validate: exit %d, stderr lacks %q:\n%s", code, want, stderr)
		}
	}
}

const labDeploy = `name: deploy
description: Deploy against the lab.
inputs:
  - {name: RELEASE, prompt: Release, default: v2}
  - {name: TOKEN, secret: true, prompt: Deploy token}
steps:
  - name: Record
    run: echo v1
    capture: PREVIOUS
  - name: New key
    generate: {name: NEW_KEY, format: alnum, length: 40, prefix: key_}
  - name: Deploy
    confirm: Deploy now?
    run: echo "deploying $RELEASE with $TOKEN and $NEW_KEY"; echo "$TOKEN" > seen; printf %s "$NEW_KEY" > key; echo done
    rollback: echo "back to $PREVIOUS with $TOKEN"
  - name: Wait for the API
    check: {endpoint: http api.acme.example, times: 2, every: 200ms, within: 3s}
`

// TestRunbookRollsBackAFailedDeploy runs a deploy whose health check fails against the
// demo lab (the API answers 503), in CI mode, and checks the roll back, the exit code, the
// transcript, and that the secret given on stdin leaked nowhere.
func TestRunbookRollsBackAFailedDeploy(t *testing.T) {
	t.Parallel()
	const token = "tok-e2e-planted-41c7d2"
	p := newProject(t, map[string]string{"deploy.yaml": labDeploy})
	out, stderr, code := p.run(t, token+"\n", nil, "runbook", "run", "deploy", "--lab", "--yes", "--on-failure", "rollback", "--input", "TOKEN=-")
	if code != exitFindings {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, out, stderr)
	}
	for _, want := range []string{
		"Runbook deploy · run ", "(ssh from 10.0.0.7)",
		"$ echo \"deploying $RELEASE with $TOKEN and $NEW_KEY\"", "│ deploying v2 with [redacted TOKEN] and [redacted NEW_KEY]",
		"= NEW_KEY generated: 40 alnum characters (sha256:",
		"✖ API answers 503", "→ rollback (--on-failure)", "↩ rollback of 3: $ echo", "│ back to v1 with [redacted TOKEN]",
		"✖ deploy rolled-back · transcript ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if seen, _ := os.ReadFile(filepath.Join(p.dir, "seen")); strings.TrimSpace(string(seen)) != token {
		t.Errorf("the command did not get the secret: %q", seen)
	}
	key, _ := os.ReadFile(filepath.Join(p.dir, "key"))
	if !strings.HasPrefix(string(key), "key_") || len(key) != 44 {
		t.Fatalf("the command did not get the generated key: %q", key)
	}
	// The run was against the lab (--lab), which keeps its state in STATE/lab/demo.
	lab := p
	lab.state = labState(p.state)
	logOut, _, code := lab.run(t, "", nil, "runbook", "log")
	if code != exitOK || !strings.Contains(logOut, "■ run rolled-back") || !strings.Contains(logOut, "TOKEN (secret, not recorded) from stdin") {
		t.Errorf("runbook log: exit %d\n%s", code, logOut)
	}
	// With --state alone no config is read: the folder is all a transcript needs.
	if bare, errOut, code := launch(t, nil, "runbook", "log", "--state", lab.state); code != exitOK || bare != logOut {
		t.Errorf("runbook log --state without a config: exit %d\n%s%s", code, bare, errOut)
	}
	jsonOut, _, _ := lab.run(t, "", nil, "runbook", "log", "deploy", "--json")
	transcripts, _ := filepath.Glob(filepath.Join(lab.state, "runbooks", "runs", "*.jsonl"))
	if len(transcripts) != 1 {
		t.Fatalf("transcripts: %v", transcripts)
	}
	raw, _ := os.ReadFile(transcripts[0])
	if jsonOut != string(raw) {
		t.Error("log --json is not the transcript as stored")
	}
	toolLog, _ := os.ReadFile(filepath.Join(lab.state, "launchready.log"))
	for name, text := range map[string]string{"stdout": out, "stderr": stderr, "log": logOut, "transcript": string(raw), "tool log": string(toolLog)} {
		if strings.Contains(text, token) {
			t.Errorf("the secret input leaked into the %s", name)
		}
		if strings.Contains(text, string(key[4:])) {
			t.Errorf("the generated secret leaked into the %s", name)
		}
	}
}

func TestRunbookPromptsOnStdin(t *testing.T) {
	t.Parallel()
	p := newProject(t, map[string]string{"fix.yaml": `steps:
  - name: Ask
    input: {name: TICKET, prompt: Ticket number, pattern: '[0-9]+'}
  - name: Flaky
    confirm: Run the flaky step?
    run: echo "ticket $TICKET"; exit 1
  - run: echo after
`})
	// A ticket that fails the pattern, then a good one; yes; then "2" (skip).
	out, stderr, code := p.run(t, "abc\n42\ny\n2\n", nil, "runbook", "run", "fix")
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
	for _, want := range []string{"? [1/3 Ask] Ticket number (TICKET): abc", `✖ TICKET: "abc" does not match the pattern [0-9]+`, "= TICKET=42 from prompt",
		"? [2/3 Flaky] Run the flaky step? [y/N] y", "│ ticket 42", "2) skip", "↷ 2 Flaky skipped", "│ after", "✔ fix succeeded"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// With nothing left to read, nobody can answer: the run stops, recorded as aborted.
	out, _, code = p.run(t, "", nil, "runbook", "run", "fix")
	if code != exitFindings || !strings.Contains(out, "fix aborted") {
		t.Errorf("no answers: exit %d\n%s", code, out)
	}
}

func TestRunbookRefusesSecretsOnTheCommandLineAndDryRuns(t *testing.T) {
	t.Parallel()
	p := newProject(t, map[string]string{"deploy.yaml": labDeploy})
	_, stderr, code := p.run(t, "", nil, "runbook", "run", "deploy", "--input", "TOKEN=s3cret-value", "--lab")
	if code != exitUsage || !strings.Contains(stderr, "TOKEN is secret, and a secret on the command line lands in shell history") || strings.Contains(stderr, "s3cret-value") {
		t.Errorf("secret on the command line: exit %d %s", code, stderr)
	}
	out, stderr, code := p.run(t, "", []string{"TOKEN=from-env"}, "runbook", "run", "deploy", "--dry-run", "--input", "RELEASE=v9")
	if code != exitOK {
		t.Fatalf("dry run: exit %d %s", code, stderr)
	}
	for _, want := range []string{"Dry run of deploy", "RELEASE          before step 1, from --input = v9", "TOKEN            before step 1, from environment (secret)",
		"check:    http api.acme.example is healthy 2 times in a row, every 200ms, within 3s", "rollback: echo \"back to $PREVIOUS with $TOKEN\""} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "from-env") {
		t.Error("the dry run showed a secret")
	}
	if _, err := os.Stat(filepath.Join(p.dir, "seen")); err == nil {
		t.Error("the dry run ran a command")
	}
	if runs, _ := filepath.Glob(filepath.Join(p.state, "runbooks", "runs", "*.jsonl")); len(runs) != 0 {
		t.Error("the dry run wrote a transcript")
	}
	_, stderr, code = p.run(t, "", nil, "runbook", "run", "nope")
	if code != exitUsage || !strings.Contains(stderr, `no runbook "nope"`) || !strings.Contains(stderr, "(runbooks: deploy)") {
		t.Errorf("unknown runbook: exit %d %s", code, stderr)
	}
}

// TestRunbookLockAndCrashWithTheBinary runs the real binary as operator A, has operator B
// refused by the lock, kills A with SIGKILL mid-step, and resumes: the step's command
// finishes on its own and its result lands in A's transcript.
func TestRunbookLockAndCrashWithTheBinary(t *testing.T) {
	t.Parallel()
	p := newProject(t, map[string]string{"slow.yaml": `steps:
  - name: Migrate
    run: echo migrating; sleep 4; echo migrated; touch migrated
  - name: Restart
    run: echo restarted
`})
	a := p.command("", nil, "runbook", "run", "slow", "--yes")
	var aOut bytes.Buffer
	a.Stdout, a.Stderr = &aOut, &aOut
	if err := a.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Process.Kill(); a.Wait() })
	store := runbook.NewStore(p.state)
	var transcript string
	deadline := time.Now().Add(20 * time.Second)
	for transcript == "" {
		if time.Now().After(deadline) {
			t.Fatalf("operator A never reached the step:\n%s", aOut.String())
		}
		time.Sleep(30 * time.Millisecond)
		runs, _ := store.ListRuns()
		if len(runs) == 1 {
			evs, _ := runbook.ReadTranscript(runs[0].Path)
			for _, e := range evs {
				if e.Type == runbook.Output && strings.Contains(e.Text, "migrating") {
					transcript = runs[0].Path
				}
			}
		}
	}
	_, stderr, code := p.run(t, "", []string{"USER=kim"}, "runbook", "run", "slow", "--yes")
	if code != exitUsage || !strings.Contains(stderr, "runbook slow is already running") || !strings.Contains(stderr, "by ") {
		t.Errorf("operator B: exit %d %s", code, stderr)
	}
	a.Process.Signal(syscall.SIGKILL)
	a.Wait()

	out, stderr, code := p.run(t, "", nil, "runbook", "resume", "--yes")
	if code != exitOK {
		t.Fatalf("resume: exit %d\n%s\n%s", code, out, stderr)
	}
	for _, want := range []string{"⟳ resuming run", "│ migrated", "→ continue (--yes)", "▶ 2/2 Restart", "✔ slow succeeded"} {
		if !strings.Contains(out, want) {
			t.Errorf("resume output lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(filepath.Join(p.dir, "migrated")); err != nil {
		t.Error("the step's command was killed with its engine")
	}
	evs, err := runbook.ReadTranscript(transcript)
	if err != nil || evs[len(evs)-1].Type != runbook.RunEnd {
		t.Fatalf("transcript %v", err)
	}
	for i, e := range evs {
		if e.Seq != i+1 {
			t.Fatalf("transcript seq %d at line %d", e.Seq, i+1)
		}
	}
	_, stderr, code = p.run(t, "", nil, "runbook", "resume")
	if code != exitUsage || !strings.Contains(stderr, "no unfinished runbook run") {
		t.Errorf("second resume: exit %d %s", code, stderr)
	}
}

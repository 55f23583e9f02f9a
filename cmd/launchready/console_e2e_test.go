package main

import (
	"github.com/launchready/launchready/probes/lab"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// tmuxSession drives the real binary in a private tmux server, the way an operator's
// terminal would: keys go in with send-keys, the screen comes back with capture-pane.
type tmuxSession struct {
	t    *testing.T
	sock string
	env  []string
}

func newTmux(t *testing.T) *tmuxSession {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed: the console's end-to-end tests drive the real binary in tmux (CI installs it in .ci/run)")
	}
	dir, err := os.MkdirTemp("", "lr-tmux-") // short: a socket path must fit in 108 bytes
	if err != nil {
		t.Fatal(err)
	}
	s := &tmuxSession{t: t, sock: filepath.Join(dir, "s"),
		env: []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH"), "TERM=xterm-256color"}}
	t.Cleanup(func() {
		s.run("kill-server")
		os.RemoveAll(dir)
	})
	return s
}

func (s *tmuxSession) run(args ...string) (string, error) {
	cmd := exec.Command("tmux", append([]string{"-S", s.sock, "-f", "/dev/null"}, args...)...)
	cmd.Env = s.env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (s *tmuxSession) start(w, h int, command string) {
	s.t.Helper()
	if out, err := s.run("new-session", "-d", "-s", "lr", "-x", itoa(w), "-y", itoa(h), command); err != nil {
		s.t.Fatalf("tmux new-session: %v: %s", err, out)
	}
}

func (s *tmuxSession) keys(keys ...string) {
	s.t.Helper()
	for _, k := range keys {
		if out, err := s.run("send-keys", "-t", "lr", k); err != nil {
			s.t.Fatalf("tmux send-keys %s: %v: %s", k, err, out)
		}
		// Apart, so the console never reads esc and the next key as one alt+key.
		time.Sleep(150 * time.Millisecond)
	}
}

func (s *tmuxSession) capture(escapes bool) string {
	args := []string{"capture-pane", "-p", "-t", "lr"}
	if escapes {
		args = append(args, "-e")
	}
	out, _ := s.run(args...)
	return out
}

// waitFor polls the screen until every want is on it.
func (s *tmuxSession) waitFor(what string, within time.Duration, want ...string) string {
	s.t.Helper()
	deadline := time.Now().Add(within)
	var screen string
	for time.Now().Before(deadline) {
		screen = s.capture(false)
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(screen, w)
		}
		if ok {
			return screen
		}
		time.Sleep(40 * time.Millisecond)
	}
	s.t.Fatalf("waiting for %s: not on screen after %s; want %q; screen:\n%s", what, within, want, screen)
	return ""
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestDemoConsoleInTmux runs `launchready demo` in tmux, waits for the lab's planted
// faults, opens the worst one's detail with keys, reads it back, copies it, moves to the
// Endpoints pane and quits.
func TestDemoConsoleInTmux(t *testing.T) {
	t.Parallel()
	s := newTmux(t)
	state := t.TempDir()
	start := time.Now()
	s.start(120, 40, binary+" demo --interval 3s --log-every 1s --state "+state)
	s.waitFor("the first frame", 30*time.Second, "Launch Ready", "Risks, by business impact")
	t.Logf("first frame after %s (process start, lab start, session, console)", time.Since(start).Round(time.Millisecond))
	// The worst faults head the risk list; the rest are below the fold at 120x40.
	s.waitFor("the lab's faults", 45*time.Second, "✖ CRITICAL", "Dangling CNAME", "DOWN")

	// Other panes' faults rank above it, so find the API's finding with the filter.
	s.keys("/", "API answers", "Enter", "Enter")
	detail := s.waitFor("the finding's detail", 5*time.Second, "CRITICAL · revenue · Endpoints", "observed  HTTP 503 Service Unavailable", "Fix:", "Evidence")
	if !strings.Contains(detail, "retry-after: 30") {
		t.Errorf("the detail lacks the evidence headers:\n%s", detail)
	}

	s.keys("c")
	// The footer keeps the end of a long flash (the file), so look for the folder.
	s.waitFor("the copy", 5*time.Second, "/lab/demo/copied/")
	copies, _ := filepath.Glob(filepath.Join(labState(state), "copied", "*.txt"))
	if len(copies) != 1 {
		t.Fatalf("want one copied detail in the state folder, found %v", copies)
	}
	text, _ := os.ReadFile(copies[0])
	if !strings.Contains(string(text), "API answers 503") || strings.Contains(string(text), "\x1b") {
		t.Errorf("the copied detail is not the plain text of the finding:\n%s", text)
	}

	s.keys("Escape", "5")
	s.waitFor("the Endpoints pane", 5*time.Second, "[5 Endpoints", "https://api.acme.example/health", "503 Service Unavailable")

	// The Email pane: the round trip of the test message and of the app's reset mail,
	// both filed in Junk by the demo's provider, with the folder and delay columns.
	s.keys("4")
	email := s.waitFor("the round trip in the Email pane", 30*time.Second, "[4 Email", "reset → member", "reset mail:", "folder", "delay")
	if strings.Count(email, "✖ spam") < 2 {
		t.Errorf("the Email pane does not show both round trips in spam:\n%s", email)
	}

	s.keys("q")
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := s.run("has-session", "-t", "lr"); err != nil {
			break // the console quit and the session closed with it
		}
		if time.Now().After(deadline) {
			t.Fatalf("q did not quit the console:\n%s", s.capture(false))
		}
		time.Sleep(50 * time.Millisecond)
	}
	logs, err := os.ReadFile(filepath.Join(labState(state), "launchready.log"))
	if err != nil || !strings.Contains(string(logs), "console started") || !strings.Contains(string(logs), "console closed") {
		t.Errorf("the tool's own log in the state folder lacks the console's start and end (%v):\n%s", err, logs)
	}
	// The demo logged into the lab's SMTP and IMAP servers: neither password is anywhere
	// the demo wrote (log, history, round-trip record, send record, copies) or on screen.
	sc, _ := lab.ScenarioByName("demo")
	secrets := []string{sc.Env[lab.EnvPrefix+"SMTP_PASSWORD"], sc.Env[lab.EnvPrefix+"INBOX_PASSWORD"]}
	if secrets[0] == "" || secrets[1] == "" {
		t.Fatal("the demo scenario has no mail passwords to test with")
	}
	wrote := 0
	_ = filepath.WalkDir(state, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		b, _ := os.ReadFile(p)
		wrote++
		for _, sec := range secrets {
			if strings.Contains(string(b), sec) {
				t.Errorf("a lab mail password leaked into %s", p)
			}
		}
		return nil
	})
	if _, err := os.Stat(filepath.Join(labState(state), "email-roundtrip.json")); err != nil || wrote < 3 {
		t.Errorf("the demo recorded no round trip (%v) or wrote almost nothing (%d files)", err, wrote)
	}
	for _, sec := range secrets {
		if strings.Contains(email+detail, sec) {
			t.Error("a lab mail password was on screen")
		}
	}
}

// colourSGR matches an escape sequence that sets a foreground colour (16, 256 or RGB).
var colourSGR = regexp.MustCompile(`\x1b\[(?:[0-9]+;)*(?:3[0-8]|9[0-7])(?:;[0-9]+)*m`)

// TestDemoConsoleHonoursNoColor: the same screen in colour, and with NO_COLOR without a
// single colour, its states still told by icons and words.
func TestDemoConsoleHonoursNoColor(t *testing.T) {
	t.Parallel()
	for _, noColor := range []bool{false, true} {
		s := newTmux(t)
		cmd := binary + " demo --state " + t.TempDir()
		if noColor {
			cmd = "env NO_COLOR=1 " + cmd
		}
		s.start(80, 24, cmd)
		s.waitFor("the lab's faults", 45*time.Second, "✖ CRITICAL", "API answers 503", "▲ HIGH")
		screen := s.capture(true)
		switch has := colourSGR.MatchString(screen); {
		case noColor && has:
			t.Errorf("NO_COLOR: the screen still has colour: %q", colourSGR.FindString(screen))
		case !noColor && !has:
			t.Errorf("without NO_COLOR the screen has no colour at all; this test could not tell the difference")
		}
		s.keys("q")
	}
}

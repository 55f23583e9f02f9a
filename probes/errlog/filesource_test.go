package errlog

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// fileCheck builds an errors check following path, polling fast.
func fileCheck(t *testing.T, path string, extra string) *Check {
	t.Helper()
	return buildCheck(t, testEnv(t, fmt.Sprintf("errors:\n  sources:\n    - name: app\n      file: %s\n      poll: 20ms\n%s", yamlQuote(path), extra), nil))
}

func runCheck(t *testing.T, c *Check) Snapshot {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	res := c.Run(ctx)
	if res.Err != "" {
		t.Fatalf("run: %s", res.Err)
	}
	return res.Data.(Snapshot)
}

func hasGroup(s Snapshot, title string) bool {
	for _, g := range s.Groups {
		if strings.Contains(g.Title, title) {
			return true
		}
	}
	return false
}

func titles(s Snapshot) []string {
	var out []string
	for _, g := range s.Groups {
		out = append(out, g.Title)
	}
	return out
}

func appendFile(t *testing.T, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func waitGroup(t *testing.T, c *Check, title string) Snapshot {
	t.Helper()
	var s Snapshot
	eventually(t, "group "+title, func() bool { s = c.Snapshot(); return hasGroup(s, title) })
	return s
}

func TestBackfillReadsOnlyTheLastLines(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "app.log")
	var b strings.Builder
	for i := range 50 {
		fmt.Fprintf(&b, "ERROR old failure %d\n", i)
	}
	b.WriteString("INFO fine\nERROR recent failure\nINFO fine\n")
	appendFile(t, path, b.String())
	c := fileCheck(t, path, "")
	_ = c // default backfill (200) reads everything here
	s := runCheck(t, c)
	if !hasGroup(s, "old failure") || !hasGroup(s, "recent failure") {
		t.Fatalf("default backfill: groups %v", titles(s))
	}

	c2 := buildCheck(t, testEnv(t, fmt.Sprintf("errors:\n  sources:\n    - file: %s\n      backfill: 2\n      poll: 20ms\n", yamlQuote(path)), nil))
	s2 := runCheck(t, c2)
	if hasGroup(s2, "old failure") || !hasGroup(s2, "recent failure") {
		t.Fatalf("backfill 2: groups %v, want only the recent failure", titles(s2))
	}
	if s2.Lines != 2 {
		t.Errorf("backfill 2 read %d lines", s2.Lines)
	}
	for _, g := range s2.Groups {
		if !g.Backfill || g.LastHour != 0 {
			t.Errorf("a backlog group must be marked backfill and stay out of the rates: %+v", g)
		}
	}
	// And what is written after start is live.
	appendFile(t, path, "ERROR live failure\n")
	s3 := waitGroup(t, c2, "live failure")
	for _, g := range s3.Groups {
		if strings.Contains(g.Title, "live") && (g.Backfill || g.LastHour != 1) {
			t.Errorf("live group: %+v", g)
		}
	}
}

func TestBackfillOffset(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, c := range []struct {
		text string
		n    int
		want string
	}{
		{"a\nb\nc\n", 2, "b\nc\n"},
		{"a\nb\nc", 2, "b\nc"},
		{"a\nb\nc\n", 10, "a\nb\nc\n"},
		{"a\nb\nc\n", 0, ""},
		{"", 3, ""},
		{strings.Repeat("x", 200<<10) + "\nlast\n", 1, "last\n"},
	} {
		path := filepath.Join(dir, "f")
		if err := os.WriteFile(path, []byte(c.text), 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		off := backfillOffset(f, int64(len(c.text)), c.n)
		f.Close()
		if got := c.text[off:]; got != c.want {
			t.Errorf("backfill %d of %q: got %q, want %q", c.n, clip(c.text, 20), got, c.want)
		}
	}
}

func TestFollowsRotationByRename(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	appendFile(t, path, "ERROR before rotation\n")
	c := fileCheck(t, path, "")
	if s := runCheck(t, c); !hasGroup(s, "before rotation") {
		t.Fatalf("groups %v", titles(s))
	}
	// The app holds the old file open; logrotate renames it and the app writes on a
	// little before it reopens its log.
	old, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	if _, err := old.WriteString("ERROR written to the old file after the rename\n"); err != nil {
		t.Fatal(err)
	}
	old.Close()
	waitGroup(t, c, "written to the old file")
	time.Sleep(60 * time.Millisecond) // a few polls with no file at the path
	if st := c.Snapshot().Sources[0]; st.State != StateWaiting {
		t.Errorf("with the path gone, state %q, want waiting", st.State)
	}
	appendFile(t, path, "ERROR first line of the new file\n")
	s := waitGroup(t, c, "first line of the new file")
	if st := s.Sources[0]; st.Rotations != 1 || st.State != StateFollowing {
		t.Errorf("source after rotation: %+v", st)
	}
	appendFile(t, path, "ERROR second line of the new file\n")
	waitGroup(t, c, "second line of the new file")
}

func TestFollowsTruncation(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "app.log")
	appendFile(t, path, strings.Repeat("INFO padding the file so truncation shrinks it\n", 20)+"ERROR before truncation\n")
	c := fileCheck(t, path, "")
	if s := runCheck(t, c); !hasGroup(s, "before truncation") {
		t.Fatalf("groups %v", titles(s))
	}
	if err := os.Truncate(path, 0); err != nil { // logrotate copytruncate
		t.Fatal(err)
	}
	time.Sleep(60 * time.Millisecond)
	appendFile(t, path, "ERROR after truncation\n")
	s := waitGroup(t, c, "after truncation")
	if st := s.Sources[0]; st.Truncations != 1 {
		t.Errorf("truncations %d, want 1", st.Truncations)
	}
}

func TestWaitsForAFileCreatedLater(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "later.log")
	c := fileCheck(t, path, "")
	res := c.Run(context.Background())
	s := res.Data.(Snapshot)
	if st := s.Sources[0]; st.State != StateWaiting || !strings.Contains(st.Error, "does not exist yet") {
		t.Fatalf("source %+v, want waiting", st)
	}
	if len(res.Findings) != 1 || res.Findings[0].ID != "errors.source-waiting" {
		t.Errorf("findings %+v, want errors.source-waiting", res.Findings)
	}
	appendFile(t, path, "INFO hello\nERROR from the new file\n")
	s = waitGroup(t, c, "from the new file")
	if st := s.Sources[0]; st.State != StateFollowing || st.Error != "" {
		t.Errorf("source %+v, want following", st)
	}
	// created after start: read from its first line, and live, not backlog
	if s.Lines != 2 || s.Groups[0].Backfill {
		t.Errorf("lines %d, group %+v", s.Lines, s.Groups[0])
	}
}

func TestHostileLines(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "app.log")
	c := fileCheck(t, path, "  caps: {line_bytes: 65536}\n")
	runCheck(t, c)

	// A line longer than 1 MiB: kept up to caps.line_bytes, counted as truncated, and the
	// lines after it read normally.
	huge := `{"level":"error","msg":"giant payload","body":"` + strings.Repeat("A", 3<<19) + `"}`
	blob := make([]byte, 4096)
	if _, err := rand.Read(blob); err != nil {
		t.Fatal(err)
	}
	blob[100] = 0
	for i, c := range blob {
		if c == '\n' {
			blob[i] = 'x'
		}
	}
	appendFile(t, path, huge+"\n"+
		"ERROR after the long line\n"+
		"ERROR bad bytes \xff\xfe\xfd in the message\n"+
		string(blob)+"\n"+
		"ERROR after the binary blob\n")
	s := waitGroup(t, c, "after the binary blob")
	if !hasGroup(s, "giant payload") || !hasGroup(s, "after the long line") {
		t.Errorf("groups %v", titles(s))
	}
	if s.TruncatedLines != 1 {
		t.Errorf("truncated lines %d, want 1", s.TruncatedLines)
	}
	if s.BinaryLines != 1 {
		t.Errorf("binary lines %d, want 1", s.BinaryLines)
	}
	for _, g := range s.Groups {
		for _, text := range []string{g.Title, g.Sample.Message, g.Sample.Stack, g.Sample.Error} {
			if !utf8.ValidString(text) || strings.ContainsAny(text, "\x00\x01\x02\x1b") {
				t.Errorf("stored text is not clean UTF-8: %q", clip(text, 80))
			}
			if len(text) > maxMessage+testCaps.sampleBytes {
				t.Errorf("stored text of %d bytes: caps not applied", len(text))
			}
		}
		if strings.Contains(g.Title, "bad bytes") && !strings.Contains(g.Title, "\uFFFD") {
			t.Errorf("invalid UTF-8 not replaced: %q", g.Title)
		}
	}
}

package lab

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
)

func TestLogFile(t *testing.T) {
	t.Parallel()
	sc := builtin(t, "healthy")
	l := startLab(t, sc)
	read := func() string {
		b, err := os.ReadFile(l.LogFile)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	initial := read()
	if want := strings.Join(sc.LogLines, "\n") + "\n"; initial != want {
		t.Fatalf("initial log:\n%s\nwant the scenario's lines:\n%s", initial, want)
	}
	if !strings.Contains(initial, "goroutine 1187 [running]:") {
		t.Error("initial log has no stack trace")
	}

	trace := "panic: boom\n\tat app.go:1\n"
	if err := l.AppendLog(`{"level":"ERROR","msg":"one"}`, trace); err != nil {
		t.Fatal(err)
	}
	if got, want := read(), initial+`{"level":"ERROR","msg":"one"}`+"\npanic: boom\n\tat app.go:1\n"; got != want {
		t.Errorf("after AppendLog:\n%q\nwant\n%q", got, want)
	}
	if err := l.AppendLog(); err != nil {
		t.Errorf("AppendLog of nothing: %v", err)
	}
}

func TestAppendLogConcurrently(t *testing.T) {
	t.Parallel()
	l := startLab(t, Scenario{Name: "empty", Domain: "x.example"})
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 50 {
				line := fmt.Sprintf("writer %d line %d %s", w, i, strings.Repeat("x", 200))
				if err := l.AppendLog(line, line); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	b, err := os.ReadFile(l.LogFile)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) != 8*50*2 {
		t.Fatalf("%d lines, want %d", len(lines), 8*50*2)
	}
	for i := 0; i < len(lines); i += 2 {
		if lines[i] != lines[i+1] || !strings.HasPrefix(lines[i], "writer ") {
			t.Fatalf("line %d: entries of one AppendLog were split or mangled: %q / %q", i, lines[i], lines[i+1])
		}
	}
}

package redact

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestSlogHandler(t *testing.T) {
	t.Parallel()
	r, err := New(Options{Values: []string{"s3cr3t-token"}})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	log := slog.New(Handler(slog.NewTextHandler(&buf, nil), r)).With("ctx", "with s3cr3t-token")
	log.Info("sent s3cr3t-token", "err", errors.New("bad s3cr3t-token"), "n", 3,
		slog.Group("g", "v", "in a group s3cr3t-token"), "any", struct{ S string }{"s3cr3t-token"})
	out := buf.String()
	if strings.Contains(out, "s3cr3t-token") || strings.Count(out, marker(KnownSecret)) != 5 || !strings.Contains(out, "n=3") {
		t.Errorf("log line: %s", out)
	}
}

func TestRedactError(t *testing.T) {
	t.Parallel()
	r, _ := New(Options{Values: []string{"hunter2-password"}})
	base := errors.New("bad hunter2-password")
	err := r.Error(fmt.Errorf("wrap: %w", base))
	if strings.Contains(err.Error(), "hunter2") || !errors.Is(err, base) {
		t.Errorf("Error: %v", err)
	}
	if r.Error(nil) != nil {
		t.Error("nil error")
	}
}

func TestWithURLParts(t *testing.T) {
	t.Parallel()
	r, _ := New(Options{Values: WithURLParts([]string{"https://hooks.example.com/services/T0/B0/XXXXSECRET", "not a url"})})
	for _, in := range []string{"no such hook: /services/T0/B0/XXXXSECRET", "path services/T0/B0/XXXXSECRET", "Post https://hooks.example.com/services/T0/B0/XXXXSECRET"} {
		if got := r.String(in); strings.Contains(got, "XXXXSECRET") {
			t.Errorf("%q -> %q", in, got)
		}
	}
}

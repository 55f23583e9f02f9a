package redact

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestRedactor(t *testing.T) {
	t.Parallel()
	r := New("hunter2-password", "https://hooks.slack.com/services/T000/B000/XXXXSECRETXXXX", "")
	for in, want := range map[string]string{
		"login failed for hunter2-password":                                "login failed for [redacted]",
		`Post "https://hooks.slack.com/services/T000/B000/XXXXSECRETXXXX"`: `Post "[redacted]"`,
		"404 for /services/T000/B000/XXXXSECRETXXXX":                       "404 for [redacted]",
		"no route services/T000/B000/XXXXSECRETXXXX":                       "no route [redacted]",
		"nothing secret here":                                              "nothing secret here",
	} {
		if got := r.String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
	}
	if !r.Contains("x hunter2-password y") || r.Contains("hunter2") {
		t.Error("Contains")
	}
	err := r.Error(fmt.Errorf("wrap: %w", errors.New("bad hunter2-password")))
	if err.Error() != "wrap: bad [redacted]" || errors.Unwrap(err) == nil {
		t.Errorf("Error: %v", err)
	}
	if got := string(r.Bytes([]byte("a hunter2-password b"))); got != "a [redacted] b" {
		t.Errorf("Bytes: %q", got)
	}
	var nilR *Redactor
	if nilR.String("hunter2-password") != "hunter2-password" {
		t.Error("a nil redactor must pass text through")
	}
}

func TestHandler(t *testing.T) {
	t.Parallel()
	r := New("s3cr3t-token")
	var buf bytes.Buffer
	log := slog.New(Handler(slog.NewTextHandler(&buf, nil), r)).With("ctx", "with s3cr3t-token")
	log.Info("sent s3cr3t-token", "err", errors.New("bad s3cr3t-token"), "n", 3,
		slog.Group("g", "v", "in a group s3cr3t-token"), "any", struct{ S string }{"s3cr3t-token"})
	out := buf.String()
	if strings.Contains(out, "s3cr3t-token") || strings.Count(out, "[redacted]") != 5 || !strings.Contains(out, "n=3") {
		t.Errorf("log line: %s", out)
	}
}

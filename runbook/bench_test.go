package runbook

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// benchRedactor holds ten secrets, as a rotate-secret run with config secrets does.
func benchRedactor() *Redactor {
	r := &Redactor{}
	for i := range 10 {
		r.Add(fmt.Sprintf("S%d", i), fmt.Sprintf("whsec_%02d_Q2hhbmdlTWVQbGVhc2VJbTRTZWNyZXQ", i))
	}
	return r
}

func benchOutput(size int) string {
	var b strings.Builder
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "2026-11-28T02:14:%02d building module %d of the app: compiled 42 files in 1.3s\n", i%60, i)
	}
	return b.String()
}

// BenchmarkRedact measures redacting 1 MiB of build output against ten secrets (target:
// under 10 ms, so redaction never slows a command's live output).
func BenchmarkRedact(b *testing.B) {
	r := benchRedactor()
	out := benchOutput(1 << 20)
	b.SetBytes(int64(len(out)))
	b.ReportAllocs()
	for b.Loop() {
		if s := r.Redact(out); len(s) != len(out) {
			b.Fatal("redacted something that was not there")
		}
	}
}

// BenchmarkTail measures turning 8 MiB of a command's output file into redacted chunks
// for the transcript, as the engine does while a command runs (target: over 100 MB/s).
func BenchmarkTail(b *testing.B) {
	path := filepath.Join(b.TempDir(), "out")
	out := benchOutput(8 << 20)
	if err := os.WriteFile(path, []byte(out), 0o600); err != nil {
		b.Fatal(err)
	}
	r := benchRedactor()
	b.SetBytes(int64(len(out)))
	b.ReportAllocs()
	for b.Loop() {
		tl, err := openTailer(path, 0, r, 1<<40)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			chunk, _, more := tl.next(time.Now(), false)
			n += len(chunk)
			if !more {
				break
			}
		}
		tl.close()
		if n != len(out) {
			b.Fatalf("tailed %d of %d bytes", n, len(out))
		}
	}
}

package redact

import (
	"bytes"
	"io"
	"strings"
	"sync"
)

// maxPending bounds what a Writer holds while waiting for the end of a line: output with
// no newline for this long is redacted and written as it stands.
const maxPending = 64 << 10

// Writer redacts what is written through it line by line, so a secret split across two
// Write calls is still seen whole. Runbook transcripts and the tool's own log wrap their
// files in one. Lines inside a private key block are removed whole, though each arrives on
// its own. Call Close (or Flush) to write a last line that has no newline.
type Writer struct {
	mu    sync.Mutex
	w     io.Writer
	r     *Redactor
	buf   []byte
	inPEM bool
	hits  Hits
}

// NewWriter wraps w; r may be nil for pattern redaction only.
func NewWriter(w io.Writer, r *Redactor) *Writer { return &Writer{w: w, r: r} }

// Write always consumes all of p unless the underlying writer fails.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			break
		}
		if err := w.emit(string(w.buf[:i+1])); err != nil {
			return len(p), err
		}
		w.buf = w.buf[i+1:]
	}
	if len(w.buf) >= maxPending {
		err := w.emit(string(w.buf))
		w.buf = w.buf[:0]
		if err != nil {
			return len(p), err
		}
	}
	if len(w.buf) == 0 {
		w.buf = nil // let a large earlier buffer go
	}
	return len(p), nil
}

func (w *Writer) emit(line string) error {
	if w.inPEM {
		if strings.Contains(line, "-----END") {
			w.inPEM = false
		}
		return nil // the block's marker was written with its BEGIN line
	}
	if i := strings.Index(line, "-----BEGIN"); i >= 0 && strings.Contains(line[i:], "PRIVATE KEY") && !strings.Contains(line[i:], "-----END") {
		w.inPEM = true
	}
	out := w.r.Apply(line, &w.hits)
	_, err := io.WriteString(w.w, out)
	return err
}

// Flush redacts and writes a pending partial line.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) == 0 {
		return nil
	}
	err := w.emit(string(w.buf))
	w.buf = nil
	return err
}

// Close flushes; it does not close the underlying writer, which the caller owns.
func (w *Writer) Close() error { return w.Flush() }

// Hits counts what the Writer redacted so far.
func (w *Writer) Hits() Hits {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.hits
}

package store

import (
	"os"
	"strconv"
	"strings"
	"time"
)

// Writer is the process that records a history database, as its lock file tells it: what
// a second console shows in its header ("history recorded by pid 1234 on ops-1 since
// 14:02") so the operator knows which terminal to go to.
type Writer struct {
	PID   int
	Host  string    // "" when the writer could not tell
	Since time.Time // when it took the lock; zero when unknown
}

// Writer reads who records this store's database from the lock beside it. ok is false
// for an in-memory store, when no lock file exists, or when it cannot be read; the file
// may name a writer that has since exited (the lock is released, the text stays), so ask
// only when Open said another process holds it.
func (s *Store) Writer() (w Writer, ok bool) {
	if s.path == "" {
		return Writer{}, false
	}
	b, err := os.ReadFile(s.path + ".writer")
	if err != nil || len(b) > 4096 {
		return Writer{}, false
	}
	return parseWriter(b)
}

// formatWriter is the lock file's text: the pid, the host and the start time (RFC 3339),
// one a line. The pid comes first so an older launchready, which read only a pid, still
// finds one.
func formatWriter(w Writer) []byte {
	return []byte(strconv.Itoa(w.PID) + "\n" + w.Host + "\n" + w.Since.UTC().Format(time.RFC3339) + "\n")
}

// parseWriter reads formatWriter's text; a file holding only a pid is a writer with no
// host or time.
func parseWriter(b []byte) (Writer, bool) {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(lines[0]))
	if err != nil || pid <= 0 {
		return Writer{}, false
	}
	w := Writer{PID: pid}
	if len(lines) > 1 {
		w.Host = strings.TrimSpace(lines[1])
	}
	if len(lines) > 2 {
		if t, err := time.Parse(time.RFC3339, strings.TrimSpace(lines[2])); err == nil {
			w.Since = t
		}
	}
	return w, true
}

// hostname is this machine's name, "" when the system will not say.
func hostname() string {
	h, err := os.Hostname()
	if err != nil {
		return ""
	}
	return h
}

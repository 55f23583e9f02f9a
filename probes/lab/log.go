package lab

import (
	"fmt"
	"os"
	"strings"
)

// writeLog creates the application log with the scenario's initial lines,
// replacing any log a previous lab left in the same directory.
func writeLog(path string, lines []string) error {
	if err := os.WriteFile(path, []byte(joinLines(lines)), 0o600); err != nil {
		return fmt.Errorf("writing the app log: %w", err)
	}
	return nil
}

// AppendLog appends lines to the application log, each ended by a newline,
// in one write, so a tailer never sees half an entry and concurrent callers
// never interleave. Tests and the demo use it to make errors happen over
// time. It keeps working after Close: the file outlives the listeners.
func (l *Lab) AppendLog(lines ...string) error {
	if len(lines) == 0 {
		return nil
	}
	l.logMu.Lock()
	defer l.logMu.Unlock()
	f, err := os.OpenFile(l.LogFile, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("lab: appending to the app log: %w", err)
	}
	_, err = f.WriteString(joinLines(lines))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("lab: appending to the app log %s: %w", l.LogFile, err)
	}
	return nil
}

// joinLines ends every entry with exactly one newline; an entry may hold
// newlines of its own (a stack trace).
func joinLines(lines []string) string {
	var b strings.Builder
	for _, line := range lines {
		b.WriteString(strings.TrimSuffix(line, "\n"))
		b.WriteByte('\n')
	}
	return b.String()
}

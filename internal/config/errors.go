package config

import (
	"fmt"
	"strings"
)

// Error is one problem in a config file, with where it is and what to do about it.
type Error struct {
	File string
	Line int
	Col  int
	// Path is the key in dotted form (hosts[2].name), empty for whole-file problems.
	Path string
	Msg  string
	Fix  string
}

func (e Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Col)
	}
	b.WriteString(": ")
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.Fix != "" {
		b.WriteString("; ")
		b.WriteString(e.Fix)
	}
	return b.String()
}

// Errors is every problem found in one pass, so a user fixes them all at once instead of
// one per run.
type Errors []Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Err returns nil for no errors, so callers can write `if err := es.Err(); err != nil`.
func (es Errors) Err() error {
	if len(es) == 0 {
		return nil
	}
	return es
}

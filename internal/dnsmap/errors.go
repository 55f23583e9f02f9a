package dnsmap

import (
	"errors"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"
)

// Error is one problem in a map file, at a line and column when known, worded as advice.
type Error struct {
	File      string
	Line, Col int
	Msg       string
}

func (e Error) Error() string {
	switch {
	case e.Line > 0 && e.Col > 0:
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Errors is every problem found in one file, so a hand-edited map is fixed in one pass.
type Errors []Error

func (es Errors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

func yamlSyntaxError(file string, err error) Error {
	e := Error{File: file, Msg: "is not valid YAML: " + err.Error() + "; a DNS map is YAML (or a zone file starting with $ORIGIN)"}
	var ye yaml.Error
	if errors.As(err, &ye) {
		e.Msg = "is not valid YAML: " + ye.GetMessage() + "; quote each record in single quotes as `dns export` writes them"
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			e.Line, e.Col = tk.Position.Line, tk.Position.Column
		}
	}
	return e
}

package config

import (
	"reflect"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// Section is one pane's part of the config (dns:, tls:, email:, endpoints:, errors:),
// decoded by the probe kind that owns it with the same strictness and error positions as
// the rest of the file. Secrets inside it join the config's list, so Resolve and
// SecretValues see them; decode sections before calling Resolve.
type Section struct {
	name string
	key  ast.Node
	node ast.Node
	cfg  *Config
}

// Name is the section's key.
func (s *Section) Name() string { return s.name }

// Decode checks the section against v's type (unknown keys, wrong types, literal secrets,
// all listed) and then fills v.
func (s *Section) Decode(v any) Errors {
	rv := reflect.ValueOf(v)
	w := &walker{file: s.cfg.File, pos: map[string]token.Position{}}
	w.walk(s.node, rv.Type().Elem(), s.name)
	for p, ps := range w.pos {
		s.cfg.pos[p] = ps
	}
	if len(w.errs) > 0 {
		return w.errs
	}
	if _, isNull := unwrap(s.node).(*ast.NullNode); !isNull {
		if err := yaml.NodeToValue(s.node, v); err != nil {
			return Errors{decodeError(s.cfg.File, err, s.cfg.pos)}
		}
	}
	s.cfg.collectSecrets(rv, s.name)
	return nil
}

// Error makes a positioned error for a key path inside the section ("endpoints.checks[2].url").
func (s *Section) Error(path, msg, fix string) Error { return s.cfg.errorAt(path, msg, fix) }

// ErrorAt is Section.Error for checks that validate top-level keys (hosts, network).
func (c *Config) ErrorAt(path, msg, fix string) Error { return c.errorAt(path, msg, fix) }

// ErrorWithin is Section.Error for a key that is missing: the error keeps the key's path
// but takes the line of within (the list item or mapping that lacks it), so the operator
// is pointed at the place to add it.
func (s *Section) ErrorWithin(path, within, msg, fix string) Error {
	e := s.cfg.errorAt(path, msg, fix)
	if e.Line == 0 {
		if p, ok := s.cfg.pos[within]; ok {
			e.Line, e.Col = p.Line, p.Column
		}
	}
	return e
}

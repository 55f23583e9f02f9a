package config

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"regexp"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// maxConfigSize bounds what we read: a config is a few kilobytes; anything near this is a
// wrong file (a log, a binary) and should be refused rather than parsed.
const maxConfigSize = 4 << 20

// Load reads and validates a config file. The error, when not nil, is an Errors listing
// every problem found.
func Load(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, Errors{{File: path, Msg: fmt.Sprintf("cannot read the config: %v", errors.Unwrap(err)),
			Fix: "pass the right file with --config, or run from the folder holding launchready.yaml"}}
	}
	defer f.Close()
	st, err := f.Stat()
	if err == nil && st.Size() > maxConfigSize {
		return nil, Errors{{File: path, Msg: fmt.Sprintf("is %d bytes; a config is a few kilobytes", st.Size()), Fix: "check that --config names launchready.yaml"}}
	}
	data := make([]byte, st.Size())
	if _, err := f.ReadAt(data, 0); err != nil && st.Size() > 0 {
		return nil, Errors{{File: path, Msg: fmt.Sprintf("cannot read the config: %v", err)}}
	}
	return Parse(data, path)
}

// Parse validates config text; file is the name errors carry and relative paths start from.
func Parse(data []byte, file string) (*Config, error) {
	c := &Config{File: file, sections: map[string]*Section{}}
	w := &walker{file: file, pos: map[string]token.Position{}}

	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, Errors{syntaxError(file, err)}
	}
	if len(f.Docs) == 0 || f.Docs[0].Body == nil {
		return nil, Errors{{File: file, Msg: "is empty", Fix: "start from examples/launchready.yaml, which documents every key"}}
	}
	if len(f.Docs) > 1 {
		e := Error{File: file, Msg: "holds more than one YAML document (---)", Fix: "keep one document per config file"}
		if d := f.Docs[1]; d.Start != nil {
			e.Line, e.Col = d.Start.Position.Line, d.Start.Position.Column
		}
		return nil, Errors{e}
	}
	root := unwrap(f.Docs[0].Body)
	c.root = root
	if _, ok := root.(*ast.MappingNode); !ok {
		return nil, Errors{{File: file, Line: root.GetToken().Position.Line, Col: root.GetToken().Position.Column,
			Msg: "must be a mapping of keys (product:, domain:, hosts: ...), found " + describe(root),
			Fix: "start from examples/launchready.yaml"}}
	}
	w.onKey = func(path string, key, value ast.Node) bool {
		for _, s := range SectionNames {
			if path == s {
				c.sections[s] = &Section{name: s, node: value, cfg: c, key: key}
				w.record(path, key) // errors about a whole section point at its key
				return true
			}
		}
		return false
	}
	w.walk(root, reflect.TypeFor[Config](), "")
	c.pos = w.pos
	if len(w.errs) > 0 {
		return nil, w.errs
	}
	if err := yaml.NodeToValue(root, c); err != nil {
		return nil, Errors{decodeError(file, err, w.pos)}
	}
	c.collectSecrets(reflect.ValueOf(c).Elem(), "")
	c.applyDefaults()
	if errs := c.validate(); len(errs) > 0 {
		return nil, errs
	}
	return c, nil
}

// collectSecrets finds every Secret in a decoded value and remembers it with its key path,
// so Resolve can read them all at start and SecretValues can hand them to redactors.
func (c *Config) collectSecrets(v reflect.Value, path string) {
	eachOf(v, secretType, path, func(p reflect.Value, path string) {
		if s := p.Interface().(*Secret); s.Ref != "" {
			s.path = path
			c.secrets = append(c.secrets, s)
		}
	})
}

var dupKey = regexp.MustCompile(`mapping key "([^"]*)" already defined at \[(\d+):(\d+)\]`)

func syntaxError(file string, err error) Error {
	e := Error{File: file, Msg: "is not valid YAML", Fix: "check indentation (spaces, not tabs) and quote values containing ': ' or '#'"}
	var ye yaml.Error
	if errors.As(err, &ye) {
		if tk := ye.GetToken(); tk != nil {
			e.Line, e.Col = tk.Position.Line, tk.Position.Column
		}
		e.Msg = "is not valid YAML: " + ye.GetMessage()
	}
	// The parser reports a repeated key as a syntax error; say it as the user would.
	if m := dupKey.FindStringSubmatch(e.Msg); m != nil {
		e.Msg = fmt.Sprintf("key %q is set twice in the same mapping", m[1])
		e.Fix = fmt.Sprintf("keep one of them (the other is at line %s)", m[2])
	}
	return e
}

// decodeError turns what the decoder says into an operator's message; the walker catches
// almost everything first, so this is the rare remainder.
func decodeError(file string, err error, pos map[string]token.Position) Error {
	e := Error{File: file, Msg: err.Error()}
	var ye yaml.Error
	if errors.As(err, &ye) {
		e.Msg = ye.GetMessage()
		if tk := ye.GetToken(); tk != nil {
			e.Line, e.Col = tk.Position.Line, tk.Position.Column
			for p, ps := range pos {
				if ps.Line == e.Line && ps.Column == e.Col {
					e.Path = p
				}
			}
		}
	}
	return e
}

// errorAt makes an Error for a key path, positioned where the walker saw it.
func (c *Config) errorAt(path, msg, fix string) Error {
	e := Error{File: c.File, Path: path, Msg: msg, Fix: fix}
	if p, ok := c.pos[path]; ok {
		e.Line, e.Col = p.Line, p.Column
	}
	return e
}

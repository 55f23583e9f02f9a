package config

import (
	"reflect"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// Document is a YAML file other than launchready.yaml (a runbook) read with the config's
// strictness: syntax errors, unknown keys, wrong types and literal secrets all listed in one
// pass, each at file:line:column with the same messages and fixes, so every file the tool
// reads fails the same way.
type Document struct {
	File string
	root ast.Node
	pos  map[string]token.Position
}

// ParseDocument parses data as one YAML document holding a mapping. start says where to
// begin when the file is empty or not a mapping ("start from `launchready runbook init`").
func ParseDocument(data []byte, file, start string) (*Document, Errors) {
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, Errors{syntaxError(file, err)}
	}
	if len(f.Docs) == 0 || f.Docs[0].Body == nil {
		return nil, Errors{{File: file, Msg: "is empty", Fix: start}}
	}
	if len(f.Docs) > 1 {
		return nil, Errors{{File: file, Line: f.Docs[1].GetToken().Position.Line, Msg: "holds more than one YAML document (---)", Fix: "keep one document per file"}}
	}
	root := unwrap(f.Docs[0].Body)
	if _, ok := root.(*ast.MappingNode); !ok {
		tk := root.GetToken()
		return nil, Errors{{File: file, Line: tk.Position.Line, Col: tk.Position.Column,
			Msg: "must be a mapping of keys, found " + describe(root), Fix: start}}
	}
	return &Document{File: file, root: root, pos: map[string]token.Position{}}, nil
}

// Decode checks the whole document against v's type (a pointer to a struct) and fills v.
// Fields of type Raw are left for their owners to decode.
func (d *Document) Decode(v any) Errors {
	return d.decode(d.root, "", v)
}

func (d *Document) decode(n ast.Node, path string, v any) Errors {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		panic("config: Decode needs a non-nil pointer")
	}
	w := &walker{file: d.File, pos: d.pos}
	w.walk(n, rv.Type().Elem(), path)
	if len(w.errs) > 0 {
		sortErrors(w.errs)
		return w.errs
	}
	if _, isNull := unwrap(n).(*ast.NullNode); !isNull {
		if err := yaml.NodeToValue(n, v); err != nil {
			return Errors{decodeError(d.File, err, d.pos)}
		}
	}
	d.adopt(rv, path)
	return nil
}

// adopt tells every Raw inside a decoded value which document and key path it came from,
// so its owner's errors carry positions.
func (d *Document) adopt(v reflect.Value, path string) {
	eachOf(v, rawType, path, func(p reflect.Value, path string) {
		r := p.Interface().(*Raw)
		r.doc, r.path = d, path
	})
}

// ErrorAt makes an Error for a key path ("steps[2].run"), positioned where the key's value
// is in the file; paths the walker never saw get the file alone.
func (d *Document) ErrorAt(path, msg, fix string) Error {
	e := Error{File: d.File, Path: path, Msg: msg, Fix: fix}
	if p, ok := d.pos[path]; ok {
		e.Line, e.Col = p.Line, p.Column
	}
	return e
}

// Raw is a part of a Document left undecoded for whoever owns it (a runbook check's
// condition kind), the way a pane's Section is left to its probe kind: the owner decodes it
// later with the same strictness and positions.
type Raw struct {
	node ast.Node
	doc  *Document
	path string
}

var rawType = reflect.TypeFor[Raw]()

// UnmarshalYAML keeps the node for the owner.
func (r *Raw) UnmarshalYAML(n ast.Node) error {
	r.node = n
	return nil
}

// IsSet says whether the key was in the file with a value.
func (r *Raw) IsSet() bool {
	if r == nil || r.node == nil {
		return false
	}
	_, isNull := unwrap(r.node).(*ast.NullNode)
	return !isNull
}

// Path is the key path of the value ("steps[3].check").
func (r *Raw) Path() string { return r.path }

// Decode checks the value against v's type and fills v.
func (r *Raw) Decode(v any) Errors {
	if r.doc == nil {
		return Errors{{Path: r.path, Msg: "nothing to decode"}}
	}
	return r.doc.decode(r.node, r.path, v)
}

// Error makes a positioned error for a key path ("steps[3].check.dns.type").
func (r *Raw) Error(path, msg, fix string) Error {
	if r.doc == nil {
		return Error{Path: path, Msg: msg, Fix: fix}
	}
	return r.doc.ErrorAt(path, msg, fix)
}

// RawField is one key of a mapping held in a Raw.
type RawField struct {
	Key   string
	Value *Raw
}

// Fields lists a mapping's keys in file order, for owners that pick what to do by key (a
// check's one condition among its options). A value that is not a mapping, or a key given
// twice, is an error.
func (r *Raw) Fields() ([]RawField, Errors) {
	if r.doc == nil {
		return nil, Errors{{Path: r.path, Msg: "nothing to decode"}}
	}
	m, ok := unwrap(r.node).(*ast.MappingNode)
	if !ok {
		return nil, Errors{r.errAtNode(r.node, r.path, "expected a mapping of keys (key: value), found "+describe(r.node), "")}
	}
	var out []RawField
	var errs Errors
	seen := map[string]bool{}
	for _, mv := range m.Values {
		k := keyText(mv.Key)
		p := join(r.path, k)
		if seen[k] {
			errs = append(errs, r.errAtNode(mv.Key, p, "is set twice", "keep one of them"))
			continue
		}
		seen[k] = true
		r.doc.pos[p] = *mv.Key.GetToken().Position
		out = append(out, RawField{Key: k, Value: &Raw{node: mv.Value, doc: r.doc, path: p}})
	}
	return out, errs
}

func (r *Raw) errAtNode(n ast.Node, path, msg, fix string) Error {
	e := Error{File: r.doc.File, Path: path, Msg: msg, Fix: fix}
	if n != nil && n.GetToken() != nil {
		e.Line, e.Col = n.GetToken().Position.Line, n.GetToken().Position.Column
	}
	return e
}

// UnknownKeyFix is the advice the config gives for an unknown key: the closest known key
// and the list, for owners of a Raw who check keys themselves.
func UnknownKeyFix(key string, known []string) string {
	fields := map[string]reflect.Type{}
	for _, k := range known {
		fields[k] = nil
	}
	return unknownKeyFix(key, fields)
}

// Closest suggests a known name for a typo (within two edits), or "".
func Closest(name string, known []string) string { return closest(name, known) }

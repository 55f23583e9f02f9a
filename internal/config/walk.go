package config

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// walker checks a YAML tree against the Go type it will be decoded into, before decoding,
// so that every unknown key and every wrong type in the file is reported in one pass with
// its line, column and key path. (A decoder stops at the first error; a user fixing a
// config at 2 a.m. should not have to run the tool ten times.) It also records where each
// key path sits, so later semantic checks can point at the right line.
type walker struct {
	file  string
	errs  Errors
	pos   map[string]token.Position
	skip  map[string]bool // top-level keys decoded by someone else (pane sections)
	onKey func(path string, key ast.Node, value ast.Node) bool
}

var (
	durationType = reflect.TypeFor[time.Duration]()
	secretType   = reflect.TypeFor[Secret]()
)

func (w *walker) errAt(n ast.Node, path, msg, fix string) {
	e := Error{File: w.file, Path: path, Msg: msg, Fix: fix}
	if n != nil && n.GetToken() != nil {
		e.Line, e.Col = n.GetToken().Position.Line, n.GetToken().Position.Column
	}
	w.errs = append(w.errs, e)
}

func (w *walker) record(path string, n ast.Node) {
	if n != nil && n.GetToken() != nil && path != "" {
		w.pos[path] = *n.GetToken().Position
	}
}

// unwrap looks through anchors, tags and comments to the node that carries the value.
func unwrap(n ast.Node) ast.Node {
	for {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.TagNode:
			n = v.Value
		default:
			return n
		}
	}
}

func (w *walker) walk(n ast.Node, t reflect.Type, path string) {
	if n == nil {
		return
	}
	n = unwrap(n)
	w.record(path, n)
	if _, ok := n.(*ast.AliasNode); ok {
		return // aliases repeat a node checked where it was anchored
	}
	if _, ok := n.(*ast.NullNode); ok {
		return // an empty value keeps the default
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == secretType:
		w.walkSecret(n, path)
		return
	case t == rawType:
		return // its owner checks it when it decodes it (Raw.Decode)
	case t == durationType:
		s, ok := scalarText(n)
		if !ok {
			w.errAt(n, path, "expected a duration like 30s, 5m or 1h, found "+describe(n), "")
			return
		}
		if d, err := time.ParseDuration(s); err != nil || d < 0 {
			w.errAt(n, path, fmt.Sprintf("%q is not a duration", s), "write it like 30s, 5m or 1h")
		}
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		m, ok := n.(*ast.MappingNode)
		if !ok {
			w.errAt(n, path, "expected a mapping of keys (key: value), found "+describe(n), "")
			return
		}
		w.walkStruct(m, t, path)
	case reflect.Slice:
		s, ok := n.(*ast.SequenceNode)
		if !ok {
			w.errAt(n, path, "expected a list, found "+describe(n), "write each item on its own line starting with \"- \"")
			return
		}
		for i, v := range s.Values {
			w.walk(v, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Map:
		m, ok := n.(*ast.MappingNode)
		if !ok {
			w.errAt(n, path, "expected a mapping (key: value), found "+describe(n), "")
			return
		}
		seen := map[string]bool{}
		for _, mv := range m.Values {
			k := keyText(mv.Key)
			p := fmt.Sprintf("%s[%q]", path, k)
			if seen[k] {
				w.errAt(mv.Key, p, "is listed twice", "keep one of them")
			}
			seen[k] = true
			w.record(p+".key", mv.Key)
			w.walk(mv.Value, t.Elem(), p)
		}
	case reflect.Bool:
		if _, ok := n.(*ast.BoolNode); !ok {
			w.errAt(n, path, "expected true or false, found "+describe(n), "")
		}
	case reflect.Int, reflect.Int64, reflect.Int32:
		if _, ok := n.(*ast.IntegerNode); !ok {
			w.errAt(n, path, "expected a whole number, found "+describe(n), "")
		}
	case reflect.Float64:
		switch n.(type) {
		case *ast.IntegerNode, *ast.FloatNode:
		default:
			w.errAt(n, path, "expected a number, found "+describe(n), "")
		}
	case reflect.String:
		if _, ok := scalarText(n); !ok {
			w.errAt(n, path, "expected text, found "+describe(n), "quote it if it contains ': ' or starts with a special character")
		}
	}
}

func (w *walker) walkStruct(m *ast.MappingNode, t reflect.Type, path string) {
	fields := yamlFields(t)
	seen := map[string]bool{}
	for _, mv := range m.Values {
		k := keyText(mv.Key)
		p := join(path, k)
		if k == "<<" {
			continue // merge keys: the merged mapping is checked where it is defined
		}
		if seen[k] {
			w.errAt(mv.Key, p, "is set twice", "keep one of them")
			continue
		}
		seen[k] = true
		if path == "" && w.onKey != nil && w.onKey(p, mv.Key, mv.Value) {
			continue
		}
		f, ok := fields[k]
		if !ok {
			w.errAt(mv.Key, p, "unknown key", unknownKeyFix(k, fields))
			continue
		}
		w.record(p, mv.Value)
		w.walk(mv.Value, f, p)
	}
}

func (w *walker) walkSecret(n ast.Node, path string) {
	s, ok := scalarText(n)
	if !ok {
		// Say what kind of value it was, never the value: it may be the secret itself.
		w.errAt(n, path, "expected a secret reference (env:NAME or file:PATH), found a "+strings.ToLower(unwrap(n).Type().String()), "")
		return
	}
	if _, err := parseRef(s); err != nil {
		// Never echo s: if it is not a reference it may be the secret itself.
		w.errAt(n, path, err.Error(), "")
	}
}

// yamlKey is a struct field's YAML key as the decoder reads it (the tag, or the
// lower-cased name); ok is false for unexported fields and those tagged "-".
func yamlKey(f reflect.StructField) (string, bool) {
	if !f.IsExported() {
		return "", false
	}
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	if name == "-" {
		return "", false
	}
	if name == "" {
		name = strings.ToLower(f.Name)
	}
	return name, true
}

// yamlFields maps a struct's YAML keys to field types, from the same tags the decoder reads.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		if name, ok := yamlKey(t.Field(i)); ok {
			out[name] = t.Field(i).Type
		}
	}
	return out
}

func unknownKeyFix(k string, fields map[string]reflect.Type) string {
	known := make([]string, 0, len(fields))
	for name := range fields {
		known = append(known, name)
	}
	slices.Sort(known)
	if s := closest(k, known); s != "" {
		return fmt.Sprintf("did you mean %q? (known keys: %s)", s, strings.Join(known, ", "))
	}
	return "known keys here: " + strings.Join(known, ", ")
}

// closest suggests a known key for a typo: within two edits, or differing only in - vs _.
func closest(k string, known []string) string {
	best, bestD := "", 3
	norm := strings.ReplaceAll(strings.ToLower(k), "-", "_")
	for _, c := range known {
		if c == norm {
			return c
		}
		if d := editDistance(norm, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance counts the edits between two keys, a swap of neighbours (rnu for run) as
// one: the optimal string alignment distance.
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func keyText(k ast.MapKeyNode) string {
	if s, ok := scalarText(k); ok {
		return s
	}
	return k.String()
}

// scalarText returns a scalar's text as the decoder would see it for a string field.
func scalarText(n ast.Node) (string, bool) {
	switch v := unwrap(n).(type) {
	case *ast.StringNode:
		return v.Value, true
	case *ast.LiteralNode:
		return v.Value.Value, true
	case *ast.IntegerNode:
		return v.GetToken().Value, true
	case *ast.FloatNode:
		return v.GetToken().Value, true
	case *ast.BoolNode:
		return v.GetToken().Value, true
	case *ast.InfinityNode, *ast.NanNode:
		return v.GetToken().Value, true
	}
	return "", false
}

// describe names what the user wrote, without echoing long or sensitive values.
func describe(n ast.Node) string {
	switch v := unwrap(n).(type) {
	case *ast.MappingNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.BoolNode:
		return "true/false"
	case *ast.IntegerNode, *ast.FloatNode:
		return "the number " + v.GetToken().Value
	case *ast.StringNode:
		if len(v.Value) > 40 {
			return "text"
		}
		return strconv.Quote(v.Value)
	case *ast.NullNode:
		return "nothing"
	}
	return "a " + strings.ToLower(n.Type().String())
}

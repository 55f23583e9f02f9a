package endpoint

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// A JSON path is the simple form operators write in YAML: keys separated by dots, with
// list positions as numbers ("checks.db", "items.0.id"). It is all a health or metrics
// endpoint needs, and it reads the same in the config as in the finding.
type jsonPath []string

func parsePath(p string) (jsonPath, error) {
	if strings.TrimSpace(p) == "" {
		return nil, errors.New("is an empty JSON path")
	}
	parts := strings.Split(p, ".")
	for _, s := range parts {
		if s == "" {
			return nil, fmt.Errorf("%q has an empty step (two dots, or a dot at an end)", p)
		}
	}
	return parts, nil
}

func (p jsonPath) String() string { return strings.Join(p, ".") }

// maxJSONDepth bounds how deep a response may nest before we refuse it: a hostile body of
// a million '[' must not cost a million stack frames.
const maxJSONDepth = 64

// decodeJSON parses a response body, keeping numbers as written (json.Number) so "1.50"
// compares as the server sent it.
func decodeJSON(body []byte) (any, error) {
	if depth(body) > maxJSONDepth {
		return nil, fmt.Errorf("nests deeper than %d levels", maxJSONDepth)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// depth is the deepest nesting of brackets outside strings.
func depth(b []byte) int {
	d, deepest, inStr, esc := 0, 0, false, false
	for _, c := range b {
		switch {
		case esc:
			esc = false
		case inStr && c == '\\':
			esc = true
		case c == '"':
			inStr = !inStr
		case inStr:
		case c == '{' || c == '[':
			d++
			deepest = max(deepest, d)
		case c == '}' || c == ']':
			d--
		}
	}
	return deepest
}

// lookup follows p through v; ok is false when a step is missing.
func (p jsonPath) lookup(v any) (any, bool) {
	for _, step := range p {
		switch x := v.(type) {
		case map[string]any:
			next, ok := x[step]
			if !ok {
				return nil, false
			}
			v = next
		case []any:
			i, err := strconv.Atoi(step)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// scalarText writes a JSON value the way a config author writes the expected one:
// strings bare, numbers as sent, true/false, null; objects and lists as compact JSON.
func scalarText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	case nil:
		return "null"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return clip(string(b), 120)
}

// number reads a JSON value as a number: a JSON number, or a string holding one (some
// metrics endpoints quote everything).
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil
	}
	return 0, false
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

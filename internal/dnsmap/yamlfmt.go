package dnsmap

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// WriteYAML writes the map in its YAML form: a short header, then each name with its
// records as "TYPE TTL DATA" lines. Every scalar is single-quoted, so no record data
// (a TXT with ": " or " #", a wildcard name starting with '*') can change meaning.
func (m *Map) WriteYAML(w io.Writer) error {
	bw := bufio.NewWriter(w)
	zone := trimDot(m.Zone)
	fmt.Fprintf(bw, "# The documented DNS map of %s, written by `launchready dns export`.\n", zone)
	bw.WriteString("# One line per record: TYPE TTL DATA, the data in zone-file syntax. Keep it in the\n")
	bw.WriteString("# repository; after an intended DNS change, export again (or edit it) and commit.\n")
	bw.WriteString("# `launchready dns diff FILE` compares it with the live zone: exit 0 no drift, 1 drift.\n")
	fmt.Fprintf(bw, "schema: %s\n", Schema)
	fmt.Fprintf(bw, "zone: %s\n", quote(zone))
	if !m.Taken.IsZero() {
		fmt.Fprintf(bw, "taken: %s\n", quote(m.Taken.UTC().Format(time.RFC3339)))
	}
	if m.Source != "" {
		fmt.Fprintf(bw, "source: %s\n", quote(m.Source))
	}
	if len(m.Records) == 0 {
		bw.WriteString("names: {}\n")
		return bw.Flush()
	}
	bw.WriteString("names:\n")
	last := ""
	for _, r := range m.Records {
		if r.Name != last {
			fmt.Fprintf(bw, "  %s:\n", quote(trimDot(r.Name)))
			last = r.Name
		}
		fmt.Fprintf(bw, "    - %s\n", quote(r.Short()))
	}
	return bw.Flush()
}

// quote writes s as a YAML single-quoted scalar; bytes outside printable ASCII (which
// miekg/dns never prints, it escapes them as \DDD) fall back to a double-quoted scalar.
func quote(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return strconv.QuoteToASCII(s)
		}
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// maxErrors bounds how many problems one load reports; past this the file is probably
// not a DNS map at all.
const maxErrors = 20

// loadYAML reads the YAML form. Every problem is reported with its line and column.
func loadYAML(data []byte, file string) (*Map, error) {
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, Errors{yamlSyntaxError(file, err)}
	}
	if len(f.Docs) != 1 || f.Docs[0] == nil || f.Docs[0].Body == nil {
		return nil, Errors{{File: file, Msg: "is not a DNS map: expected one YAML document with schema, zone and names"}}
	}
	l := &yamlLoader{file: file, m: &Map{}}
	l.root(f.Docs[0].Body)
	if len(l.errs) > 0 {
		return nil, l.errs
	}
	if err := l.m.check(); err != nil {
		return nil, Errors{{File: file, Msg: err.Error()}}
	}
	l.m.Sort()
	return l.m, nil
}

type yamlLoader struct {
	file string
	m    *Map
	errs Errors
}

func (l *yamlLoader) errAt(n ast.Node, msg string) {
	if len(l.errs) >= maxErrors {
		return
	}
	e := Error{File: l.file, Msg: msg}
	if n != nil {
		if tk := n.GetToken(); tk != nil && tk.Position != nil {
			e.Line, e.Col = tk.Position.Line, tk.Position.Column
		}
	}
	l.errs = append(l.errs, e)
}

func (l *yamlLoader) root(n ast.Node) {
	top, ok := unwrap(n).(*ast.MappingNode)
	if !ok {
		l.errAt(n, "is not a DNS map: expected keys schema, zone and names")
		return
	}
	var zoneNode, namesNode, schemaNode ast.Node
	seen := map[string]bool{}
	for _, mv := range top.Values {
		k, _ := scalar(mv.Key)
		if seen[k] {
			l.errAt(mv.Key, fmt.Sprintf("%s: listed twice; keep one", k))
			continue
		}
		seen[k] = true
		switch k {
		case "schema":
			schemaNode = mv.Value
		case "zone":
			zoneNode = mv.Value
		case "names":
			namesNode = mv.Value
		case "taken":
			s, ok := scalar(mv.Value)
			if !ok {
				l.errAt(mv.Value, "taken: expected a time like 2026-11-28T02:00:00Z")
				continue
			}
			t, err := time.Parse(time.RFC3339, s)
			if err != nil {
				l.errAt(mv.Value, fmt.Sprintf("taken: %q is not a time like 2026-11-28T02:00:00Z", clip(s)))
				continue
			}
			l.m.Taken = t
		case "source":
			s, ok := scalar(mv.Value)
			if !ok {
				l.errAt(mv.Value, "source: expected text")
				continue
			}
			l.m.Source = s
		default:
			l.errAt(mv.Key, fmt.Sprintf("%s: unknown key; a DNS map has schema, zone, taken, source and names", clip(k)))
		}
	}
	if s, ok := scalar(schemaNode); schemaNode == nil || !ok || s != Schema {
		where := schemaNode
		if where == nil {
			where = n
		}
		l.errAt(where, fmt.Sprintf("schema: expected %s; this is not a DNS map written by `launchready dns export`, or one from another version", Schema))
	}
	z, ok := scalar(zoneNode)
	if zoneNode == nil || !ok || z == "" {
		l.errAt(n, "zone: missing; say which zone the map is for, e.g. zone: acme.example")
		return
	}
	if err := checkOwner(z); err != nil {
		l.errAt(zoneNode, "zone: "+err.Error())
		return
	}
	l.m.Zone = dnsCanonical(z)
	if namesNode == nil {
		l.errAt(n, "names: missing; list each name with its records")
		return
	}
	l.names(namesNode)
}

func (l *yamlLoader) names(n ast.Node) {
	if _, null := unwrap(n).(*ast.NullNode); null {
		return
	}
	mn, ok := unwrap(n).(*ast.MappingNode)
	if !ok {
		l.errAt(n, "names: expected each name as a key with a list of records under it")
		return
	}
	seen := map[string]bool{}
	for _, mv := range mn.Values {
		name, ok := scalar(mv.Key)
		if !ok {
			l.errAt(mv.Key, "names: expected a domain name as the key")
			continue
		}
		if err := checkOwner(name); err != nil {
			l.errAt(mv.Key, err.Error())
			continue
		}
		fq := dnsCanonical(name)
		if !InZone(l.m.Zone, fq) {
			l.errAt(mv.Key, fmt.Sprintf("%s is outside the zone %s: write full names inside the zone", clip(name), trimDot(l.m.Zone)))
			continue
		}
		if seen[fq] {
			l.errAt(mv.Key, fmt.Sprintf("%s is listed twice; merge its records under one key", clip(name)))
			continue
		}
		seen[fq] = true
		if _, null := unwrap(mv.Value).(*ast.NullNode); null {
			continue
		}
		seq, ok := unwrap(mv.Value).(*ast.SequenceNode)
		if !ok {
			l.errAt(mv.Value, fmt.Sprintf("%s: expected a list of records, each \"TYPE TTL DATA\"", clip(name)))
			continue
		}
		for _, v := range seq.Values {
			l.record(fq, v)
		}
	}
}

func (l *yamlLoader) record(name string, n ast.Node) {
	s, ok := scalar(n)
	if !ok {
		l.errAt(n, fmt.Sprintf("%s: expected a record as text, \"TYPE TTL DATA\"", trimDot(name)))
		return
	}
	typ, rest, _ := strings.Cut(strings.TrimSpace(s), " ")
	ttlText, data, _ := strings.Cut(strings.TrimLeft(rest, " \t"), " ")
	ttl, err := strconv.ParseUint(ttlText, 10, 32)
	if err != nil {
		l.errAt(n, fmt.Sprintf("%s: %q: expected \"TYPE TTL DATA\", e.g. \"A 300 192.0.2.10\"", trimDot(name), clip(s)))
		return
	}
	r, err := ParseRecord(name, typ, uint32(ttl), strings.TrimSpace(data))
	if err != nil {
		l.errAt(n, fmt.Sprintf("%s: %v", trimDot(name), err))
		return
	}
	if len(l.m.Records) >= MaxRecords {
		l.errAt(n, fmt.Sprintf("more than %d records; a DNS map holds at most that", MaxRecords))
		return
	}
	l.m.Add(r)
}

// unwrap looks through anchors and tags to the node holding the value.
func unwrap(n ast.Node) ast.Node {
	for n != nil {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.TagNode:
			n = v.Value
		default:
			return n
		}
	}
	return n
}

// scalar returns a scalar node's text.
func scalar(n ast.Node) (string, bool) {
	switch v := unwrap(n).(type) {
	case *ast.StringNode:
		return v.Value, true
	case *ast.LiteralNode:
		if v.Value == nil {
			return "", false
		}
		return v.Value.Value, true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
		return v.GetToken().Value, true
	}
	return "", false
}

// clip keeps error messages short whatever the file holds.
func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

func dnsCanonical(name string) string {
	return strings.ToLower(strings.TrimSuffix(name, ".")) + "."
}

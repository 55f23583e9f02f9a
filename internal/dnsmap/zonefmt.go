package dnsmap

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// WriteZone writes the map as an RFC 1035 zone file: what DNS providers import, and what
// `dig` users read without thinking. The header comments carry the map's metadata, so a
// zone file reads back as the same map.
func (m *Map) WriteZone(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "; The documented DNS map of %s, written by `launchready dns export --format zone`.\n", trimDot(m.Zone))
	fmt.Fprintf(bw, "; %s\n", Schema)
	if !m.Taken.IsZero() {
		fmt.Fprintf(bw, "; taken: %s\n", m.Taken.UTC().Format(time.RFC3339))
	}
	if m.Source != "" {
		fmt.Fprintf(bw, "; source: %s\n", strings.NewReplacer("\n", " ", "\r", " ").Replace(m.Source))
	}
	fmt.Fprintf(bw, "$ORIGIN %s\n", m.Zone)
	for _, r := range m.Records {
		fmt.Fprintf(bw, "%s\t%d\tIN\t%s\t%s\n", r.Name, r.TTL, r.Type, r.Data)
	}
	return bw.Flush()
}

var parseErrorAt = regexp.MustCompile(` at line: (\d+):(\d+)`)

// loadZone reads the zone-file form. Directives other than $ORIGIN and $TTL ($INCLUDE in
// particular, which could read any file) are refused by the parser.
func loadZone(data []byte, file string) (*Map, error) {
	m := &Map{}
	origin := ""
	header := true
	for line := range bytes.Lines(data) {
		t := strings.TrimSpace(string(line))
		switch {
		case header && strings.HasPrefix(t, "; taken: "):
			if tm, err := time.Parse(time.RFC3339, strings.TrimPrefix(t, "; taken: ")); err == nil {
				m.Taken = tm
			}
		case header && strings.HasPrefix(t, "; source: "):
			m.Source = strings.TrimPrefix(t, "; source: ")
		case t == "" || strings.HasPrefix(t, ";"):
		default:
			header = false
		}
		if f := strings.Fields(t); origin == "" && len(f) >= 2 && strings.EqualFold(f[0], "$ORIGIN") {
			origin = f[1]
		}
	}
	zpOrigin := "."
	if origin != "" {
		if err := checkOwner(origin); err != nil {
			return nil, Errors{{File: file, Msg: "$ORIGIN: " + err.Error()}}
		}
		zpOrigin = dnsCanonical(origin)
	}
	zp := dns.NewZoneParser(bytes.NewReader(data), zpOrigin, "")
	var errs Errors
	soaOwner := ""
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		r, err := FromRR(rr)
		if err != nil {
			if len(errs) < maxErrors {
				errs = append(errs, Error{File: file, Msg: fmt.Sprintf("%s: %v", clip(strings.ReplaceAll(rr.String(), "\t", " ")), err)})
			}
			continue
		}
		if r.Type == "SOA" && soaOwner == "" {
			soaOwner = r.Name
		}
		if len(m.Records) >= MaxRecords {
			errs = append(errs, Error{File: file, Msg: fmt.Sprintf("more than %d records; a DNS map holds at most that", MaxRecords)})
			break
		}
		m.Add(r)
	}
	if err := zp.Err(); err != nil {
		e := Error{File: file, Msg: "not a record this zone-file reader accepts: " + parseMessage(err)}
		if sm := parseErrorAt.FindStringSubmatch(err.Error()); sm != nil {
			e.Line, _ = strconv.Atoi(sm[1])
			e.Col, _ = strconv.Atoi(sm[2])
		}
		errs = append(errs, e)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	switch {
	case origin != "":
		m.Zone = zpOrigin
	case soaOwner != "":
		m.Zone = soaOwner
	default:
		return nil, Errors{{File: file, Msg: "the zone file names no zone: add a line \"$ORIGIN acme.example.\" (your apex) before the records"}}
	}
	if err := m.check(); err != nil {
		return nil, Errors{{File: file, Msg: err.Error()}}
	}
	m.Sort()
	return m, nil
}

package dnsmap

import (
	"fmt"
	"slices"
	"strings"
)

// Diff is what changed between the documented map and the live zone, RRset by RRset: a
// name and type present on one side only is added or removed; present on both with
// other data or TTLs, changed. The SOA serial is not compared: every edit of the zone
// bumps it, and the edit itself shows up as the change that matters.
type Diff struct {
	Zone    string   `json:"zone"`
	Added   []Record `json:"added"`   // live, not in the map
	Removed []Record `json:"removed"` // in the map, gone from the live zone
	Changed []Change `json:"changed"`
}

// Change is one RRset that differs.
type Change struct {
	Name string   `json:"name"`
	Type string   `json:"type"`
	Was  []Record `json:"was"` // documented
	Now  []Record `json:"now"` // live
}

// Drift reports whether anything differs.
func (d Diff) Drift() bool { return len(d.Added)+len(d.Removed)+len(d.Changed) > 0 }

// Count is the number of differences: records added and removed, RRsets changed.
func (d Diff) Count() int { return len(d.Added) + len(d.Removed) + len(d.Changed) }

// Summary says how much drifted, in a few words.
func (d Diff) Summary() string {
	if !d.Drift() {
		return "no drift"
	}
	return fmt.Sprintf("%d added, %d removed, %d changed", len(d.Added), len(d.Removed), len(d.Changed))
}

// Lines is the diff for people, one line per difference, in map order:
//
//   - admin.acme.example. 300 IN CNAME ghost-app.herokudns.com.
//   - admin.acme.example. 300 IN A 127.0.0.1
//     ~ api.acme.example. A: 300 127.0.0.1 -> 86400 127.0.0.1
func (d Diff) Lines() []string {
	type line struct {
		r    Record // for ordering
		text string
	}
	var ls []line
	for _, r := range d.Added {
		ls = append(ls, line{r, "+ " + r.String()})
	}
	for _, r := range d.Removed {
		ls = append(ls, line{r, "- " + r.String()})
	}
	for _, c := range d.Changed {
		ls = append(ls, line{Record{Name: c.Name, Type: c.Type}, fmt.Sprintf("~ %s %s: %s -> %s", c.Name, c.Type, short(c.Was), short(c.Now))})
	}
	slices.SortStableFunc(ls, func(a, b line) int {
		if c := CompareNames(a.r.Name, b.r.Name); c != 0 {
			return c
		}
		return typeRank(a.r.Type) - typeRank(b.r.Type)
	})
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.text
	}
	return out
}

func short(rs []Record) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = fmt.Sprintf("%d %s", r.TTL, r.Data)
	}
	return strings.Join(parts, ", ")
}

type rrsetKey struct{ name, typ string }

// Compare finds the differences from documented to live. Both maps should be of the same
// zone; the caller checks, since only it knows which file to blame.
func Compare(documented, live *Map) Diff {
	d := Diff{Zone: live.Zone}
	was, now := rrsets(documented), rrsets(live)
	for _, k := range keys(was, now) {
		w, n := was[k], now[k]
		switch {
		case len(w) == 0:
			d.Added = append(d.Added, n...)
		case len(n) == 0:
			d.Removed = append(d.Removed, w...)
		case !sameSet(w, n):
			d.Changed = append(d.Changed, Change{Name: k.name, Type: k.typ, Was: w, Now: n})
		}
	}
	return d
}

func rrsets(m *Map) map[rrsetKey][]Record {
	out := map[rrsetKey][]Record{}
	for _, r := range m.Records {
		k := rrsetKey{r.Name, r.Type}
		out[k] = append(out[k], r)
	}
	for _, rs := range out {
		slices.SortFunc(rs, compareRecords)
	}
	return out
}

// keys lists the RRsets of both sides in map order.
func keys(a, b map[rrsetKey][]Record) []rrsetKey {
	var ks []rrsetKey
	for k := range a {
		ks = append(ks, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			ks = append(ks, k)
		}
	}
	slices.SortFunc(ks, func(x, y rrsetKey) int {
		if c := CompareNames(x.name, y.name); c != 0 {
			return c
		}
		return typeRank(x.typ) - typeRank(y.typ)
	})
	return ks
}

// sameSet compares two sorted RRsets by TTL and data, the SOA without its serial.
func sameSet(a, b []Record) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].TTL != b[i].TTL || comparable(a[i]) != comparable(b[i]) {
			return false
		}
	}
	return true
}

// comparable is the data that counts for drift: an SOA's serial is left out.
func comparable(r Record) string {
	if r.Type != "SOA" {
		return r.Data
	}
	f := strings.Fields(r.Data)
	if len(f) == 7 {
		f[2] = "*"
	}
	return strings.Join(f, " ")
}

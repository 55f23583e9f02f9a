package lab

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/miekg/dns"
)

// liveZones is the DNS handler: the scenario's zones, which SetRecords may replace while
// the lab runs (a deploy pointing a name elsewhere). Each change builds a whole new
// zoneSet and swaps it in, so a query reads one consistent set without holding a lock
// while it answers.
type liveZones struct {
	mu   sync.RWMutex
	spec []Zone
	set  zoneSet
}

func (lz *liveZones) current() zoneSet {
	lz.mu.RLock()
	defer lz.mu.RUnlock()
	return lz.set
}

// ServeDNS answers from the zones as they are now.
func (lz *liveZones) ServeDNS(w dns.ResponseWriter, req *dns.Msg) { lz.current().ServeDNS(w, req) }

// SetRecords replaces every record of one owner (as written: "app", "@") in the zone
// origin while the lab runs, as an operator or a deploy editing the zone would; the next
// query sees the new records. The demo's deploy uses it through the lab's release file.
// A record that does not parse leaves the zones as they were and says why.
func (l *Lab) SetRecords(origin, owner string, records ...string) error {
	lz := l.zones
	lz.mu.Lock()
	defer lz.mu.Unlock()
	spec := slices.Clone(lz.spec)
	i := slices.IndexFunc(spec, func(z Zone) bool { return z.Origin == origin })
	if i < 0 {
		return fmt.Errorf("lab: SetRecords: scenario %q has no zone %q", l.name, origin)
	}
	spec[i].Records = append(slices.DeleteFunc(slices.Clone(spec[i].Records), func(rec string) bool {
		f := strings.Fields(rec)
		return len(f) > 0 && f[0] == owner
	}), records...)
	set, err := parseZones(spec)
	if err != nil {
		return fmt.Errorf("lab: SetRecords(%q, %q): %w", origin, owner, err)
	}
	lz.spec, lz.set = spec, set
	return nil
}

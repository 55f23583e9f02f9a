package discovery

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/probes/lab"
	"github.com/launchready/launchready/probes/netx"
)

// TestLabHealthy runs discovery against the built-in lab's healthy world, as `init --lab`
// will: every name the scenario plants is found, nothing fails, no transfer is given.
func TestLabHealthy(t *testing.T) {
	t.Parallel()
	sc, _ := lab.ScenarioByName("healthy")
	l, err := lab.Start(sc, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	n, err := netx.New(netx.Config{Resolvers: []string{l.DNSAddr}, ConnectTo: l.ConnectTo})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(bounded(t, 20*time.Second), n, l.Domain, Options{RateLimit: NoRateLimit})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, nm := range rep.Names {
		names = append(names, nm.Name)
	}
	for _, want := range []string{"acme.example", "www.acme.example", "app.acme.example", "api.acme.example", "admin.acme.example",
		"status.acme.example", "mx.acme.example", "mta-sts.acme.example", "_dmarc.acme.example", "_mta-sts.acme.example", "_smtp._tls.acme.example"} {
		if !slices.Contains(names, want) {
			t.Errorf("%s not found; found %s", want, strings.Join(names, ", "))
		}
	}
	if len(rep.Failed) > 0 || len(rep.Wildcards) > 0 {
		t.Errorf("failed %+v wildcards %+v, want none in the healthy lab", rep.Failed, rep.Wildcards)
	}
	for _, tr := range rep.Transfers {
		if tr.Outcome != TransferRefused {
			t.Errorf("transfer %s, want refused", tr)
		}
	}
	t.Logf("via %s; %d tried, %d absent, %d queries; transfers %v; services %v", rep.Via, rep.Tried, rep.Absent, rep.Queries, rep.Transfers, serviceLines(rep))
}

package registration

import (
	"context"
	"testing"
	"time"

	"github.com/launchready/launchready/examples"
	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/lab"
	"github.com/launchready/launchready/probes/netx"
)

// sweepLab runs the example config's registration checks against a lab scenario, as
// `launchready check --lab` does.
func sweepLab(t *testing.T, name string) map[string]probes.Result {
	t.Helper()
	sc, ok := lab.ScenarioByName(name)
	if !ok {
		t.Fatalf("no scenario %q", name)
	}
	l, err := lab.Start(sc, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	cfg, err := config.Parse(examples.Config, examples.ConfigName)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Network = config.Network{Resolvers: []string{l.DNSAddr}, ConnectTo: l.ConnectTo, CAFile: l.CAFile, RDAPURL: l.RDAPURL}
	n, err := netx.New(netx.Config{Resolvers: cfg.Network.Resolvers, ConnectTo: cfg.Network.ConnectTo, CAFile: cfg.Network.CAFile})
	if err != nil {
		t.Fatal(err)
	}
	cs, err := Kind.Build(probes.Env{Config: cfg, Net: n, Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]probes.Result{}
	for _, c := range cs {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		out[c.Info().Target] = c.Run(ctx)
		cancel()
	}
	return out
}

func TestHealthyLabRegistrationsAreQuiet(t *testing.T) {
	t.Parallel()
	rs := sweepLab(t, "healthy")
	if len(rs) != 2 {
		t.Fatalf("want acme.example and acme-links.example, got %v", rs)
	}
	for d, r := range rs {
		if r.Err != "" || len(r.Findings) != 0 {
			t.Errorf("%s: err %q findings %s", d, r.Err, ids(r.Findings))
		}
	}
}

func TestDemoLabRegistrationFaults(t *testing.T) {
	t.Parallel()
	rs := sweepLab(t, "demo")
	if got := ids(rs["acme.example"].Findings); got != "registration.expiring/critical" || rs["acme.example"].Metrics["registration_days_left"] != 5 {
		t.Errorf("acme.example: %s, metrics %v, err %q", got, rs["acme.example"].Metrics, rs["acme.example"].Err)
	}
	if got := ids(rs["acme-links.example"].Findings); got != "registration.no-transfer-lock/low" {
		t.Errorf("acme-links.example: %s, err %q", got, rs["acme-links.example"].Err)
	}
}

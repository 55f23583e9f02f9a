package exposure

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/examples"
	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/lab"
	"github.com/launchready/launchready/probes/netx"
)

// sweepLab runs the example config's exposure checks against a lab scenario, as
// `launchready check --lab` does, keyed by check name.
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
	cfg.Network = config.Network{Resolvers: []string{l.DNSAddr}, ConnectTo: l.ConnectTo, CAFile: l.CAFile}
	n, err := netx.New(netx.Config{Resolvers: cfg.Network.Resolvers, ConnectTo: cfg.Network.ConnectTo, CAFile: cfg.Network.CAFile})
	if err != nil {
		t.Fatal(err)
	}
	env := probes.Env{Config: cfg, Net: n, Now: time.Now}
	out := map[string]probes.Result{}
	for _, k := range []probes.Kind{BundlesKind, FilesKind} {
		cs, err := k.Build(env)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			out[c.Info().Name] = c.Run(ctx)
			cancel()
		}
	}
	return out
}

// ids lists "id/severity" of the findings above info, sorted.
func ids(fs []probes.Finding) string {
	var out []string
	for _, f := range fs {
		if f.Severity > probes.Info {
			out = append(out, f.ID+"/"+f.Severity.String())
		}
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

func TestDemoLabExposures(t *testing.T) {
	t.Parallel()
	rs := sweepLab(t, "demo")
	b := rs["bundles app.acme.example"]
	if b.Err != "" {
		t.Fatalf("bundles: %s", b.Err)
	}
	want := "exposure.secret-in-bundle/critical exposure.secret-in-bundle/critical exposure.secret-in-bundle/high exposure.source-map/medium"
	if got := ids(b.Findings); got != want {
		t.Errorf("bundles: %s\nwant %s", got, want)
		for _, f := range b.Findings {
			t.Logf("  %s %s %s: %s", f.Severity, f.ID, f.Title, f.Observed)
		}
	}
	byTitle := map[string]probes.Finding{}
	for _, f := range b.Findings {
		byTitle[f.Title] = f
	}
	if f := byTitle["Stripe live secret key shipped to browsers"]; !strings.Contains(f.Observed, "/static/app.js, line 1") || f.Impact != probes.Revenue {
		t.Errorf("stripe key: %+v", f)
	}
	if f := byTitle["Supabase service-role token shipped to browsers"]; !strings.Contains(f.Observed, "(__NEXT_DATA__)") {
		t.Errorf("service-role token: %+v", f)
	}
	if f := byTitle["password shipped to browsers"]; !strings.Contains(f.Observed, "source webpack://acme/./server/db.js), line 3") {
		t.Errorf("password in the source map: %+v", f)
	}
	if b.Metrics["public_keys"] != 0 && b.Metrics["public_keys"] < 1 {
		t.Errorf("metrics %v", b.Metrics)
	}
	if got := ids(rs["exposed app.acme.example"].Findings); got != "exposure.env-file/critical" {
		t.Errorf("the single-page app host: %s; want only its real /.env, no alarm for the paths its fallback answers", got)
	}
	if got := ids(rs["exposed api.acme.example"].Findings); got != "" {
		t.Errorf("the healthy api host: %s", got)
	}
	all := fmt.Sprintf("%+v", rs)
	for _, part := range []string{"DoNotUse7Qx2Rm9Tk4", "NotASignature4Qz8Wx2Rv6", "Lq2Vz9Mw4Kp8"} {
		if strings.Contains(all, part) {
			t.Errorf("a planted secret (…%s) is in a result", part[:3])
		}
	}
}

func TestHealthyLabHasNoExposure(t *testing.T) {
	t.Parallel()
	for name, r := range sweepLab(t, "healthy") {
		if r.Err != "" || ids(r.Findings) != "" {
			t.Errorf("%s: err %q findings %s", name, r.Err, ids(r.Findings))
		}
	}
}

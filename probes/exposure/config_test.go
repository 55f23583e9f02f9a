package exposure

import (
	"strings"
	"testing"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/netx"
)

// TestSectionErrors: each mistake in exposure: is reported with its file:line and what
// to write instead, not defaulted away in silence. A skip naming no host matters most: the
// third party it meant to spare keeps getting a scanner's worth of requests.
func TestSectionErrors(t *testing.T) {
	t.Parallel()
	bad, err := config.Parse([]byte(`domain: acme.example
canonical_url: https://app.acme.example/
hosts: [{name: app.acme.example}, {name: status.acme.example}]
exposure:
  skip: [status.acme.example., statuspage.acme.example]
  timeout: 5ms
  max_assets: -1
  max_asset_bytes: -5
`), "launchready.yaml")
	if err != nil {
		t.Fatal(err)
	}
	n, err := netx.New(netx.Config{Resolvers: []string{"127.0.0.1:9"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = BundlesKind.Build(probes.Env{Config: bad, Net: n})
	for _, want := range []string{
		`launchready.yaml:5`, `exposure.skip[1]: "statuspage.acme.example" is not one of hosts:`,
		`launchready.yaml:6`, `exposure.timeout: 5ms is too short`,
		`launchready.yaml:7`, `exposure.max_assets: -1 is negative`,
		`launchready.yaml:8`, `exposure.max_asset_bytes: -5 is negative`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("config error lacks %q:\n%v", want, err)
		}
	}
	if err != nil && strings.Contains(err.Error(), "skip[0]") {
		t.Errorf("a skip naming a listed host (trailing dot and all) was refused:\n%v", err)
	}
}

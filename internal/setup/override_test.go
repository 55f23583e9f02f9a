package setup

import (
	"testing"

	"github.com/launchready/launchready/internal/config"
)

// TestNetworkFlagsOverrideTheConfig: --connect-to adds to the config's map (the flag wins
// for the same host:port), --ca-file and --rdap-url replace, and the config's map is not
// changed in place.
func TestNetworkFlagsOverrideTheConfig(t *testing.T) {
	t.Parallel()
	orig := map[string]string{"a.test:443": "127.0.0.1:1", "b.test:443": "127.0.0.1:2"}
	n := config.Network{ConnectTo: orig, CAFile: "ca.pem"}
	overrideNetwork(&n, Options{Resolver: "127.0.0.1:53", ConnectTo: map[string]string{"b.test:443": "127.0.0.1:9"}, CAFile: "/x/lab.pem", RDAPURL: "https://rdap.test/"})
	if n.ConnectTo["a.test:443"] != "127.0.0.1:1" || n.ConnectTo["b.test:443"] != "127.0.0.1:9" || orig["b.test:443"] != "127.0.0.1:2" {
		t.Errorf("connect_to: %v (config's own %v)", n.ConnectTo, orig)
	}
	if n.CAFile != "/x/lab.pem" || n.RDAPURL != "https://rdap.test/" || n.Resolvers[0] != "127.0.0.1:53" {
		t.Errorf("network: %+v", n)
	}
}

// Package kinds is the one list of probe kinds Launch Ready runs. Adding a kind is one
// line here; config validation, the check command, the console and watch all read it.
package kinds

import (
	"github.com/launchready/launchready/internal/roundtrip"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/alertcheck"
	"github.com/launchready/launchready/probes/discovery"
	"github.com/launchready/launchready/probes/dnscheck"
	"github.com/launchready/launchready/probes/endpoint"
	"github.com/launchready/launchready/probes/errlog"
	"github.com/launchready/launchready/probes/exposure"
	"github.com/launchready/launchready/probes/handovercheck"
	"github.com/launchready/launchready/probes/httpcheck"
	"github.com/launchready/launchready/probes/mailauth"
	"github.com/launchready/launchready/probes/perf"
	"github.com/launchready/launchready/probes/registration"
	"github.com/launchready/launchready/probes/tlscheck"
)

// Registry returns a registry of every probe kind.
func Registry() *probes.Registry {
	return probes.NewRegistry(
		httpcheck.Kind,
		tlscheck.Kind,
		dnscheck.Kind,
		registration.Kind,
		discovery.CopiesKind,
		mailauth.Kind,
		roundtrip.Kind,
		endpoint.Kind,
		errlog.Kind,
		alertcheck.Kind,
		exposure.BundlesKind,
		exposure.FilesKind,
		exposure.RepoKind,
		perf.Kind,
		handovercheck.Kind,
	)
}

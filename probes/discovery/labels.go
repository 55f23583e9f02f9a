package discovery

import "github.com/launchready/launchready/probes/subdomains"

// Label is one name tried under every domain (see subdomains.Label). The tables live in
// probes/subdomains so the DNS pane's hourly undocumented-names check can ask the same
// dictionary without importing discovery (which imports the DNS pane's code).
type Label = subdomains.Label

// Dictionary returns the built-in list of common subdomains, a fresh copy the caller may
// change.
func Dictionary() []Label { return subdomains.Dictionary() }

// WellKnown returns the names standards fix (_dmarc, _mta-sts, _smtp._tls, _domainkey and
// a few SRV names), a fresh copy.
func WellKnown() []Label { return subdomains.WellKnown() }

package dnscheck

import "net/netip"

// CloudflareRangesTaken is when cloudflareRanges was copied from Cloudflare's published
// lists. They must be refreshed by hand whenever Cloudflare changes them,
// and checked before each launch:
//
//	curl -s https://www.cloudflare.com/ips-v4 https://www.cloudflare.com/ips-v6
//	# or: curl -s https://api.cloudflare.com/client/v4/ips | jq -r '.result.ipv4_cidrs[], .result.ipv6_cidrs[]'
//
// then replace the list below, update this date, and run go test ./probes/dnscheck.
// This copy was written from Cloudflare's lists as published at that date, not
// downloaded at build time: compare it with the live lists before a launch. The checking
// tool never fetches them, so it works offline and a sweep never depends on cloudflare.com.
const CloudflareRangesTaken = "2025-01"

// cloudflareRanges are the addresses Cloudflare's proxy answers from. A proxied ("orange
// cloud") name resolves to these; a name resolving elsewhere is not behind the proxy.
var cloudflareRanges = mustPrefixes(
	// https://www.cloudflare.com/ips-v4
	"173.245.48.0/20",
	"103.21.244.0/22",
	"103.22.200.0/22",
	"103.31.4.0/22",
	"141.101.64.0/18",
	"108.162.192.0/18",
	"190.93.240.0/20",
	"188.114.96.0/20",
	"197.234.240.0/22",
	"198.41.128.0/17",
	"162.158.0.0/15",
	"104.16.0.0/13",
	"104.24.0.0/14",
	"172.64.0.0/13",
	"131.0.72.0/22",
	// https://www.cloudflare.com/ips-v6
	"2400:cb00::/32",
	"2606:4700::/32",
	"2803:f800::/32",
	"2405:b500::/32",
	"2405:8100::/32",
	"2a06:98c0::/29",
	"2c0f:f248::/32",
)

func mustPrefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

// isCloudflare reports whether ip is in Cloudflare's published ranges.
func isCloudflare(ip netip.Addr) bool {
	ip = ip.Unmap()
	for _, p := range cloudflareRanges {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// IsCloudflare reports whether ip is in Cloudflare's published ranges. Exported for
// discovery, which names a proxied host's service from the same list the DNS pane
// checks intended proxying with, so the two never disagree.
func IsCloudflare(ip netip.Addr) bool { return isCloudflare(ip) }

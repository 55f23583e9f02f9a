// Package exposure looks at what a site gives away to anyone who asks: secrets shipped in
// its JavaScript, inline data and source maps, files left public by the web server (.env,
// .git, dumps, debug endpoints), and whether the repository's last secret scan was clean.
// These cost the most money fastest (a live Stripe secret key in a bundle is a refund-fraud
// incident waiting for its first visitor), so they have a pane of their own.
//
// Checks, in the Exposure pane:
//
//   - "bundles HOST": the canonical page and exposure.pages, every same-site script and
//     stylesheet they load, their inline scripts and JSON blobs (__NEXT_DATA__,
//     window.__ENV__) and the source maps the scripts point to, scanned with gitleaks'
//     rules (internal/secretscan). Findings: exposure.secret-in-bundle (critical for a
//     live secret key; public-by-design keys are counted, never reported),
//     exposure.source-map (low; medium when it carries server code).
//     Metrics: assets_scanned, bytes_scanned, secrets, public_keys.
//   - "exposed HOST", one per public host: a bounded list of well-known paths, each judged
//     by its content against the host's answer for a random path, so a single-page app
//     that answers 200 with its index page everywhere is not an exposure. Findings:
//     exposure.env-file, exposure.git, exposure.svn, exposure.ds-store, exposure.dump,
//     exposure.debug-endpoint, exposure.config-secret. security.txt absent is
//     info: said in the summary, metric security_txt (1 present).
//     Metrics: paths_checked, exposed, security_txt.
//   - "repo secrets": the last `launchready secrets scan` recorded in the state folder,
//     and whether the repository's HEAD has moved since. Findings: exposure.repo-secret,
//     exposure.repo-scan-stale (info). Metrics: repo_leaks, repo_scan_current (1 when the
//     record matches HEAD).
//
// Nothing here ever holds a secret past the scan: findings carry the rule, the place and a
// redacted preview (secretscan.Preview).
package exposure

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/internal/secretscan"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/netx"
)

// Kinds are the Exposure pane's probe kinds. Bundles and exposed files read the one
// exposure: section, so only the first claims it.
var (
	BundlesKind = probes.Kind{Name: "bundles", Pane: probes.PaneExposure, Section: "exposure",
		Doc: "secrets shipped to browsers: pages, same-site scripts, inline data, source maps", Build: buildBundles}
	FilesKind = probes.Kind{Name: "exposed", Pane: probes.PaneExposure,
		Doc: "files left public on each host (.env, .git, dumps, debug endpoints), judged by content", Build: buildFiles}
	RepoKind = probes.Kind{Name: "repo-secrets", Pane: probes.PaneExposure,
		Doc: "the last `launchready secrets scan` of the app's repository, and whether HEAD moved since", Build: buildRepo}
)

// Defaults. A bundle check fetches up to 40 assets of up to 8 MB and runs 220 rules over
// them (about 0.2 s of CPU for a 5 MB bundle), and what it looks at changes only when you
// deploy: every 15 minutes finds a key shipped by a deploy within a quarter of an hour at
// a small fraction of one core. The exposed-files check sends about 25 requests per host
// that look like a scanner to a WAF, for files that appear by a deploy or a misconfigured
// server: hourly. Both are far heavier than an uptime check and gain nothing by running
// every minute.
const (
	DefaultBundleInterval = 15 * time.Minute
	DefaultFilesInterval  = time.Hour
	DefaultTimeout        = 30 * time.Second
	DefaultMaxAssets      = 40
	DefaultMaxAssetBytes  = 8 << 20
	maxPageBytes          = 2 << 20
)

// Section is launchready.yaml's exposure: section; every key is optional.
type Section struct {
	// Pages are more pages to fetch for bundles besides canonical_url: paths on the
	// canonical host ("/pricing") or https URLs.
	Pages []string `yaml:"pages"`
	// MaxAssets bounds the scripts, stylesheets and source maps fetched per run (40).
	MaxAssets int `yaml:"max_assets"`
	// MaxAssetBytes bounds each one (8 MB); a larger asset is scanned up to the bound.
	MaxAssetBytes int `yaml:"max_asset_bytes"`
	// BundleInterval and FilesInterval override 15m and 1h; Timeout 30s.
	BundleInterval time.Duration `yaml:"bundle_interval"`
	FilesInterval  time.Duration `yaml:"files_interval"`
	Timeout        time.Duration `yaml:"timeout"`
	// Skip lists hosts the exposed-files check leaves alone (a third-party status page).
	Skip []string `yaml:"skip"`
}

func section(env probes.Env) (Section, error) {
	var sec Section
	s := env.Config.Section("exposure")
	if s != nil {
		if errs := s.Decode(&sec); len(errs) > 0 {
			return sec, errs
		}
	}
	var errs config.Errors
	for i, p := range sec.Pages {
		if strings.HasPrefix(p, "/") {
			continue
		}
		if u, err := url.Parse(p); err != nil || u.Scheme != "https" || u.Host == "" {
			errs = append(errs, s.Error(fmt.Sprintf("exposure.pages[%d]", i), fmt.Sprintf("%q is neither a path nor an https URL", p), "write a path on the canonical host (/pricing) or a full https:// URL"))
		}
	}
	if sec.BundleInterval != 0 && sec.BundleInterval < time.Minute {
		errs = append(errs, s.Error("exposure.bundle_interval", fmt.Sprintf("%s is more often than bundles change and costs CPU on every run", sec.BundleInterval), "use 1m or more; the default is 15m"))
	}
	if sec.FilesInterval != 0 && sec.FilesInterval < time.Minute {
		errs = append(errs, s.Error("exposure.files_interval", fmt.Sprintf("%s sends a scanner's worth of requests to every host that often", sec.FilesInterval), "use 1m or more; the default is 1h"))
	}
	if sec.Timeout != 0 && sec.Timeout < time.Second {
		errs = append(errs, s.Error("exposure.timeout", fmt.Sprintf("%s is too short to fetch a page", sec.Timeout), "use 1s or more; the default is 30s"))
	}
	if sec.MaxAssets < 0 {
		errs = append(errs, s.Error("exposure.max_assets", fmt.Sprintf("%d is negative", sec.MaxAssets), "use a positive count; the default is 40"))
	}
	if sec.MaxAssetBytes < 0 {
		errs = append(errs, s.Error("exposure.max_asset_bytes", fmt.Sprintf("%d is negative", sec.MaxAssetBytes), "use a positive size in bytes; the default is 8388608 (8 MB)"))
	}
	// A skip that names no host skips nothing: the host it meant (a third party's status
	// page) keeps getting a scanner's worth of requests, and nobody sees why.
	for i, h := range sec.Skip {
		if !slices.ContainsFunc(env.Config.Hosts, func(c config.Host) bool { return strings.EqualFold(strings.TrimSuffix(h, "."), c.Name) }) {
			errs = append(errs, s.Error(fmt.Sprintf("exposure.skip[%d]", i), fmt.Sprintf("%q is not one of hosts:", h), "write the name exactly as hosts: lists it"))
		}
	}
	if len(errs) > 0 {
		return sec, errs
	}
	if sec.MaxAssets == 0 {
		sec.MaxAssets = DefaultMaxAssets
	}
	if sec.MaxAssetBytes == 0 {
		sec.MaxAssetBytes = DefaultMaxAssetBytes
	}
	if sec.BundleInterval == 0 {
		sec.BundleInterval = DefaultBundleInterval
	}
	if sec.FilesInterval == 0 {
		sec.FilesInterval = DefaultFilesInterval
	}
	if sec.Timeout == 0 {
		sec.Timeout = DefaultTimeout
	}
	return sec, nil
}

func buildBundles(env probes.Env) ([]probes.Check, error) {
	sec, err := section(env)
	if err != nil {
		return nil, err
	}
	canon := env.Config.CanonicalURL
	if canon == "" {
		return nil, nil
	}
	cu, err := url.Parse(canon)
	if err != nil {
		return nil, nil // config validation reports a bad canonical_url
	}
	pages := []string{canon}
	for _, p := range sec.Pages {
		if strings.HasPrefix(p, "/") {
			p = cu.ResolveReference(&url.URL{Path: p}).String()
		}
		pages = append(pages, p)
	}
	sc, err := secretscan.New()
	if err != nil {
		return nil, err
	}
	return []probes.Check{&bundles{
		info: probes.CheckInfo{Name: "bundles " + cu.Hostname(), Kind: "bundles", Pane: probes.PaneExposure,
			Target: canon, Interval: sec.BundleInterval, Timeout: sec.Timeout},
		pages: pages, scanner: sc, maxAssets: sec.MaxAssets, maxBytes: sec.MaxAssetBytes,
		client: env.Net.HTTPClient(netx.HTTPOptions{Timeout: sec.Timeout, FollowRedirects: true, KeepAlive: true}),
	}}, nil
}

func buildFiles(env probes.Env) ([]probes.Check, error) {
	sec, err := section(env)
	if err != nil {
		return nil, nil // reported once, by the bundles kind that claims the section
	}
	sc, err := secretscan.New()
	if err != nil {
		return nil, err
	}
	client := env.Net.HTTPClient(netx.HTTPOptions{Timeout: sec.Timeout, KeepAlive: true})
	var out []probes.Check
	for _, h := range env.Config.Hosts {
		if h.Role == "mail" || contains(sec.Skip, h.Name) {
			continue
		}
		u, err := url.Parse(h.HostURL())
		if err != nil {
			continue
		}
		base := &url.URL{Scheme: u.Scheme, Host: u.Host}
		out = append(out, &files{
			info: probes.CheckInfo{Name: "exposed " + h.Name, Kind: "exposed", Pane: probes.PaneExposure,
				Target: base.String() + "/", Interval: sec.FilesInterval, Timeout: sec.Timeout},
			base: base, client: client, scanner: sc,
		})
	}
	return out, nil
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if strings.EqualFold(strings.TrimSuffix(x, "."), s) {
			return true
		}
	}
	return false
}

// severity maps the scanner's levels onto the console's, word for word.
func severity(l secretscan.Level) probes.Severity {
	switch l {
	case secretscan.Critical:
		return probes.Critical
	case secretscan.High:
		return probes.High
	case secretscan.Medium:
		return probes.Medium
	}
	return probes.Info
}

// impact: a payment key costs money, every other credential exposes data.
func impact(f secretscan.Finding) probes.Impact {
	if strings.HasPrefix(f.Kind, "stripe") {
		return probes.Revenue
	}
	return probes.DataExposure
}

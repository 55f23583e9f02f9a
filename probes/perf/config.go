package perf

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/launchready/launchready/internal/config"
)

// section is the performance: part of launchready.yaml.
type section struct {
	// Browser turns on a chromium run of each page (its own load timings) where chromium
	// is installed; off by default: watch starts no browser unasked.
	Browser bool         `yaml:"browser"`
	Pages   []pageConfig `yaml:"pages"`
	APIs    []apiConfig  `yaml:"apis"`
	Load    LoadConfig   `yaml:"load"`
}

// pageConfig is a key page, held to budgets, with the assets it references.
type pageConfig struct {
	Name string `yaml:"name"`
	URL  string `yaml:"url"`
	// Budgets; zero means the default (800ms, 1500 KB, 50 requests, 200 KB an image).
	TTFBBudget    time.Duration `yaml:"ttfb_budget"`
	WeightBudgetK int           `yaml:"weight_budget_kb"`
	RequestBudget int           `yaml:"request_budget"`
	ImageBudgetK  int           `yaml:"image_budget_kb"`
	Interval      time.Duration `yaml:"interval"`
	Timeout       time.Duration `yaml:"timeout"`
}

// apiConfig is a public API route the operator says does not change per user: it should
// be cached, and must be the same for two members if it is.
type apiConfig struct {
	Name string `yaml:"name"`
	URL  string `yaml:"url"`
	// Sessions are two (or more) endpoints.sessions to compare the answer as.
	Sessions []string      `yaml:"sessions"`
	Interval time.Duration `yaml:"interval"`
	Timeout  time.Duration `yaml:"timeout"`
}

// LoadConfig is performance.load: what `launchready load` may do. The caps bind the
// command-line flags: a typo on the command line cannot outgrow the config.
type LoadConfig struct {
	MaxRate         int           `yaml:"max_rate"`     // requests per second, all flows together; default 50
	MaxDuration     time.Duration `yaml:"max_duration"` // ramp plus hold; default 5m
	AllowProduction bool          `yaml:"allow_production"`
	// ErrorThreshold stops the run when this share of a second's requests fail, 10 s
	// running (default 0.05); P95Budget stops it when p95 stays over it 10 s (default 2s).
	ErrorThreshold float64       `yaml:"error_threshold"`
	P95Budget      time.Duration `yaml:"p95_budget"`
	Flows          []FlowConfig  `yaml:"flows"`
}

// FlowConfig is one flow under load: a GET (url), a sign-in (session: the login of an
// endpoints.sessions entry), or a sign-up (a POST of body with {{email}} replaced by a
// fresh address at signup_domain).
type FlowConfig struct {
	Name         string `yaml:"name"`
	URL          string `yaml:"url"`
	Method       string `yaml:"method"`
	Body         string `yaml:"body"`
	ContentType  string `yaml:"content_type"`
	Session      string `yaml:"session"`
	SignupDomain string `yaml:"signup_domain"`
}

// Defaults and hard ceilings. The ceilings hold whatever the config says: a load test from
// an operator's laptop is a check of the launch, not a stress test of the internet.
const (
	defaultTTFBBudget    = 800 * time.Millisecond
	defaultWeightBudgetK = 1500
	defaultRequestBudget = 50
	defaultImageBudgetK  = 200
	defaultPageInterval  = 15 * time.Minute
	defaultPageTimeout   = 30 * time.Second

	DefaultMaxRate        = 50
	CeilingRate           = 2000
	DefaultMaxDuration    = 5 * time.Minute
	CeilingDuration       = 30 * time.Minute
	DefaultErrorThreshold = 0.05
	DefaultP95Budget      = 2 * time.Second
)

// validator collects config errors with their positions.
type validator struct {
	s     *config.Section
	cfg   *config.Config
	errs  config.Errors
	names map[string]bool
}

func (v *validator) add(path, msg, fix string) { v.errs = append(v.errs, v.s.Error(path, msg, fix)) }

// url checks an address is absolute http(s) on a host listed in hosts: the Performance
// pane and load only ever talk to the product's own names.
func (v *validator) url(item, raw string) {
	if raw == "" {
		v.add(item, "has no url", "add url: with the full address, e.g. url: https://app.acme.example/")
		return
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		v.add(item+".url", fmt.Sprintf("%q is not an http(s) URL", raw), "write the full address, e.g. https://app.acme.example/")
		return
	}
	if !ConfiguredHost(v.cfg, u.Hostname()) {
		v.add(item+".url", fmt.Sprintf("%s is not one of the config's hosts", u.Hostname()),
			"performance checks and load only reach the product's own names: add it to hosts:, or fix the URL")
	}
}

func (v *validator) name(item, name, raw string) string {
	if name == "" {
		u, err := url.Parse(raw)
		if err != nil {
			return raw
		}
		name = u.Host + u.Path
	}
	if v.names[name] {
		v.add(item+".name", fmt.Sprintf("%q is used twice", name), "give each page, API and flow its own name")
	}
	v.names[name] = true
	return name
}

// ConfiguredHost says whether a host name is one of the config's hosts (the load command's
// only targets).
func ConfiguredHost(c *config.Config, host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	return slices.ContainsFunc(c.Hosts, func(h config.Host) bool { return strings.EqualFold(h.Name, host) })
}

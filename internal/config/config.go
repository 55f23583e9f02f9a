// Package config reads launchready.yaml: strictly, with every error naming the file, line,
// column and key, and saying how to fix it. Secrets are references (env:NAME, file:PATH),
// never values.
package config

import (
	"time"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// Environment values. Production is the default because the tool's job is production;
// staging and lab relax checks that only make sense for the real thing (a public name
// resolving to a private address is fine on a staging box and in the built-in lab).
const (
	Production = "production"
	Staging    = "staging"
	Lab        = "lab"
)

// Config is launchready.yaml after validation and defaults.
type Config struct {
	// File is the path the config was read from; relative paths inside it (ca_file,
	// file: secrets) are relative to its directory.
	File string `yaml:"-"`

	Product      string  `yaml:"product"`
	Domain       string  `yaml:"domain"`
	CanonicalURL string  `yaml:"canonical_url"`
	Environment  string  `yaml:"environment"`
	StateDir     string  `yaml:"state_dir"`
	Hosts        []Host  `yaml:"hosts"`
	Network      Network `yaml:"network"`
	Checks       Checks  `yaml:"checks"`
	// Runbooks says where the deploy, rollback and rotation runbooks live.
	Runbooks Runbooks `yaml:"runbooks"`
	History  History  `yaml:"history"`

	// Pane sections (dns, tls, email, endpoints, errors) are kept as YAML nodes and
	// decoded by the probe kinds that own them, so adding a pane never touches this file.
	sections map[string]*Section
	root     ast.Node
	pos      map[string]token.Position
	secrets  []*Secret
}

// Host is one public name and what the documented DNS map says it should point to.
type Host struct {
	Name string `yaml:"name"`
	// Role says what the name is for (app, api, admin, www, marketing, mail, status,
	// other); checks and the launch bar read it ("app/api/admin/www consistent").
	Role string `yaml:"role"`
	// URL is what uptime and HTTPS checks fetch; default https://NAME/.
	URL string `yaml:"url"`
	// The documented DNS map: either a CNAME target or addresses, not both.
	CNAME   string   `yaml:"cname"`
	A       []string `yaml:"a"`
	AAAA    []string `yaml:"aaaa"`
	Proxied *bool    `yaml:"proxied"`
	// ExpectStatus lists the HTTP statuses that mean "up" for URL; default any 2xx or 3xx.
	ExpectStatus []int `yaml:"expect_status"`
	// Headers are sent with every request to this host; SecretHeaders too, but their
	// values are references (a staging site behind basic auth or Cloudflare Access).
	Headers       map[string]string  `yaml:"headers"`
	SecretHeaders map[string]*Secret `yaml:"secret_headers"`
}

// Network is how probes reach the world: the overrides that let tests, the lab and
// staging point real probes at other servers.
type Network struct {
	Resolvers []string          `yaml:"resolvers"`
	ConnectTo map[string]string `yaml:"connect_to"`
	CAFile    string            `yaml:"ca_file"`
	// RDAPURL is the RDAP server the registration check asks instead of the registry IANA's
	// bootstrap names: the lab's, a staging mock, or a private TLD's.
	RDAPURL string `yaml:"rdap_url"`
}

// Checks holds the runner's defaults; a check of any kind may set its own.
type Checks struct {
	Interval    time.Duration `yaml:"interval"`
	Timeout     time.Duration `yaml:"timeout"`
	Concurrency int           `yaml:"concurrency"`
}

// Runbooks is the runbooks: section. The runbook package reads the files; the config only
// says where they are, so `validate` and the console agree on the folder.
type Runbooks struct {
	// Dir holds one YAML file per runbook; relative to the config file, default runbooks.
	Dir string `yaml:"dir"`
}

// DefaultRunbooksDir is where runbooks live when runbooks.dir is not set: beside the config.
const DefaultRunbooksDir = "runbooks"

// RunbooksDir is the runbooks folder, resolved relative to the config file.
func (c *Config) RunbooksDir() string {
	if c.Runbooks.Dir == "" {
		return c.Path(DefaultRunbooksDir)
	}
	return c.Path(c.Runbooks.Dir)
}

// History is how long check results are kept in the state folder's history database.
type History struct {
	// RetentionDays is how many days of results are kept; older ones are pruned hourly.
	RetentionDays int `yaml:"retention_days"`
	// LatencyStepFactor is how far an endpoint's 5-minute p50 must move (up or down, as a
	// ratio) for the timeline to call it a latency step: 2 means doubling or halving.
	// Lower finds smaller steps and more noise.
	LatencyStepFactor float64 `yaml:"latency_step_factor"`
}

// DefaultLatencyStepFactor: a doubling is a step worth a line; smaller moves are the
// network's wobble.
const DefaultLatencyStepFactor = 2

// DefaultRetentionDays covers launch week and the week after.
const DefaultRetentionDays = 14

// Defaults for the runner: every minute, as the roadmap asks of uptime checks; ten seconds
// is long enough for a slow first TLS handshake and short enough to call a site down.
const (
	DefaultInterval    = time.Minute
	DefaultTimeout     = 10 * time.Second
	DefaultConcurrency = 16
)

// Roles a host may have.
var Roles = []string{"app", "api", "admin", "www", "marketing", "mail", "status", "other"}

// SectionNames are the sections a config may have that their owners decode: the pane
// sections, alerts (internal/alert, claimed by the "alert" probe kind), and serve (the
// SSH console's users and limits, internal/serve, decoded by setup for every command), and
// owners and backups (who owns each system, what is backed up: internal/owners, read by
// the handover pack and decoded by setup).
var SectionNames = []string{"dns", "tls", "email", "endpoints", "errors", "alerts", "registration", "serve", "exposure", "performance", "owners", "backups"}

// toolSection reports whether a section belongs to the tool itself rather than to a
// probe kind: no check reads it, so the registry must not refuse it as unread; setup
// decodes and validates it instead.
func toolSection(name string) bool { return name == "serve" || name == "owners" || name == "backups" }

// Section returns the named pane section, or nil when the config has none.
func (c *Config) Section(name string) *Section { return c.sections[name] }

// SectionsPresent lists the sections the file has that probe kinds read, for "is any
// kind reading this?"; the tool's own sections (serve) are left out.
func (c *Config) SectionsPresent() []string {
	var out []string
	for _, n := range SectionNames {
		if c.sections[n] != nil && !toolSection(n) {
			out = append(out, n)
		}
	}
	return out
}

// HostURL is the URL a host is fetched at.
func (h Host) HostURL() string {
	if h.URL != "" {
		return h.URL
	}
	return "https://" + h.Name + "/"
}

package endpoint

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
)

// section is the endpoints: part of launchready.yaml. Every list is optional.
type section struct {
	Sessions   []sessionConfig   `yaml:"sessions"`
	Checks     []checkConfig     `yaml:"checks"`
	Admin      []adminConfig     `yaml:"admin"`
	Webhooks   []webhookConfig   `yaml:"webhooks"`
	Metrics    []metricConfig    `yaml:"metrics"`
	RateLimits []rateLimitConfig `yaml:"rate_limits"`
	Smoke      *smokeConfig      `yaml:"smoke"`
}

// sessionConfig is a named identity: a sign-in, and/or cookies and headers by reference.
type sessionConfig struct {
	Name          string                    `yaml:"name"`
	Login         *loginConfig              `yaml:"login"`
	Cookies       map[string]*config.Secret `yaml:"cookies"`
	SecretHeaders map[string]*config.Secret `yaml:"secret_headers"`
	// Refresh is how long a sign-in is reused by the checks that need it; default 10m.
	Refresh time.Duration `yaml:"refresh"`
	// Interval and Timeout are the login check's; Severity is what a failed sign-in costs
	// (default high).
	Interval time.Duration `yaml:"interval"`
	Timeout  time.Duration `yaml:"timeout"`
	Severity string        `yaml:"severity"`
}

// loginConfig is a form or JSON POST that signs a test user in.
type loginConfig struct {
	URL          string                    `yaml:"url"`
	Format       string                    `yaml:"format"` // form (default) or json
	Fields       map[string]string         `yaml:"fields"`
	SecretFields map[string]*config.Secret `yaml:"secret_fields"`
	Headers      map[string]string         `yaml:"headers"`
	ExpectStatus []string                  `yaml:"expect_status"`
	Cookie       string                    `yaml:"cookie"`
	// SuccessContains is text a successful answer holds (for logins that answer 200
	// either way).
	SuccessContains string `yaml:"success_contains"`
}

// adminConfig is an admin URL and the identities to try it as.
type adminConfig struct {
	Name     string            `yaml:"name"`
	URL      string            `yaml:"url"`
	Method   string            `yaml:"method"`
	Headers  map[string]string `yaml:"headers"`
	Members  []string          `yaml:"members"` // session names of members without admin rights
	Admin    string            `yaml:"admin"`   // the session name of an admin
	Marker   string            `yaml:"marker"`  // text only the admin page holds
	Interval time.Duration     `yaml:"interval"`
	Timeout  time.Duration     `yaml:"timeout"`
}

// checkConfig is one endpoint check: a request and the conditions its answer must meet.
type checkConfig struct {
	Name          string                    `yaml:"name"`
	URL           string                    `yaml:"url"`
	Method        string                    `yaml:"method"`
	Headers       map[string]string         `yaml:"headers"`
	SecretHeaders map[string]*config.Secret `yaml:"secret_headers"`
	Body          string                    `yaml:"body"`
	ContentType   string                    `yaml:"content_type"`
	Interval      time.Duration             `yaml:"interval"`
	Timeout       time.Duration             `yaml:"timeout"`
	Retries       int                       `yaml:"retries"`
	Expect        expectConfig              `yaml:"expect"`
	// Severity and Impact are what the check being down costs; default high, onboarding.
	Severity string `yaml:"severity"`
	Impact   string `yaml:"impact"`
	// Session fetches as a named session (sessions:).
	Session string `yaml:"session"`
	// Private marks a member-only page: fetched with Session, it must not be cacheable by
	// shared caches nor served from one, and fetched anonymously it must not give the
	// member's content (MemberMarker, or the member's very page).
	Private      bool   `yaml:"private"`
	MemberMarker string `yaml:"member_marker"`
	// SecurityHeaders checks the page sends X-Content-Type-Options, frame protection,
	// Referrer-Policy and a Content-Security-Policy (a low finding when not).
	SecurityHeaders bool `yaml:"security_headers"`
}

// expectConfig are the conditions. Status, body, JSON failures make the check down;
// header and latency failures make it degraded.
type expectConfig struct {
	Status          []string              `yaml:"status"`
	BodyContains    []string              `yaml:"body_contains"`
	BodyNotContains []string              `yaml:"body_not_contains"`
	BodyRegex       string                `yaml:"body_regex"`
	JSON            map[string]string     `yaml:"json"`
	Headers         map[string]headerCond `yaml:"headers"`
	LatencyUnder    time.Duration         `yaml:"latency_under"`
}

// headerCond is one response header condition: equals, contains, or absent.
type headerCond struct {
	Equals   string `yaml:"equals"`
	Contains string `yaml:"contains"`
	Absent   bool   `yaml:"absent"`
}

// Limits on what a config may ask, so one line cannot make a probe a load test.
const (
	maxRetries = 5
	maxBody    = 64 << 10
)

// validator collects positioned errors for one decoded section.
type validator struct {
	s    *config.Section
	errs config.Errors
	// names are every check name in the section, for uniqueness and references.
	names map[string]string // name -> path of its definition
	// sessions are the sessions defined so far, by name.
	sessions map[string]*session
}

func (v *validator) add(path, msg, fix string) { v.errs = append(v.errs, v.s.Error(path, msg, fix)) }

// sorted returns the errors in file order, the order a user reads and fixes them in.
func (v *validator) sorted() config.Errors {
	slices.SortStableFunc(v.errs, func(a, b config.Error) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.Col - b.Col
	})
	return v.errs
}

// name checks a check's name: present and unique in the section.
func (v *validator) name(path, name, what string) {
	switch {
	case strings.TrimSpace(name) == "":
		v.add(path, "has no name", fmt.Sprintf("add name: with a short label for this %s, e.g. name: homepage", what))
	case v.names[name] != "":
		v.add(path+".name", fmt.Sprintf("%q is also the name of %s", name, v.names[name]), "give every check in endpoints: its own name")
	default:
		v.names[name] = path
	}
}

// url checks an absolute http(s) URL; item is the path of the list item, where a missing
// url: is reported.
func (v *validator) url(item, raw string) {
	path := item + ".url"
	if raw == "" {
		v.add(item, "has no url", "add url: with the full address to request, e.g. url: https://app.acme.example/login")
		return
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		v.add(path, fmt.Sprintf("%q is not an http(s) URL", raw), "write the full address, e.g. https://app.acme.example/login")
	}
}

func (v *validator) method(path, m string) {
	if m == "" {
		return
	}
	switch strings.ToUpper(m) {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions:
	default:
		v.add(path, fmt.Sprintf("%q is not an HTTP method", m), "use GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS")
	}
}

// headers refuses credentials in plain headers, as the top-level config does for hosts.
func (v *validator) headers(path string, h map[string]string) {
	for k := range h {
		lk := strings.ToLower(k)
		if lk == "authorization" || lk == "cookie" || lk == "proxy-authorization" ||
			strings.Contains(lk, "secret") || strings.Contains(lk, "token") || strings.Contains(lk, "api-key") {
			v.add(fmt.Sprintf("%s[%q]", path, k), "carries credentials in plain text", "move it to secret_headers: with a reference, e.g. "+k+": env:API_TOKEN")
		}
	}
}

func (v *validator) timing(path string, interval, timeout time.Duration) {
	if interval != 0 && interval < time.Second {
		v.add(path+".interval", fmt.Sprintf("%s is too often", interval), "use 1s or more; the default is checks.interval")
	}
	if timeout != 0 && timeout < 10*time.Millisecond {
		v.add(path+".timeout", fmt.Sprintf("%s is too short for any request", timeout), "use 1s or more; the default is checks.timeout")
	}
}

func (v *validator) body(path, body string) {
	if len(body) > maxBody {
		v.add(path, fmt.Sprintf("is %d bytes", len(body)), fmt.Sprintf("keep request bodies under %d KiB", maxBody>>10))
	}
}

func (v *validator) severity(path, s string) probes.Severity {
	if s == "" {
		return probes.High
	}
	sev, err := probes.ParseSeverity(s)
	if err != nil {
		v.add(path, fmt.Sprintf("%q is not a severity", s), "use critical, high, medium, low or info")
	}
	return sev
}

func (v *validator) impact(path, s string, def probes.Impact) probes.Impact {
	if s == "" {
		return def
	}
	if !slices.Contains(probes.Impacts, probes.Impact(s)) {
		var all []string
		for _, i := range probes.Impacts {
			all = append(all, string(i))
		}
		v.add(path, fmt.Sprintf("%q is not a business impact", s), "use one of "+strings.Join(all, ", "))
	}
	return probes.Impact(s)
}

// statusSet is what expect.status accepts: codes (200), classes (2xx) and ranges (200-299).
type statusSet []statusRange

type statusRange struct{ lo, hi int }

func (v *validator) statuses(path string, in []string) statusSet {
	var out statusSet
	for i, s := range in {
		p := fmt.Sprintf("%s[%d]", path, i)
		r, ok := parseStatus(s)
		if !ok {
			v.add(p, fmt.Sprintf("%q is not a status, class or range", s), "write 200, 2xx or 200-299")
			continue
		}
		out = append(out, r)
	}
	return out
}

func parseStatus(s string) (statusRange, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) == 3 && strings.HasSuffix(s, "xx") && s[0] >= '1' && s[0] <= '5' {
		lo := int(s[0]-'0') * 100
		return statusRange{lo, lo + 99}, true
	}
	if a, b, ok := strings.Cut(s, "-"); ok {
		lo, err1 := strconv.Atoi(strings.TrimSpace(a))
		hi, err2 := strconv.Atoi(strings.TrimSpace(b))
		if err1 != nil || err2 != nil || lo < 100 || hi > 599 || lo > hi {
			return statusRange{}, false
		}
		return statusRange{lo, hi}, true
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 100 || n > 599 {
		return statusRange{}, false
	}
	return statusRange{n, n}, true
}

// has says whether code is in the set; an empty set means any 2xx or 3xx.
func (ss statusSet) has(code int) bool {
	if len(ss) == 0 {
		return code >= 200 && code < 400
	}
	for _, r := range ss {
		if code >= r.lo && code <= r.hi {
			return true
		}
	}
	return false
}

func (ss statusSet) String() string {
	if len(ss) == 0 {
		return "2xx or 3xx"
	}
	parts := make([]string, len(ss))
	for i, r := range ss {
		switch {
		case r.lo == r.hi:
			parts[i] = strconv.Itoa(r.lo)
		case r.lo%100 == 0 && r.hi == r.lo+99:
			parts[i] = fmt.Sprintf("%dxx", r.lo/100)
		default:
			parts[i] = fmt.Sprintf("%d-%d", r.lo, r.hi)
		}
	}
	return strings.Join(parts, " or ")
}

func (v *validator) regex(path, re string) *regexp.Regexp {
	if re == "" {
		return nil
	}
	r, err := regexp.Compile(re)
	if err != nil {
		v.add(path, fmt.Sprintf("is not a valid regular expression: %v", err), "use Go's RE2 syntax; quote the value in single quotes so YAML leaves backslashes alone")
	}
	return r
}

func (v *validator) jsonPaths(path string, m map[string]string) {
	for k := range m {
		if _, err := parsePath(k); err != nil {
			v.add(fmt.Sprintf("%s[%q]", path, k), err.Error(), "write a dotted path with list indexes, e.g. checks.db or items.0.id")
		}
	}
}

func (v *validator) headerConds(path string, m map[string]headerCond) {
	for k, c := range m {
		n := 0
		if c.Equals != "" {
			n++
		}
		if c.Contains != "" {
			n++
		}
		if c.Absent {
			n++
		}
		if n != 1 {
			v.add(fmt.Sprintf("%s[%q]", path, k), "needs exactly one of equals:, contains: or absent: true", "e.g. Content-Type: {contains: json}")
		}
	}
}

package perf

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/launchready/launchready/probes/endpoint"
)

// load validates performance.load and applies its defaults. A flow names exactly one of
// url (a GET or a configured method), session (that session's sign-in POST) or a sign-up
// (url, body with {{email}}, signup_domain).
func (v *validator) load(p string, lc LoadConfig, sessions map[string]*endpoint.Session) LoadConfig {
	if lc.MaxRate < 0 || lc.MaxRate > CeilingRate {
		v.add(p+".max_rate", fmt.Sprintf("%d is out of range", lc.MaxRate), fmt.Sprintf("use 1 to %d requests per second", CeilingRate))
	}
	if lc.MaxDuration < 0 || lc.MaxDuration > CeilingDuration {
		v.add(p+".max_duration", fmt.Sprintf("%s is out of range", lc.MaxDuration), fmt.Sprintf("use up to %s (ramp and hold together)", CeilingDuration))
	}
	if lc.ErrorThreshold < 0 || lc.ErrorThreshold > 1 {
		v.add(p+".error_threshold", fmt.Sprintf("%g is not a share", lc.ErrorThreshold), "use a share of requests, e.g. 0.05 for 5%")
	}
	lc.MaxRate = min(orDefault(lc.MaxRate, DefaultMaxRate), CeilingRate)
	lc.MaxDuration = min(orDefault(lc.MaxDuration, DefaultMaxDuration), CeilingDuration)
	lc.ErrorThreshold = orDefault(lc.ErrorThreshold, DefaultErrorThreshold)
	lc.P95Budget = orDefault(lc.P95Budget, DefaultP95Budget)
	for i, f := range lc.Flows {
		fp := fmt.Sprintf("%s.flows[%d]", p, i)
		if f.Name == "" {
			v.add(fp, "has no name", "add name: (homepage, login, signup): `launchready load NAME` picks flows by it")
		} else if v.names["flow "+f.Name] {
			v.add(fp+".name", fmt.Sprintf("flow %q is defined twice", f.Name), "give each flow its own name")
		}
		v.names["flow "+f.Name] = true
		switch {
		case f.Session != "":
			s, ok := sessions[f.Session]
			if !ok {
				v.add(fp+".session", fmt.Sprintf("%q is not a session", f.Session), "name one of endpoints.sessions: a load flow signs in as that session's login does")
				continue
			}
			if _, u, _, _, ok := s.LoginRequest(); !ok {
				v.add(fp+".session", fmt.Sprintf("session %q has no login:", f.Session), "a sign-in flow needs a session that signs in with login:")
			} else {
				v.url(fp+".session", u)
			}
			if f.URL != "" {
				v.add(fp+".url", "is set beside session", "a sign-in flow posts to the session's login URL: remove url:")
			}
		default:
			v.url(fp, f.URL)
			m := strings.ToUpper(f.Method)
			if m == "" {
				m = http.MethodGet
				if f.Body != "" {
					m = http.MethodPost
				}
			}
			if m != http.MethodGet && m != http.MethodPost && m != http.MethodHead {
				v.add(fp+".method", fmt.Sprintf("%q is not a load method", f.Method), "use GET, HEAD or POST")
			}
			if strings.Contains(f.Body, "{{email}}") && f.SignupDomain == "" {
				v.add(fp+".signup_domain", "is missing for a body with {{email}}", "add signup_domain: with a test domain your app accepts (each request signs up loadtest+N@DOMAIN)")
			}
			if f.SignupDomain != "" && !strings.Contains(f.Body, "{{email}}") {
				v.add(fp+".body", "has no {{email}} for signup_domain", `write the sign-up body with {{email}} where the address goes, e.g. {"email":"{{email}}"}`)
			}
		}
	}
	return lc
}

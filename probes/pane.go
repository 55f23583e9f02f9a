package probes

import (
	"fmt"
	"strings"
)

// Pane groups checks the way the console and the report show them.
type Pane string

const (
	PaneDNS       Pane = "dns"
	PaneTLS       Pane = "tls"
	PaneEmail     Pane = "email"
	PaneEndpoints Pane = "endpoints"
	PaneErrors    Pane = "errors"
	// PaneExposure is secrets in bundles and files left public (issue 20); PanePerformance
	// is edge caching, page budgets and load (issue 21). The console shows a pane only once
	// a kind of this build reports into it.
	PaneExposure    Pane = "exposure"
	PanePerformance Pane = "performance"
)

// Panes is every pane in display order.
var Panes = []Pane{PaneDNS, PaneTLS, PaneEmail, PaneEndpoints, PaneErrors, PaneExposure, PanePerformance}

var paneTitles = map[Pane]string{
	PaneDNS:         "DNS",
	PaneTLS:         "Certificates",
	PaneEmail:       "Email",
	PaneEndpoints:   "Endpoints",
	PaneErrors:      "Errors",
	PaneExposure:    "Exposure",
	PanePerformance: "Performance",
}

// Title is the pane's name in headings.
func (p Pane) Title() string {
	if t, ok := paneTitles[p]; ok {
		return t
	}
	return string(p)
}

// PaneList is every pane's name for help texts and errors: "dns, tls, email, ...".
func PaneList() string {
	names := make([]string, len(Panes))
	for i, p := range Panes {
		names[i] = string(p)
	}
	return strings.Join(names, ", ")
}

// ParsePanes reads --only's comma-separated list. "certs" and "certificates" are accepted
// for tls because that is what the console calls the pane.
func ParsePanes(s string) ([]Pane, error) {
	var out []Pane
	for _, w := range strings.Split(s, ",") {
		w = strings.ToLower(strings.TrimSpace(w))
		if w == "" {
			continue
		}
		switch w {
		case "certs", "certificates", "https":
			w = string(PaneTLS)
		case "mail":
			w = string(PaneEmail)
		case "http", "endpoint":
			w = string(PaneEndpoints)
		case "logs", "error":
			w = string(PaneErrors)
		}
		found := false
		for _, p := range Panes {
			if string(p) == w {
				out = append(out, p)
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown pane %q: use any of %s", w, PaneList())
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("--only needs at least one pane: %s", PaneList())
	}
	return out, nil
}

package initcfg

import (
	"context"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/launchready/launchready/probes/netx"
)

// Web is what init saw over HTTPS: where the apex and www lead, what each host serves,
// and the sign-in and sign-up forms of the canonical page. Certificates are not judged
// here (the sweep does that): a site with a bad certificate still shows where it leads.
type Web struct {
	// Chains are the redirect chains followed from https://APEX/ and https://www.APEX/.
	Chains []Chain
	// Candidates are the canonical URLs the chains reached, best first; one means decided.
	Candidates []string
	Title      string // of the canonical page
	Login      *Form
	Signup     *Form
	Hosts      map[string]Served // by bare host name
}

// Chain is one redirect chain, bounded by MaxHops.
type Chain struct {
	Start string `json:"start"`
	Hops  []Hop  `json:"hops"`
	// Final is the first URL that did not redirect, "" when the chain failed or looped.
	Final   string `json:"final,omitempty"`
	Problem string `json:"problem,omitempty"`
}

// Hop is one request of a chain.
type Hop struct {
	URL      string `json:"url"`
	Status   int    `json:"status,omitempty"`
	Location string `json:"location,omitempty"`
}

// Served is what a host's front page answered.
type Served struct {
	Status   int
	Redirect string // Location, for a 3xx
	JSON     bool
	HTML     bool
	Title    string
	Err      string
	// Health is a health path that answered (https://api.acme.com/health), for an API.
	Health string
}

// Form is a sign-in or sign-up form found on the canonical site.
type Form struct {
	Page     string   // the page it is on
	Action   string   // absolute URL it posts to
	Method   string   // POST or GET
	Fields   []string // input names other than the password
	Password string   // the password input's name, "" for a sign-up without one
}

// MaxHops bounds a redirect chain: past it the chain is reported as a loop.
const MaxHops = 10

// bodyLimit caps what is read of a page: a front page or a login page, not a download.
const bodyLimit = 1 << 20

// healthPaths are tried, in order, on an API host whose front page is not itself a
// health answer: the first that is not 404 becomes the host's URL.
var healthPaths = []string{"/health", "/healthz", "/_health", "/status", "/api/health"}

// surveyor holds what one survey shares.
type surveyor struct {
	client *http.Client
}

// Survey looks at the domain's sites: each host's front page, the apex and www chains, and
// the canonical page's forms. It never fails: what could not be reached is in Served.Err
// and Chain.Problem.
func Survey(ctx context.Context, n *netx.Net, apex string, hosts []string) *Web {
	s := &surveyor{client: n.HTTPClient(netx.HTTPOptions{Timeout: 8 * time.Second, InsecureSkipVerify: true})}
	w := &Web{Hosts: map[string]Served{}}
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for _, h := range hosts {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			sv := s.front(ctx, h)
			mu.Lock()
			w.Hosts[h] = sv
			mu.Unlock()
		})
	}
	for _, start := range []string{"https://" + apex + "/", "https://www." + apex + "/"} {
		w.Chains = append(w.Chains, s.follow(ctx, start))
	}
	wg.Wait()
	w.Candidates = candidates(w.Chains, apex, w.Hosts)
	if len(w.Candidates) > 0 {
		s.forms(ctx, w, w.Candidates[0])
	}
	return w
}

// SetCanonical makes u the canonical URL and reads its page's forms again when it
// changed (an operator's answer on a terminal).
func (w *Web) SetCanonical(ctx context.Context, n *netx.Net, u string) {
	if len(w.Candidates) > 0 && w.Candidates[0] == u {
		return
	}
	w.Candidates = append([]string{u}, slices.DeleteFunc(slices.Clone(w.Candidates), func(c string) bool { return c == u })...)
	w.Login, w.Signup, w.Title = nil, nil, ""
	s := &surveyor{client: n.HTTPClient(netx.HTTPOptions{Timeout: 8 * time.Second, InsecureSkipVerify: true})}
	s.forms(ctx, w, u)
}

// candidates are where the apex and www chains end, apex's first; with neither reachable,
// the app host if it serves a page, else nothing (the operator is told).
func candidates(chains []Chain, apex string, hosts map[string]Served) []string {
	var out []string
	for _, c := range chains {
		if c.Final != "" && !slices.Contains(out, c.Final) {
			out = append(out, c.Final)
		}
	}
	if len(out) > 0 {
		return out
	}
	for _, h := range []string{"app." + apex, "www." + apex, apex} {
		if sv, ok := hosts[h]; ok && sv.Status >= 200 && sv.Status < 300 {
			return []string{"https://" + h + "/"}
		}
	}
	return nil
}

// get asks for one URL without following redirects and reads at most bodyLimit.
func (s *surveyor) get(ctx context.Context, u string) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("User-Agent", "launchready-init")
	req.Header.Set("Accept", "text/html,application/json;q=0.9,*/*;q=0.5")
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, _, err := netx.ReadLimited(resp.Body, bodyLimit)
	return resp, body, err
}

// follow walks a redirect chain hop by hop, so every hop is recorded and a loop is cut
// at MaxHops instead of being hidden by the client.
func (s *surveyor) follow(ctx context.Context, start string) Chain {
	c := Chain{Start: start}
	u := start
	seen := map[string]bool{}
	for range MaxHops {
		if seen[u] {
			c.Problem = "redirect loop back to " + u
			return c
		}
		seen[u] = true
		resp, _, err := s.get(ctx, u)
		if err != nil {
			c.Hops = append(c.Hops, Hop{URL: u})
			c.Problem = shortErr(err)
			return c
		}
		h := Hop{URL: u, Status: resp.StatusCode}
		if resp.StatusCode >= 300 && resp.StatusCode < 400 {
			loc, err := resp.Location()
			if err != nil {
				c.Hops = append(c.Hops, h)
				c.Problem = fmt.Sprintf("%d without a usable Location", resp.StatusCode)
				return c
			}
			h.Location = loc.String()
			c.Hops = append(c.Hops, h)
			u = loc.String()
			continue
		}
		c.Hops = append(c.Hops, h)
		if resp.StatusCode >= 400 {
			c.Problem = fmt.Sprintf("%s answers %d", u, resp.StatusCode)
			return c
		}
		c.Final = origin(u)
		return c
	}
	c.Problem = fmt.Sprintf("more than %d redirects", MaxHops)
	return c
}

// origin is the URL's scheme and host with the path "/": the canonical URL names a site,
// not a page.
func origin(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return u
	}
	return p.Scheme + "://" + p.Host + "/"
}

// front reads a host's front page, and for a JSON host its health path.
func (s *surveyor) front(ctx context.Context, host string) Served {
	resp, body, err := s.get(ctx, "https://"+host+"/")
	if err != nil {
		return Served{Err: shortErr(err)}
	}
	sv := Served{Status: resp.StatusCode}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		if loc, err := resp.Location(); err == nil {
			sv.Redirect = loc.String()
		}
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	sv.JSON = mt == "application/json" || strings.HasSuffix(mt, "+json")
	sv.HTML = mt == "text/html"
	if sv.HTML {
		sv.Title = parsePage(body, nil).title
	}
	if sv.JSON {
		for _, p := range healthPaths {
			r, _, err := s.get(ctx, "https://"+host+p)
			if err == nil && r.StatusCode != http.StatusNotFound && r.StatusCode != http.StatusMethodNotAllowed && (r.StatusCode < 300 || r.StatusCode >= 400) {
				sv.Health = "https://" + host + p
				break
			}
		}
	}
	return sv
}

// forms reads the canonical page and the sign-in and sign-up pages it links to (same
// site only), looking for their forms.
func (s *surveyor) forms(ctx context.Context, w *Web, canonical string) {
	base, err := url.Parse(canonical)
	if err != nil {
		return
	}
	_, body, err := s.get(ctx, canonical)
	if err != nil {
		return
	}
	pg := parsePage(body, base)
	w.Title = pg.title
	w.adopt(pg, canonical)
	for _, link := range pg.links {
		if w.Login != nil && w.Signup != nil {
			return
		}
		l, err := url.Parse(link)
		if err != nil || l.Host != base.Host || !(looksLogin(l.Path) || looksSignup(l.Path)) {
			continue
		}
		_, b, err := s.get(ctx, link)
		if err != nil {
			continue
		}
		w.adopt(parsePage(b, l), link)
	}
}

// adopt keeps the first sign-in and sign-up forms a page shows.
func (w *Web) adopt(pg page, on string) {
	for _, f := range pg.forms {
		f.Page = on
		switch {
		case f.Password != "" && w.Login == nil && !looksSignup(f.Action):
			w.Login = &f
		case w.Signup == nil && (looksSignup(f.Action) || looksSignup(on)):
			w.Signup = &f
		}
	}
}

func looksLogin(p string) bool {
	p = strings.ToLower(p)
	return strings.Contains(p, "login") || strings.Contains(p, "log-in") || strings.Contains(p, "signin") ||
		strings.Contains(p, "sign-in") || strings.Contains(p, "sign_in") || strings.HasSuffix(p, "/session") || strings.HasSuffix(p, "/sessions")
}

func looksSignup(p string) bool {
	p = strings.ToLower(p)
	return strings.Contains(p, "signup") || strings.Contains(p, "sign-up") || strings.Contains(p, "sign_up") ||
		strings.Contains(p, "register") || strings.Contains(p, "join")
}

// shortErr is an error in one line without Go's "Get \"URL\": " prefix.
func shortErr(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, "\": "); i >= 0 && strings.HasPrefix(s, "Get \"") {
		s = s[i+3:]
	}
	return s
}

package discovery

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/html"

	"github.com/launchready/launchready/probes/netx"
)

// Copy is the app served under a name other than the canonical one, without sending
// visitors (or search engines) to the canonical name: a staging copy, an old environment,
// the platform's default domain. Members who follow old links land on the wrong copy, and
// sessions and cookies split between the two.
type Copy struct {
	Host  string `json:"host"`  // the name serving the copy
	URL   string `json:"url"`   // the page read, after redirects within Host
	Title string `json:"title"` // its <title>
	// Similarity is how much of the page's HTML matches the canonical page's, 0 to 1
	// (shingles of five words and tags).
	Similarity float64 `json:"similarity"`
	// SameFavicon says the favicon's bytes are the canonical site's.
	SameFavicon bool `json:"same_favicon,omitempty"`
	// Why says in words what makes it a copy: "same title and 98% of the HTML".
	Why string `json:"why"`
}

// Bounds of Copies: it reads pages of hosts discovery found, some of them other people's
// (a platform's default domain), so every read is capped.
const (
	// maxCopyHosts bounds the names read in one call.
	maxCopyHosts = 64
	// maxPageBytes is how much of a page is read: a home page's HTML fits; a huge one is
	// compared on its first half MiB.
	maxPageBytes = 512 << 10
	// maxFaviconBytes bounds a favicon read.
	maxFaviconBytes = 256 << 10
	// copyTimeout bounds each request, body included.
	copyTimeout = 10 * time.Second
	// copyConcurrency is how many hosts are read at once.
	copyConcurrency = 4
	// maxSameHostRedirects bounds redirects followed within one host (http to https, / to
	// /home); a redirect to another host ends the read.
	maxSameHostRedirects = 5
	// nearIdentical is the share of shingles two pages must have in common, with the same
	// title, to be one app: a per-request nonce or a build hash changes little, another
	// product's page much more.
	nearIdentical = 0.8
)

// page is one page read and parsed.
type page struct {
	url       *url.URL // after redirects within the host
	title     string
	canonical string // <link rel=canonical href>, resolved
	noindex   bool   // meta robots or X-Robots-Tag noindex
	icon      string // <link rel=icon href>, resolved; "" means /favicon.ico
	shingles  map[uint64]struct{}
	away      string // the host a redirect sent us to, when it left the host
	cut       bool   // the HTML was longer than maxPageBytes: only its start was compared
}

// Copies reads canonicalURL's page and the same path on each of hosts over HTTPS, through
// n, and returns the hosts that serve the same app (the same title and near-identical
// HTML, or the same favicon) without redirecting elsewhere, without a rel=canonical link to
// another host and without noindex (meta robots or X-Robots-Tag). The canonical host
// itself, and hosts that cannot be read, are never copies. At most 64 hosts are read, 4 at
// a time, each page capped at 512 KiB and 10 s. It fails only when the canonical page
// cannot be read, since then nothing can be compared.
func Copies(ctx context.Context, n *netx.Net, canonicalURL string, hosts []string) ([]Copy, error) {
	cu, err := url.Parse(canonicalURL)
	if err != nil || cu.Scheme != "https" || cu.Hostname() == "" {
		return nil, fmt.Errorf("the canonical URL %q is not an https:// URL: give the address members use, e.g. https://app.acme.com/", canonicalURL)
	}
	client := n.HTTPClient(netx.HTTPOptions{Timeout: copyTimeout})
	canon, err := readPage(ctx, client, cu)
	if err != nil {
		return nil, fmt.Errorf("could not read the canonical page %s to compare copies with: %w", canonicalURL, err)
	}
	if canon.away != "" {
		return nil, fmt.Errorf("the canonical page %s redirects to %s: give the address it ends at as the canonical URL", canonicalURL, canon.away)
	}
	canonIcon := favicon(ctx, client, canon)

	var todo []string
	for _, h := range hosts {
		h = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(h)), ".")
		if h == "" || h == strings.ToLower(cu.Hostname()) || strings.HasPrefix(h, "*.") || strings.HasPrefix(h, "_") || slices.Contains(todo, h) {
			continue
		}
		todo = append(todo, h)
		if len(todo) == maxCopyHosts {
			break
		}
	}
	found := make([]*Copy, len(todo))
	sem := make(chan struct{}, copyConcurrency)
	var wg sync.WaitGroup
	for i, h := range todo {
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-sem }()
			found[i] = compare(ctx, client, cu, canon, canonIcon, h)
		})
	}
	wg.Wait()
	var out []Copy
	for _, c := range found {
		if c != nil {
			out = append(out, *c)
		}
	}
	return out, ctx.Err()
}

// compare reads host's page at the canonical path and says whether it is a copy.
func compare(ctx context.Context, client *http.Client, cu *url.URL, canon *page, canonIcon []byte, host string) *Copy {
	u := *cu
	u.Host = host
	p, err := readPage(ctx, client, &u)
	if err != nil || p.away != "" || p.noindex {
		return nil
	}
	if p.canonical != "" {
		if cl, err := url.Parse(p.canonical); err == nil && !strings.EqualFold(cl.Hostname(), host) {
			return nil // it names the canonical address itself
		}
	}
	c := &Copy{Host: host, URL: p.url.String(), Title: p.title, Similarity: jaccard(canon.shingles, p.shingles)}
	sameTitle := p.title != "" && strings.EqualFold(p.title, canon.title)
	if sameTitle && c.Similarity >= nearIdentical {
		c.Why = fmt.Sprintf("same title (%q) and %.0f%% of the HTML", p.title, 100*c.Similarity)
		if p.cut || canon.cut {
			c.Why += " (" + netx.CutNote(maxPageBytes) + ")"
		}
		return c
	}
	if len(canonIcon) > 0 {
		if icon := favicon(ctx, client, p); len(icon) > 0 && sha256.Sum256(icon) == sha256.Sum256(canonIcon) {
			c.SameFavicon = true
			c.Why = fmt.Sprintf("the same favicon (%d bytes), %.0f%% of the HTML", len(icon), 100*c.Similarity)
			return c
		}
	}
	return nil
}

// readPage GETs u, following redirects while they stay on u's host, and parses what it
// ends at. A redirect to another host is not followed: p.away says where it went.
func readPage(ctx context.Context, client *http.Client, u *url.URL) (*page, error) {
	cur := u
	for range maxSameHostRedirects + 1 {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, cur.String(), nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Accept", "text/html")
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		body, cut, err := netx.ReadLimited(resp.Body, maxPageBytes)
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		if resp.StatusCode >= 300 && resp.StatusCode < 400 {
			loc, err := cur.Parse(resp.Header.Get("Location"))
			if err != nil || resp.Header.Get("Location") == "" {
				return nil, fmt.Errorf("%s answers %d without a usable Location", cur, resp.StatusCode)
			}
			if !strings.EqualFold(loc.Hostname(), u.Hostname()) {
				return &page{url: cur, away: loc.Hostname()}, nil
			}
			cur = loc
			continue
		}
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("%s answers %d", cur, resp.StatusCode)
		}
		p := parsePage(cur, body)
		p.cut = cut
		p.noindex = p.noindex || noindex(resp.Header.Values("X-Robots-Tag"))
		return p, nil
	}
	return nil, fmt.Errorf("%s redirects more than %d times within the host", u, maxSameHostRedirects)
}

// parsePage reads the parts of a page Copies compares, and its shingles.
func parsePage(u *url.URL, body []byte) *page {
	p := &page{url: u}
	z := html.NewTokenizer(bytes.NewReader(body))
	var words []string
	inTitle := false
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		tok := z.Token()
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			if tok.Data != "link" && tok.Data != "meta" {
				// Head metadata differs by host on the same app (canonical, og:url): only
				// the rest of the page says whether two pages are one app.
				words = append(words, "<"+tok.Data)
			}
			attr := func(k string) string {
				for _, a := range tok.Attr {
					if a.Key == k {
						return a.Val
					}
				}
				return ""
			}
			switch tok.Data {
			case "title":
				inTitle = p.title == ""
			case "link":
				rels := strings.Fields(strings.ToLower(attr("rel")))
				href := resolve(u, attr("href"))
				if slices.Contains(rels, "canonical") && p.canonical == "" {
					p.canonical = href
				}
				if slices.Contains(rels, "icon") && p.icon == "" {
					p.icon = href
				}
			case "meta":
				if name := strings.ToLower(attr("name")); name == "robots" && noindex([]string{attr("content")}) {
					p.noindex = true
				}
			}
		case html.EndTagToken:
			if tok.Data == "title" {
				inTitle = false
			}
		case html.TextToken:
			if inTitle {
				p.title = strings.Join(strings.Fields(p.title+" "+tok.Data), " ")
			}
			words = append(words, strings.Fields(strings.ToLower(tok.Data))...)
		}
	}
	p.shingles = shingles(words)
	return p
}

// resolve makes an href absolute against the page's URL, "" when it is not a URL.
func resolve(base *url.URL, href string) string {
	if href == "" {
		return ""
	}
	u, err := base.Parse(strings.TrimSpace(href))
	if err != nil {
		return ""
	}
	return u.String()
}

// noindex says whether robots directives ("noindex, nofollow", "none") keep the page out
// of search engines.
func noindex(values []string) bool {
	for _, v := range values {
		for _, d := range strings.Split(strings.ToLower(v), ",") {
			d = strings.TrimSpace(d)
			if i := strings.LastIndex(d, ":"); i >= 0 { // "googlebot: noindex"
				d = strings.TrimSpace(d[i+1:])
			}
			if d == "noindex" || d == "none" {
				return true
			}
		}
	}
	return false
}

// shingleSize is the words per shingle: long enough that two unrelated pages share few.
const shingleSize = 5

// shingles hashes each run of shingleSize words (tags count as words).
func shingles(words []string) map[uint64]struct{} {
	out := map[uint64]struct{}{}
	for i := 0; i+shingleSize <= len(words) || (i == 0 && len(words) > 0); i++ {
		h := fnv.New64a()
		for _, w := range words[i:min(i+shingleSize, len(words))] {
			h.Write([]byte(w))
			h.Write([]byte{0})
		}
		out[h.Sum64()] = struct{}{}
	}
	return out
}

// jaccard is |a∩b| / |a∪b|, 0 for two empty sets.
func jaccard(a, b map[uint64]struct{}) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 0
	}
	common := 0
	for k := range a {
		if _, ok := b[k]; ok {
			common++
		}
	}
	return float64(common) / float64(len(a)+len(b)-common)
}

// favicon reads the page's icon (its <link rel=icon>, else /favicon.ico on its host), nil
// when there is none or it cannot be read.
func favicon(ctx context.Context, client *http.Client, p *page) []byte {
	src := p.icon
	if src == "" {
		src = resolve(p.url, "/favicon.ico")
	}
	u, err := url.Parse(src)
	if err != nil || !strings.EqualFold(u.Hostname(), p.url.Hostname()) {
		return nil // an icon on a shared CDN says nothing about which app this is
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
	if err != nil {
		return nil
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil
	}
	b, cut, err := netx.ReadLimited(resp.Body, maxFaviconBytes)
	if err != nil || cut {
		// Two icons that agree on their first 256 KiB are not the same icon: one cut short
		// cannot be compared, so it says nothing.
		return nil
	}
	return b
}

// CopyCandidates are the names of a report worth reading for copies: every name that
// answered with addresses (not a wildcard's echo, not a service label), and every
// CNAME target on their chains, where a platform's default domain shows (acme.herokuapp.com).
func CopyCandidates(rep *Report) []string {
	var out []string
	add := func(n string) {
		if n != "" && !slices.Contains(out, n) && !strings.HasPrefix(n, "_") {
			out = append(out, n)
		}
	}
	for _, nm := range rep.Names {
		if nm.Wildcard || nm.Status != StatusAnswers || (len(nm.A) == 0 && len(nm.AAAA) == 0) {
			continue
		}
		add(nm.Name)
		for _, t := range nm.CNAME {
			add(strings.TrimSuffix(t, "."))
		}
	}
	return out
}

package roundtrip

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"html"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
)

// Link is one link in a membership mail, as judged: it must point at the canonical
// origin over https, carry no parameter that sends members elsewhere, and (for the links
// a member acts on) answer.
type Link struct {
	// URL is the link with its tokens hidden: a reset link is a password for the test user.
	URL string `json:"url"`
	// Status is the answer to the one GET made of it; 0 when it was not opened.
	Status int `json:"status,omitempty"`
	// Problem says what is wrong; empty when nothing is.
	Problem string `json:"problem,omitempty"`
}

// maxLinks bounds the links judged in one mail; maxOpened the links opened (each GET may
// use up a one-time token, so each is opened once, never followed).
const (
	maxLinks  = 20
	maxOpened = 3
)

// actionWords mark the links a member acts on, which are opened: the reset, confirm,
// invite and receipt links. Unsubscribe links are never opened: that would unsubscribe
// the test user.
var (
	actionWords = regexp.MustCompile(`(?i)reset|password|confirm|verify|invit|accept|activat|join|receipt|invoice|token|magic|sign-?in|login`)
	neverOpen   = regexp.MustCompile(`(?i)unsubscribe|opt-?out|preferences`)
	linkRE      = regexp.MustCompile(`https?://[^\s"'<>()\[\]]+`)
)

// linkCheck is what judging links needs.
type linkCheck struct {
	canonical *url.URL
	open      func(ctx context.Context, link string) (status int, location string, err error)
}

// judgeLinks extracts the links of the mail's text and HTML parts and judges each.
func (lc linkCheck) judgeLinks(ctx context.Context, raw []byte) []Link {
	var out []Link
	opened := 0
	for _, raw := range extractLinks(raw) {
		if len(out) == maxLinks {
			break
		}
		u, err := url.Parse(raw)
		if err != nil {
			out = append(out, Link{URL: hideTokens(raw), Problem: "the link does not parse as a URL: members' mail programs may not open it"})
			continue
		}
		l := Link{URL: hideTokens(raw)}
		l.Problem = lc.placeProblem(u)
		if l.Problem == "" && opened < maxOpened && actionWords.MatchString(u.Path+"?"+u.RawQuery) && !neverOpen.MatchString(u.Path) && lc.open != nil {
			opened++
			l.Status, l.Problem = lc.answer(ctx, raw)
		}
		out = append(out, l)
	}
	return out
}

// placeProblem: the link goes to the canonical origin over https, and no parameter in it
// is an address elsewhere (an open redirect a phisher can reuse).
func (lc linkCheck) placeProblem(u *url.URL) string {
	host := strings.ToLower(u.Host)
	want := strings.ToLower(lc.canonical.Host)
	switch {
	case u.Scheme != "https":
		return fmt.Sprintf("the link is plain %s: the token crosses the network in the clear; make the app build links from canonical_url (%s)", u.Scheme, lc.canonical.Scheme+"://"+want)
	case host != want:
		return fmt.Sprintf("the link points at %s, not the canonical %s: a staging host, localhost or a platform's default domain in a member's mail; set the app's public URL to %s", host, want, lc.canonical.Scheme+"://"+want)
	}
	for k, vs := range u.Query() {
		for _, v := range vs {
			t, err := url.Parse(v)
			if err != nil || (t.Host == "" && !strings.HasPrefix(v, "//")) {
				continue
			}
			if !strings.EqualFold(t.Host, want) {
				return fmt.Sprintf("the link's %s= parameter sends members to %s: an open redirect a phisher can reuse; let the app accept only paths there", k, t.Host)
			}
		}
	}
	return ""
}

// answer opens the link once: 2xx, or a redirect into the app, is a link that works.
func (lc linkCheck) answer(ctx context.Context, link string) (int, string) {
	status, loc, err := lc.open(ctx, link)
	switch {
	case err != nil:
		return 0, "the link does not open: " + strings.ReplaceAll(err.Error(), link, hideTokens(link)) // the error quotes the link, token and all
	case status >= 200 && status < 300:
		return status, ""
	case status >= 300 && status < 400:
		t, err := url.Parse(loc)
		if err != nil {
			return status, fmt.Sprintf("the link redirects to an address that does not parse (%q)", clip(loc, 80))
		}
		if t.Host != "" && !strings.EqualFold(t.Host, lc.canonical.Host) {
			return status, fmt.Sprintf("the link redirects to %s, out of the app: an open redirect, or the app's public URL is set wrong", t.Host)
		}
		return status, ""
	}
	return status, fmt.Sprintf("the link answers %d: members who click it get an error page; check the route and that the token the mail carries is accepted", status)
}

// linksOK: no link has a problem.
func linksOK(ls []Link) bool {
	for _, l := range ls {
		if l.Problem != "" {
			return false
		}
	}
	return true
}

// extractLinks reads the mail's text and HTML parts (decoded from quoted-printable or
// base64) and returns each distinct link once, in order.
func extractLinks(raw []byte) []string {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil
	}
	var texts []string
	collectText(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body, &texts, 0)
	seen := map[string]bool{}
	var out []string
	for _, t := range texts {
		for _, m := range linkRE.FindAllString(t, -1) {
			m = strings.TrimRight(html.UnescapeString(m), ".,;:!?")
			if !seen[m] {
				seen[m] = true
				out = append(out, m)
			}
		}
	}
	return out
}

// collectText appends the decoded text of every text/* part, descending into multiparts.
func collectText(ctype, cte string, body io.Reader, out *[]string, depth int) {
	if depth > 5 {
		return
	}
	mt, params, err := mime.ParseMediaType(ctype)
	if err != nil || ctype == "" {
		mt = "text/plain"
	}
	body = decodeBody(cte, body)
	switch {
	case strings.HasPrefix(mt, "multipart/"):
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err != nil {
				return
			}
			collectText(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p, out, depth+1)
		}
	case strings.HasPrefix(mt, "text/"):
		b, _ := io.ReadAll(io.LimitReader(body, maxFetch))
		*out = append(*out, string(b))
	}
}

func decodeBody(cte string, r io.Reader) io.Reader {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "quoted-printable":
		return quotedprintable.NewReader(r)
	case "base64":
		return base64.NewDecoder(base64.StdEncoding, &stripSpace{r: r})
	}
	return r
}

// stripSpace drops the line breaks base64 bodies are wrapped with.
type stripSpace struct{ r io.Reader }

func (s *stripSpace) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	j := 0
	for _, c := range p[:n] {
		if c != '\r' && c != '\n' && c != ' ' && c != '\t' {
			p[j] = c
			j++
		}
	}
	return j, err
}

// hideTokens shows a link without the secrets it carries: query values and long path
// segments (a reset token) become "…"; a value that is itself an address stays, as it
// is what an open-redirect problem names.
func hideTokens(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return clip(raw, 40)
	}
	segs := strings.Split(u.EscapedPath(), "/")
	for i, s := range segs {
		if len(s) >= 16 {
			segs[i] = "…"
		}
	}
	out := u.Scheme + "://" + u.Host + strings.Join(segs, "/")
	if u.RawQuery != "" {
		var qs []string
		for _, kv := range strings.Split(u.RawQuery, "&") {
			k, v, _ := strings.Cut(kv, "=")
			if dv, err := url.QueryUnescape(v); err == nil && (strings.HasPrefix(dv, "http://") || strings.HasPrefix(dv, "https://") || strings.HasPrefix(dv, "//")) {
				qs = append(qs, k+"="+dv)
				continue
			}
			qs = append(qs, k+"=…")
		}
		out += "?" + strings.Join(qs, "&")
	}
	return out
}

package endpoint

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptrace"
	"strings"
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes/httpdiag"
	"github.com/launchready/launchready/probes/netx"
)

// bodyLimit caps what is read of a response: enough for any page a condition looks into,
// never enough for an endless body to cost memory.
const bodyLimit = 1 << 20

// userAgent says who is asking, so an operator reading access logs knows these requests.
const userAgent = "launchready (endpoint check; +https://github.com/launchready/launchready)"

// request is how to make one HTTP request, decided at config time.
type request struct {
	method      string
	url         string
	header      http.Header
	secret      []secretHeader
	body        string
	contentType string
}

type secretHeader struct {
	name string
	ref  *config.Secret
}

func newRequest(method, rawURL string, headers map[string]string, secrets map[string]*config.Secret, body, contentType string) request {
	r := request{method: strings.ToUpper(method), url: rawURL, header: http.Header{"User-Agent": {userAgent}}, body: body, contentType: contentType}
	if r.method == "" {
		r.method = http.MethodGet
	}
	for k, v := range headers {
		r.header.Set(k, v)
	}
	for k, s := range secrets {
		r.secret = append(r.secret, secretHeader{k, s})
	}
	if r.body != "" && r.contentType == "" {
		r.contentType = sniffContentType(r.body)
	}
	return r
}

// sniffContentType guesses the type of a configured body the way an operator means it:
// JSON when it looks like JSON, a form otherwise.
func sniffContentType(body string) string {
	b := strings.TrimSpace(body)
	if strings.HasPrefix(b, "{") || strings.HasPrefix(b, "[") {
		return "application/json"
	}
	return "application/x-www-form-urlencoded"
}

// target is how a finding names the request: the URL for a GET, "POST URL" otherwise.
func (r request) target() string {
	if r.method == http.MethodGet {
		return r.url
	}
	return r.method + " " + r.url
}

// build makes the request, secrets filled in, with the timing trace on its context.
func (r request) build(ctx context.Context, t *httpdiag.Timing) (*http.Request, error) {
	var body *strings.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	var req *http.Request
	var err error
	if body != nil {
		req, err = http.NewRequestWithContext(httptrace.WithClientTrace(ctx, t.Trace()), r.method, r.url, body)
	} else {
		req, err = http.NewRequestWithContext(httptrace.WithClientTrace(ctx, t.Trace()), r.method, r.url, nil)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot build a request for %s: %v", r.url, err)
	}
	req.Header = r.header.Clone()
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	for _, s := range r.secret {
		req.Header.Set(s.name, s.ref.Value())
	}
	return req, nil
}

// exchange is one request and what came back, read and closed.
type exchange struct {
	method, url string
	// err is set when there was no response at all (refused, DNS, TLS, timeout).
	err       error
	status    int
	header    http.Header
	body      []byte
	truncated bool
	// readErr is set when the headers came but the body did not finish.
	readErr error
	total   time.Duration
	split   httpdiag.Split
	ev      []string
}

// do sends r through client and reads at most bodyLimit of the answer. Cookies the answer
// sets land in the client's jar, if it has one.
func do(ctx context.Context, client *http.Client, r request, extra func(*http.Request)) *exchange {
	var t httpdiag.Timing
	ex := &exchange{method: r.method, url: r.url}
	ctx, cancel := httpdiag.Deadline(ctx, client)
	defer cancel()
	req, err := r.build(ctx, &t)
	if err != nil {
		ex.err = err
		return ex
	}
	if extra != nil {
		extra(req)
	}
	t.Start()
	resp, err := client.Do(req)
	if err != nil {
		ex.total, ex.err, ex.split = t.Stop(), err, t.Split()
		ex.ev = []string{fmt.Sprintf("%s %s -> no response after %s: %s", r.method, r.url, httpdiag.Round(ex.total), httpdiag.Describe(err))}
		return ex
	}
	ex.body, ex.truncated, ex.readErr = netx.ReadLimited(resp.Body, bodyLimit)
	ex.readErr = httpdiag.CutOff(ctx, ex.readErr)
	resp.Body.Close()
	ex.total, ex.split = t.Stop(), t.Split()
	ex.status, ex.header = resp.StatusCode, resp.Header
	ex.ev = httpdiag.Evidence(r.method, r.url, resp, ex.total)
	return ex
}

// statusLine is "503 Service Unavailable".
func (ex *exchange) statusLine() string {
	return fmt.Sprintf("%d %s", ex.status, http.StatusText(ex.status))
}

// ok says whether the answer was 2xx.
func (ex *exchange) ok() bool { return ex.status >= 200 && ex.status < 300 }

// notOK is " (HTTP 503)" for an answer that was not 2xx, said beside a value read from
// it; "" otherwise.
func (ex *exchange) notOK() string {
	if ex.err != nil || ex.ok() {
		return ""
	}
	return fmt.Sprintf(" (HTTP %d)", ex.status)
}

// cutNote is "; only the first 1 MiB of the body was read" when the body was cut at
// bodyLimit, for every judgement of the body's content: a marker missing from the first
// MiB may be further down, and JSON cut in the middle is not JSON.
func (ex *exchange) cutNote() string {
	if !ex.truncated {
		return ""
	}
	return "; " + netx.CutNote(bodyLimit)
}

// summary is the pane's one line for an exchange.
func (ex *exchange) summary() string {
	if ex.err != nil {
		return "unreachable: " + httpdiag.Describe(ex.err)
	}
	return fmt.Sprintf("%s · %s", ex.statusLine(), httpdiag.Round(ex.total))
}

// client is the HTTP client for a check: netx's, with the check's timeout and, for a
// session, its cookie jar.
func client(n *netx.Net, timeout time.Duration, jar http.CookieJar) *http.Client {
	c := n.HTTPClient(netx.HTTPOptions{Timeout: timeout})
	c.Jar = jar
	return c
}

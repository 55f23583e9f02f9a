package endpoint

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/httpdiag"
	"github.com/launchready/launchready/probes/netx"
	"github.com/launchready/launchready/probes/webhooksig"
)

// webhookCheck replays a recorded event to a webhook endpoint twice: signed with the
// configured secret, which must be accepted (2xx), and signed with a wrong one, which must
// be refused (4xx). Either failure loses money: paid members never activated, or anyone
// able to forge "payment succeeded".
type webhookCheck struct {
	info     probes.CheckInfo
	name     string
	req      request // the POST, without the signature
	signer   webhooksig.Signer
	secret   *config.Secret
	payload  string
	net      *netx.Net
	timeout  time.Duration
	now      func() time.Time
	severity probes.Severity
	impact   probes.Impact
	redact   redactor
}

// Delivery is one POST of the event (WebhookDetail.Good, .Bad).
type Delivery struct {
	Status    int     `json:"status"`
	LatencyMs float64 `json:"latency_ms"`
	Error     string  `json:"error,omitempty"`
}

// WebhookDetail is a webhook check's Result.Data.
type WebhookDetail struct {
	URL    string   `json:"url"`
	Scheme string   `json:"scheme"`
	Good   Delivery `json:"good"` // correctly signed
	Bad    Delivery `json:"bad"`  // signed with a wrong secret
}

func (c *webhookCheck) Info() probes.CheckInfo { return c.info }

func (c *webhookCheck) Run(ctx context.Context) probes.Result {
	return c.redact.result(c.run(ctx))
}

// deliver POSTs the payload signed with secret.
func (c *webhookCheck) deliver(ctx context.Context, secret []byte) *exchange {
	sig := c.signer.Sign(secret, []byte(c.payload), c.now())
	return do(ctx, client(c.net, c.timeout, nil), c.req, func(r *http.Request) { r.Header.Set(c.signer.HeaderName(), sig) })
}

func delivery(ex *exchange) Delivery {
	d := Delivery{Status: ex.status, LatencyMs: httpdiag.Ms(ex.total)}
	if ex.err != nil {
		d.Error = httpdiag.Describe(ex.err)
	}
	return d
}

func (c *webhookCheck) run(ctx context.Context) probes.Result {
	good := c.deliver(ctx, []byte(c.secret.Value()))
	wrong := make([]byte, 32)
	_, _ = rand.Read(wrong)
	bad := c.deliver(ctx, wrong)
	d := WebhookDetail{URL: c.req.url, Scheme: c.signer.Scheme, Good: delivery(good), Bad: delivery(bad)}
	res := probes.Result{Data: d, Latency: good.total, Metrics: map[string]float64{
		"status": float64(good.status), "bad_status": float64(bad.status), "latency_ms": httpdiag.Ms(good.total)}}
	accepted := good.err == nil && good.status >= 200 && good.status < 300
	res.Metrics["up"] = b2f(accepted)
	res.Summary = fmt.Sprintf("signed %s · wrong signature %s", short2(good), short2(bad))

	ev := func(label string, ex *exchange) []string { return append([]string{label}, ex.ev...) }
	header := c.signer.HeaderName()
	switch {
	case good.err != nil:
		res.Findings = append(res.Findings, c.finding("endpoint.webhook-unreachable", c.severity, c.impact,
			fmt.Sprintf("Webhook endpoint unreachable: %s", httpdiag.Describe(good.err)),
			fmt.Sprintf("POST %s with a correctly signed event failed: %v. The provider's deliveries fail the same way and are retried, then dropped.", c.req.url, httpdiag.Unwrap(good.err)),
			httpdiag.Describe(good.err), "HTTP 2xx for a correctly signed event",
			fmt.Sprintf("Check that the route exists and the app is up; then replay: launchready check --only endpoints. Meanwhile, look at failed deliveries in the provider's dashboard for %s.", c.req.url),
			ev("correctly signed:", good)))
	case !accepted:
		what := "rejected"
		fix := fmt.Sprintf("The app does not accept the signature made with the configured secret. Compare the app's webhook secret with the one in the provider's dashboard for %s (a rotated secret not deployed is the usual cause), deploy, then resend the failed events from the dashboard.", c.req.url)
		if good.status >= 500 {
			what = "fail"
			fix = "The handler crashes on a valid event: open the Errors pane for it, fix or roll back, then resend the failed events from the provider's dashboard."
		}
		if c.signer.Scheme == webhooksig.Stripe && good.status >= 400 && good.status < 500 {
			fix += " Stripe signatures also carry a timestamp: a server clock more than 5 minutes off rejects every event."
		}
		res.Findings = append(res.Findings, c.finding("endpoint.webhook-rejected", c.severity, c.impact,
			fmt.Sprintf("Correctly signed events %s (%d)", what, good.status),
			fmt.Sprintf("POST %s with the recorded event, signed with the configured secret (%s, %s), answered %s: every real delivery gets the same, so payments and subscriptions are not recorded.", c.req.url, c.signer.Scheme, header, good.statusLine()),
			"HTTP "+good.statusLine(), "HTTP 2xx for a correctly signed event", fix, ev("correctly signed:", good)))
	}
	switch {
	case bad.err != nil:
		// The good delivery's finding covers an unreachable endpoint.
	case bad.status >= 200 && bad.status < 300:
		res.Findings = append(res.Findings, c.finding("endpoint.webhook-unverified", probes.Critical, c.impact,
			fmt.Sprintf("Webhook accepts a wrong signature (%d)", bad.status),
			fmt.Sprintf("POST %s with the same event signed with a random secret answered %s: anyone who knows the URL can forge events (a \"payment succeeded\" that grants a membership).", c.req.url, bad.statusLine()),
			"HTTP "+bad.statusLine()+" for a wrong signature", "HTTP 4xx for a wrong signature",
			fmt.Sprintf("Verify %s before acting on the event (for Stripe: stripe.Webhook.construct_event / webhook.ConstructEvent with the endpoint secret) and answer 400 when it does not match.", header),
			ev("signed with a wrong secret:", bad)))
	case bad.status < 400 || bad.status >= 500:
		res.Findings = append(res.Findings, c.finding("endpoint.webhook-bad-signature-status", probes.Medium, probes.Support,
			fmt.Sprintf("Wrong signatures answered %d instead of 4xx", bad.status),
			fmt.Sprintf("POST %s with a wrong signature answered %s. A signature failure should be a 400: a 5xx makes providers retry for days and fills the error log.", c.req.url, bad.statusLine()),
			"HTTP "+bad.statusLine(), "HTTP 4xx for a wrong signature",
			"Catch the signature verification error in the handler and answer 400.", ev("signed with a wrong secret:", bad)))
	}
	return res
}

func short2(ex *exchange) string {
	if ex.err != nil {
		return httpdiag.Describe(ex.err)
	}
	return fmt.Sprint(ex.status)
}

func (c *webhookCheck) finding(id string, sev probes.Severity, imp probes.Impact, title, detail, observed, expected, fix string, ev []string) probes.Finding {
	return probes.Finding{ID: id, Severity: sev, Impact: imp, Target: c.req.url, Title: title, Detail: detail,
		Observed: observed, Expected: expected, Fix: fix, Evidence: ev}
}

// webhookConfig is one webhook endpoint and the event to replay to it.
type webhookConfig struct {
	Name     string         `yaml:"name"`
	URL      string         `yaml:"url"`
	Scheme   string         `yaml:"scheme"`   // stripe, github or hmac-sha256
	Header   string         `yaml:"header"`   // hmac-sha256: the signature header
	Prefix   string         `yaml:"prefix"`   // hmac-sha256: text before the signature
	Encoding string         `yaml:"encoding"` // hmac-sha256: hex (default) or base64
	Secret   *config.Secret `yaml:"secret"`
	Payload  string         `yaml:"payload"`
	// PayloadFile is a recorded event on disk, relative to the config.
	PayloadFile string            `yaml:"payload_file"`
	ContentType string            `yaml:"content_type"`
	Headers     map[string]string `yaml:"headers"`
	Interval    time.Duration     `yaml:"interval"`
	Timeout     time.Duration     `yaml:"timeout"`
	Severity    string            `yaml:"severity"`
	Impact      string            `yaml:"impact"`
}

// maxPayload bounds a recorded event: real ones are a few kilobytes.
const maxPayload = 1 << 20

func (v *validator) webhookCheck(p string, wc webhookConfig, env probes.Env, defaults config.Checks) probes.Check {
	v.name(p, wc.Name, "webhook")
	v.url(p, wc.URL)
	v.headers(p+".headers", wc.Headers)
	v.timing(p, wc.Interval, wc.Timeout)
	signer := webhooksig.Signer{Scheme: strings.ToLower(wc.Scheme), Header: wc.Header, Prefix: wc.Prefix, Encoding: wc.Encoding}
	if wc.Scheme == "" {
		v.add(p, "has no scheme", "add scheme: stripe, github or hmac-sha256 (with header:)")
	} else if err := signer.Validate(); errors.Is(err, webhooksig.ErrScheme) {
		v.add(p+".scheme", fmt.Sprintf("%q is not a signature scheme", wc.Scheme), "use stripe, github, or hmac-sha256 with header: (and prefix:, encoding: hex|base64 as the provider documents)")
	} else if err != nil {
		v.add(p+".scheme", err.Error(), "for hmac-sha256 set header: (and prefix:, encoding: hex|base64 as the provider documents)")
	}
	if wc.Secret == nil || !wc.Secret.IsSet() {
		v.add(p, "has no secret", "add secret: with a reference to the signing secret, e.g. secret: env:STRIPE_WEBHOOK_SECRET")
	}
	payload := wc.Payload
	switch {
	case wc.Payload != "" && wc.PayloadFile != "":
		v.add(p+".payload_file", "is set together with payload", "keep one: the event inline (payload:) or in a file (payload_file:)")
	case wc.PayloadFile != "":
		b, err := readPayload(env.Config.Path(wc.PayloadFile))
		if err != nil {
			v.add(p+".payload_file", err.Error(), "record an event (the provider's dashboard shows each delivery's body) into this file, relative to the config")
		}
		payload = string(b)
	case wc.Payload == "":
		v.add(p, "has no payload", "add payload: with a recorded event (a test-mode event, or one your handler ignores), or payload_file: PATH")
	}
	if len(payload) > maxPayload {
		v.add(p+".payload", fmt.Sprintf("is %d bytes", len(payload)), "replay an event under 1 MiB")
	}
	ct := wc.ContentType
	if ct == "" {
		ct = "application/json"
	}
	c := &webhookCheck{
		name: wc.Name, req: newRequest(http.MethodPost, wc.URL, wc.Headers, nil, payload, ct), signer: signer, secret: wc.Secret,
		payload: payload, net: env.Net, timeout: orDefault(wc.Timeout, defaults.Timeout), now: env.Now,
		severity: probes.Critical, impact: v.impact(p+".impact", wc.Impact, probes.Revenue), redact: env.Config.SecretValues,
	}
	if wc.Severity != "" {
		c.severity = v.severity(p+".severity", wc.Severity)
	}
	if c.now == nil {
		c.now = time.Now
	}
	c.info = probes.CheckInfo{Name: wc.Name, Kind: "webhook", Pane: probes.PaneEndpoints, Target: "POST " + wc.URL,
		Interval: orDefault(wc.Interval, defaults.Interval), Timeout: 2 * c.timeout}
	return c
}

package alert

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/launchready/launchready/probes"
)

// WebhookSchema names the JSON a generic webhook receives; fields are only added within a
// version.
const WebhookSchema = "launchready.alert/v1"

// WebhookPayload is the body of a generic webhook.
type WebhookPayload struct {
	Schema  string         `json:"schema"`
	ID      string         `json:"id"` // also the X-Launchready-Delivery header: drop repeats
	Product string         `json:"product"`
	Domain  string         `json:"domain"`
	Sent    time.Time      `json:"sent"`
	Summary bool           `json:"summary"`
	Text    string         `json:"text"` // what a person would read
	Alerts  []WebhookAlert `json:"alerts"`
}

// WebhookAlert is one alert in a webhook payload.
type WebhookAlert struct {
	Kind       Kind            `json:"kind"` // firing, repeat, resolved, test
	Key        string          `json:"key"`
	Check      string          `json:"check"`
	Finding    string          `json:"finding"`
	Target     string          `json:"target"`
	Pane       probes.Pane     `json:"pane"`
	Severity   probes.Severity `json:"severity"`
	Impact     probes.Impact   `json:"impact"`
	Title      string          `json:"title"`
	Detail     string          `json:"detail"`
	Observed   string          `json:"observed"`
	Expected   string          `json:"expected"`
	Fix        string          `json:"fix"`
	Owners     []string        `json:"owners"`
	Since      time.Time       `json:"since"`
	FiredAt    time.Time       `json:"fired_at,omitzero"`
	ResolvedAt time.Time       `json:"resolved_at,omitzero"`
}

// webhookSender posts WebhookPayload, signed when a key is configured: the header is
// "t=UNIX,v1=HEX", HEX = hex(HMAC-SHA256(key, "UNIX." + body)). A receiver recomputes it
// over the raw body and refuses old timestamps, so a captured request cannot be replayed.
type webhookSender struct {
	url    *url.URL
	client *http.Client
	key    []byte
	header string
}

func (w *webhookSender) Send(ctx context.Context, m Message) error {
	body, err := json.Marshal(webhookPayload(m))
	if err != nil {
		return err
	}
	h := http.Header{"X-Launchready-Delivery": {m.ID}}
	if len(w.key) > 0 {
		h.Set(w.header, Sign(w.key, m.Sent, body))
	}
	return post(ctx, w.client, w.url, body, h)
}

// Sign computes the signature header value for body sent at t.
func Sign(key []byte, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(ts))
	mac.Write([]byte("."))
	mac.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac.Sum(nil))
}

func webhookPayload(m Message) WebhookPayload {
	p := WebhookPayload{Schema: WebhookSchema, ID: m.ID, Product: m.Product, Domain: m.Domain, Sent: m.Sent.UTC(),
		Summary: m.Summary, Text: Text(m, plain), Alerts: make([]WebhookAlert, len(m.Items))}
	for i, n := range m.Items {
		a := n.Alert
		p.Alerts[i] = WebhookAlert{Kind: n.Kind, Key: a.Key, Check: a.Check, Finding: a.Finding, Target: a.Target,
			Pane: a.Pane, Severity: a.Severity, Impact: a.Impact, Title: a.Title, Detail: a.Detail,
			Observed: a.Observed, Expected: a.Expected, Fix: a.Fix, Owners: nonNil(a.Owners),
			Since: a.Since.UTC(), FiredAt: a.FiredAt.UTC(), ResolvedAt: a.ResolvedAt.UTC()}
	}
	return p
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

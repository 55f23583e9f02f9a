package alert

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// AMAlert is one entry of Alertmanager's v2 API body (POST /api/v2/alerts,
// "postableAlerts").
type AMAlert struct {
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     time.Time         `json:"startsAt"`
	EndsAt       time.Time         `json:"endsAt"`
	GeneratorURL string            `json:"generatorURL,omitempty"`
}

// amSender posts every notification of a delivery as one array: Alertmanager groups,
// deduplicates (by labels) and silences itself, so we never summarise for it. Firing
// alerts carry endsAt = now + 4 resends, refreshed every resend, as Prometheus does: if
// watch stops, Alertmanager resolves them a few minutes later instead of never.
type amSender struct {
	url    *url.URL
	client *http.Client
	user   string
	pass   string
	resend time.Duration
}

func (a *amSender) ResendEvery() time.Duration { return a.resend }
func (a *amSender) Batches() bool              { return true }

func (a *amSender) Send(ctx context.Context, m Message) error {
	body, err := json.Marshal(a.alerts(m))
	if err != nil {
		return err
	}
	h := http.Header{}
	if a.user != "" {
		r := http.Request{Header: http.Header{}}
		r.SetBasicAuth(a.user, a.pass)
		h.Set("Authorization", r.Header.Get("Authorization"))
	}
	return post(ctx, a.client, a.url, body, h)
}

func (a *amSender) alerts(m Message) []AMAlert {
	out := make([]AMAlert, 0, len(m.Items))
	for _, n := range m.Items {
		al := n.Alert
		am := AMAlert{
			Labels: map[string]string{
				"alertname": al.Finding,
				"check":     al.Check,
				"target":    al.Target,
				"pane":      string(al.Pane),
				"severity":  al.Severity.String(),
				"impact":    string(al.Impact),
				"product":   m.Product,
				"owner":     strings.Join(al.Owners, ","),
			},
			Annotations: map[string]string{
				"summary":     al.Title,
				"description": al.Detail,
				"observed":    al.Observed,
				"expected":    al.Expected,
				"fix":         al.Fix,
			},
			StartsAt: firstNonZero(al.FiredAt, al.Since).UTC(),
			EndsAt:   m.Sent.Add(4 * a.resend).UTC(),
		}
		switch n.Kind {
		case KindResolved:
			am.EndsAt = al.ResolvedAt.UTC()
		case KindTest:
			am.Labels["alertname"] = "launchready.test"
			am.EndsAt = m.Sent.Add(5 * time.Minute).UTC()
		}
		for k, v := range am.Annotations {
			if v == "" {
				delete(am.Annotations, k)
			}
		}
		out = append(out, am)
	}
	return out
}

func firstNonZero(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

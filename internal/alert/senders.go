package alert

import (
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/launchready/launchready/internal/config"
)

// SenderOptions are what channels share: the roots to trust and the HTTP client.
type SenderOptions struct {
	RootCAs *x509.CertPool // nil: the system's
	Client  *http.Client   // nil: NewHTTPClient(RootCAs)
}

// NewSender builds a channel's Sender from its config, with secrets already resolved. Its
// errors name the channel and key, never a secret's value.
func NewSender(ch Channel, o SenderOptions) (Sender, error) {
	if o.Client == nil {
		o.Client = NewHTTPClient(o.RootCAs)
	}
	where := func(k string) string { return fmt.Sprintf("channel %s: %s", ch.Name, k) }
	switch {
	case ch.Slack != nil:
		u, err := secretURL(where("slack.url"), ch.Slack.URL)
		if err != nil {
			return nil, err
		}
		return &slackSender{url: u, client: o.Client}, nil
	case ch.Webhook != nil:
		u, err := secretURL(where("webhook.url"), ch.Webhook.URL)
		if err != nil {
			return nil, err
		}
		w := &webhookSender{url: u, client: o.Client, header: ch.Webhook.SignatureHeader}
		if ch.Webhook.HMACKey != nil && ch.Webhook.HMACKey.IsSet() {
			if ch.Webhook.HMACKey.Value() == "" {
				return nil, fmt.Errorf("%s: %s is not resolved", where("webhook.hmac_key"), ch.Webhook.HMACKey.Ref)
			}
			w.key = []byte(ch.Webhook.HMACKey.Value())
		}
		return w, nil
	case ch.Email != nil:
		e := ch.Email
		host, _, _ := net.SplitHostPort(e.Server)
		s := &emailSender{server: e.Server, host: host, mode: e.TLS, from: addrOnly(e.From), header: fromHeader(e.From), user: e.Username,
			roots: o.RootCAs, helo: heloName()}
		for _, t := range e.To {
			s.to = append(s.to, addrOnly(t))
		}
		if e.Password != nil && e.Password.IsSet() {
			if e.Password.Value() == "" {
				return nil, fmt.Errorf("%s: %s is not resolved", where("email.password"), e.Password.Ref)
			}
			s.pass = e.Password.Value()
		}
		return s, nil
	case ch.Alertmanager != nil:
		am := ch.Alertmanager
		u, err := url.Parse(strings.TrimRight(am.URL, "/") + "/api/v2/alerts")
		if err != nil {
			return nil, fmt.Errorf("%s: %v", where("alertmanager.url"), err)
		}
		s := &amSender{url: u, client: o.Client, user: am.Username, resend: am.Resend}
		if am.Password != nil && am.Password.IsSet() {
			s.pass = am.Password.Value()
		}
		return s, nil
	}
	return nil, fmt.Errorf("channel %s: no kind of channel is set", ch.Name)
}

func secretURL(where string, s *config.Secret) (*url.URL, error) {
	if s == nil || s.Value() == "" {
		return nil, fmt.Errorf("%s: the secret is not resolved; set it (env:NAME or file:PATH) before starting", where)
	}
	return checkURL(where, s.Value())
}

// NewSenders builds every channel's Sender; the error lists every channel that cannot be
// built.
func NewSenders(cfg *Config, o SenderOptions) (map[string]Sender, error) {
	out := map[string]Sender{}
	var errs []string
	if o.Client == nil {
		o.Client = NewHTTPClient(o.RootCAs)
	}
	for _, ch := range cfg.Channels {
		s, err := NewSender(ch, o)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		out[ch.Name] = s
	}
	if len(errs) > 0 {
		return out, fmt.Errorf("alerts: %s", strings.Join(errs, "; "))
	}
	return out, nil
}

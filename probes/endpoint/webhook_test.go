package endpoint

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/webhooksig"
)

const plantedWebhookSecret = "whsec_planted_9a8b7c6d5e4f"

// receiver is a webhook endpoint that verifies signatures with the planted secret, and
// answers per its mode.
func receiver(t *testing.T, s webhooksig.Signer, mode string) *server {
	return newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		err := s.Verify([]byte(plantedWebhookSecret), body, r.Header.Get(s.HeaderName()), time.Now(), 0)
		switch {
		case mode == "rejects good":
			w.WriteHeader(400)
		case mode == "good crashes" && err == nil:
			w.WriteHeader(500)
		case mode == "accepts bad" || err == nil:
			if !strings.Contains(string(body), `"invoice.paid"`) || r.Header.Get("Content-Type") != "application/json" {
				w.WriteHeader(422)
				return
			}
			fmt.Fprint(w, `{"received":true}`)
		case mode == "bad crashes":
			w.WriteHeader(500)
		default:
			w.WriteHeader(400)
			fmt.Fprintf(w, `{"error":"signature: %v"}`, err)
		}
	}))
}

func webhookConfigText(url, scheme string) string {
	extra := ""
	if scheme == webhooksig.HMACSHA256 {
		extra = ", header: X-Signature, encoding: base64"
	}
	return cfgText("  webhooks:\n    - {name: billing, url: %s/hooks, scheme: %s, secret: env:LR_HOOK_SECRET, payload: '{\"type\":\"invoice.paid\"}'%s}\n", url, scheme, extra)
}

func TestWebhookReplay(t *testing.T) {
	t.Parallel()
	cases := []struct {
		mode, want string
	}{
		{"verifies", ""},
		{"rejects good", "endpoint.webhook-rejected/critical"},
		{"good crashes", "endpoint.webhook-rejected/critical"},
		{"accepts bad", "endpoint.webhook-unverified/critical"},
		{"bad crashes", "endpoint.webhook-bad-signature-status/medium"},
	}
	for _, scheme := range []string{webhooksig.Stripe, webhooksig.GitHub, webhooksig.HMACSHA256} {
		for _, c := range cases {
			t.Run(scheme+"/"+c.mode, func(t *testing.T) {
				t.Parallel()
				s := webhooksig.Signer{Scheme: scheme, Header: "X-Signature", Encoding: "base64"}
				srv := receiver(t, s, c.mode)
				cs := setup(t, webhookConfigText(srv.URL, scheme), srv.net, map[string]string{"LR_HOOK_SECRET": plantedWebhookSecret})
				res := run(t, cs["billing"])
				if got := ids(res); got != c.want {
					t.Fatalf("findings %q, want %q (%s %s)", got, c.want, res.Summary, res.Err)
				}
				d := res.Data.(WebhookDetail)
				if c.mode == "verifies" && (d.Good.Status != 200 || d.Bad.Status != 400 || res.Metrics["up"] != 1) {
					t.Errorf("detail %+v metrics %v", d, res.Metrics)
				}
				for _, f := range res.Findings {
					if f.ID == "endpoint.webhook-rejected" && c.mode == "rejects good" &&
						(f.Title != "Correctly signed events rejected (400)" || f.Impact != probes.Revenue || !strings.Contains(f.Fix, "dashboard")) {
						t.Errorf("finding: %+v", f)
					}
				}
				if strings.Contains(fmt.Sprintf("%+v", res), plantedWebhookSecret) {
					t.Error("the webhook secret leaked into the result")
				}
			})
		}
	}
}

func TestWebhookUnreachable(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	cs := setup(t, webhookConfigText("https://"+addr, "stripe"), newServer(t, nil).net, map[string]string{"LR_HOOK_SECRET": plantedWebhookSecret})
	res := run(t, cs["billing"])
	if ids(res) != "endpoint.webhook-unreachable/critical" || res.Metrics["up"] != 0 {
		t.Errorf("%q %v", ids(res), res.Metrics)
	}
}

func TestWebhookPayloadFile(t *testing.T) {
	t.Parallel()
	s := webhooksig.Signer{Scheme: webhooksig.Stripe}
	srv := receiver(t, s, "verifies")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "event.json"), []byte(`{"id":"evt_1","type":"invoice.paid"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	text := cfgText("  webhooks:\n    - {name: billing, url: %s/hooks, scheme: stripe, secret: env:LR_HOOK_SECRET, payload_file: %s}\n", srv.URL, filepath.Join(dir, "event.json"))
	res := run(t, setup(t, text, srv.net, map[string]string{"LR_HOOK_SECRET": plantedWebhookSecret})["billing"])
	if res.Status != probes.StatusOK {
		t.Errorf("%s %q %v", res.Status, res.Summary, res.Findings)
	}
}

package alert

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// respLimit caps how much of a channel's answer we read: enough for an error message.
const respLimit = 4 << 10

// NewHTTPClient is the client every HTTP channel uses: the machine's proxy settings (an
// ops box often reaches Slack through one), the given roots (system plus network.ca_file),
// bounded headers, no redirects (a webhook that redirects is misconfigured, and following
// it could carry the signed body elsewhere).
func NewHTTPClient(roots *x509.CertPool) *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			Proxy:                  http.ProxyFromEnvironment,
			DialContext:            (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
			TLSClientConfig:        &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12},
			TLSHandshakeTimeout:    5 * time.Second,
			MaxResponseHeaderBytes: 64 << 10,
			IdleConnTimeout:        90 * time.Second,
			MaxIdleConnsPerHost:    2,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// checkURL refuses a resolved URL secret that cannot be right, without ever quoting it:
// https, or http only to this machine (a test receiver, a local relay).
func checkURL(what, raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("%s is not a URL (the value is not shown: it is a secret)", what)
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && isLoopback(u.Hostname()):
	default:
		return nil, fmt.Errorf("%s must be an https:// URL (plain http only to 127.0.0.1); the value is not shown: it is a secret", what)
	}
	return u, nil
}

// post sends body and turns every failure into a sentence naming the channel, the host
// and what happened, never the URL (its path is often the credential).
func post(ctx context.Context, client *http.Client, u *url.URL, body []byte, header http.Header) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("cannot build the request to %s: %v", u.Host, err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	if req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("User-Agent", "launchready-alerts")
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		if errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("%s did not answer in time", u.Host)
		}
		return fmt.Errorf("cannot reach %s: %v", u.Host, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, respLimit))
	if resp.StatusCode/100 != 2 {
		msg := strings.Join(strings.Fields(string(b)), " ")
		if len(msg) > 200 {
			msg = msg[:200] + "…"
		}
		if msg != "" {
			msg = ": " + msg
		}
		return fmt.Errorf("%s answered HTTP %d%s", u.Host, resp.StatusCode, msg)
	}
	return nil
}

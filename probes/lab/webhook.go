package lab

import (
	"io"
	"net/http"
	"time"

	"github.com/launchready/launchready/probes/webhooksig"
)

// Webhook makes a route a signed-webhook receiver, as a payment provider's events reach
// an app: a request whose signature verifies with Secret (per Scheme) gets the route's
// Status and Body, any other gets 400. The two planted faults are flags.
type Webhook struct {
	// Scheme is webhooksig.Stripe, GitHub or HMACSHA256 (with Header, Prefix, Encoding).
	Scheme   string
	Header   string
	Prefix   string
	Encoding string
	// Secret is the signing secret: a public lab value, also in Scenario.Env.
	Secret string
	// RejectValid answers 400 even to a correctly signed event: the app holds another
	// secret than the provider (a rotation not deployed).
	RejectValid bool
	// AcceptInvalid answers success to any event: verification switched off.
	AcceptInvalid bool
}

func (wh *Webhook) signer() webhooksig.Signer {
	return webhooksig.Signer{Scheme: wh.Scheme, Header: wh.Header, Prefix: wh.Prefix, Encoding: wh.Encoding}
}

// accept says whether the route answers the request as a delivered event.
func (wh *Webhook) accept(req *http.Request) bool {
	body, _ := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	s := wh.signer()
	ok := s.Verify([]byte(wh.Secret), body, req.Header.Get(s.HeaderName()), time.Now(), 0) == nil
	switch {
	case wh.RejectValid:
		return false
	case wh.AcceptInvalid:
		return true
	}
	return ok
}

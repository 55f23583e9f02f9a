package registration

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/openrdap/rdap"
)

// maxBody caps an RDAP answer. A registry's domain object is a few kilobytes (tens with
// every contact and notice); a server that sends more is broken or hostile, and openrdap
// itself reads whatever it is given.
const maxBody = 1 << 20

// Record is what the registry says of a registered domain: the part a founder needs to
// keep the name, in the words the console prints.
type Record struct {
	Domain    string    `json:"domain"`
	Registrar string    `json:"registrar,omitempty"`
	Expires   time.Time `json:"expires,omitzero"`
	// Status are the EPP status flags as the registry writes them ("client transfer
	// prohibited"), lower-case.
	Status []string `json:"status,omitempty"`
	// DNSSEC is true when the registry publishes a signed delegation (DS records).
	DNSSEC bool `json:"dnssec"`
	// Server is the RDAP URL asked.
	Server string `json:"server"`
}

// TransferLocked reports whether the registry refuses a transfer away: either the
// registrar's lock (clientTransferProhibited) or the registry's (serverTransferProhibited).
func (r Record) TransferLocked() bool {
	return slices.ContainsFunc(r.Status, func(s string) bool {
		s = strings.ReplaceAll(s, " ", "")
		return s == "clienttransferprohibited" || s == "servertransferprohibited"
	})
}

// lookup asks one RDAP base URL for a domain. Its errors say what the server did, for an
// operator deciding whether the registry or the network is at fault.
func lookup(ctx context.Context, hc *http.Client, base, domain string) (Record, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return Record{}, fmt.Errorf("%q is not an RDAP base URL: write it like https://rdap.example-registry.net/", base)
	}
	req := (&rdap.Request{Type: rdap.DomainRequest, Query: domain, Server: u}).WithContext(ctx)
	where := req.URL().String()
	c := &rdap.Client{HTTP: limited(hc), UserAgent: "launchready (registration check)"}
	resp, err := c.Do(req)
	if err != nil {
		return Record{}, explain(ctx, where, resp, err)
	}
	d, ok := resp.Object.(*rdap.Domain)
	if !ok {
		return Record{}, fmt.Errorf("%s answered with an RDAP %T, not a domain object", where, resp.Object)
	}
	return record(d, domain, where), nil
}

// explain turns openrdap's errors, which mostly say "no RDAP servers responded
// successfully", into what the server actually did.
func explain(ctx context.Context, where string, resp *rdap.Response, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%s did not answer in time: %w", where, ctx.Err())
	}
	var ce *rdap.ClientError
	if errors.As(err, &ce) && ce.Type == rdap.ObjectDoesNotExist {
		return fmt.Errorf("%s has no record of this domain (HTTP 404): check the spelling, or that network.rdap_url names this TLD's registry", where)
	}
	if resp != nil {
		for _, h := range resp.HTTP {
			switch {
			case h.Error != nil && errors.Is(h.Error, errTooBig):
				return fmt.Errorf("%s sent more than %d KiB: not an RDAP domain object", where, maxBody>>10)
			case h.Error != nil && isTimeout(h.Error):
				return fmt.Errorf("%s did not answer in time: %v", where, h.Error)
			case h.Error != nil && h.Response != nil:
				return fmt.Errorf("%s answered HTTP %d with a body that is not RDAP JSON: %v", where, h.Response.StatusCode, h.Error)
			case h.Error != nil:
				return fmt.Errorf("asking %s: %v", where, h.Error)
			case h.Response != nil:
				return fmt.Errorf("%s answered HTTP %d (%d bytes); an RDAP server answers 200 with the domain object", where, h.Response.StatusCode, len(h.Body))
			}
		}
	}
	return fmt.Errorf("asking %s: %v", where, err)
}

// record keeps what the console shows from openrdap's decoded domain.
func record(d *rdap.Domain, domain, where string) Record {
	r := Record{Domain: domain, Server: where}
	for _, s := range d.Status {
		r.Status = append(r.Status, strings.ToLower(strings.TrimSpace(s)))
	}
	for _, e := range d.Events {
		if strings.EqualFold(e.Action, "expiration") {
			if t, err := time.Parse(time.RFC3339, strings.TrimSpace(e.Date)); err == nil {
				r.Expires = t
			}
		}
	}
	for _, e := range d.Entities {
		if slices.ContainsFunc(e.Roles, func(s string) bool { return strings.EqualFold(s, "registrar") }) {
			if e.VCard != nil {
				r.Registrar = strings.TrimSpace(e.VCard.Name())
			}
			if r.Registrar == "" {
				r.Registrar = e.Handle
			}
		}
	}
	if d.SecureDNS != nil && (d.SecureDNS.DelegationSigned != nil && *d.SecureDNS.DelegationSigned || len(d.SecureDNS.DS) > 0) {
		r.DNSSEC = true
	}
	return r
}

var errTooBig = errors.New("answer over the size limit")

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// limited wraps a client so that no answer body is read past maxBody.
func limited(hc *http.Client) *http.Client {
	c := *hc
	c.Transport = capTransport{next: hc.Transport}
	return &c
}

type capTransport struct{ next http.RoundTripper }

func (t capTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	next := t.next
	if next == nil {
		next = http.DefaultTransport
	}
	resp, err := next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	resp.Body = &capBody{ReadCloser: resp.Body, left: maxBody}
	return resp, nil
}

type capBody struct {
	io.ReadCloser
	left int64
}

func (b *capBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One byte more tells a body of exactly maxBody from a longer one.
		var one [1]byte
		if n, _ := b.ReadCloser.Read(one[:]); n > 0 {
			return 0, errTooBig
		}
		return 0, io.EOF
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.ReadCloser.Read(p)
	b.left -= int64(n)
	return n, err
}

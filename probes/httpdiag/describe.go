// Package httpdiag is what HTTP probes share to explain a request: why it failed in the
// few words an operator needs, the latency split from httptrace, and evidence lines that
// show diagnostic headers and never member data or cookies. The uptime probe (httpcheck)
// and the endpoints pane (endpoint) both use it, so they describe a failure the same way.
package httpdiag

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"syscall"

	"github.com/launchready/launchready/probes/netx"
)

// Describe turns a request error into the few words an operator needs ("connection
// refused by 127.0.0.1:443", "timed out", "certificate expired"), not Go's nested chain.
func Describe(err error) string {
	var (
		ue       *url.Error
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		recErr   tls.RecordHeaderError
		opErr    *net.OpError
	)
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var le *netx.LookupError
	if errors.As(err, &le) {
		return describeLookup(le)
	}
	switch {
	case errors.As(err, &hostname):
		return fmt.Sprintf("certificate does not cover %s", hostname.Host)
	case errors.As(err, &unknown):
		return "certificate signed by an unknown authority (self-signed or missing intermediate)"
	case errors.As(err, &invalid):
		switch invalid.Reason {
		case x509.Expired:
			return "certificate expired or not yet valid"
		default:
			return "certificate invalid: " + invalid.Error()
		}
	case errors.As(err, &recErr):
		return "the server does not speak TLS on this port"
	case errors.Is(err, context.DeadlineExceeded), isTimeout(err):
		return "timed out"
	case errors.Is(err, syscall.ECONNREFUSED):
		if errors.As(err, &opErr) && opErr.Addr != nil {
			return "connection refused by " + opErr.Addr.String()
		}
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset by the server"
	case strings.Contains(err.Error(), "stopped after") && strings.Contains(err.Error(), "redirects"):
		return "too many redirects"
	}
	msg := err.Error()
	if len(msg) > 160 {
		msg = msg[:160] + "…"
	}
	return msg
}

// describeLookup says in a few words why a name did not resolve; the full explanation
// from netx stays in the finding's detail.
func describeLookup(le *netx.LookupError) string {
	end := le.Name
	if len(le.Chain) > 0 {
		end = le.Chain[len(le.Chain)-1]
	}
	end = strings.TrimSuffix(end, ".")
	cname := len(le.Chain) > 1
	switch {
	case errors.Is(le, netx.ErrNXDOMAIN) && cname:
		return "dangling CNAME to " + end + " (NXDOMAIN)"
	case errors.Is(le, netx.ErrNXDOMAIN):
		return "name does not exist (NXDOMAIN)"
	case errors.Is(le, netx.ErrNoRecords):
		return "name has no address records"
	case errors.Is(le, netx.ErrCNAMELoop):
		return "CNAME loop"
	case errors.Is(le, netx.ErrCNAMEChainTooLong):
		return "CNAME chain too long"
	}
	return "DNS lookup failed"
}

// Unwrap drops net/http's `Get "URL":` prefix, which repeats what a finding's detail says.
func Unwrap(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// IsTLSError says whether the failure is the certificate or handshake rather than the
// network: members then see a browser warning, not a dead site.
func IsTLSError(err error) bool {
	var (
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		verify   *tls.CertificateVerificationError
		alert    tls.AlertError
	)
	return errors.As(err, &unknown) || errors.As(err, &hostname) || errors.As(err, &invalid) ||
		errors.As(err, &verify) || errors.As(err, &alert)
}

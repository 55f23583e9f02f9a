package tlscheck

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/url"
	"strings"
	"syscall"

	"github.com/launchready/launchready/probes/netx"
)

// reason turns a connection error into the few words a pane cell or title has room
// for; the full error goes in the finding's detail.
func reason(err error) string {
	var (
		ue     *url.Error
		le     *netx.LookupError
		recErr tls.RecordHeaderError
		alert  tls.AlertError
		ne     net.Error
	)
	if errors.As(err, &ue) {
		err = ue.Err
	}
	msg := err.Error()
	switch {
	case errors.As(err, &le) && errors.Is(le, netx.ErrNXDOMAIN) && len(le.Chain) > 1:
		return "dangling CNAME (NXDOMAIN)"
	case errors.As(err, &le) && errors.Is(le, netx.ErrNXDOMAIN):
		return "name does not exist (NXDOMAIN)"
	case errors.As(err, &le):
		return "DNS lookup failed"
	case errors.As(err, &recErr):
		return "the server does not speak TLS on this port"
	case strings.Contains(msg, "remote error: tls: protocol version not supported"):
		return "the server refused every TLS version offered"
	case strings.Contains(msg, "remote error: tls: "):
		_, after, _ := strings.Cut(msg, "remote error: tls: ")
		return "the server aborted the handshake: " + after
	case errors.As(err, &alert):
		return "handshake failed: " + alert.Error()
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset by the server"
	case strings.Contains(msg, "TLS handshake timeout"), errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "timed out"
	case strings.Contains(msg, "server response headers exceeded"):
		return "response headers too large"
	case strings.Contains(msg, "malformed HTTP"):
		return "malformed HTTP response"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), strings.HasSuffix(msg, "EOF"):
		return "the server closed the connection"
	}
	if len(msg) > 120 {
		msg = msg[:120] + "…"
	}
	return msg
}

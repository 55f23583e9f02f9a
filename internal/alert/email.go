package alert

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"os"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// emailSender submits a plain-text message through an SMTP relay with go-smtp: STARTTLS
// (587) by default, implicit TLS (465), or plain only to a relay on this machine; PLAIN
// authentication when a user is set. Every step runs under the delivery's deadline.
type emailSender struct {
	server string
	host   string
	mode   string
	from   string // envelope sender (address only)
	header string // From: header, display name kept
	to     []string
	user   string
	pass   string
	roots  *x509.CertPool
	helo   string
}

func (e *emailSender) Send(ctx context.Context, m Message) error {
	msg := e.compose(m)
	d := net.Dialer{Timeout: 5 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", e.server)
	if err != nil {
		return fmt.Errorf("cannot reach the mail relay %s: %v", e.server, unwrapOp(err))
	}
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	tlsConf := &tls.Config{ServerName: e.host, RootCAs: e.roots, MinVersion: tls.VersionTLS12}
	var c *smtp.Client
	switch e.mode {
	case "tls":
		c = smtp.NewClient(tls.Client(conn, tlsConf))
	case "starttls":
		c, err = smtp.NewClientStartTLS(conn, tlsConf)
		if err != nil {
			conn.Close()
			if isTLSFailure(err) {
				return e.tlsError(err)
			}
			return fmt.Errorf("mail relay %s: STARTTLS failed: %v", e.server, smtpErr(err))
		}
	default:
		c = smtp.NewClient(conn)
	}
	defer c.Close()
	left := time.Minute
	if dl, ok := ctx.Deadline(); ok {
		left = time.Until(dl)
	}
	c.CommandTimeout, c.SubmissionTimeout = left, left
	if err := c.Hello(e.helo); err != nil {
		if e.mode != "none" && isTLSFailure(err) {
			return e.tlsError(err)
		}
		return fmt.Errorf("mail relay %s refused our greeting: %v", e.server, smtpErr(err))
	}
	if e.user != "" {
		if err := c.Auth(sasl.NewPlainClient("", e.user, e.pass)); err != nil {
			return fmt.Errorf("mail relay %s refused the login for %s: %v; check alerts email username and password", e.server, e.user, smtpErr(err))
		}
	}
	if err := c.SendMail(e.from, e.to, bytes.NewReader(msg)); err != nil {
		return fmt.Errorf("mail relay %s did not take the message: %v", e.server, smtpErr(err))
	}
	if err := c.Quit(); err != nil {
		return nil // the message was accepted; a rude goodbye changes nothing
	}
	return nil
}

// compose writes an RFC 5322 message: plain text, UTF-8, the subject Q-encoded.
func (e *emailSender) compose(m Message) []byte {
	var b bytes.Buffer
	hdr := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	hdr("From", e.header)
	hdr("To", strings.Join(e.to, ", "))
	hdr("Subject", mime.QEncoding.Encode("utf-8", Subject(m)))
	hdr("Date", m.Sent.Format(time.RFC1123Z))
	hdr("Message-ID", "<"+m.ID+"@launchready>")
	hdr("X-Launchready-Delivery", m.ID)
	hdr("MIME-Version", "1.0")
	hdr("Content-Type", "text/plain; charset=utf-8")
	hdr("Content-Transfer-Encoding", "8bit")
	b.WriteString("\r\n")
	for _, line := range strings.Split(Text(m, plain), "\n") {
		b.WriteString(line)
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

// isTLSFailure says whether err is the TLS handshake failing (the handshake runs lazily, on
// the first command after STARTTLS or on connect for implicit TLS).
func isTLSFailure(err error) bool {
	var cv *tls.CertificateVerificationError
	var rh tls.RecordHeaderError
	return errors.As(err, &cv) || errors.As(err, &rh) || strings.Contains(err.Error(), "tls: ")
}

func (e *emailSender) tlsError(err error) error {
	return fmt.Errorf("mail relay %s: TLS failed, nothing was sent: %v; its certificate must be valid for %s and chain to a trusted root (network.ca_file adds one)",
		e.server, unwrapOp(err), e.host)
}

func smtpErr(err error) string {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return fmt.Sprintf("%d %s", se.Code, se.Message)
	}
	return unwrapOp(err).Error()
}

func unwrapOp(err error) error {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		return oe.Err
	}
	return err
}

func heloName() string {
	h, err := os.Hostname()
	if err != nil || h == "" || strings.ContainsAny(h, " \t\r\n") {
		return "localhost"
	}
	return h
}

// fromHeader formats a From: header, encoding a non-ASCII display name.
func fromHeader(s string) string {
	if a, err := mail.ParseAddress(s); err == nil {
		return a.String()
	}
	return s
}

func addrOnly(s string) string {
	if a, err := mail.ParseAddress(s); err == nil {
		return a.Address
	}
	return s
}

// Package mailsend sends the post-deploy test message (`launchready email send-test`):
// through the configured submission server, over TLS only, with a unique token in the
// subject, and with a record of every attempt in the state folder, so a dropped
// connection never leads to a second message sent blind.
package mailsend

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/launchready/launchready/probes/mailauth"
)

// Options says what to send, how, and where to keep the record.
type Options struct {
	SMTP mailauth.SMTP
	// Password is the resolved secret; it is only ever handed to the SASL client.
	Password string
	To       string
	// StateDir holds email-send-test.json, the record of attempts.
	StateDir string
	// Dial connects (netx's DialContext, which honours network.connect_to).
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// TLSConfig returns the client TLS configuration for a server name (netx's).
	TLSConfig func(serverName string) *tls.Config
	// Force sends even when the previous attempt may have been delivered.
	Force bool
	// Timeout bounds the whole session; default 30s.
	Timeout time.Duration
	Now     func() time.Time
}

// Attempt is one send, as recorded.
type Attempt struct {
	Token     string    `json:"token"`
	MessageID string    `json:"message_id"`
	To        string    `json:"to"`
	From      string    `json:"from"`
	Server    string    `json:"server"`
	Started   time.Time `json:"started"`
	Finished  time.Time `json:"finished,omitzero"`
	// State is sending (the message is being handed over, or the process died doing
	// it), sent (the server accepted it), failed (it was certainly not accepted) or
	// unknown (the connection dropped after the whole message was handed over: it may
	// have been delivered).
	State string `json:"state"`
	// Reply is the server's answer to the message ("250 2.0.0 queued as ..."), which
	// support can use to trace it.
	Reply string `json:"reply,omitempty"`
	Error string `json:"error,omitempty"`
}

// Attempt states.
const (
	StateSending = "sending"
	StateSent    = "sent"
	StateFailed  = "failed"
	StateUnknown = "unknown"
)

// Errors Send returns, for errors.Is.
var (
	// ErrMaybeSent: the previous attempt may have been delivered; Send refuses to send
	// another without Force.
	ErrMaybeSent = errors.New("the previous test message may have been delivered")
	// ErrNotSent: this attempt certainly delivered nothing.
	ErrNotSent = errors.New("the test message was not sent")
	// ErrUnknown: this attempt's connection dropped after the message was handed over.
	ErrUnknown = errors.New("the test message may or may not have been delivered")
)

// holdBack is how long an attempt in doubt blocks the next one: long enough for the
// operator to look in the inbox.
const holdBack = 24 * time.Hour

// Send sends one test message and records it.
func Send(ctx context.Context, o Options) (*Attempt, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if !o.SMTP.Configured() {
		return nil, fmt.Errorf("%w: email.smtp.host is not set in the config; add the submission server (see examples/launchready.yaml)", ErrNotSent)
	}
	if o.To == "" {
		return nil, fmt.Errorf("%w: no recipient: pass --to ADDRESS or set email.test_recipient", ErrNotSent)
	}
	if _, err := mail.ParseAddress(o.To); err != nil {
		return nil, fmt.Errorf("%w: %q is not an email address", ErrNotSent, o.To)
	}
	if o.StateDir == "" {
		return nil, fmt.Errorf("%w: there is no state folder to record the attempt in, and without it a retry could send twice; pass --state DIR", ErrNotSent)
	}
	log, err := openLog(o.StateDir)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotSent, err)
	}
	if last := log.last(); last != nil && !o.Force && (last.State == StateUnknown || last.State == StateSending) && o.Now().Sub(last.Started) < holdBack {
		return last, fmt.Errorf("%w: the attempt at %s (token %s, to %s) lost its connection after handing the message over. Look for %q in the inbox of %s; if it is not there, send again with --force",
			ErrMaybeSent, last.Started.Format(time.RFC3339), last.Token, last.To, last.Token, last.To)
	}
	a := &Attempt{Token: newToken(), To: o.To, From: o.SMTP.From, Server: o.SMTP.Addr(), Started: o.Now(), State: StateSending}
	a.MessageID = "<" + a.Token + "@" + domainOf(o.SMTP.From) + ">"
	red := redactor(o.Password)
	finish := func(state string, err error) (*Attempt, error) {
		a.State, a.Finished = state, o.Now()
		if err != nil {
			a.Error = red(err.Error())
		}
		if werr := log.save(a); werr != nil && err == nil {
			err = fmt.Errorf("the message was sent (token %s) but the record of it could not be written: %v", a.Token, werr)
		}
		if err != nil {
			return a, &redacted{msg: red(err.Error()), err: err}
		}
		return a, nil
	}

	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	c, stop, err := connect(ctx, o)
	if err != nil {
		return finish(StateFailed, fmt.Errorf("%w: %v", ErrNotSent, err))
	}
	defer stop()
	defer c.Close()
	if o.SMTP.Username != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return finish(StateFailed, fmt.Errorf("%w: %s does not offer AUTH after TLS: check email.smtp.host and port (submission is usually 587 or 465)", ErrNotSent, a.Server))
		}
		if err := c.Auth(sasl.NewPlainClient("", o.SMTP.Username, o.Password)); err != nil {
			return finish(StateFailed, fmt.Errorf("%w: %s refused the login for %s: %v; check email.smtp.username and the password %s points at", ErrNotSent, a.Server, o.SMTP.Username, smtpErr(err), passwordRef(o.SMTP)))
		}
	}
	if err := c.Mail(o.SMTP.From, nil); err != nil {
		return finish(StateFailed, fmt.Errorf("%w: %s refused the sender %s: %v", ErrNotSent, a.Server, o.SMTP.From, smtpErr(err)))
	}
	if err := c.Rcpt(o.To, nil); err != nil {
		return finish(StateFailed, fmt.Errorf("%w: %s refused the recipient %s: %v", ErrNotSent, a.Server, o.To, smtpErr(err)))
	}
	// From here a drop may leave the message delivered: record that first, so even a
	// crash leaves the evidence that blocks a blind resend.
	if err := log.save(a); err != nil {
		return finish(StateFailed, fmt.Errorf("%w: cannot record the attempt before sending: %v", ErrNotSent, err))
	}
	w, err := c.Data()
	if err != nil {
		return finish(StateFailed, fmt.Errorf("%w: %s refused DATA: %v", ErrNotSent, a.Server, smtpErr(err)))
	}
	if _, err := w.Write(message(a, o.Now())); err != nil {
		// The end-of-data dot was never sent: the server discards what it got.
		return finish(StateFailed, fmt.Errorf("%w: the connection failed while sending the message: %v", ErrNotSent, err))
	}
	resp, err := w.CloseWithResponse()
	if err != nil {
		var se *smtp.SMTPError
		if errors.As(err, &se) {
			return finish(StateFailed, fmt.Errorf("%w: %s rejected the message: %v", ErrNotSent, a.Server, smtpErr(err)))
		}
		return finish(StateUnknown, fmt.Errorf("%w: the connection to %s dropped after the whole message was handed over (%v). It may have been delivered: look for %q in the inbox of %s before sending again (the next send-test will refuse without --force)",
			ErrUnknown, a.Server, err, a.Token, a.To))
	}
	a.Reply = resp.StatusText
	_ = c.Quit() // the message is accepted; a failed goodbye changes nothing
	return finish(StateSent, nil)
}

// connect dials and sets up TLS: implicit TLS from the first byte, or STARTTLS, which must
// succeed before anything else is said (the password never crosses in the clear). The
// returned stop must be called when done: until then, the context's end closes the
// connection, which is what bounds go-smtp's own (5-minute) command timeouts.
func connect(ctx context.Context, o Options) (*smtp.Client, func() bool, error) {
	addr := o.SMTP.Addr()
	conn, err := o.Dial(ctx, "tcp", addr)
	if err != nil {
		return nil, nil, err
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	fail := func(err error) (*smtp.Client, func() bool, error) {
		stop()
		conn.Close()
		if ctx.Err() != nil {
			err = fmt.Errorf("%v (no answer within the %s limit)", err, o.Timeout)
		}
		return nil, nil, err
	}
	cfg := o.TLSConfig(o.SMTP.Host)
	var c *smtp.Client
	switch o.SMTP.TLS {
	case "implicit":
		tc := tls.Client(conn, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			return fail(fmt.Errorf("TLS with %s failed: %v (email.smtp.tls is implicit: is the port really 465-style TLS?)", addr, err))
		}
		c = smtp.NewClient(tc)
	default:
		c, err = smtp.NewClientStartTLS(conn, cfg)
		if err != nil {
			if strings.Contains(err.Error(), "doesn't support STARTTLS") {
				return fail(fmt.Errorf("%s does not offer STARTTLS, and the login would cross the network in the clear; use a submission port that does (587), or tls: implicit on 465", addr))
			}
			return fail(fmt.Errorf("starting TLS with %s failed: %v", addr, err))
		}
	}
	c.CommandTimeout = time.Until(deadline(ctx))
	c.SubmissionTimeout = c.CommandTimeout
	return c, stop, nil
}

// refused says what happened at a step: the server refused, or the connection failed.
func refused(err error, what string) string {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return "refused " + what
	}
	return "lost the connection at " + what
}

// redacted is an error whose text has the password removed; errors.Is still sees the
// kinds (ErrNotSent...) it wraps.
type redacted struct {
	msg string
	err error
}

func (r *redacted) Error() string { return r.msg }
func (r *redacted) Unwrap() error { return r.err }

func deadline(ctx context.Context) time.Time {
	if dl, ok := ctx.Deadline(); ok {
		return dl
	}
	return time.Now().Add(30 * time.Second)
}

// smtpErr renders a server reply as "535 5.7.8 text".
func smtpErr(err error) string {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return fmt.Sprintf("%d %d.%d.%d %s", se.Code, se.EnhancedCode[0], se.EnhancedCode[1], se.EnhancedCode[2], se.Message)
	}
	return err.Error()
}

// passwordRef names where the password comes from (env:NAME), never the password.
func passwordRef(s mailauth.SMTP) string {
	if s.Password == nil {
		return "email.smtp.password"
	}
	return s.Password.Ref
}

// redactor removes a secret from text, whatever the server or a library echoed.
func redactor(secret string) func(string) string {
	return func(s string) string {
		if secret == "" {
			return s
		}
		return strings.ReplaceAll(s, secret, "[redacted]")
	}
}

func newToken() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return "lr-" + hex.EncodeToString(b)
}

func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return strings.Trim(addr[i+1:], "<> ")
	}
	return "launchready.invalid"
}

// message is the test message: plain text, the token in the subject and a header, and
// what to do with it.
func message(a *Attempt, now time.Time) []byte {
	var b strings.Builder
	h := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	h("From", "Launch Ready <"+a.From+">")
	h("To", "<"+a.To+">")
	h("Subject", "Launch Ready test email "+a.Token)
	h("Date", now.Format(time.RFC1123Z))
	h("Message-ID", a.MessageID)
	h("MIME-Version", "1.0")
	h("Content-Type", "text/plain; charset=utf-8")
	h("X-Launchready-Token", a.Token)
	b.WriteString("\r\n")
	fmt.Fprintf(&b, "This is a test message sent by `launchready email send-test` at %s\r\n", now.UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "through %s. Token: %s\r\n\r\n", a.Server, a.Token)
	b.WriteString("If it arrived, save it (\"Show original\", then download) and check how the receiver\r\n")
	b.WriteString("judged it: launchready email verify message.eml\r\n")
	return []byte(b.String())
}

package lab

import (
	"bytes"
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/backend"
	"github.com/emersion/go-imap/backend/memory"
	imapserver "github.com/emersion/go-imap/server"
	"github.com/emersion/go-msgauth/dkim"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Mail is a scenario's mail world: what `launchready email roundtrip --lab` sends through
// and reads back. One process plays the three parties a real round trip crosses: the
// product's sending provider (a submission server on SMTPHost:587, STARTTLS, that
// DKIM-signs what it accepts with acme.example's lr1 key, as a provider signs for a
// customer), the receiving provider (which adds its Received line and
// Authentication-Results and files the message in the inbox or its spam folder) and that
// provider's IMAP server (IMAPHost:993, implicit TLS, the lab CA's certificate). Both
// hosts are reached through Lab.ConnectTo only: they have no DNS records, so the DNS
// pane's view of the product's zone is unchanged.
type Mail struct {
	// SMTPHost and IMAPHost are the two servers' names (and their certificates').
	SMTPHost, IMAPHost string
	// SMTPUser and SMTPPassword are the submission login. The password is a public test
	// value; the scenario's Env carries it under an EnvPrefix name for the example config.
	SMTPUser, SMTPPassword string
	// Inboxes are the test mailboxes the receiving provider keeps.
	Inboxes []MailInbox
}

// MailInbox is one test mailbox: its address, IMAP login, and what the receiving provider
// makes of mail to it.
type MailInbox struct {
	Address, Username, Password string
	// Spam files its mail in Junk instead of INBOX: the fault "mail lands in spam".
	Spam bool
	// AuthResults is the receiver's verdict, written into Authentication-Results after
	// its authserv-id (IMAPHost), e.g. "dkim=pass header.d=acme.example; spf=pass ...".
	AuthResults string
}

// mailSendingIP is the address the sending provider's outbound server connects from, as
// the receiver's Received line records it: inside _spf.mailprovider.example's 192.0.2.0/24.
const mailSendingIP = "192.0.2.10"

// mailJunk is the spam folder the lab's inboxes have (a generic name that email.inboxes'
// default spam_folders already covers).
const mailJunk = "Junk"

// lr1DKIMKey is the private half of lr1DKIMRecord (PKCS #8, base64): a public test key
// made for the lab, so the lab's mail verifies against the key its zone publishes. It
// signs only lab mail to lab inboxes on loopback; a fixed key keeps lab start fast (an RSA
// key made at every start would cost 50-200 ms on each of the hundred labs the tests start).
const lr1DKIMKey = "" +
	"MIIEvwIBADANBgkqhkiG9w0BAQEFAASCBKkwggSlAgEAAoIBAQDg4wMcxpMwWegKtS1uhCByNVJkTk0BxX+Y4hsxtsyKURaS" +
	"yrZnxWVeXC1L+5LzdjGCI7vhK/uHmw6ruQXTOk4OYPYvJUCtoOQ3+hH1v15sxRsO5J3v1ksSWj5vy1byBXOpkt7IyKQdsV8i" +
	"QfJGpqLa4Ht913+vR3CJl/kcJhGJuyf4F/aDg3q+mol6lOMOiwtunL5wcag/pFT8RaDASN/wEhu2lLj7KajYLpu17ubPIonT" +
	"YfmVAbUqu44LWrix+/J1W9bm5dbtSXAUZMz1J1pOWoz7qtXemfj2UZ3NqDppBpMK5H/aZmRkFouA35zXVBt7XbefjUJ9qpc4" +
	"SMORiNMtAgMBAAECggEADFCvjF1H1QYYudy4mhypszS+KD3ieTDx1HM4toT9GAD/SbbIp4+iMLk/BhzG1sbM828WButz7jXn" +
	"UdpDb6ZkfQ9BxAytSU+DgpjoRWB/YQOn6u2e7tykcU2YWDfBhpDrsn2sw2rmE+CGphddl2a2NI1xAyVF5IPMGE4xJzcNeaY4" +
	"GVYtZruWys3BOwM0u+oYS8vPDBIWM4IgkNXOZdPiQ787CjPQf7n8+ZMMPRFo+PBch37ySLs+ISvjn/msjWYEgm4kYvmUfyK6" +
	"/t4yS6GBjvzaYEtalwqPkhegc+rAjZIRGmHarkilyFVSMPfDDcmgLCgkZXKaN2im2NIONN5omQKBgQDzWii9eKDL4fc7+4Gh" +
	"y8XUHs1aE3rdvPla7dLIApAs/5sUYWQpc7HlDg2ZagpZT4o+qxg0li21s24KxqeryIE3BNT3iJnFXGghDYIVqvvz2/WS04Z9" +
	"fZhJfhaCTNNM4QTwmx/Jh0FssNECyFsQzC5PwiA5vxVq28pucl3j8QLbeQKBgQDskyrnWfrkYSMmES1L/M0bW56pGtY7o93i" +
	"QKOPkGaDco+FrRdm+ALDGfzt0PesI8lJxUnvDlQozuzfybvQ8ouaPqlr6swY7utebWRZD/ExVGZ2B6h/5Ek0TmYwHuLQ0khn" +
	"7mOxJj997yV4GphKzt3HROCaeuAdudEE151MqVSUVQKBgQDi/84S98wegzlJhZFlqJxwAw+RH6yz3IxJqqC9G877eq9hcnup" +
	"QxfFT7eVzNm8d7rAPH9GxnP7E1XpzWcokc8e0G4MPSsbc9haRKx8o9OEpUDM5m2E77w3idtbTmioRRqDimA7b+Syi7lcPCLe" +
	"Z2gn1DCVTU6gMEgDgMFeWDpPGQKBgQCSI4cJSwg1M9wmk83Lduqsz7f+9lkIln1mWk+vS6BH6ujFxtsB/IqYQuF/durIJ4Mc" +
	"UwcM6WkLnGevBktDE9ExAyxdQbm6XTyAJEssyTBRLLXui2SHPFoMObHeX/X00TFxIk3rDJmEDcqzmpog/BD8G4wzYVw4gKSh" +
	"vR+qT5+z0QKBgQDWpcQtPpGLOrlIA/R2aNArFKNzkBAfYs889ahXIFyv4xSN/HrBxkGnSO9RevxieTGHo0nTALeRDkD11iVS" +
	"HYLacveTNkPhHbjGvDMyPfnT5iORp7UCpH1e7Zax7QUx3bjEVQ7k/SjmM3cd2DorqPE+Vf+MXasdkBHQZZoamQA2+A=="

// mailWorld is a running Mail: the two servers and the mailboxes they share.
type mailWorld struct {
	spec  Mail
	key   crypto.Signer
	smtp  *smtp.Server
	imap  *imapserver.Server
	boxes map[string]*labMailbox // by IMAP username
	// listeners are closed by close itself: the servers' Close only closes the listeners
	// their Serve has registered, and a lab closed at once may beat Serve to it.
	listeners []net.Listener
	wg        sync.WaitGroup
	// roots trusts the lab CA, for the app's mailer submitting over STARTTLS.
	roots *x509.CertPool
}

// mailer is the app's side of the submission server: where it is and the login.
func (w *mailWorld) mailer() *labMailer {
	return &labMailer{addr: w.listeners[0].Addr().String(), host: canonicalHost(w.spec.SMTPHost), roots: w.roots,
		user: w.spec.SMTPUser, pass: w.spec.SMTPPassword}
}

// startMail starts the scenario's mail world, if it has one, and adds its two hosts to
// ConnectTo.
func (l *Lab) startMail(ca *authority, spec *Mail) error {
	if spec == nil {
		return nil
	}
	der, err := base64.StdEncoding.DecodeString(lr1DKIMKey)
	if err != nil {
		return fmt.Errorf("the lr1 DKIM key: %w", err)
	}
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return fmt.Errorf("the lr1 DKIM key: %w", err)
	}
	w := &mailWorld{spec: *spec, key: k.(crypto.Signer), boxes: map[string]*labMailbox{}}
	for _, in := range spec.Inboxes {
		if w.boxes[in.Username], err = newLabMailbox(in); err != nil {
			return err
		}
	}
	l.mail = w
	smtpCert, err := ca.leaf(canonicalHost(spec.SMTPHost), CertSpec{})
	if err != nil {
		return err
	}
	imapCert, err := ca.leaf(canonicalHost(spec.IMAPHost), CertSpec{})
	if err != nil {
		return err
	}
	quiet := log.New(io.Discard, "", 0)

	sl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	w.listeners = append(w.listeners, sl)
	w.roots = x509.NewCertPool()
	w.roots.AppendCertsFromPEM(ca.rootPEM())
	w.smtp = smtp.NewServer(w)
	w.smtp.Domain = canonicalHost(spec.SMTPHost)
	w.smtp.TLSConfig = &tls.Config{Certificates: []tls.Certificate{smtpCert}}
	w.smtp.ReadTimeout, w.smtp.WriteTimeout = 30*time.Second, 30*time.Second
	w.smtp.ErrorLog = quiet
	w.wg.Add(1)
	go func() { defer w.wg.Done(); _ = w.smtp.Serve(sl) }()
	l.ConnectTo[net.JoinHostPort(canonicalHost(spec.SMTPHost), "587")] = sl.Addr().String()

	il, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	w.listeners = append(w.listeners, il)
	w.imap = imapserver.New(&labIMAP{w: w})
	w.imap.ErrorLog = quiet
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		_ = w.imap.Serve(tls.NewListener(il, &tls.Config{Certificates: []tls.Certificate{imapCert}}))
	}()
	l.ConnectTo[net.JoinHostPort(canonicalHost(spec.IMAPHost), "993")] = il.Addr().String()
	return nil
}

func (w *mailWorld) close() error {
	var errs []error
	if w.smtp != nil {
		errs = append(errs, w.smtp.Close())
	}
	if w.imap != nil {
		errs = append(errs, w.imap.Close())
	}
	for _, l := range w.listeners {
		if err := l.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, err)
		}
	}
	w.wg.Wait()
	return errors.Join(errs...)
}

// deliver is the receiving provider filing one signed message for one recipient.
func (w *mailWorld) deliver(from, to string, msg []byte) error {
	for _, in := range w.spec.Inboxes {
		if !strings.EqualFold(in.Address, to) {
			continue
		}
		folder := "INBOX"
		if in.Spam {
			folder = mailJunk
		}
		host := canonicalHost(w.spec.IMAPHost)
		trace := fmt.Sprintf("Return-Path: <%s>\r\nAuthentication-Results: %s; %s\r\nReceived: from %s (%s [%s])\r\n\tby %s with ESMTPS; %s\r\n",
			from, host, in.AuthResults, canonicalHost(w.spec.SMTPHost), canonicalHost(w.spec.SMTPHost), mailSendingIP, host, time.Now().Format(time.RFC1123Z))
		return w.boxes[in.Username].append(folder, append([]byte(trace), msg...))
	}
	return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such test inbox in the lab: " + to}
}

// NewSession is go-smtp's: one submission connection.
func (w *mailWorld) NewSession(*smtp.Conn) (smtp.Session, error) {
	return &mailSession{w: w}, nil
}

// mailSession is one submission: AUTH PLAIN over STARTTLS, then MAIL, RCPT and DATA.
type mailSession struct {
	w      *mailWorld
	authed bool
	from   string
	to     []string
}

func (s *mailSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *mailSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != s.w.spec.SMTPUser || pass != s.w.spec.SMTPPassword {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "authentication credentials invalid"}
		}
		s.authed = true
		return nil
	}), nil
}

func (s *mailSession) Mail(from string, _ *smtp.MailOptions) error {
	if !s.authed {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "authentication required"}
	}
	s.from = from
	return nil
}

func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *mailSession) Data(r io.Reader) error {
	msg, err := io.ReadAll(io.LimitReader(r, 10<<20))
	if err != nil {
		return err
	}
	var signed bytes.Buffer
	if err := dkim.Sign(&signed, bytes.NewReader(msg), &dkim.SignOptions{Domain: acmeDomain, Selector: "lr1", Signer: s.w.key}); err != nil {
		return err
	}
	var errs []error
	for _, to := range s.to {
		errs = append(errs, s.w.deliver(s.from, to, signed.Bytes()))
	}
	return errors.Join(errs...)
}

func (s *mailSession) Reset()        { s.to = nil }
func (s *mailSession) Logout() error { return nil }

// labMailbox is one test inbox: go-imap's memory backend user (INBOX and Junk), behind a
// lock, since the memory backend is not safe for the SMTP side filing a message while an
// IMAP session searches.
type labMailbox struct {
	mu       sync.Mutex
	password string
	user     backend.User
}

func newLabMailbox(in MailInbox) (*labMailbox, error) {
	u, err := memory.New().Login(nil, "username", "password") // the memory backend's one built-in user
	if err != nil {
		return nil, err
	}
	if err := u.CreateMailbox(mailJunk); err != nil {
		return nil, err
	}
	// The backend starts INBOX with a sample message; a test inbox starts empty.
	inbox, err := u.GetMailbox("INBOX")
	if err != nil {
		return nil, err
	}
	all := new(imap.SeqSet)
	all.AddRange(1, 0)
	if err := inbox.UpdateMessagesFlags(false, all, imap.AddFlags, []string{imap.DeletedFlag}); err != nil {
		return nil, err
	}
	if err := inbox.Expunge(); err != nil {
		return nil, err
	}
	return &labMailbox{password: in.Password, user: u}, nil
}

func (b *labMailbox) append(folder string, msg []byte) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	mb, err := b.user.GetMailbox(folder)
	if err != nil {
		return err
	}
	return mb.CreateMessage(nil, time.Now(), bytes.NewBuffer(msg))
}

// labIMAP is the IMAP server's backend: it checks the lab's logins and hands out the
// locked mailboxes.
type labIMAP struct{ w *mailWorld }

func (b *labIMAP) Login(_ *imap.ConnInfo, username, password string) (backend.User, error) {
	box, ok := b.w.boxes[username]
	if !ok || password != box.password {
		return nil, errors.New("invalid credentials")
	}
	return &lockedUser{box: box}, nil
}

// lockedUser and lockedMailbox put every backend call under the inbox's lock.
type lockedUser struct{ box *labMailbox }

func (u *lockedUser) Username() string { return u.box.user.Username() }
func (u *lockedUser) ListMailboxes(subscribed bool) ([]backend.Mailbox, error) {
	u.box.mu.Lock()
	defer u.box.mu.Unlock()
	mbs, err := u.box.user.ListMailboxes(subscribed)
	out := make([]backend.Mailbox, len(mbs))
	for i, m := range mbs {
		out[i] = &lockedMailbox{box: u.box, m: m}
	}
	return out, err
}
func (u *lockedUser) GetMailbox(name string) (backend.Mailbox, error) {
	u.box.mu.Lock()
	defer u.box.mu.Unlock()
	m, err := u.box.user.GetMailbox(name)
	if err != nil {
		return nil, err
	}
	return &lockedMailbox{box: u.box, m: m}, nil
}
func (u *lockedUser) CreateMailbox(string) error {
	return errors.New("the lab's test inboxes have fixed folders")
}
func (u *lockedUser) DeleteMailbox(string) error {
	return errors.New("the lab's test inboxes have fixed folders")
}
func (u *lockedUser) RenameMailbox(_, _ string) error {
	return errors.New("the lab's test inboxes have fixed folders")
}
func (u *lockedUser) Logout() error { return nil }

type lockedMailbox struct {
	box *labMailbox
	m   backend.Mailbox
}

func (m *lockedMailbox) lock() func() { m.box.mu.Lock(); return m.box.mu.Unlock }

func (m *lockedMailbox) Name() string { return m.m.Name() }
func (m *lockedMailbox) Info() (*imap.MailboxInfo, error) {
	defer m.lock()()
	info, err := m.m.Info()
	if err == nil && m.m.Name() == mailJunk {
		info.Attributes = append(info.Attributes, imap.JunkAttr) // as providers mark spam (RFC 6154)
	}
	return info, err
}
func (m *lockedMailbox) Status(items []imap.StatusItem) (*imap.MailboxStatus, error) {
	defer m.lock()()
	return m.m.Status(items)
}
func (m *lockedMailbox) SetSubscribed(s bool) error { defer m.lock()(); return m.m.SetSubscribed(s) }
func (m *lockedMailbox) Check() error               { defer m.lock()(); return m.m.Check() }

// ListMessages fetches under the lock but hands the messages to the server after it: the
// server's channel is read by the writer of a connection that may stall or close, and a
// fetch blocked on it holding the lock would stop every other session of the inbox and
// the submission server filing into it.
func (m *lockedMailbox) ListMessages(uid bool, set *imap.SeqSet, items []imap.FetchItem, ch chan<- *imap.Message) error {
	defer close(ch)
	var got []*imap.Message
	inner := make(chan *imap.Message)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for msg := range inner {
			got = append(got, msg)
		}
	}()
	unlock := m.lock()
	err := m.m.ListMessages(uid, set, items, inner) // closes inner
	unlock()
	<-done
	for _, msg := range got {
		ch <- msg
	}
	return err
}
func (m *lockedMailbox) SearchMessages(uid bool, c *imap.SearchCriteria) ([]uint32, error) {
	defer m.lock()()
	return m.m.SearchMessages(uid, c)
}
func (m *lockedMailbox) CreateMessage(flags []string, date time.Time, body imap.Literal) error {
	defer m.lock()()
	return m.m.CreateMessage(flags, date, body)
}
func (m *lockedMailbox) UpdateMessagesFlags(uid bool, set *imap.SeqSet, op imap.FlagsOp, flags []string) error {
	defer m.lock()()
	return m.m.UpdateMessagesFlags(uid, set, op, flags)
}
func (m *lockedMailbox) CopyMessages(uid bool, set *imap.SeqSet, dest string) error {
	defer m.lock()()
	return m.m.CopyMessages(uid, set, dest)
}
func (m *lockedMailbox) Expunge() error { defer m.lock()(); return m.m.Expunge() }

package roundtrip

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"io"
	"log"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/miekg/dns"

	"github.com/launchready/launchready/internal/imaptest"
	"github.com/launchready/launchready/internal/mailsend"
	"github.com/launchready/launchready/probes/mailauth"
	"github.com/launchready/launchready/probes/netx"
)

// plantedSMTP is the submission password: like imaptest.Password, it must never be printed.
const plantedSMTP = "planted-smtp-password-4b8a"

// sendingIP is the address the provider's outbound server connects from, as the
// receiver's Received line records it; acme.example's SPF authorises it.
const sendingIP = "192.0.2.10"

// zone serves acme.example's SPF, DMARC and DKIM key on 127.0.0.1, as the lab publishes them.
func zone(t *testing.T, pub ed25519.PublicKey) *netx.Net {
	t.Helper()
	txt := map[string][]string{
		"acme.example.":                 {"v=spf1 ip4:" + sendingIP + " -all"},
		"_dmarc.acme.example.":          {"v=DMARC1; p=reject; rua=mailto:dmarc@acme.example"},
		"lr1._domainkey.acme.example.":  {"v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub)},
		"old1._domainkey.acme.example.": {"v=DKIM1; k=ed25519; p="}, // revoked by a key rotation
	}
	mux := dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(r)
		m.Authoritative = true
		q := r.Question[0]
		recs, ok := txt[strings.ToLower(q.Name)]
		if !ok && !strings.HasSuffix(strings.ToLower(q.Name), "acme.example.") {
			m.Rcode = dns.RcodeNameError
		} else if !ok {
			m.Rcode = dns.RcodeNameError
		}
		if q.Qtype == dns.TypeTXT {
			for _, s := range recs {
				m.Answer = append(m.Answer, &dns.TXT{Hdr: dns.RR_Header{Name: q.Name, Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 300}, Txt: []string{s}})
			}
		}
		_ = w.WriteMsg(m)
	})
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &dns.Server{PacketConn: pc, Handler: mux}
	go func() { _ = srv.ActivateAndServe() }()
	t.Cleanup(func() { _ = srv.Shutdown() })
	n, err := netx.New(netx.Config{Resolvers: []string{pc.LocalAddr().String()}})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// fate is what the receiving provider does with mail to one address.
type fate struct {
	folder string // INBOX or Junk; "" never delivers
	// tamper changes the body after signing, as a forwarding hop or footer would.
	tamper bool
	// selector signs with another selector (old1: a key since revoked).
	selector string
	// authResults is what the receiver writes about the message (without the authserv-id).
	authResults string
}

// provider is a go-smtp server on 127.0.0.1 that plays both ends of the wire: the sending
// provider (DKIM-signs what it is given with acme.example's key) and the receiving one (adds
// its Received line and Authentication-Results, then files the message into the dovecot
// mailbox of the recipient, a moment later, as a delivery agent does).
type provider struct {
	key       ed25519.PrivateKey
	dv        *imaptest.Dovecot
	fates     map[string]fate // recipient local part -> fate
	mu        sync.Mutex
	passwords []string
	delivered sync.WaitGroup
	addr      string
	tls       *tls.Config
}

func startProvider(t *testing.T, dv *imaptest.Dovecot, key ed25519.PrivateKey, fates map[string]fate) *provider {
	t.Helper()
	p := &provider{key: key, dv: dv, fates: fates}
	certPEM, keyPEM, pool := imaptest.ServerCert(t)
	cert, err := tls.X509KeyPair([]byte(certPEM), []byte(keyPEM))
	if err != nil {
		t.Fatal(err)
	}
	s := smtp.NewServer(p)
	s.Domain = "smtp.acme.example"
	s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	s.ReadTimeout, s.WriteTimeout = 10*time.Second, 10*time.Second
	s.ErrorLog = log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = s.Serve(l) }()
	t.Cleanup(func() { s.Close(); p.delivered.Wait() })
	p.addr = l.Addr().String()
	p.tls = &tls.Config{RootCAs: pool}
	return p
}

// send is Options.Send: the real mailsend.Send through this provider.
func (p *provider) send(t *testing.T, stateDir string) func(ctx context.Context, to string) (*mailsend.Attempt, error) {
	host, port, _ := net.SplitHostPort(p.addr)
	var portN int
	fmt.Sscan(port, &portN)
	return func(ctx context.Context, to string) (*mailsend.Attempt, error) {
		return mailsend.Send(ctx, mailsend.Options{
			SMTP:     mailauth.SMTP{Host: host, Port: portN, TLS: "starttls", Username: "launchready@acme.example", From: "launchready@acme.example"},
			Password: plantedSMTP, To: to, StateDir: stateDir, Timeout: 10 * time.Second,
			Dial:      (&net.Dialer{}).DialContext,
			TLSConfig: func(string) *tls.Config { c := p.tls.Clone(); c.ServerName = host; return c },
		})
	}
}

func (p *provider) NewSession(*smtp.Conn) (smtp.Session, error) { return &providerSession{p: p}, nil }

type providerSession struct {
	p    *provider
	from string
	to   []string
}

func (s *providerSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *providerSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		s.p.mu.Lock()
		s.p.passwords = append(s.p.passwords, pass)
		s.p.mu.Unlock()
		if pass != plantedSMTP {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
		}
		return nil
	}), nil
}

func (s *providerSession) Mail(from string, _ *smtp.MailOptions) error { s.from = from; return nil }
func (s *providerSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}
func (s *providerSession) Reset()        {}
func (s *providerSession) Logout() error { return nil }

func (s *providerSession) Data(r io.Reader) error {
	msg, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	for _, to := range s.to {
		local, _, _ := strings.Cut(to, "@")
		f, ok := s.p.fates[local]
		if !ok {
			return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
		}
		if f.folder == "" {
			continue // accepted, and lost
		}
		sel := f.selector
		if sel == "" {
			sel = "lr1"
		}
		var signed bytes.Buffer
		if err := dkim.Sign(&signed, bytes.NewReader(msg), &dkim.SignOptions{Domain: "acme.example", Selector: sel, Signer: s.p.key}); err != nil {
			return err
		}
		out := signed.Bytes()
		if f.tamper {
			out = append(out, []byte("--\r\nSent from the forwarding hop\r\n")...)
		}
		recv := fmt.Sprintf("Authentication-Results: mx.test.example; %s\r\nReturn-Path: <%s>\r\nReceived: from mail.acme.example (mail.acme.example [%s])\r\n\tby mx.test.example with ESMTPS id 1x; %s\r\n",
			f.authResults, s.from, sendingIP, time.Now().Format(time.RFC1123Z))
		final := append([]byte(recv), out...)
		s.p.delivered.Add(1)
		go func() { // a moment later, as a delivery agent files it: the reader is already waiting
			defer s.p.delivered.Done()
			time.Sleep(300 * time.Millisecond)
			if err := s.p.dv.Deliver(local, f.folder, final); err != nil {
				log.Printf("test provider: delivery to %s/%s failed: %v", local, f.folder, err)
			}
		}()
	}
	return nil
}

package roundtrip

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/imaptest"
	"github.com/launchready/launchready/internal/mailsend"
	"github.com/launchready/launchready/probes/mailauth"
)

// TestWaitPolling: where the server does not offer IDLE, the wait polls, and still finds a
// message that arrives during it.
func TestWaitPolling(t *testing.T) {
	t.Parallel()
	dv := imaptest.Start(t, "poll")
	in := mailauth.Inbox{Name: "poll", Host: "127.0.0.1", Port: dv.ImplicitPort, TLS: "implicit", Username: "poll@test.example"}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	o := &Options{Dial: (&net.Dialer{}).DialContext, TLSConfig: func(string) *tls.Config { return dv.TLS.Clone() }, CommandTimeout: 5 * time.Second}
	m, err := open(ctx, in, imaptest.Password, o)
	if err != nil {
		t.Fatal(err)
	}
	defer m.close()
	if !m.idle {
		t.Fatal("dovecot offers IDLE; the test turns it off to exercise polling")
	}
	m.idle = false
	go func() {
		time.Sleep(500 * time.Millisecond)
		if err := dv.Deliver("poll", "Junk", []byte("From: a@acme.example\r\nSubject: Launch Ready test email lr-0123456789ab\r\n\r\nhi\r\n")); err != nil {
			t.Error(err)
		}
	}()
	start := time.Now()
	f, err := m.waitFor(ctx, []string{"INBOX", "Junk"}, func(folder string) (*found, error) { return m.search(folder, "lr-0123456789ab") }, 300*time.Millisecond)
	if err != nil || f == nil || f.folder != "Junk" || !strings.Contains(string(f.raw), "lr-0123456789ab") {
		t.Fatalf("found %+v, %v", f, err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("polling every 300ms took %s to see the message", took)
	}
}

// TestRoundtripDropMidFetch: a server that finds the message and then drops the connection
// while sending it ends that inbox's round trip with an error that says so, promptly.
func TestRoundtripDropMidFetch(t *testing.T) {
	t.Parallel()
	certPEM, keyPEM, pool := imaptest.ServerCert(t)
	cert, err := tls.X509KeyPair([]byte(certPEM), []byte(keyPEM))
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go dropAtFetch(tls.NewListener(l, &tls.Config{Certificates: []tls.Certificate{cert}}))
	t.Cleanup(func() { l.Close() })

	sent := false
	o := Options{
		Inboxes:  []mailauth.Inbox{{Name: "drop", Host: "127.0.0.1", Port: l.Addr().(*net.TCPAddr).Port, TLS: "implicit", Username: "u@test.example", Address: "u@test.example"}},
		Password: func(mailauth.Inbox) string { return imaptest.Password },
		Send: func(context.Context, string) (*mailsend.Attempt, error) {
			sent = true
			return &mailsend.Attempt{Token: "lr-0123456789ab", Finished: time.Now()}, nil
		},
		Dial:      (&net.Dialer{}).DialContext,
		TLSConfig: func(string) *tls.Config { return &tls.Config{RootCAs: pool} },
		Wait:      time.Minute, CommandTimeout: 2 * time.Second,
	}
	start := time.Now()
	rep := Run(context.Background(), o)
	r := rep.Inboxes[0]
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("took %s", took)
	}
	if !sent || r.Status != StatusError || !strings.Contains(r.Error, "the connection failed while fetching the message from \"INBOX\"") {
		t.Errorf("sent %v, result %+v", sent, r)
	}
}

// dropAtFetch is a scripted IMAP server: it logs anyone in, has one folder holding the
// message, and drops the connection halfway through sending it.
func dropAtFetch(l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			r := bufio.NewReader(c)
			fmt.Fprint(c, "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] scripted server ready\r\n")
			for {
				line, err := r.ReadString('\n')
				if err != nil {
					return
				}
				tag, rest, _ := strings.Cut(strings.TrimSpace(line), " ")
				cmd := strings.ToUpper(rest)
				switch {
				case strings.HasPrefix(cmd, "LOGIN"):
					fmt.Fprintf(c, "%s OK LOGIN completed\r\n", tag)
				case strings.HasPrefix(cmd, "CAPABILITY"):
					fmt.Fprintf(c, "* CAPABILITY IMAP4rev1\r\n%s OK done\r\n", tag)
				case strings.HasPrefix(cmd, "LIST"):
					fmt.Fprintf(c, "* LIST () \"/\" INBOX\r\n%s OK done\r\n", tag)
				case strings.HasPrefix(cmd, "SELECT"):
					fmt.Fprintf(c, "* 1 EXISTS\r\n* OK [UIDVALIDITY 1] ok\r\n%s OK [READ-WRITE] done\r\n", tag)
				case strings.HasPrefix(cmd, "UID SEARCH"):
					fmt.Fprintf(c, "* SEARCH 6\r\n%s OK done\r\n", tag)
				case strings.HasPrefix(cmd, "UID FETCH"):
					fmt.Fprint(c, "* 1 FETCH (UID 6 BODY[] {400}\r\nFrom: a@acme.example\r\nSubject: Launch Ready test email lr-0123456789ab\r\n")
					return // the connection drops mid-message
				case strings.HasPrefix(cmd, "LOGOUT"):
					fmt.Fprintf(c, "* BYE\r\n%s OK done\r\n", tag)
					return
				default:
					fmt.Fprintf(c, "%s BAD not scripted\r\n", tag)
				}
			}
		}()
	}
}

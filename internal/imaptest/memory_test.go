package imaptest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"
)

// TestMemoryServer proves the stand-in behaves as the tests expect of dovecot: a user that
// starts empty, delivery into INBOX and Junk (marked \Junk), STARTTLS, a refused wrong
// password, and no password in its log.
func TestMemoryServer(t *testing.T) {
	d := startMemory(t, []string{"member"})
	if n := d.Count(t, "member", "INBOX"); n != 0 {
		t.Fatalf("a new INBOX holds %d messages, want 0", n)
	}
	for _, f := range []string{"INBOX", "Junk"} {
		if err := d.Deliver("member", f, []byte("Subject: hi\r\n\r\nhi\r\n")); err != nil {
			t.Fatalf("deliver to %s: %v", f, err)
		}
		if n := d.Count(t, "member", f); n != 1 {
			t.Fatalf("%s holds %d messages, want 1", f, n)
		}
	}
	c, err := client.Dial(fmt.Sprintf("127.0.0.1:%d", d.StartTLSPort))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Logout()
	c.Timeout = 5 * time.Second
	if err := c.StartTLS(d.TLS.Clone()); err != nil {
		t.Fatalf("STARTTLS: %v", err)
	}
	if err := c.Login("member@test.example", "wrong-"+Password); err == nil {
		t.Fatal("a wrong password was accepted")
	}
	if err := c.Login("member@test.example", Password); err != nil {
		t.Fatalf("login after STARTTLS: %v", err)
	}
	mbs := make(chan *imap.MailboxInfo, 10)
	if err := c.List("", "*", mbs); err != nil {
		t.Fatal(err)
	}
	junk := false
	for mb := range mbs {
		for _, a := range mb.Attributes {
			junk = junk || (mb.Name == "Junk" && a == imap.JunkAttr)
		}
	}
	if !junk {
		t.Fatal("Junk is not marked \\Junk")
	}
	if strings.Contains(d.LogText(), Password) {
		t.Fatal("the password is in the server's log")
	}
}

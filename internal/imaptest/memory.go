package imaptest

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"log"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/backend"
	"github.com/emersion/go-imap/backend/memory"
	imapserver "github.com/emersion/go-imap/server"
)

// startMemory is the stand-in where dovecot is missing: go-imap's memory backend served
// in-process on 127.0.0.1 behind the same ports, certificate, users, password and folders
// (INBOX, Junk marked \Junk), so the round trip tests still run everywhere instead of
// skipping. It is less real than dovecot (no IDLE updates, go-imap's own parser on both
// sides), which is why CI keeps dovecot.
func startMemory(t testing.TB, users []string) *Dovecot {
	t.Helper()
	certPEM, keyPEM, pool := ServerCert(t)
	cert, err := tls.X509KeyPair([]byte(certPEM), []byte(keyPEM))
	if err != nil {
		t.Fatal(err)
	}
	d := &Dovecot{TLS: &tls.Config{RootCAs: pool}, mem: &memLog{}}
	d.CAFile = writeTemp(t, "cert.pem", certPEM)
	be := &memBackend{boxes: map[string]*memBox{}}
	for _, u := range users {
		box, err := newMemBox()
		if err != nil {
			t.Fatal(err)
		}
		be.boxes[u+"@test.example"] = box
	}
	srv := imapserver.New(be)
	// Errors only: the protocol trace (Debug) would carry LOGIN's password.
	srv.ErrorLog = log.New(d.mem, "imap/server: ", 0)
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}} // for STARTTLS
	implicit, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	plain, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		implicit.Close()
		t.Fatal(err)
	}
	d.ImplicitPort = implicit.Addr().(*net.TCPAddr).Port
	d.StartTLSPort = plain.Addr().(*net.TCPAddr).Port
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); _ = srv.Serve(tls.NewListener(implicit, srv.TLSConfig)) }()
	go func() { defer wg.Done(); _ = srv.Serve(plain) }()
	t.Cleanup(func() { _ = srv.Close(); wg.Wait() })
	return d
}

// writeTemp writes the CA file tests hand to the console as a PEM path.
func writeTemp(t testing.TB, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// memLog is the memory server's error log, shown as LogText (and searched for passwords).
type memLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *memLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *memLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// memBox is one user's mail: a memory backend of its own (the backend has one built-in
// user), behind a lock, since the memory backend is not safe for a delivery appending while
// another session searches.
type memBox struct {
	mu   sync.Mutex
	user backend.User
}

func newMemBox() (*memBox, error) {
	u, err := memory.New().Login(nil, "username", "password") // the backend's one built-in user
	if err != nil {
		return nil, err
	}
	if err := u.CreateMailbox("Junk"); err != nil {
		return nil, err
	}
	// The backend starts INBOX with a sample message; a test inbox starts empty, as dovecot's.
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
	return &memBox{user: u}, nil
}

// memBackend checks logins against Password and hands out the locked users.
type memBackend struct{ boxes map[string]*memBox }

func (b *memBackend) Login(_ *imap.ConnInfo, username, password string) (backend.User, error) {
	box, ok := b.boxes[username]
	if !ok || password != Password {
		return nil, errors.New("invalid credentials")
	}
	return &memUser{name: username, box: box}, nil
}

// memUser and memMailbox put every backend call under the box's lock.
type memUser struct {
	name string
	box  *memBox
}

func (u *memUser) Username() string { return u.name }
func (u *memUser) ListMailboxes(subscribed bool) ([]backend.Mailbox, error) {
	u.box.mu.Lock()
	defer u.box.mu.Unlock()
	mbs, err := u.box.user.ListMailboxes(subscribed)
	out := make([]backend.Mailbox, len(mbs))
	for i, m := range mbs {
		out[i] = &memMailbox{box: u.box, m: m}
	}
	return out, err
}
func (u *memUser) GetMailbox(name string) (backend.Mailbox, error) {
	u.box.mu.Lock()
	defer u.box.mu.Unlock()
	m, err := u.box.user.GetMailbox(name)
	if err != nil {
		return nil, err
	}
	return &memMailbox{box: u.box, m: m}, nil
}
func (u *memUser) CreateMailbox(name string) error {
	u.box.mu.Lock()
	defer u.box.mu.Unlock()
	return u.box.user.CreateMailbox(name)
}
func (u *memUser) DeleteMailbox(name string) error {
	return fmt.Errorf("the test server keeps its folders; not deleting %q", name)
}
func (u *memUser) RenameMailbox(from, _ string) error {
	return fmt.Errorf("the test server keeps its folders; not renaming %q", from)
}
func (u *memUser) Logout() error { return nil }

type memMailbox struct {
	box *memBox
	m   backend.Mailbox
}

func (m *memMailbox) lock() func() { m.box.mu.Lock(); return m.box.mu.Unlock }

func (m *memMailbox) Name() string { return m.m.Name() }
func (m *memMailbox) Info() (*imap.MailboxInfo, error) {
	defer m.lock()()
	info, err := m.m.Info()
	if err == nil && m.m.Name() == "Junk" {
		info.Attributes = append(info.Attributes, imap.JunkAttr) // as dovecot's special_use
	}
	return info, err
}
func (m *memMailbox) Status(items []imap.StatusItem) (*imap.MailboxStatus, error) {
	defer m.lock()()
	return m.m.Status(items)
}
func (m *memMailbox) SetSubscribed(s bool) error { defer m.lock()(); return m.m.SetSubscribed(s) }
func (m *memMailbox) Check() error               { defer m.lock()(); return m.m.Check() }
func (m *memMailbox) ListMessages(uid bool, set *imap.SeqSet, items []imap.FetchItem, ch chan<- *imap.Message) error {
	defer m.lock()()
	return m.m.ListMessages(uid, set, items, ch)
}
func (m *memMailbox) SearchMessages(uid bool, c *imap.SearchCriteria) ([]uint32, error) {
	defer m.lock()()
	return m.m.SearchMessages(uid, c)
}
func (m *memMailbox) CreateMessage(flags []string, date time.Time, body imap.Literal) error {
	defer m.lock()()
	return m.m.CreateMessage(flags, date, body)
}
func (m *memMailbox) UpdateMessagesFlags(uid bool, set *imap.SeqSet, op imap.FlagsOp, flags []string) error {
	defer m.lock()()
	return m.m.UpdateMessagesFlags(uid, set, op, flags)
}
func (m *memMailbox) CopyMessages(uid bool, set *imap.SeqSet, dest string) error {
	defer m.lock()()
	return m.m.CopyMessages(uid, set, dest)
}
func (m *memMailbox) Expunge() error { defer m.lock()(); return m.m.Expunge() }

package roundtrip

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/textproto"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"

	"github.com/launchready/launchready/probes/mailauth"
)

// maxFetch bounds the message read back: the test message is a few KB, an app's mail
// rarely over a few hundred; a bigger match is not ours to judge.
const maxFetch = 10 << 20

// commandTimeout bounds each IMAP command on its own, inside the round trip's deadline:
// a server that stops answering mid-fetch is seen within this, not at the end of the wait.
// IDLE is restarted well within it (idleSlice).
const commandTimeout = 30 * time.Second

// idleSlice is the longest single IDLE: the spam folders are searched again after each.
const idleSlice = 10 * time.Second

// mailbox is one logged-in IMAP connection to a test inbox. Its connection closes when the
// context ends, which is what bounds every call into go-imap (it has no contexts).
type mailbox struct {
	c       *client.Client
	inbox   mailauth.Inbox
	idle    bool
	uidplus bool
	// changed is signalled (without blocking) when the server reports a new message.
	changed chan struct{}
	stop    func() bool
}

// ErrLogin is an inbox that refused the username and password.
var ErrLogin = errors.New("the test inbox refused the login")

// open connects, sets up TLS (implicit, or STARTTLS before anything else is said: the
// password never crosses in the clear) and logs in.
func open(ctx context.Context, in mailauth.Inbox, password string, o *Options) (*mailbox, error) {
	dial, tlsConfig := o.Dial, o.TLSConfig
	conn, err := dial(ctx, "tcp", in.Addr())
	if err != nil {
		return nil, fmt.Errorf("cannot connect to %s: %v", in.Addr(), err)
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	fail := func(err error) (*mailbox, error) {
		stop()
		conn.Close()
		if ctx.Err() != nil {
			err = fmt.Errorf("%v (no answer before the round trip's deadline)", err)
		}
		return nil, err
	}
	// The greeting and TLS handshake come before go-imap's per-command timeout applies.
	_ = conn.SetDeadline(earliest(ctx, o.CommandTimeout))
	cfg := tlsConfig(in.Host)
	if cfg.ServerName == "" {
		cfg = cfg.Clone()
		cfg.ServerName = in.Host
	}
	if in.TLS == "implicit" {
		tc := tls.Client(conn, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			return fail(fmt.Errorf("TLS with %s failed: %v (tls is implicit: is %d really an IMAPS port? STARTTLS servers listen on 143)", in.Addr(), err, in.Port))
		}
		conn = tc
	}
	c, err := client.New(conn)
	if err != nil {
		return fail(fmt.Errorf("%s did not greet as an IMAP server: %v", in.Addr(), err))
	}
	c.ErrorLog = log.New(io.Discard, "", 0) // go-imap would print to stderr, under the console
	c.Timeout = o.CommandTimeout
	if in.TLS == "starttls" {
		ok, err := c.SupportStartTLS()
		if err != nil {
			return fail(fmt.Errorf("%s: cannot read its capabilities: %v", in.Addr(), err))
		}
		if !ok {
			return fail(fmt.Errorf("%s does not offer STARTTLS, and the login would cross the network in the clear; use its IMAPS port (993) with tls: implicit", in.Addr()))
		}
		if err := c.StartTLS(cfg); err != nil {
			return fail(fmt.Errorf("starting TLS with %s failed: %v", in.Addr(), err))
		}
	}
	_ = conn.SetDeadline(time.Time{})
	if err := c.Login(in.Username, password); err != nil {
		if ctx.Err() != nil || isNetErr(err) {
			return fail(fmt.Errorf("%s: the connection failed during login: %v", in.Addr(), err))
		}
		return fail(fmt.Errorf("%w: %s refused the login for %s (%v); check username and the password %s points at (an app password at Gmail, Yahoo, iCloud and Fastmail)",
			ErrLogin, in.Addr(), in.Username, err, passwordRef(in)))
	}
	m := &mailbox{c: c, inbox: in, changed: make(chan struct{}, 1), stop: stop}
	caps, err := c.Capability()
	if err != nil {
		m.close()
		return nil, fmt.Errorf("%s: cannot read its capabilities after login: %v", in.Addr(), err)
	}
	m.idle, m.uidplus = caps["IDLE"], caps["UIDPLUS"]
	updates := make(chan client.Update, 16)
	c.Updates = updates
	go m.drain(updates)
	return m, nil
}

// drain turns the server's unsolicited updates into a wake-up for wait; go-imap blocks its
// reader until Updates is read, so this runs for the connection's whole life.
func (m *mailbox) drain(updates <-chan client.Update) {
	for {
		select {
		case u := <-updates:
			if _, ok := u.(*client.MailboxUpdate); ok {
				select {
				case m.changed <- struct{}{}:
				default:
				}
			}
		case <-m.c.LoggedOut():
			return
		}
	}
}

func (m *mailbox) close() {
	done := make(chan struct{})
	go func() { _ = m.c.Logout(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second): // a server that does not say goodbye is not waited for
	}
	m.stop()
	_ = m.c.Terminate()
}

// folders lists the spam folders to look in: the configured ones the server has, and any
// it marks \Junk (RFC 6154), so a localised "Courrier indésirable" is found too.
func (m *mailbox) folders() ([]string, []string, error) {
	ch := make(chan *imap.MailboxInfo, 32)
	done := make(chan error, 1)
	go func() { done <- m.c.List("", "*", ch) }()
	var all, junk []string
	for mi := range ch {
		all = append(all, mi.Name)
		if slices.Contains(mi.Attributes, imap.JunkAttr) {
			junk = append(junk, mi.Name)
		}
	}
	if err := <-done; err != nil {
		return nil, nil, fmt.Errorf("%s: cannot list its folders: %v", m.inbox.Addr(), err)
	}
	var spam, missing []string
	for _, f := range m.inbox.SpamFolders {
		if i := slices.IndexFunc(all, func(n string) bool { return strings.EqualFold(n, f) }); i >= 0 {
			spam = append(spam, all[i])
		} else {
			missing = append(missing, f)
		}
	}
	for _, j := range junk {
		if !slices.Contains(spam, j) {
			spam = append(spam, j)
		}
	}
	return spam, missing, nil
}

// found is a message that matched, where.
type found struct {
	folder   string
	uid      uint32
	raw      []byte
	internal time.Time
}

// search looks for the token in one folder's subjects and fetches the first match.
func (m *mailbox) search(folder, token string) (*found, error) {
	return m.searchHeaders(folder, textproto.MIMEHeader{"Subject": {token}}, 0)
}

// uidNext is the UID the next message to arrive in the folder will get: messages with a
// UID below it were there before, so a trigger's mail is told apart from earlier ones.
func (m *mailbox) uidNext(folder string) (uint32, error) {
	st, err := m.c.Select(folder, true)
	if err != nil {
		return 0, fmt.Errorf("%s: cannot open folder %q: %v", m.inbox.Addr(), folder, err)
	}
	return st.UidNext, nil
}

// searchHeaders fetches the first message in the folder whose headers contain every
// given text (IMAP SEARCH HEADER: a case-insensitive substring) and whose UID is at least
// minUID.
func (m *mailbox) searchHeaders(folder string, header textproto.MIMEHeader, minUID uint32) (*found, error) {
	if _, err := m.c.Select(folder, false); err != nil {
		return nil, fmt.Errorf("%s: cannot open folder %q: %v", m.inbox.Addr(), folder, err)
	}
	crit := imap.NewSearchCriteria()
	crit.Header = header
	if minUID > 0 {
		crit.Uid = new(imap.SeqSet)
		crit.Uid.AddRange(minUID, 0) // minUID:* also matches the last message when it is older: filtered below
	}
	all, err := m.c.UidSearch(crit)
	if err != nil {
		return nil, fmt.Errorf("%s: searching %q failed: %v", m.inbox.Addr(), folder, err)
	}
	var uids []uint32
	for _, u := range all {
		if u >= minUID {
			uids = append(uids, u)
		}
	}
	if len(uids) == 0 {
		return nil, nil
	}
	set := new(imap.SeqSet)
	set.AddNum(uids[0])
	section := &imap.BodySectionName{Peek: true}
	ch := make(chan *imap.Message, 1)
	done := make(chan error, 1)
	go func() {
		done <- m.c.UidFetch(set, []imap.FetchItem{imap.FetchUid, imap.FetchInternalDate, imap.FetchRFC822Size, section.FetchItem()}, ch)
	}()
	f := &found{folder: folder, uid: uids[0]}
	for msg := range ch {
		if msg.Size > maxFetch {
			continue
		}
		f.internal = msg.InternalDate
		if body := msg.GetBody(section); body != nil {
			f.raw, err = io.ReadAll(io.LimitReader(body, maxFetch))
		}
	}
	if ferr := <-done; ferr != nil {
		return nil, fmt.Errorf("%s: the connection failed while fetching the message from %q: %v", m.inbox.Addr(), folder, ferr)
	}
	if err != nil || f.raw == nil {
		return nil, fmt.Errorf("%s: the message in %q could not be read (over %d MB, or the server sent no body)", m.inbox.Addr(), folder, maxFetch>>20)
	}
	return f, nil
}

// remove deletes the message: flagged \Deleted and expunged by UID where the server
// offers UIDPLUS, so nothing else the folder holds marked deleted goes with it.
func (m *mailbox) remove(f *found) error {
	if _, err := m.c.Select(f.folder, false); err != nil {
		return err
	}
	set := new(imap.SeqSet)
	set.AddNum(f.uid)
	if err := m.c.UidStore(set, imap.FormatFlagsOp(imap.AddFlags, true), []any{imap.DeletedFlag}, nil); err != nil {
		return err
	}
	if m.uidplus {
		_, err := m.c.Execute(&imap.Command{Name: "UID", Arguments: []any{imap.RawString("EXPUNGE"), set}}, nil)
		return err
	}
	return m.c.Expunge(nil)
}

// idleFor waits in INBOX for up to d for the server to announce a change (IDLE), or just
// d when it does not offer IDLE (the caller polls).
func (m *mailbox) idleFor(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	if !m.idle {
		select {
		case <-t.C:
		case <-ctx.Done():
		}
		return ctx.Err()
	}
	if _, err := m.c.Select("INBOX", false); err != nil {
		return fmt.Errorf("%s: cannot open INBOX: %v", m.inbox.Addr(), err)
	}
	select { // a change announced before IDLE started is not waited for again
	case <-m.changed:
	default:
	}
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() { done <- m.c.Idle(stop, &client.IdleOptions{LogoutTimeout: -1}) }()
	select {
	case <-t.C:
	case <-m.changed:
	case <-ctx.Done():
	case err := <-done:
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("%s: the connection failed while waiting: %v", m.inbox.Addr(), err)
	}
	close(stop)
	err := <-done
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		return fmt.Errorf("%s: the connection failed while waiting: %v", m.inbox.Addr(), err)
	}
	return nil
}

func isNetErr(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed)
}

func earliest(ctx context.Context, d time.Duration) time.Time {
	t := time.Now().Add(d)
	if dl, ok := ctx.Deadline(); ok && dl.Before(t) {
		return dl
	}
	return t
}

// passwordRef names where the password comes from (env:NAME), never the password.
func passwordRef(in mailauth.Inbox) string {
	if in.Password == nil {
		return "password"
	}
	return in.Password.Ref
}

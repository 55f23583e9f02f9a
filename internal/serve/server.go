// Package serve is `launchready serve --ssh ADDR`: the console over SSH. One engine (the
// runner, the history writer, alerting) runs in the process; every SSH session gets its
// own view of it, sized to its own terminal. Users sign in with public keys listed in the
// config's serve: section (internal/serveconf), each with a role: a viewer watches, an
// operator also re-runs checks and runs runbooks.
//
// The package knows nothing of the console's panes: the command hands it a function that
// makes one session's console options (Options.Console).
package serve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	wishtea "charm.land/wish/v2/bubbletea"
	gossh "golang.org/x/crypto/ssh"

	"github.com/launchready/launchready/internal/serveconf"
	"github.com/launchready/launchready/tui"
)

// Options are what Serve needs.
type Options struct {
	Config  *serveconf.Config // the serve: section; nil lets nobody in
	HostKey gossh.Signer
	Hub     *Hub
	// Console makes the console's options for one session: the command fills in the
	// runner (operators only), the runbooks and the operator identity for the lock.
	Console func(s Session) tui.Options
	Log     *slog.Logger
	Now     func() time.Time
	// Version is sent in the SSH banner line.
	Version string
	// LocalUser is the name a local console (over STATE/console.sock, same user as serve)
	// is shown and recorded as; "local" when empty.
	LocalUser string
	// Sessions, when set, hears each console opening and closing (after the log has it),
	// for the timeline: why is "" on opening. It runs on the session's goroutine.
	Sessions func(s Session, opened bool, why string)
}

// Session is one signed-in SSH session, as Options.Console sees it.
type Session struct {
	Identity
	// Remote is the client's address; Local the server's, as SSH_CONNECTION gives them.
	Remote, Local net.Addr
}

// Server is the SSH front of the console.
type Server struct {
	o     Options
	users *users
	ssh   *ssh.Server
	slots chan struct{}
	fails *failures
	who   *presence
	// uid is the user a local console's process must run as: serve's own.
	uid int
	// ctx ends every session when the server shuts down.
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// New makes the server; Serve starts it.
func New(o Options) (*Server, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.HostKey == nil {
		return nil, errors.New("serve: no host key")
	}
	maxSessions := serveconf.DefaultMaxSessions
	if o.Config != nil && o.Config.MaxSessions > 0 {
		maxSessions = o.Config.MaxSessions
	}
	s := &Server{o: o, users: newUsers(o.Config), slots: make(chan struct{}, maxSessions), fails: newFailures(o.Now), who: newPresence(), uid: os.Getuid()}
	if s.o.LocalUser == "" {
		s.o.LocalUser = "local"
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	srv, err := wish.NewServer(
		wish.WithPublicKeyAuth(s.allowKey),
		wish.WithVersion("launchready"),
		func(srv *ssh.Server) error {
			srv.AddHostKey(o.HostKey)
			srv.HandshakeTimeout = 20 * time.Second
			srv.ConnCallback = s.admit
			srv.ServerConfigCallback = func(ctx ssh.Context) *gossh.ServerConfig {
				// A local console proved who it is to the kernel (admit): no key asked.
				return &gossh.ServerConfig{MaxAuthTries: 6, NoClientAuth: isLocal(ctx)}
			}
			srv.Handler = s.handle
			return nil
		},
	)
	if err != nil {
		return nil, fmt.Errorf("cannot set up the SSH server: %v", err)
	}
	s.ssh = srv
	return s, nil
}

// Serve accepts connections on ln until Close.
func (s *Server) Serve(ln net.Listener) error {
	err := s.ssh.Serve(ln)
	if errors.Is(err, ssh.ErrServerClosed) {
		return nil
	}
	return err
}

// Close ends every session (each console lets go of a runbook run as a lost connection
// does) and stops listening; it returns once the consoles have closed.
func (s *Server) Close() error {
	s.cancel()
	err := s.ssh.Close()
	s.wg.Wait()
	return err
}

// allowKey is the handshake's question "may this key try?". It runs for every key a
// client offers, including ones it never proves it holds, so it decides nothing about the
// session: the handler looks the proven key up again.
func (s *Server) allowKey(ctx ssh.Context, key ssh.PublicKey) bool {
	_, ok := s.users.lookup(key)
	if !ok {
		s.fails.add(hostOf(ctx.RemoteAddr()))
	}
	return ok
}

// admit refuses connections from an address that failed too often lately, before any
// handshake work. A connection on the local socket is admitted only from a process of
// serve's own user, and marked so the handshake asks it for no key.
func (s *Server) admit(ctx ssh.Context, c net.Conn) net.Conn {
	if _, ok := c.(*net.UnixConn); ok {
		uid, err := peerUID(c)
		if err != nil || uid != s.uid {
			if err == nil {
				err = fmt.Errorf("%w (it runs as uid %d, serve as uid %d)", errNotLocal, uid, s.uid)
			}
			s.o.Log.Warn("ssh: refused a local console", "err", err)
			c.Close()
			return nil
		}
		ctx.SetValue(localConn{}, true)
		return c
	}
	if host := hostOf(c.RemoteAddr()); s.fails.blocked(host) {
		s.o.Log.Warn("ssh: refused a connection: too many failed sign-ins from this address", "remote", host)
		c.Close()
		return nil
	}
	return c
}

// handle runs one session: who it is (from the key it authenticated with), a slot, a
// terminal, then the console until the user quits, the session drops, it idles out or
// the server stops.
func (s *Server) handle(sess ssh.Session) {
	s.wg.Add(1)
	defer s.wg.Done()
	id, ok := s.users.lookup(sess.PublicKey())
	if isLocal(sess.Context()) {
		// Serve's own user on this machine: it can run any runbook from its shell anyway.
		id, ok = Identity{User: s.o.LocalUser, Role: Operator}, true
	}
	if !ok {
		// Not reachable with public-key auth only; kept so a future auth method cannot
		// open a console without a listed key.
		wish.Fatalln(sess, "launchready: this key is not in serve.users")
		return
	}
	log := s.o.Log.With("user", id.User, "role", string(id.Role), "key", id.Fingerprint, "remote", sess.RemoteAddr().String())
	pty, winCh, isPty := sess.Pty()
	if !isPty {
		wish.Fatalln(sess, "launchready serve shows the console and needs a terminal: connect with ssh -t")
		log.Info("ssh: refused a session without a terminal")
		return
	}
	select {
	case s.slots <- struct{}{}:
		defer func() { <-s.slots }()
	default:
		wish.Fatalf(sess, "launchready: %d consoles are open already (serve.max_sessions); try again when someone leaves\n", cap(s.slots))
		log.Warn("ssh: refused a session: serve.max_sessions reached", "max", cap(s.slots))
		return
	}
	start := s.o.Now()
	log.Info("ssh session started", "term", pty.Term, "width", pty.Window.Width, "height", pty.Window.Height)

	ctx, cancel := context.WithCancel(sess.Context())
	defer cancel()
	stop := context.AfterFunc(s.ctx, cancel)
	defer stop()
	in := &activity{r: sess, now: s.o.Now}
	in.touch()
	var idled atomic.Bool
	if idle := s.idle(); idle > 0 {
		go in.watch(ctx, idle, func() { idled.Store(true); cancel() })
	}
	resize := make(chan tea.WindowSizeMsg)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case w, ok := <-winCh:
				if !ok {
					return
				}
				select {
				case resize <- tea.WindowSizeMsg{Width: w.Width, Height: w.Height}:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	ss := Session{Identity: id, Remote: sess.RemoteAddr(), Local: sess.LocalAddr()}
	s.heard(ss, true, "")
	mb := s.o.Hub.Join()
	defer s.o.Hub.Leave(mb)
	leave := s.who.join(id)
	opts := s.o.Console(ss)
	opts.Watching = s.who.watching
	popts := append(wishtea.MakeOptions(sess), tea.WithInput(in))
	err := tui.RunAttached(ctx, opts, mb, resize, popts...)
	leave()
	why := "closed by the user"
	switch {
	case err != nil && !errors.Is(err, tea.ErrProgramKilled):
		why = "the console failed: " + err.Error()
	case idled.Load():
		why = fmt.Sprintf("idle for %s", s.idle())
		fmt.Fprintf(sess, "\r\nlaunchready: closed after %s without a key pressed (serve.idle_timeout)\r\n", s.idle())
	case s.ctx.Err() != nil:
		why = "the server stopped"
	case sess.Context().Err() != nil:
		why = "the connection dropped"
	}
	end := s.o.Now()
	log.Info("ssh session ended", "start", start, "end", end, "duration", end.Sub(start).Round(time.Second), "why", why)
	s.heard(ss, false, why)
	sess.Exit(0)
}

// Watching is who has a console open now, oldest first.
func (s *Server) Watching() []tui.Watcher { return s.who.watching() }

func (s *Server) heard(ss Session, opened bool, why string) {
	if s.o.Sessions != nil {
		s.o.Sessions(ss, opened, why)
	}
}

func (s *Server) idle() time.Duration {
	if s.o.Config == nil {
		return serveconf.DefaultIdleTimeout
	}
	return s.o.Config.Idle()
}

// isLocal reports whether admit let this connection in on the local socket.
func isLocal(ctx ssh.Context) bool {
	v, _ := ctx.Value(localConn{}).(bool)
	return v
}

func hostOf(a net.Addr) string {
	if a == nil {
		return ""
	}
	h, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return h
}

package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	gossh "golang.org/x/crypto/ssh"

	"github.com/launchready/launchready/internal/consolehist"
	"github.com/launchready/launchready/internal/serve"
	"github.com/launchready/launchready/internal/setup"
	history "github.com/launchready/launchready/internal/store"
	"github.com/launchready/launchready/internal/timeline"
	"github.com/launchready/launchready/internal/watch"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/kinds"
	"github.com/launchready/launchready/runbook"
	"github.com/launchready/launchready/tui"
)

func newServeCmd(g *globalFlags) *cobra.Command {
	var (
		sshAddr string
		listen  string
		labName string
		only    string
	)
	cmd := &cobra.Command{
		Use:   "serve --ssh ADDR",
		Short: "The console over SSH: one engine, a console per SSH session, viewers and operators",
		Long: `Run what watch runs (every check on its schedule, the history, alerts, /metrics) and
serve the console over SSH: everyone who connects sees the same live state in their own
terminal, and the checks run once however many are watching.

Who may connect is the config's serve: section: each user a name, a role (viewer
watches; operator also re-runs checks and runs runbooks) and public keys. Passwords are
never accepted. The server's host key is made on first start in the state folder
(ssh_host_ed25519_key, mode 0600) and its fingerprint printed: give it to your users to
compare on their first connection.

serve takes the state folder's watch lock and then does what watch does: run it instead
of watch. Started beside a watch that already owns the state folder, serve sends no
alerts and writes no history: the consoles read watch's history, and serve runs the
checks only for their live view (the product sees a second set of checks; nothing is
alerted or recorded twice). Stop watch and restart serve to have one set.`,
		Example: `  launchready serve --ssh 0.0.0.0:2222 --config /etc/launchready/launchready.yaml --state /var/lib/launchready
  ssh -p 2222 ops.acme.example                  # from a laptop, with a key listed in serve.users
  launchready serve --ssh 127.0.0.1:2222 --lab  # against the built-in lab, to try it`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o := g.options()
			var err error
			if o.Only, err = parseOnly(only); err != nil {
				return err
			}
			if cmd.Flags().Changed("lab") {
				o.Lab = labName
			}
			return runServe(cmd, o, sshAddr, listen)
		},
	}
	f := cmd.Flags()
	f.StringVar(&sshAddr, "ssh", "", "address to serve the console on over SSH, host:port (required; keep it behind the ops box's firewall)")
	f.StringVar(&listen, "listen", watch.DefaultListen, "address for /metrics and /healthz; '' serves nothing")
	f.StringVar(&only, "only", "", "serve only these panes' checks, comma-separated: "+probes.PaneList())
	f.StringVar(&labName, "lab", "demo", "serve the built-in lab with this scenario (demo, healthy); uses the example config unless --config is given")
	f.Lookup("lab").NoOptDefVal = "demo"
	return cmd
}

func runServe(cmd *cobra.Command, o setup.Options, sshAddr, listen string) error {
	if sshAddr == "" {
		return usageError(cmd, errors.New("--ssh ADDR is required, e.g. --ssh 0.0.0.0:2222"))
	}
	s, err := setup.Open(o)
	if err != nil {
		return err
	}
	defer s.Close()
	stderr := cmd.ErrOrStderr()
	if s.StateDir == "" {
		return &exitError{exitUsage, errors.New("launchready serve: no state folder (the host key, the lock and the log live there); pass --state DIR")}
	}
	if s.Serve == nil || len(s.Serve.Users) == 0 {
		return &exitError{exitUsage, fmt.Errorf("launchready serve: nobody may sign in: add a serve: section with users to %s (name, role viewer or operator, keys: a line of their .pub file)", configName(s))}
	}
	hostKey, created, err := serve.HostKey(s.StateDir)
	if err != nil {
		return &exitError{exitUsage, fmt.Errorf("launchready serve: %v", err)}
	}
	// The state folder's lock decides what serve is: its owner runs the engine (checks,
	// history, alerts, /metrics); beside a watch that owns it, serve reads watch's history
	// and runs the checks only for the consoles' live view (see besideWatch).
	lock, beside, err := takeStateFolder(s.StateDir)
	if err != nil {
		return err
	}
	e, err := startEngine(cmd.Context(), s, "serve", beside == nil)
	if err != nil {
		lock.Release()
		return err
	}
	e.log.Info("garbage collector", "gogc", serveGC(os.Getenv))
	runner, h, log := e.runner, e.hist, e.log
	base := serveConsoleBase(s)
	// One history for every session: recorded once here, before the hub hands the result
	// on, so a session asking for figures after a result finds it marked.
	hist := consolehist.New(h, base.Checks, time.Now)
	runner.Subscribe(hist.Record)
	shared := tui.SharedHistory(hist)
	hub := serve.NewHub()
	runner.Subscribe(hub.Publish)

	rbo, cleanup, err := consoleRunbooks(s, consoleOpts{})
	if err != nil {
		return err
	}
	defer cleanup()
	host, _ := os.Hostname()
	srv, err := serve.New(serve.Options{Config: s.Serve, HostKey: hostKey, Hub: hub, Log: log, Version: versionString(), LocalUser: localConsoleUser(),
		Sessions: func(ss serve.Session, opened bool, why string) {
			if err := h.AddEvents(sessionEvent(ss, opened, why, time.Now())); err != nil && !errors.Is(err, history.ErrReadOnly) {
				log.Warn("timeline: SSH session not recorded", "user", ss.User, "err", err)
			}
		},
		Console: func(ss serve.Session) tui.Options {
			opts := base
			opts.History = shared
			opts.ReadOnly = readOnlyNote(h, time.Now())
			opts.Runbooks = sessionRunbooks(rbo, ss, host)
			if ss.Operator() {
				opts.Runner = runner
			} else {
				opts.Viewer = ss.User
				opts.StateDir = ""
			}
			return opts
		}})
	if err != nil {
		return &exitError{exitUsage, err}
	}
	ln, err := net.Listen("tcp", sshAddr)
	if err != nil {
		return &exitError{exitUsage, fmt.Errorf("launchready serve: cannot listen for SSH on %s: %v; pick a free address with --ssh", sshAddr, err)}
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	defer srv.Close()
	if err := serveLocalConsoles(srv, s.StateDir, log); err != nil {
		return err
	}

	e.notes(stderr, s)
	if beside != nil {
		fmt.Fprintf(stderr, "note: launchready watch owns %s (%s): serve shows its history and alerts nothing; its checks run here only for the consoles' live view\n", s.StateDir, beside.Holder)
	}
	fp := gossh.FingerprintSHA256(hostKey.PublicKey())
	if created {
		fmt.Fprintf(stderr, "launchready serve: made a new SSH host key %s\n", filepath.Join(s.StateDir, serve.HostKeyFile))
	}
	fmt.Fprintf(stderr, "launchready serve: host key %s (users compare this on their first connection)\n", fp)
	log.Info("ssh server listening", "addr", ln.Addr().String(), "host_key", fp, "users", len(s.Serve.Users))
	ready := func(metrics string) {
		fmt.Fprintf(stderr, "launchready serve: console on ssh://%s for %d user(s); %d checks; %s; state %s\n",
			ln.Addr(), len(s.Serve.Users), len(s.Checks), metrics, s.StateDir)
	}
	if beside != nil {
		err = e.besideWatch(cmd.Context(), beside, ready)
	} else {
		err = e.runLocked(cmd.Context(), s, listen, lock, ready)
	}
	srv.Close()
	if serr := <-served; serr != nil && err == nil {
		err = serr
	}
	return e.stopped(stderr, err, " (serve runs the checks watch runs: stop watch first, or run one of them)")
}

// serveConsoleBase is what every session's console shares; each session adds its own
// history view, runbooks and, for an operator, the runner.
func serveConsoleBase(s *setup.Session) tui.Options {
	infos := make([]probes.CheckInfo, len(s.Checks))
	for i, c := range s.Checks {
		infos[i] = c.Info()
	}
	return tui.Options{
		Config:           s.Config,
		Checks:           infos,
		Interval:         s.Config.Checks.Interval,
		StateDir:         s.StateDir,
		LogPath:          filepath.Join(s.StateDir, "launchready.log"),
		Kinds:            kinds.Registry().Kinds(),
		Mode:             "ssh",
		Notes:            s.Notes,
		ErrorGroupsSince: errorGroupsSince(s.Checks),
	}
}

// sessionRunbooks gives an operator's session the runbooks with itself as the operator,
// so the lock and the transcript name the serve.users name and key, not the account
// serve runs as; a viewer's session sees the runbooks, plans and runs, follows a run
// under way, and starts nothing. Nobody signed in over SSH has a shell on the box.
func sessionRunbooks(base *tui.RunbookOptions, ss serve.Session, host string) *tui.RunbookOptions {
	o := *base
	o.NoShell = true
	if !ss.Operator() {
		o.Viewer = ss.User
		o.Engine.Operator = nil
		return &o
	}
	op := runbook.Operator{User: ss.User, Host: host, PID: os.Getpid(), Key: ss.Fingerprint, SSH: sshConnection(ss)}
	o.Engine.Operator = &op
	return &o
}

// sshConnection is SSH_CONNECTION's form: client address and port, server address and
// port, which runbook.Operator reads "ssh from ADDR" out of.
func sshConnection(ss serve.Session) string {
	rh, rp, err1 := net.SplitHostPort(ss.Remote.String())
	lh, lp, err2 := net.SplitHostPort(ss.Local.String())
	if err1 != nil || err2 != nil {
		return ""
	}
	return rh + " " + rp + " " + lh + " " + lp
}

// sessionEvent is an SSH console opening or closing, as the timeline lists it: who
// (serve.users name, role, key) and from where, so "who was looking when the rollback
// started?" has an answer after the fact.
func sessionEvent(ss serve.Session, opened bool, why string, now time.Time) history.Event {
	e := history.Event{Time: now, Pane: timeline.PaneSession, Who: ss.User, Target: ss.Fingerprint}
	from := ""
	if ss.Remote != nil {
		from = " from " + ss.Remote.String()
	}
	if opened {
		e.Kind = timeline.KindSessionStart
		e.Summary = fmt.Sprintf("%s (%s) opened the console over SSH%s", ss.User, ss.Role, from)
		return e
	}
	e.Kind = timeline.KindSessionStop
	e.Summary = fmt.Sprintf("%s (%s) closed the console over SSH%s: %s", ss.User, ss.Role, from, why)
	return e
}

func configName(s *setup.Session) string {
	if s.Config.File != "" {
		return s.Config.File
	}
	return "the config"
}

// takeStateFolder takes the state folder's watch lock for serve's engine; when a watch
// holds it already, beside says who, and serve runs beside it. Taking the lock here, not
// asking whether it is held, leaves no moment for a watch to start in between.
func takeStateFolder(dir string) (lock *watch.Lock, beside *watch.LockedError, err error) {
	host, _ := os.Hostname()
	lock, err = watch.Acquire(dir, watch.Holder{PID: os.Getpid(), Host: host, Started: time.Now(), Version: versionString()})
	if errors.As(err, &beside) {
		return nil, beside, nil
	}
	if err != nil {
		return nil, nil, &exitError{exitUsage, fmt.Errorf("launchready serve: %v", err)}
	}
	return lock, nil, nil
}

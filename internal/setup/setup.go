// Package setup turns command-line options into a ready session: the config loaded and
// validated, the lab started when asked, the network built, the checks made from the one
// registry and the secrets resolved. Every command (check, validate, the console, demo,
// watch) goes through it, so they cannot disagree about what a config means.
package setup

import (
	"errors"
	"fmt"
	"github.com/launchready/launchready/internal/handover"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/launchready/launchready/examples"
	"github.com/launchready/launchready/internal/alert"
	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/internal/owners"
	"github.com/launchready/launchready/internal/paths"
	"github.com/launchready/launchready/internal/roundtrip"
	"github.com/launchready/launchready/internal/serveconf"
	"github.com/launchready/launchready/internal/store"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/kinds"
	"github.com/launchready/launchready/probes/lab"
	"github.com/launchready/launchready/probes/netx"
)

// Options are what the command line says.
type Options struct {
	ConfigFlag string // --config
	StateFlag  string // --state
	Resolver   string // --resolver, overrides network.resolvers for this run
	// ConnectTo (--connect-to, repeatable), CAFile (--ca-file) and RDAPURL (--rdap-url)
	// override the config's network section for this run, as Resolver does: staging and
	// tests point init, audit and check at other servers without editing the file.
	ConnectTo map[string]string
	CAFile    string
	RDAPURL   string
	// ConfigData is a config held in memory (audit DOMAIN without a file builds one from
	// discovery); ConfigName is the name its errors carry. It wins over ConfigFlag.
	ConfigData []byte
	ConfigName string
	Only       []probes.Pane
	// Lab starts the built-in lab with this scenario and points the network at it; with
	// no --config the embedded example config is used.
	Lab string
	// Offline builds everything but touches no network and resolves no secrets
	// (validate): unset secrets are returned as Notes instead of errors.
	Offline bool
	Getenv  func(string) (string, bool)
	Now     func() time.Time
	// Decode, when set, runs after the checks are built and before secrets are resolved: a
	// command that reads a section itself (load reads performance.load and the sessions it
	// signs in as) decodes it here, so its secret references resolve with the rest.
	Decode func(env probes.Env) error
}

// Session is a loaded, validated configuration with everything needed to run it.
type Session struct {
	Config   *config.Config
	Net      *netx.Net
	Checks   []probes.Check
	Lab      *lab.Lab
	StateDir string
	Alerts   *alert.Config     // nil when the config has no alerts section
	Serve    *serveconf.Config // nil when the config has no serve section
	// Owners is the owners: and backups: sections; never nil (an empty one says nobody
	// is recorded as owning anything).
	Owners  *owners.Owners
	Log     *slog.Logger
	Notes   []string // things worth saying that are not errors
	closers []func() error
	history *store.Store
	now     func() time.Time
}

// ErrConfig marks errors that are the config's or the command line's fault (exit 2).
var ErrConfig = errors.New("configuration error")

// Open builds a session. Its errors wrap ErrConfig when the user can fix them by editing
// the config or the flags.
func Open(o Options) (_ *Session, err error) {
	if o.Getenv == nil {
		o.Getenv = os.LookupEnv
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &Session{now: o.Now}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	cfg, err := loadConfig(o)
	if err != nil {
		return nil, configErr(err)
	}
	s.Config = cfg
	if o.Lab != "" {
		if err := s.startLab(o.Lab); err != nil {
			return nil, err
		}
		o.Getenv = labEnv(o.Getenv, s.Lab.Env)
	}
	overrideNetwork(&cfg.Network, o)
	caFile := cfg.Path(cfg.Network.CAFile)
	if o.CAFile != "" {
		caFile = o.CAFile // a flag is relative to where the command runs, not to the config
	}
	nc := netx.Config{
		Resolvers: cfg.Network.Resolvers,
		ConnectTo: cfg.Network.ConnectTo,
		CAFile:    caFile,
	}
	if s.Net, err = netx.New(nc); err != nil {
		return nil, configErr(err)
	}
	s.openLog(o)
	env := probes.Env{Config: cfg, Net: s.Net, Now: o.Now, Log: s.Log, StateDir: s.StateDir, Figures: figures{s}}
	if s.StateDir != "" {
		state := s.StateDir
		env.LastRunbookRun = func() (string, time.Time) { return handover.LastRun(state) }
		env.LastDeploy = func() (string, time.Time) { return lastDeploy(cfg.RunbooksDir(), state) }
	}
	if s.Lab != nil {
		env.LabDir = s.Lab.Dir
	}
	if s.Checks, err = kinds.Registry().Build(env, o.Only); err != nil {
		return nil, configErr(err)
	}
	// The email round trip joins checks of other kinds: its triggers' requests are endpoint
	// checks, and the smoke flow's reset step waits for the reset mail.
	s.Checks = roundtrip.Wire(s.Checks, env)
	if o.Decode != nil {
		if err := o.Decode(env); err != nil {
			return nil, configErr(err)
		}
	}
	// The alerts section is decoded here too (the "alert" kind validated it above), so
	// watch and `alert test` get its secrets resolved with the rest.
	if s.Alerts, err = alert.Decode(cfg); err != nil {
		return nil, configErr(err)
	}
	// The serve: section (the SSH console's users) belongs to no check: it is decoded
	// here so `launchready validate` and every command report its mistakes by line.
	if s.Serve, err = serveconf.Decode(cfg); err != nil {
		return nil, configErr(err)
	}
	// owners: and backups: are read only by the handover pack; decoded here for the same
	// reason as serve:.
	if s.Owners, err = owners.Decode(cfg); err != nil {
		return nil, configErr(err)
	}
	// Checks that hold resources between runs (a log tailer's files and child processes)
	// implement io.Closer; they are released with the session.
	for _, c := range s.Checks {
		if cl, ok := c.(io.Closer); ok {
			s.closers = append(s.closers, cl.Close)
		}
	}
	if errs := cfg.Resolve(o.Getenv); len(errs) > 0 {
		if !o.Offline {
			return nil, configErr(errs)
		}
		for _, e := range errs {
			s.Notes = append(s.Notes, e.Error())
		}
	}
	return s, nil
}

// labEnv lets env: references to the lab's public test values (the test users'
// passwords, the webhook secrets, all named LAUNCHREADY_LAB_...) resolve under --lab with
// nothing exported, so `check --lab` works on a bare install. Only --lab does this, only
// for names with the lab prefix, and only where the real environment does not set them;
// a config still cannot hold a literal secret.
func labEnv(getenv func(string) (string, bool), values map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		if v, ok := getenv(k); ok && v != "" {
			return v, true
		}
		if strings.HasPrefix(k, lab.EnvPrefix) {
			v, ok := values[k]
			return v, ok
		}
		return "", false
	}
}

// overrideNetwork applies the command line's network flags over the config's section.
// Connect-to entries are merged, the flag winning for the same host:port, so a staging
// override adds to the lab's or the config's own.
func overrideNetwork(n *config.Network, o Options) {
	if o.Resolver != "" {
		n.Resolvers = []string{o.Resolver}
	}
	if len(o.ConnectTo) > 0 {
		merged := make(map[string]string, len(n.ConnectTo)+len(o.ConnectTo))
		for k, v := range n.ConnectTo {
			merged[k] = v
		}
		for k, v := range o.ConnectTo {
			merged[k] = v
		}
		n.ConnectTo = merged
	}
	if o.CAFile != "" {
		n.CAFile = o.CAFile
	}
	if o.RDAPURL != "" {
		n.RDAPURL = o.RDAPURL
	}
}

func loadConfig(o Options) (*config.Config, error) {
	if o.ConfigData != nil {
		return config.Parse(o.ConfigData, o.ConfigName)
	}
	if o.ConfigFlag == "" && o.Lab != "" {
		return config.Parse(examples.Config, examples.ConfigName)
	}
	path, err := paths.ConfigFile(o.ConfigFlag, func(k string) string { v, _ := o.Getenv(k); return v })
	if err != nil {
		return nil, err
	}
	return config.Load(path)
}

func (s *Session) startLab(name string) error {
	sc, ok := lab.ScenarioByName(name)
	if !ok {
		var names []string
		for _, sc := range lab.Scenarios() {
			names = append(names, sc.Name)
		}
		return configErr(fmt.Errorf("--lab %q: no such scenario; use one of %v", name, names))
	}
	// The lab's certificates and registrations are dated from the session's clock, so a
	// frozen clock (a golden test) sees the same days left every run.
	sc.Now = s.now()
	dir, err := os.MkdirTemp("", "launchready-lab-")
	if err != nil {
		return fmt.Errorf("cannot make a folder for the lab: %w", err)
	}
	s.closers = append(s.closers, func() error { return os.RemoveAll(dir) })
	l, err := lab.Start(sc, dir)
	if err != nil {
		return fmt.Errorf("the built-in lab did not start: %w", err)
	}
	s.Lab = l
	s.closers = append(s.closers, l.Close)
	if l.Domain != s.Config.Domain {
		s.Notes = append(s.Notes, fmt.Sprintf("the lab serves %s but the config is for %s: most checks will not reach the lab", l.Domain, s.Config.Domain))
	}
	// The lab is the network: its DNS answers, its sites on loopback, its CA trusted.
	s.Config.Network = config.Network{Resolvers: []string{l.DNSAddr}, ConnectTo: l.ConnectTo, CAFile: l.CAFile, RDAPURL: l.RDAPURL}
	s.Config.Environment = config.Lab
	return nil
}

// LabStateDir is where runs against the built-in lab's scenario keep their state, inside
// the state folder: STATE/lab/SCENARIO.
func LabStateDir(state, scenario string) string {
	return filepath.Join(state, "lab", scenario)
}

// openLog sends the tool's own log to launchready.log in the state folder: the terminal
// belongs to the output. A state folder that cannot be made is a note, not a failure: a
// one-off check should still run.
func (s *Session) openLog(o Options) {
	s.Log = slog.New(slog.DiscardHandler)
	dir, err := paths.StateDir(o.StateFlag, s.Config.StateDir, func(k string) string { v, _ := o.Getenv(k); return v })
	if err != nil {
		s.Notes = append(s.Notes, err.Error()+" (the tool's log is off for this run)")
		return
	}
	if o.Lab != "" {
		// A lab run keeps everything it writes (history, load and round-trip records, the
		// handover record, maintenance windows, runbook runs) in a folder of its own per
		// scenario: the healthy demo must not show the demo's failures, and no lab run may
		// speak for the real product in the folder beside it.
		lab := LabStateDir(dir, o.Lab)
		if err := os.MkdirAll(lab, 0o700); err != nil {
			s.Notes = append(s.Notes, fmt.Sprintf("cannot create the lab's state folder %s: %v (the tool's log is off for this run)", lab, err))
			return
		}
		dir = lab
	}
	s.StateDir = dir
	f, err := os.OpenFile(filepath.Join(dir, "launchready.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		s.Notes = append(s.Notes, fmt.Sprintf("cannot open the tool's log in %s: %v", dir, err))
		return
	}
	s.closers = append(s.closers, f.Close)
	s.Log = slog.New(slog.NewTextHandler(f, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// Runner makes the runner for the session's checks with the config's defaults.
func (s *Session) Runner(now func() time.Time) *probes.Runner {
	return probes.NewRunner(s.Checks, probes.RunnerOptions{
		Concurrency: s.Config.Checks.Concurrency,
		Interval:    s.Config.Checks.Interval,
		Timeout:     s.Config.Checks.Timeout,
		Now:         now,
		Logger:      s.Log,
	})
}

// Close stops the lab and closes the log, newest first.
func (s *Session) Close() error {
	var errs []error
	for i := len(s.closers) - 1; i >= 0; i-- {
		errs = append(errs, s.closers[i]())
	}
	s.closers = nil
	return errors.Join(errs...)
}

func configErr(err error) error { return &wrapped{err} }

type wrapped struct{ err error }

func (w *wrapped) Error() string              { return w.err.Error() }
func (w *wrapped) Unwrap() []error            { return []error{ErrConfig, w.err} }
func (w *wrapped) Format(f fmt.State, _ rune) { io.WriteString(f, w.err.Error()) }

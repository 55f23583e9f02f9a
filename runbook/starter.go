package runbook

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/launchready/launchready/examples"
	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
)

// Setup is one set of starter runbooks.
type Setup struct {
	Name string
	Doc  string
}

// Setups are the starter sets `runbook init` writes: the common ways a small product is
// deployed. Each has deploy, rollback and rotate-secret, ending with health checks and a
// test email.
var Setups = []Setup{
	{"systemd", "git pull, build and a systemd restart on the ops box"},
	{"compose", "docker compose on one host"},
	{"platform", "a hosting platform's CLI (written for Fly.io's flyctl, with notes for Render and Heroku)"},
}

// The starters' checks name the example config's hosts; Starters swaps in the session's.
const (
	exampleAPICheck = "http api.acme.example"
	exampleAppCheck = "http app.acme.example"
)

// Starters returns the starter runbooks for a set-up (file name to text), with their
// health checks pointed at the session's own API and app checks, and validates them
// against the session so what `runbook init` writes is known to load.
func Starters(setup string, cfg *config.Config, env Env) (map[string][]byte, error) {
	dir := path.Join("runbooks", setup)
	entries, err := fs.ReadDir(examples.Runbooks, dir)
	if err != nil {
		var names []string
		for _, s := range Setups {
			names = append(names, s.Name)
		}
		return nil, fmt.Errorf("no starter runbooks for %q; use one of %s", setup, strings.Join(names, ", "))
	}
	api, app := starterChecks(cfg, env.Checks)
	out := map[string][]byte{}
	var errs config.Errors
	for _, e := range entries {
		b, err := fs.ReadFile(examples.Runbooks, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		text := strings.ReplaceAll(string(b), exampleAPICheck, api)
		text = strings.ReplaceAll(text, exampleAppCheck, app)
		rb, err := Parse([]byte(text), e.Name())
		if err == nil {
			err = rb.Validate(env)
		}
		if err != nil {
			errs = append(errs, asErrors(err)...)
			continue
		}
		out[e.Name()] = []byte(text)
	}
	return out, errs.Err()
}

// starterChecks picks the session's checks of the API and the app: the endpoint checks of
// the hosts with those roles (the app falls back to the canonical URL's host; the API to
// the app). Without a session it keeps the example's names.
func starterChecks(cfg *config.Config, checks []probes.Check) (api, app string) {
	api, app = exampleAPICheck, exampleAppCheck
	if cfg == nil || len(checks) == 0 {
		return api, app
	}
	hostWith := func(role string) string {
		for _, h := range cfg.Hosts {
			if h.Role == role {
				return h.Name
			}
		}
		return ""
	}
	checkFor := func(host string) string {
		for _, c := range checks {
			info := c.Info()
			if u, err := url.Parse(info.Target); err == nil && info.Pane == probes.PaneEndpoints && strings.EqualFold(u.Hostname(), host) {
				return info.Name
			}
		}
		return ""
	}
	appHost := hostWith("app")
	if appHost == "" {
		if u, err := url.Parse(cfg.CanonicalURL); err == nil {
			appHost = u.Hostname()
		}
	}
	if c := checkFor(appHost); c != "" {
		app = c
	} else if len(checks) > 0 {
		app = checks[0].Info().Name
	}
	api = app
	if c := checkFor(hostWith("api")); c != "" {
		api = c
	}
	return api, app
}

// ErrStarterExists marks a starter not written because a file of that name is there.
var ErrStarterExists = errors.New("a runbook with that file name already exists")

// WriteStarters writes the starters into dir (created if needed), never over an existing
// file unless force. It returns the paths written.
func WriteStarters(dir string, files map[string][]byte, force bool) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create the runbooks folder %s: %w", dir, err)
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var written []string
	var problems []string
	for _, n := range names {
		p := filepath.Join(dir, n)
		flag := os.O_WRONLY | os.O_CREATE | os.O_EXCL
		if force {
			flag = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
		}
		f, err := os.OpenFile(p, flag, 0o644)
		if err != nil {
			if os.IsExist(err) {
				problems = append(problems, fmt.Sprintf("%s already exists (left as it is; pass --force to overwrite)", p))
				continue
			}
			return written, err
		}
		_, err = f.Write(files[n])
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return written, fmt.Errorf("cannot write %s: %w", p, err)
		}
		written = append(written, p)
	}
	if len(problems) > 0 {
		return written, fmt.Errorf("%w: %s", ErrStarterExists, strings.Join(problems, "; "))
	}
	return written, nil
}

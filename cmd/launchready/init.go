package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/launchready/launchready/internal/atomicfile"
	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/internal/dnsmap"
	"github.com/launchready/launchready/internal/initcfg"
	"github.com/launchready/launchready/internal/paths"
	"github.com/launchready/launchready/probes/discovery"
	"github.com/launchready/launchready/probes/netx"
)

// discoverTimeout bounds discovery and the look at the sites: a minute is the promise.
const discoverTimeout = 2 * time.Minute

func newInitCmd(g *globalFlags) *cobra.Command {
	var (
		out   string
		yes   bool
		force bool
		rate  int
	)
	cmd := &cobra.Command{
		Use:   "init DOMAIN",
		Short: "Discover a domain and write launchready.yaml and dns-map.yaml for it",
		Long: `Discover what exists under DOMAIN (nameservers, names from a dictionary and from the
zone's own records, wildcards, hosting, email and DNS providers), follow the apex and www
over HTTPS to the canonical URL, and write a commented launchready.yaml with every host,
its role guessed and its live records as the documented state, plus dns-map.yaml beside
it (the 'dns export' format). On a terminal it asks only what it cannot decide (the
canonical URL when there are several, a host's role when unsure, the environment); with
--yes, or without a terminal, it takes the best guess and says so. It never overwrites a
file without --force. The names found are kept in STATE/discovered.json (--state), where
the DNS pane asks them again every hour.`,
		Example: `  launchready init acme.com
  launchready init acme.com --yes -o ops/launchready.yaml
  launchready init acme.example --resolver 127.0.0.1:5353 --connect-to app.acme.example:443=127.0.0.1:8443 --ca-file lab-ca.pem`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError(cmd, fmt.Errorf("takes one argument, the domain (e.g. acme.com), got %d", len(args)))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkURL("--rdap-url", g.rdapURL); err != nil {
				return usageError(cmd, err)
			}
			mapPath := filepath.Join(filepath.Dir(out), "dns-map.yaml")
			if !force {
				for _, p := range []string{out, mapPath} {
					if _, err := os.Stat(p); err == nil {
						return &exitError{exitUsage, fmt.Errorf("%s already exists: init never overwrites a file. Keep it and run 'launchready audit', write elsewhere with -o FILE, or replace it with --force", p)}
					}
				}
			}
			n, err := g.netFromFlags()
			if err != nil {
				return &exitError{exitUsage, err}
			}
			stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
			ctx, cancel := context.WithTimeout(cmd.Context(), discoverTimeout)
			defer cancel()
			fmt.Fprintf(stderr, "discovering %s ...\n", args[0])
			d, discErr := initcfg.Discover(ctx, n, args[0], discovery.Options{RateLimit: rate})
			if d == nil {
				return &exitError{exitUsage, fmt.Errorf("init: %w", discErr)}
			}
			if discErr != nil {
				fmt.Fprintln(stderr, "note:", discErr)
			}
			d.Network = g.networkSection()
			asked := false
			if !yes && interactive(cmd) {
				if err := askDraft(ctx, n, d, cmd.InOrStdin(), stderr); err != nil {
					return &exitError{exitUsage, fmt.Errorf("init: %w (nothing was written)", err)}
				}
				asked = true
			}
			cfg, body, err := renderChecked(d, out)
			if err != nil {
				return err
			}
			m, mapErr := initcfg.ExportMap(ctx, n, cfg, d.Report, time.Now())
			if mapErr != nil {
				// Without a map the config must not name one: validate would fail on it.
				d.MapFile = ""
				if _, body, err = renderChecked(d, out); err != nil {
					return err
				}
			}
			if err := atomicfile.WriteBytes(out, 0o644, body); err != nil {
				return &exitError{exitUsage, fmt.Errorf("init: cannot write %s: %w", out, err)}
			}
			if m != nil {
				if err := atomicfile.Write(mapPath, 0o644, func(w io.Writer) error { return m.Write(w, dnsmap.FormatYAML) }); err != nil {
					return &exitError{exitUsage, fmt.Errorf("init: wrote %s but not %s: %w; run 'launchready dns export -o %s'", out, mapPath, err, mapPath)}
				}
			}
			var kept string
			if dir, err := paths.StateDir(g.state, "", func(k string) string { return os.Getenv(k) }); err != nil {
				kept = "Did not keep the discovered names: " + err.Error()
			} else if discErr != nil {
				kept = "Did not keep the discovered names: discovery was cut short, and a partial list would replace a whole one. Run init or audit again to keep them."
			} else {
				kept = keepDiscovered(dir, d.Report, time.Now())
			}
			printInitSummary(stdout, d, out, mapPath, m, mapErr, asked, kept)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&out, "output", "o", "launchready.yaml", "the config file to write; dns-map.yaml goes beside it")
	f.BoolVarP(&yes, "yes", "y", false, "ask nothing: take the best guess for everything (the default without a terminal)")
	f.BoolVar(&force, "force", false, "overwrite the config and dns-map.yaml if they exist")
	f.IntVar(&rate, "dns-rate", 0, "questions a second to each nameserver (default 50; -1 for no limit, only against your own servers)")
	return cmd
}

// renderChecked renders the draft and parses it back as `validate` would, so a config
// init cannot read is never written.
func renderChecked(d *initcfg.Draft, out string) (*config.Config, []byte, error) {
	body := d.Render(time.Now())
	cfg, err := config.Parse(body, out)
	if err != nil {
		return nil, nil, &exitError{exitUsage, fmt.Errorf("init wrote a config it cannot read back (a bug: please report it with the domain); nothing was written:\n%w", err)}
	}
	return cfg, body, nil
}

// interactive is true when both ends are a terminal: a prompt nobody can answer must never
// block a script or CI.
func interactive(cmd *cobra.Command) bool {
	in, ok := cmd.InOrStdin().(*os.File)
	if !ok || !term.IsTerminal(in.Fd()) {
		return false
	}
	o, ok := cmd.OutOrStdout().(*os.File)
	return ok && term.IsTerminal(o.Fd())
}

// netFromFlags builds the network for a command that runs before any config exists.
func (g *globalFlags) netFromFlags() (*netx.Net, error) {
	c := netx.Config{ConnectTo: g.connectTo, CAFile: g.caFile}
	if g.resolver != "" {
		c.Resolvers = []string{g.resolver}
	}
	return netx.New(c)
}

// networkSection is the command line's network overrides as the config's network section:
// a config written by a staging or lab run reaches the same servers.
func (g *globalFlags) networkSection() config.Network {
	n := config.Network{CAFile: absPath(g.caFile), RDAPURL: g.rdapURL}
	if g.resolver != "" {
		n.Resolvers = []string{g.resolver}
	}
	if len(g.connectTo) > 0 {
		n.ConnectTo = map[string]string(g.connectTo)
	}
	return n
}

func printInitSummary(w io.Writer, d *initcfg.Draft, out, mapPath string, m *dnsmap.Map, mapErr error, asked bool, kept string) {
	rep := d.Report
	fmt.Fprintf(w, "Found under %s: %d names (%d asked), %d hosts written.\n", d.Domain, len(rep.Names), rep.Tried, len(d.Hosts))
	if d.Canonical != "" {
		fmt.Fprintf(w, "  canonical URL: %s\n", d.Canonical)
	}
	for _, s := range d.Services {
		fmt.Fprintf(w, "  %s\n", s)
	}
	for _, h := range d.Hosts {
		fmt.Fprintf(w, "  host %-28s %-9s %s\n", h.Name, h.Role, strings.Join(h.Notes, "; "))
	}
	for _, t := range rep.Transfers {
		if t.Outcome == discovery.TransferComplete || t.Outcome == discovery.TransferCut {
			fmt.Fprintf(w, "  ▲ zone transfer allowed: %s (anyone can list every name)\n", t)
		}
	}
	fmt.Fprintf(w, "  environment: %s (%s)\n", d.Environment, d.EnvWhy)
	if und := d.Undecided(); len(und) > 0 {
		verb := "Not decided (best guess taken"
		if asked {
			verb = "Still a guess (check these"
		} else {
			verb += "; run on a terminal without --yes to be asked"
		}
		fmt.Fprintf(w, "%s):\n", verb+"")
		for _, u := range und {
			fmt.Fprintf(w, "  - %s\n", u)
		}
	}
	fmt.Fprintln(w, "Not discoverable from outside (fill these in yourself; examples/launchready.yaml documents each):")
	for _, u := range initcfg.Unknowable() {
		fmt.Fprintf(w, "  - %s\n", u)
	}
	fmt.Fprintf(w, "Wrote %s", out)
	if m != nil {
		fmt.Fprintf(w, " and %s (%d records at %d names)", mapPath, len(m.Records), len(m.Names()))
	}
	fmt.Fprintln(w, ".")
	if mapErr != nil {
		fmt.Fprintf(w, "No DNS map: %v. Write it later with 'launchready dns export -o %s' and set dns.map_file.\n", mapErr, mapPath)
	}
	if kept != "" {
		fmt.Fprintln(w, kept)
	}
	next := "launchready audit"
	if out != "launchready.yaml" {
		next += " --config " + out
	}
	fmt.Fprintf(w, "Next: review %s, then run: %s\n", out, next)
}

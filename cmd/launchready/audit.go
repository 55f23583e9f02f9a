package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/launchready/launchready/internal/atomicfile"
	"github.com/launchready/launchready/internal/audit"
	"github.com/launchready/launchready/internal/initcfg"
	"github.com/launchready/launchready/internal/paths"
	"github.com/launchready/launchready/internal/report"
	"github.com/launchready/launchready/internal/setup"
	"github.com/launchready/launchready/probes/discovery"
)

func newAuditCmd(g *globalFlags) *cobra.Command {
	var (
		format string
		out    string
		failOn string
		rate   int
	)
	cmd := &cobra.Command{
		Use:   "audit [DOMAIN]",
		Short: "The Stage 1 report: where production lives, copies of the app, risks ranked by business impact",
		Long: `Discover the domain and run every check once, then write the launch audit: where
production lives (canonical URL, hosting, DNS provider, email provider, edge, registrar
and expiry), the copies of the app found, and every risk ranked by business impact with
what was observed, what was expected, the fix and the evidence.

With a config (./launchready.yaml or --config) it sweeps that config. Without one, give
DOMAIN: the audit builds in memory the config 'launchready init' would write and sweeps
it. Formats: text (the terminal), md (a repository), html (one self-contained file for a
founder), json (schema launchready.audit/v1). Exit codes as check: 0 nothing at or above
--fail-on, 1 findings at or above it or a check that could not run, 2 usage or config error.`,
		Example: `  launchready audit
  launchready audit acme.com --format html -o audit.html
  launchready audit --format md -o LAUNCH-AUDIT.md --fail-on critical`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageError(cmd, fmt.Errorf("takes at most one argument, the domain, got %q", args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			write, err := auditWriter(format)
			if err != nil {
				return usageError(cmd, err)
			}
			threshold, err := parseFailOn(failOn)
			if err != nil {
				return err
			}
			if err := checkURL("--rdap-url", g.rdapURL); err != nil {
				return usageError(cmd, err)
			}
			domain := ""
			if len(args) == 1 {
				domain = args[0]
			}
			a, err := runAudit(cmd, g, domain, rate)
			if err != nil {
				return err
			}
			if out == "" || out == "-" {
				err = write(a, cmd.OutOrStdout())
			} else {
				err = atomicfile.Write(out, 0o644, func(w io.Writer) error { return write(a, w) })
				if err == nil {
					fmt.Fprintf(cmd.ErrOrStderr(), "wrote the audit of %s to %s: %d risks (%d critical, %d high)\n", a.Domain, out, len(a.Risks), a.Counts.Critical, a.Counts.High)
				}
			}
			if err != nil {
				return &exitError{exitUsage, fmt.Errorf("cannot write the audit: %w", err)}
			}
			if threshold != nil && len(a.CheckErrors) > 0 {
				return &exitError{exitFindings, fmt.Errorf("%d check(s) could not run; see the audit", len(a.CheckErrors))}
			}
			if threshold != nil && a.AtOrAbove(*threshold) > 0 {
				return &exitError{code: exitFindings}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&format, "format", "text", "text, md, html or json")
	f.StringVarP(&out, "output", "o", "", "write the audit to FILE instead of stdout")
	f.StringVar(&failOn, "fail-on", "high", "exit 1 when a risk is at or above: critical, high, medium, low, info, or none")
	f.IntVar(&rate, "dns-rate", 0, "discovery's questions a second to each nameserver (default 50; -1 for no limit)")
	return cmd
}

func auditWriter(format string) (func(*audit.Audit, io.Writer) error, error) {
	switch strings.ToLower(format) {
	case "", "text", "txt":
		return (*audit.Audit).WriteText, nil
	case "md", "markdown":
		return (*audit.Audit).WriteMarkdown, nil
	case "html":
		return (*audit.Audit).WriteHTML, nil
	case "json":
		return (*audit.Audit).WriteJSON, nil
	}
	return nil, fmt.Errorf("--format %q: use text, md, html or json", format)
}

// runAudit discovers the domain and sweeps the config: the file when there is one, else
// the one init would write, built in memory.
func runAudit(cmd *cobra.Command, g *globalFlags, domain string, rate int) (*audit.Audit, error) {
	stderr := cmd.ErrOrStderr()
	o := g.options()
	cfgPath, cfgErr := paths.ConfigFile(g.config, func(k string) string { return os.Getenv(k) })
	useFile := cfgErr == nil
	if g.config == "" && domain != "" && useFile {
		// A domain on the command line with a config around: use the config only if it is
		// the same domain's.
		if s, err := setup.Open(setup.Options{ConfigFlag: cfgPath, Offline: true, StateFlag: g.state}); err == nil {
			useFile = strings.EqualFold(s.Config.Domain, strings.TrimSuffix(domain, "."))
			s.Close()
		}
	}
	if !useFile && domain == "" {
		return nil, &exitError{exitUsage, fmt.Errorf("%v\nOr audit a domain with no config: launchready audit acme.com", cfgErr)}
	}
	ctx, cancel := context.WithTimeout(cmd.Context(), discoverTimeout)
	defer cancel()
	var draft *initcfg.Draft
	var discErr error // discovery cut short: its names are not kept
	source := cfgPath
	if !useFile {
		n, err := g.netFromFlags()
		if err != nil {
			return nil, &exitError{exitUsage, err}
		}
		fmt.Fprintf(stderr, "no config for %s: discovering it and auditing what was found\n", domain)
		d, err := initcfg.Discover(ctx, n, domain, discovery.Options{RateLimit: rate})
		if d == nil {
			return nil, &exitError{exitUsage, fmt.Errorf("audit: %w", err)}
		}
		discErr = err
		d.Network, d.MapFile = g.networkSection(), ""
		draft, source = d, "discovery (no config: the one 'launchready init' would write)"
		o.ConfigData, o.ConfigName = d.Render(time.Now()), "discovered config for "+d.Domain
	}
	s, err := setup.Open(o)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	for _, n := range s.Notes {
		fmt.Fprintln(stderr, "note:", n)
	}
	var disc *discovery.Report
	if draft != nil {
		disc = draft.Report
	} else {
		fmt.Fprintf(stderr, "discovering %s ...\n", s.Config.Domain)
		disc, discErr = discovery.Run(ctx, s.Net, s.Config.Domain, discovery.Options{RateLimit: rate})
		if discErr != nil {
			fmt.Fprintln(stderr, "note: discovery:", discErr)
		}
	}
	if disc != nil && discErr == nil {
		// Before the sweep: the copies and undocumented-names checks read the fresh names.
		if kept := keepDiscovered(s.StateDir, disc, time.Now()); kept != "" {
			fmt.Fprintln(stderr, kept)
		}
	}
	runner := s.Runner(time.Now)
	s.Record(runner)
	start := time.Now()
	results := runner.Sweep(cmd.Context())
	if cmd.Context().Err() != nil {
		return nil, &exitError{exitUsage, errors.New("interrupted: the sweep was cut short")}
	}
	rep := report.New(s.Config.Product, s.Config.Domain, start, time.Since(start), results)
	in := audit.Input{Product: s.Config.Product, Domain: s.Config.Domain, CanonicalURL: s.Config.CanonicalURL,
		ConfigSource: source, Report: rep, Discovery: disc, Now: time.Now()}
	if draft != nil {
		in.Undecided = draft.Undecided()
	}
	return audit.Build(in), nil
}

package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/internal/paths"
	"github.com/launchready/launchready/internal/secretscan"
)

func newSecretsCmd(g *globalFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "secrets",
		Short: "Secrets out of code: scan a repository's working tree and history",
	}
	cmd.AddCommand(newSecretsScanCmd(g))
	return cmd
}

// newSecretsScanCmd is the roadmap's "secret scan in repo CI": gitleaks' rules, our sense
// of which keys are public by design, and output a person, a script or code scanning reads.
func newSecretsScanCmd(g *globalFlags) *cobra.Command {
	var since, format string
	cmd := &cobra.Command{
		Use:   "scan [PATH]",
		Short: "Find API keys, tokens and private keys in a repository's tree and git history",
		Long: `Scan the git repository at PATH (default .): every commit reachable from any branch
or tag, and the files git tracks or would track (ignored files such as a local .env are not
code and are not scanned). The rules are gitleaks v8's; keys that are public by design
(Stripe publishable keys, Supabase anon keys, Firebase and Maps browser keys, Algolia
search-only keys, Sentry DSNs) are listed as info and never fail the scan.

A secret removed from the tree but still in history is reported: removing it is not
enough, every clone has it; rotate it (launchready runbook run rotate-secret).

No output ever holds a secret: only the rule, the place and a redacted preview.

Accepted false positives: .launchready-secrets.toml in the repository root
  [[allow]]
  fingerprint = "testdata/fake.env:generic-api-key:3"   # as the scan prints it
  reason = "made-up key for the parser tests"
  [[allow]]
  path = "docs/**"          # a glob; optional rule = "RULE-ID"
  reason = "examples in the docs are placeholders"
and gitleaks' own .gitleaksignore (one fingerprint a line).

The result (repository, HEAD, time, counts) is recorded in the state folder, so the
console's launch bar knows whether the code is clean and whether HEAD has moved since.

Exit codes: 0 no secrets (public-by-design keys do not count), 1 secrets found,
2 usage error or the scan could not run.`,
		Example: `  launchready secrets scan
  launchready secrets scan ~/src/shop --format json | jq '.findings[] | .file'
  launchready secrets scan --since origin/main --format sarif > secrets.sarif   # in CI`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageError(cmd, fmt.Errorf("takes at most one PATH, got %q", args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" && format != "sarif" {
				return usageError(cmd, fmt.Errorf("--format %q: use text, json or sarif", format))
			}
			path := "."
			if len(args) == 1 {
				path = args[0]
			}
			rep, err := secretscan.ScanRepo(cmd.Context(), secretscan.RepoOptions{Path: path, Since: since})
			if err != nil {
				return &exitError{exitUsage, fmt.Errorf("launchready secrets scan: %v", err)}
			}
			out := cmd.OutOrStdout()
			switch format {
			case "json":
				err = secretscan.WriteJSON(out, rep)
			case "sarif":
				err = secretscan.WriteSARIF(out, rep, versionString())
			default:
				err = secretscan.WriteText(out, rep)
			}
			if err != nil {
				return &exitError{exitUsage, fmt.Errorf("launchready secrets scan: cannot write the report: %v", err)}
			}
			recordScan(g, rep, cmd.ErrOrStderr())
			if rep.Counts.Leaks() > 0 {
				return &exitError{exitFindings, nil}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&since, "since", "", "scan only the commits after REF (REF..HEAD), not the working tree: a branch's own commits in CI")
	cmd.Flags().StringVar(&format, "format", "text", "output: text, json or sarif (SARIF 2.1.0 for code scanning)")
	return cmd
}

// recordScan writes the scan to the state folder for the console. A scan in CI has no use
// for it and may have no writable home, so failing to record is a note, not a failure.
func recordScan(g *globalFlags, rep *secretscan.Report, stderr io.Writer) {
	getenv := os.Getenv
	fromConfig := ""
	if p, err := paths.ConfigFile(g.config, getenv); err == nil {
		if c, err := config.Load(p); err == nil {
			fromConfig = c.StateDir // as setup reads it, so the console finds the record
		}
	}
	dir, err := paths.StateDir(g.state, fromConfig, getenv)
	if err == nil {
		err = secretscan.WriteRecord(dir, rep)
	}
	if err != nil {
		fmt.Fprintf(stderr, "note: the scan is not recorded for the console: %v\n", err)
	}
}

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/launchready/launchready/internal/atomicfile"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/launchready/launchready/internal/dnsmap"
	"github.com/launchready/launchready/internal/setup"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/dnscheck"
)

// dnsTimeout bounds one export or diff: every query has its own timeout, this caps a
// zone with many names on a slow server.
const dnsTimeout = 2 * time.Minute

// diffSchema names the JSON `dns diff --json` writes.
const diffSchema = "launchready.dnsdiff/v1"

func newDNSCmd(g *globalFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "dns",
		Short: "The documented DNS map: export the live zone to a file, diff the live zone against it",
		Long: `The documented DNS map is a file of every record the zone should have, kept in the
repository next to launchready.yaml. 'dns export' writes it from the zone's authoritative
servers; 'dns diff' compares the live zone with it (exit 0 no drift, 1 drift, 2 error).
Set dns.map_file in launchready.yaml and the DNS pane checks it on every sweep.`,
		Args: noArgs,
	}
	cmd.AddCommand(newDNSExportCmd(g), newDNSDiffCmd(g))
	return cmd
}

// dnsSession opens a session for the DNS pane and reads the zone's names.
func dnsSession(g *globalFlags, cmd *cobra.Command, labName string) (*setup.Session, dnscheck.Settings, error) {
	o := g.options()
	o.Only = []probes.Pane{probes.PaneDNS}
	if cmd.Flags().Changed("lab") {
		o.Lab = labName
	}
	s, err := setup.Open(o)
	if err != nil {
		return nil, dnscheck.Settings{}, err
	}
	for _, n := range s.Notes {
		fmt.Fprintln(cmd.ErrOrStderr(), "note:", n)
	}
	st, err := dnscheck.LoadSettings(s.Config)
	if err != nil {
		s.Close()
		return nil, dnscheck.Settings{}, &exitError{exitUsage, err}
	}
	return s, st, nil
}

func addLabFlag(cmd *cobra.Command, labName *string) {
	cmd.Flags().StringVar(labName, "lab", "demo", "read the built-in lab's zone with this scenario (demo, healthy); uses the example config unless --config is given")
	cmd.Flags().Lookup("lab").NoOptDefVal = "demo"
}

func newDNSExportCmd(g *globalFlags) *cobra.Command {
	var out, format, labName string
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write the live zone's records (the documented DNS map) to a file or stdout",
		Long: `Read every known name of the zone from its first authoritative server, asked
directly: the apex, www, app, api, admin, mail, status, every host in launchready.yaml,
dns.names, and for every sending domain in email.domains the domain itself (SPF, MX), its
DKIM selectors (configured, and seen by 'email verify'), _dmarc, _mta-sts, mta-sts and
_smtp._tls; the return-path domain; and the MX and NS targets inside the zone. Every record of type A, AAAA, CNAME, MX, TXT, CAA, NS, SOA and SRV is
written, sorted, with its TTL. Review the file, commit it, and set dns.map_file.`,
		Example: `  launchready dns export -o dns-map.yaml
  launchready dns export --format zone > acme.example.zone
  launchready dns export --lab=healthy`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := dnsmap.ParseFormat(format)
			if err != nil {
				return usageError(cmd, err)
			}
			s, st, err := dnsSession(g, cmd, labName)
			if err != nil {
				return err
			}
			defer s.Close()
			ctx, cancel := context.WithTimeout(cmd.Context(), dnsTimeout)
			defer cancel()
			got, err := dnscheck.Collect(ctx, s.Net, s.Config.Domain, dnscheck.KnownNames(s.Config, st, s.StateDir), time.Now())
			if err != nil {
				return &exitError{exitUsage, fmt.Errorf("dns export: %w", err)}
			}
			if len(got.Skipped) > 0 {
				fmt.Fprintf(cmd.ErrOrStderr(), "note: not in the zone %s, so not in the map: %s\n", strings.TrimSuffix(got.Map.Zone, "."), strings.Join(got.Skipped, ", "))
			}
			if out == "" || out == "-" {
				if err := got.Map.Write(cmd.OutOrStdout(), f); err != nil {
					return &exitError{exitUsage, fmt.Errorf("dns export: writing: %w", err)}
				}
				return nil
			}
			if err := atomicfile.Write(out, 0o644, func(w io.Writer) error { return got.Map.Write(w, f) }); err != nil {
				return &exitError{exitUsage, fmt.Errorf("dns export: cannot write %s: %w", out, err)}
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "wrote %d records at %d names of %s to %s (from %s)\n",
				len(got.Map.Records), len(got.Map.Names()), strings.TrimSuffix(got.Map.Zone, "."), out, got.Map.Source)
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "write the map to FILE instead of stdout")
	cmd.Flags().StringVar(&format, "format", "yaml", "yaml (the DNS map) or zone (RFC 1035 zone file); dns diff reads both")
	addLabFlag(cmd, &labName)
	return cmd
}

// diffReport is `dns diff --json`.
type diffReport struct {
	Schema     string          `json:"schema"`
	Zone       string          `json:"zone"`
	File       string          `json:"file"`
	Taken      time.Time       `json:"taken,omitzero"` // when the file was exported
	LiveSource string          `json:"live_source"`
	Drift      bool            `json:"drift"`
	Summary    string          `json:"summary"`
	Added      []dnsmap.Record `json:"added"`
	Removed    []dnsmap.Record `json:"removed"`
	Changed    []dnsmap.Change `json:"changed"`
}

func newDNSDiffCmd(g *globalFlags) *cobra.Command {
	var asJSON bool
	var labName string
	cmd := &cobra.Command{
		Use:   "diff FILE",
		Short: "Compare the live zone with a documented DNS map (exit 0 no drift, 1 drift, 2 error)",
		Long: `Read the live zone from its authoritative server (the names in FILE and every known
name, as export does) and compare it with FILE, a map written by 'dns export' in either
format. Each record set added, removed or changed is listed. The SOA serial is not
compared. Exit codes: 0 no drift, 1 drift, 2 error (a bad file, config or network).`,
		Example: `  launchready dns diff dns-map.yaml
  launchready dns diff dns-map.yaml --json > dns-drift.json   # in CI`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError(cmd, fmt.Errorf("takes one argument, the DNS map file, got %d", len(args)))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			file := args[0]
			doc, err := dnsmap.LoadFile(file)
			if err != nil {
				return &exitError{exitUsage, err}
			}
			s, st, err := dnsSession(g, cmd, labName)
			if err != nil {
				return err
			}
			defer s.Close()
			if !dnsmap.InZone(doc.Zone, s.Config.Domain) {
				return &exitError{exitUsage, fmt.Errorf("dns diff: %s documents the zone %s, but %s's domain is %s: pass the map of this domain's zone, or the config it belongs to (--config)",
					file, strings.TrimSuffix(doc.Zone, "."), s.Config.File, s.Config.Domain)}
			}
			names := dnscheck.KnownNames(s.Config, st, s.StateDir)
			for _, n := range doc.Names() {
				if !slices.Contains(names, n) {
					names = append(names, n)
				}
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), dnsTimeout)
			defer cancel()
			got, err := dnscheck.Collect(ctx, s.Net, strings.TrimSuffix(doc.Zone, "."), names, time.Now())
			if err != nil {
				return &exitError{exitUsage, fmt.Errorf("dns diff: %w", err)}
			}
			if got.Map.Zone != doc.Zone {
				return &exitError{exitUsage, fmt.Errorf("dns diff: %s documents %s, which is not a zone apex (its zone is %s): export the map again", file, doc.Zone, got.Map.Zone)}
			}
			d := dnsmap.Compare(doc, got.Map)
			if asJSON {
				rep := diffReport{Schema: diffSchema, Zone: strings.TrimSuffix(d.Zone, "."), File: file, Taken: doc.Taken,
					LiveSource: got.Map.Source, Drift: d.Drift(), Summary: d.Summary(),
					Added: orEmpty(d.Added), Removed: orEmpty(d.Removed), Changed: orEmpty(d.Changed)}
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				if err := enc.Encode(rep); err != nil {
					return &exitError{exitUsage, err}
				}
			} else {
				writeDiffText(cmd.OutOrStdout(), file, doc, got, d)
			}
			if d.Drift() {
				return &exitError{code: exitFindings}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the differences as JSON (schema "+diffSchema+")")
	addLabFlag(cmd, &labName)
	return cmd
}

func orEmpty[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

func writeDiffText(w io.Writer, file string, doc *dnsmap.Map, got *dnscheck.Collected, d dnsmap.Diff) {
	zone := strings.TrimSuffix(d.Zone, ".")
	taken := ""
	if !doc.Taken.IsZero() {
		taken = " (exported " + doc.Taken.UTC().Format("2006-01-02 15:04 MST") + ")"
	}
	if !d.Drift() {
		fmt.Fprintf(w, "✔ No drift: %s matches %s%s, %d records, live from %s.\n", zone, file, taken, len(got.Map.Records), got.Map.Source)
		return
	}
	fmt.Fprintf(w, "✖ DNS drift in %s: %s\n", zone, d.Summary())
	fmt.Fprintf(w, "  documented  %s%s\n", file, taken)
	fmt.Fprintf(w, "  live        %s\n\n", got.Map.Source)
	for _, l := range d.Lines() {
		fmt.Fprintln(w, l)
	}
	fmt.Fprintf(w, "\n+ live, not in the map   - in the map, gone   ~ changed (map -> live)\n")
	fmt.Fprintf(w, "If the changes are intended: launchready dns export -o %s, review, commit. If not, restore the records at your DNS provider.\n", file)
}

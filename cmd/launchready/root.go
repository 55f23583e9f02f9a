package main

import (
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/launchready/launchready/internal/setup"
	"github.com/launchready/launchready/probes"
)

// version is set at release with -ldflags "-X main.version=v1.2.3"; otherwise the module
// version `go install` recorded, or "dev".
var version = ""

func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// globalFlags are shared by every command.
type globalFlags struct {
	config   string
	state    string
	resolver string
	// Network overrides for staging and tests, beside --resolver: see netflags.go.
	connectTo connectToFlag
	caFile    string
	rdapURL   string
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	g := &globalFlags{}
	root := &cobra.Command{
		Use:   "launchready",
		Short: "Launch-week operations console: DNS, certificates, email auth, endpoints, errors, runbooks",
		Long: `Launch Ready watches what breaks first when a membership product launches (DNS,
certificates, email authentication, endpoints, errors) and ranks every problem by business
impact.

Start here:
  launchready demo                 the console against a built-in lab, no set-up
  launchready check --lab          one sweep of the example config against the lab
  launchready check                one sweep of ./launchready.yaml (exit 1 on findings)
  launchready validate             check the config without touching the network`,
		Version:       versionString(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(usageError)
	root.SetOut(stdout)
	root.SetErr(stderr)
	pf := root.PersistentFlags()
	pf.StringVarP(&g.config, "config", "c", "", "config file (default ./launchready.yaml, then $XDG_CONFIG_HOME/launchready/launchready.yaml)")
	pf.StringVar(&g.state, "state", "", "state folder for history, transcripts and the tool's log (default $XDG_STATE_HOME/launchready)")
	pf.StringVar(&g.resolver, "resolver", "", "DNS server to ask for this run, host:port (overrides network.resolvers)")
	addNetworkFlags(pf, g)
	root.RunE = consoleRun(g)
	addConsoleOnly(root, g)
	addProfiling(root)
	root.AddCommand(newCheckCmd(g), newValidateCmd(g), newDNSCmd(g), newDemoCmd(g), newRunbookCmd(g), newEmailCmd(g), newSmokeCmd(g),
		newWatchCmd(g), newAlertCmd(g), newInitCmd(g), newAuditCmd(g), newHandoverCmd(g), newServeCmd(g), newTimelineCmd(g), newSecretsCmd(g), newLoadCmd(g))
	return root
}

// options turns flags into setup options.
func (g *globalFlags) options() setup.Options {
	return setup.Options{ConfigFlag: g.config, StateFlag: g.state, Resolver: g.resolver,
		ConnectTo: g.connectTo, CAFile: g.caFile, RDAPURL: g.rdapURL}
}

// openOffline opens the session for a command that only reads or writes local files
// (validate, alert status, runbook log and init): no network and no secrets needed, so
// an operator can run it without watch's environment. The caller closes it.
func (g *globalFlags) openOffline() (*setup.Session, error) {
	o := g.options()
	o.Offline = true
	return setup.Open(o)
}

func parseOnly(s string) ([]probes.Pane, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	ps, err := probes.ParsePanes(s)
	if err != nil {
		return nil, &exitError{exitUsage, fmt.Errorf("--only: %v", err)}
	}
	return ps, nil
}

// usageError marks flag and argument mistakes, with the pointer to help.
func usageError(cmd *cobra.Command, err error) error {
	return &exitError{exitUsage, fmt.Errorf("%s: %v\nRun '%s --help' for usage.", cmd.CommandPath(), err, cmd.CommandPath())}
}

// noArgs is cobra.NoArgs with the same message shape as a flag error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageError(cmd, fmt.Errorf("takes no arguments, got %q", args))
	}
	return nil
}

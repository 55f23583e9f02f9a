package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/launchready/launchready/internal/mailsend"
	"github.com/launchready/launchready/internal/paths"
	"github.com/launchready/launchready/internal/setup"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/mailauth"
	"github.com/launchready/launchready/probes/netx"
)

func newEmailCmd(g *globalFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "email",
		Short: "Email authentication: verify a received message, send a test message, prove it arrives",
		Args:  noArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newEmailVerifyCmd(g), newEmailSendTestCmd(g), newEmailRoundtripCmd(g))
	return cmd
}

// maxMessage bounds the message file read: mail providers cap messages near 25-50 MB.
const maxMessage = 50 << 20

func newEmailVerifyCmd(g *globalFlags) *cobra.Command {
	var (
		ipFlag string
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "verify FILE.eml",
		Short: "DKIM, SPF and DMARC verdicts for a received message (exit 0 when DMARC passes)",
		Long: `Check a received message the way its receiver did: every DKIM signature against the
published key, SPF for the connecting IP (from --ip, the Received-SPF header or the
receiving server's Received header), DMARC alignment and policy, and what the receiver
wrote in Authentication-Results. Save the message with your mail client's "Show
original" / "Download original" (FILE - reads standard input).

Works with or without a config: with one, DNS goes through its network settings; without,
through the system's resolvers or --resolver.

Each signature's domain and selector (d=, s=) is recorded in the state folder
(email-selectors.json, the newest 100), and the email pane checks the keys of those of
its sending domains from then on, as if they were listed in email.dkim_selectors. The
outcome (DMARC, DKIM and SPF results, the From domain and when; never the message) is
kept as the last verify in email-verify.json, for the handover pack.

Exit codes: 0 DMARC passes, 1 DMARC fails (or there is no DMARC policy), 2 the file is
not a message or the command could not run.`,
		Example: `  launchready email verify welcome.eml
  launchready email verify --ip 192.0.2.10 --json reset.eml`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError(cmd, fmt.Errorf("takes one message file, got %d arguments", len(args)))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			var o mailauth.VerifyOptions
			if ipFlag != "" {
				ip, err := netip.ParseAddr(ipFlag)
				if err != nil {
					return usageError(cmd, fmt.Errorf("--ip %q is not an IP address", ipFlag))
				}
				o.IP = ip
			}
			raw, err := readMessage(cmd.InOrStdin(), args[0])
			if err != nil {
				return &exitError{exitUsage, err}
			}
			n, stateDir, closer, err := verifyNet(g)
			if err != nil {
				return err
			}
			defer closer()
			ctx, cancel := context.WithTimeout(cmd.Context(), 30*time.Second)
			defer cancel()
			v, err := mailauth.VerifyMessage(ctx, n, raw, o)
			if err != nil {
				return &exitError{exitUsage, fmt.Errorf("%s: %v", args[0], err)}
			}
			// The selectors the message was signed with feed the email pane's DKIM
			// discovery; failing to record them does not change the verdict.
			if stateDir != "" {
				if rerr := mailauth.RecordSelectors(stateDir, args[0], time.Now(), v); rerr != nil {
					fmt.Fprintf(cmd.ErrOrStderr(), "note: the message's DKIM selectors were not recorded for the email pane: %v\n", rerr)
				}
				// The outcome (verdicts and From domain, never the message) is what the
				// handover pack shows as the last verify.
				if rerr := mailauth.RecordVerify(stateDir, time.Now(), v); rerr != nil {
					fmt.Fprintf(cmd.ErrOrStderr(), "note: this outcome was not recorded for the handover pack: %v\n", rerr)
				}
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				err = enc.Encode(v)
			} else {
				err = v.WriteText(cmd.OutOrStdout())
			}
			if err != nil {
				return &exitError{exitUsage, fmt.Errorf("cannot write the verdict: %w", err)}
			}
			if !v.Pass() {
				return &exitError{code: exitFindings}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&ipFlag, "ip", "", "the sending server's IP, when the headers do not show it (or to check another)")
	f.BoolVar(&asJSON, "json", false, "print the verdict as JSON")
	return cmd
}

// readMessage reads the file ("-" is standard input), at most maxMessage bytes.
func readMessage(stdin io.Reader, name string) ([]byte, error) {
	r := stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("cannot read the message: %v", err)
		}
		defer f.Close()
		r = f
	}
	raw, truncated, err := netx.ReadLimited(r, maxMessage)
	switch {
	case err != nil:
		return nil, fmt.Errorf("cannot read the message %s: %v", name, err)
	case truncated:
		return nil, fmt.Errorf("%s is over %d MB: that is not one email message", name, maxMessage>>20)
	}
	return raw, nil
}

// verifyNet is the network for verify: the config's when there is one (so staging and lab
// overrides apply), else the system's resolvers or --resolver. It also returns the state
// folder where the message's selectors are recorded ("" when there is none).
func verifyNet(g *globalFlags) (*netx.Net, string, func(), error) {
	if _, err := paths.ConfigFile(g.config, os.Getenv); err == nil {
		o := g.options()
		o.Offline = true // verify needs no secrets
		o.Only = []probes.Pane{probes.PaneEmail}
		s, err := setup.Open(o)
		if err != nil {
			return nil, "", nil, err
		}
		return s.Net, s.StateDir, func() { s.Close() }, nil
	}
	var nc netx.Config
	if g.resolver != "" {
		nc.Resolvers = []string{g.resolver}
	}
	n, err := netx.New(nc)
	if err != nil {
		return nil, "", nil, &exitError{exitUsage, err}
	}
	stateDir, _ := paths.StateDir(g.state, "", os.Getenv) // none: nothing is recorded
	return n, stateDir, func() {}, nil
}

func newEmailSendTestCmd(g *globalFlags) *cobra.Command {
	var (
		to     string
		force  bool
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "send-test",
		Short: "Send a test message through the configured SMTP server and record it",
		Long: `Send a test message through email.smtp (STARTTLS or implicit TLS, login with the password
reference email.smtp.password) to --to or email.test_recipient. The subject carries a
unique token (lr-...) to find it by, and every attempt is recorded in the state folder
(email-send-test.json).

If the connection drops after the message was handed over, it may have been delivered:
the attempt is recorded as unknown and the next send-test refuses until you have looked
for the token in the inbox and pass --force. Nothing is ever retried automatically.

Exit codes: 0 the server accepted the message, 1 it was not (or may not have been) sent,
2 usage or config error.`,
		Example: `  launchready email send-test --to ops@acme.example
  launchready email send-test --json            # to email.test_recipient`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o := g.options()
			o.Only = []probes.Pane{probes.PaneEmail}
			s, err := setup.Open(o)
			if err != nil {
				return err
			}
			defer s.Close()
			cfg := mailauth.ConfigOf(s.Checks)
			if cfg == nil {
				return &exitError{exitUsage, errors.New("the config has no email domain to send from: set domain (or email.domains)")}
			}
			if to == "" {
				to = cfg.TestRecipient
			}
			var password string
			if cfg.SMTP.Password != nil {
				password = cfg.SMTP.Password.Value()
			}
			a, err := mailsend.Send(cmd.Context(), mailsend.Options{
				SMTP: cfg.SMTP, Password: password, To: to, StateDir: s.StateDir,
				Dial: s.Net.DialContext, TLSConfig: s.Net.TLSConfig, Force: force,
			})
			if a != nil {
				s.Log.Info("email send-test", "token", a.Token, "to", a.To, "server", a.Server, "state", a.State)
			}
			if asJSON && a != nil {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				if werr := enc.Encode(a); werr != nil {
					return &exitError{exitUsage, werr}
				}
			}
			if err != nil {
				if a != nil { // an attempt was made (or held back): the test failed, not the config
					return &exitError{exitFindings, err}
				}
				return &exitError{exitUsage, err}
			}
			if !asJSON {
				fmt.Fprintf(cmd.OutOrStdout(), "✔ sent %s to %s through %s at %s\n  server: %s\n  find it by the subject \"Launch Ready test email %s\"; check it with: launchready email verify FILE.eml\n",
					a.Token, a.To, a.Server, a.Finished.Format(time.RFC3339), a.Reply, a.Token)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&to, "to", "", "recipient (default email.test_recipient)")
	f.BoolVar(&force, "force", false, "send even though the previous attempt may have been delivered")
	f.BoolVar(&asJSON, "json", false, "print the attempt as JSON")
	return cmd
}

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/launchready/launchready/internal/mailsend"
	"github.com/launchready/launchready/internal/roundtrip"
	"github.com/launchready/launchready/internal/setup"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/mailauth"
)

func newEmailRoundtripCmd(g *globalFlags) *cobra.Command {
	var (
		asJSON bool
		only   []string
		force  bool
		rt     mailauth.Roundtrip
	)
	cmd := &cobra.Command{
		Use:   "roundtrip",
		Short: "Send the test message to each test inbox and judge it where it landed",
		Long: `Prove that mail arrives: log in to each test inbox in email.inboxes (IMAP over TLS), send
the test message there (as send-test does, through email.smtp, with a unique lr-... token),
and wait for it in the inbox and the spam folders (IDLE where the server offers it, else
polling; at most email.roundtrip.wait, default 2m). For each inbox it reports where the
message landed (inbox or spam) and how long it took, what the provider concluded in its
own Authentication-Results (dkim, spf, dmarc with their domains), our own verdict from the
message as received (every DKIM signature, SPF for the IP in the provider's Received
line, DMARC alignment: what "email verify" does), and every point where the two disagree.
The test message is then deleted (email.roundtrip.keep: true, or --keep, leaves it).

The last round trip is recorded in the state folder (email-roundtrip.json).

Exit codes: 0 every inbox got the message in its inbox, authenticated and aligned, the
provider agreeing; 1 any inbox did not (spam, missing, failing, a disagreement, an inbox
that could not be read); 2 usage or config error, or no inbox could be read at all.`,
		Example: `  launchready email roundtrip
  launchready email roundtrip --inbox gmail --wait 5m --json`,
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
			switch {
			case cfg == nil:
				return &exitError{exitUsage, errors.New("the config has no email domain to send from: set domain (or email.domains)")}
			case len(cfg.Inboxes) == 0:
				return &exitError{exitUsage, errors.New("the config lists no test inboxes: add email.inboxes (see examples/launchready.yaml) with an IMAP login to a mailbox at the provider your members use")}
			case !cfg.SMTP.Configured():
				return &exitError{exitUsage, errors.New("email.smtp.host is not set: the round trip sends through the same submission server as send-test")}
			}
			inboxes, err := pickInboxes(cfg.Inboxes, only)
			if err != nil {
				return usageError(cmd, err)
			}
			if cmd.Flags().Changed("wait") {
				if rt.Wait < time.Second || rt.Wait > 30*time.Minute {
					return usageError(cmd, fmt.Errorf("--wait %s is not usable: wait between 1s and 30m", rt.Wait))
				}
				cfg.Roundtrip.Wait = rt.Wait
			}
			if rt.Keep {
				cfg.Roundtrip.Keep = true
			}
			var smtpPassword string
			if cfg.SMTP.Password != nil {
				smtpPassword = cfg.SMTP.Password.Value()
			}
			rep := roundtrip.Run(cmd.Context(), roundtrip.Options{
				Inboxes: inboxes,
				Password: func(in mailauth.Inbox) string {
					if in.Password == nil {
						return ""
					}
					return in.Password.Value()
				},
				Send: func(ctx context.Context, to string) (*mailsend.Attempt, error) {
					a, err := mailsend.Send(ctx, mailsend.Options{
						SMTP: cfg.SMTP, Password: smtpPassword, To: to, StateDir: s.StateDir,
						Dial: s.Net.DialContext, TLSConfig: s.Net.TLSConfig, Force: force,
					})
					if a != nil {
						s.Log.Info("email roundtrip sent", "token", a.Token, "to", a.To, "state", a.State)
					}
					return a, err
				},
				Resolver: s.Net, Dial: s.Net.DialContext, TLSConfig: s.Net.TLSConfig,
				Wait: cfg.Roundtrip.Wait, Keep: cfg.Roundtrip.Keep,
				Secrets: s.Config.SecretValues(),
			})
			for _, r := range rep.Inboxes {
				s.Log.Info("email roundtrip", "inbox", r.Inbox, "token", r.Token, "status", r.Status, "folder", r.Folder, "delay_s", r.DelaySeconds, "error", r.Error)
			}
			if s.StateDir != "" {
				if err := roundtrip.Save(s.StateDir, rep); err != nil {
					fmt.Fprintf(cmd.ErrOrStderr(), "note: %v\n", err)
				}
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				err = enc.Encode(rep)
			} else {
				err = rep.WriteText(cmd.OutOrStdout())
			}
			if err != nil {
				return &exitError{exitUsage, fmt.Errorf("cannot write the round trip: %w", err)}
			}
			switch {
			case rep.AllErrors():
				return &exitError{exitUsage, errors.New("no test inbox could be read: see each inbox's error above")}
			case rep.Failed():
				return &exitError{code: exitFindings}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&asJSON, "json", false, "print the round trip as JSON")
	f.StringSliceVar(&only, "inbox", nil, "only these test inboxes (by name; repeat or comma-separate)")
	f.DurationVar(&rt.Wait, "wait", mailauth.DefaultRoundtripWait, "how long to wait for the message in each inbox (default email.roundtrip.wait)")
	f.BoolVar(&rt.Keep, "keep", false, "leave the test messages in the inboxes")
	f.BoolVar(&force, "force", false, "send even though the previous send-test attempt may have been delivered")
	return cmd
}

// pickInboxes keeps the inboxes named by --inbox (all when none is named).
func pickInboxes(all []mailauth.Inbox, only []string) ([]mailauth.Inbox, error) {
	if len(only) == 0 {
		return all, nil
	}
	var out []mailauth.Inbox
	var names []string
	for _, in := range all {
		names = append(names, in.Name)
	}
	for _, n := range only {
		i := slices.IndexFunc(all, func(in mailauth.Inbox) bool { return in.Name == n })
		if i < 0 {
			return nil, fmt.Errorf("--inbox %q is not in email.inboxes (%s)", n, strings.Join(names, ", "))
		}
		out = append(out, all[i])
	}
	return out, nil
}

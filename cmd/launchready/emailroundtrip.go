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
		asJSON  bool
		only    []string
		force   bool
		rt      mailauth.Roundtrip
		trigger string
		format  string
		labName string
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

With --trigger NAME (reset, invite, signup or receipt) the app sends the mail instead:
the console makes the request of email.triggers' entry (an endpoints.checks entry, with
its session and secret headers), waits for the mail whose subject (and sender) the
trigger names in the test user's inbox, judges it as above, and checks its links: each
must point at canonical_url's host over https and carry no parameter that sends members
elsewhere; the links a member acts on (reset, confirm, invite, receipt) are opened once,
never followed, and must answer 2xx or redirect into the app.

The last round trip is recorded in the state folder (email-roundtrip.json).

Exit codes: 0 every inbox got the message in its inbox, authenticated and aligned, the
provider agreeing; 1 any inbox did not (spam, missing, failing, a disagreement, an inbox
that could not be read); 2 usage or config error, or no inbox could be read at all.`,
		Example: `  launchready email roundtrip
  launchready email roundtrip --inbox gmail --wait 5m --json
  launchready email roundtrip --trigger reset
  launchready email roundtrip --format md > inbox-results.md
  launchready email roundtrip --lab healthy      # against the built-in lab's test inbox`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if asJSON {
				format = "json"
			}
			switch format {
			case "text", "json", "md":
			default:
				return usageError(cmd, fmt.Errorf("--format %q is not a format: use text, json or md", format))
			}
			o := g.options()
			if cmd.Flags().Changed("lab") {
				o.Lab = labName
			}
			o.Only = []probes.Pane{probes.PaneEmail}
			if trigger != "" {
				o.Only = append(o.Only, probes.PaneEndpoints) // the trigger's request is an endpoint check
			}
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
			case trigger == "" && !cfg.SMTP.Configured():
				return &exitError{exitUsage, errors.New("email.smtp.host is not set: the round trip sends through the same submission server as send-test")}
			}
			inboxes, err := pickInboxes(cfg.Inboxes, only)
			if err != nil {
				return usageError(cmd, err)
			}
			var tr *triggerRun
			if trigger != "" {
				if tr, err = newTriggerRun(s, cfg, trigger, cmd.Flags().Changed("inbox"), only); err != nil {
					return usageError(cmd, err)
				}
				inboxes = tr.inboxes
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
			ro := roundtrip.Options{
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
			}
			var rep *roundtrip.Report
			if tr != nil {
				if cmd.Flags().Changed("wait") {
					tr.opts.Trigger.Wait = rt.Wait
				}
				tr.opts.Options = ro
				rep = roundtrip.RunTrigger(cmd.Context(), tr.opts)
			} else {
				rep = roundtrip.Run(cmd.Context(), ro)
			}
			for _, r := range rep.Inboxes {
				s.Log.Info("email roundtrip", "inbox", r.Inbox, "token", r.Token, "status", r.Status, "folder", r.Folder, "delay_s", r.DelaySeconds, "error", r.Error)
			}
			if s.StateDir != "" {
				if err := roundtrip.Save(s.StateDir, rep); err != nil {
					fmt.Fprintf(cmd.ErrOrStderr(), "note: %v\n", err)
				}
			}
			if format == "md" {
				err = roundtrip.WriteMarkdown(cmd.OutOrStdout(), rep)
			} else if format == "json" {
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
	f.BoolVar(&asJSON, "json", false, "print the round trip as JSON (--format json)")
	f.StringVar(&format, "format", "text", "text, json, or md: the sample results table for the handover")
	f.StringSliceVar(&only, "inbox", nil, "only these test inboxes (by name; repeat or comma-separate)")
	f.DurationVar(&rt.Wait, "wait", mailauth.DefaultRoundtripWait, "how long to wait for the message in each inbox (default email.roundtrip.wait)")
	f.BoolVar(&rt.Keep, "keep", false, "leave the test messages in the inboxes")
	f.BoolVar(&force, "force", false, "send even though the previous send-test attempt may have been delivered")
	f.StringVar(&trigger, "trigger", "", "make the app send its own mail instead: reset, invite, signup or receipt (email.triggers)")
	f.StringVar(&labName, "lab", "demo", "round trip through the built-in lab's mail world with this scenario (demo files the message in spam, healthy in the inbox); uses the example config unless --config is given")
	f.Lookup("lab").NoOptDefVal = "demo"
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

// triggerRun is --trigger's round trip, made ready from the config.
type triggerRun struct {
	inboxes []mailauth.Inbox
	opts    roundtrip.TriggerOptions
}

// newTriggerRun finds the trigger, its inbox and its request. The request is the endpoint
// check the trigger names, run as the console runs it (its session, secret headers and
// redaction), so no second HTTP client with its own idea of the app exists.
func newTriggerRun(s *setup.Session, cfg *mailauth.Config, name string, inboxFlag bool, only []string) (*triggerRun, error) {
	tr, ok := cfg.TriggerNamed(name)
	if !ok {
		var names []string
		for _, t := range cfg.Triggers {
			names = append(names, t.Name)
		}
		if len(names) == 0 {
			return nil, fmt.Errorf("--trigger %s: the config has no email.triggers; add one naming the endpoints.checks entry that makes the app send this mail and the subject to recognise it by", name)
		}
		return nil, fmt.Errorf("--trigger %s is not in email.triggers (%s)", name, strings.Join(names, ", "))
	}
	inbox := tr.Inbox
	if inboxFlag {
		if len(only) != 1 {
			return nil, errors.New("--trigger reads one inbox, the test user's: give --inbox once, or leave it out for the trigger's inbox")
		}
		inbox = only[0]
	}
	inboxes, err := pickInboxes(cfg.Inboxes, []string{inbox})
	if err != nil {
		return nil, err
	}
	env := probes.Env{Config: s.Config, Net: s.Net, Now: time.Now, Log: s.Log, StateDir: s.StateDir}
	opts, err := roundtrip.NewTrigger(env, s.Checks, tr)
	if err != nil {
		return nil, err
	}
	fire := opts.Fire
	opts.Fire = func(ctx context.Context) error {
		err := fire(ctx)
		s.Log.Info("email roundtrip trigger", "trigger", name, "check", tr.Check, "taken", err == nil)
		return err
	}
	return &triggerRun{inboxes: inboxes, opts: opts}, nil
}

package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/launchready/launchready/internal/alert"
	"github.com/launchready/launchready/internal/redact"
	"github.com/launchready/launchready/internal/setup"
)

func newAlertCmd(g *globalFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "alert",
		Short: "Alerts: what is firing now (status), a test through each channel (test)",
		Args:  noArgs,
	}
	cmd.AddCommand(newAlertTestCmd(g), newAlertStatusCmd(g))
	return cmd
}

func newAlertTestCmd(g *globalFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "test [CHANNEL]",
		Short: "Send a test alert through every channel (or one) and say which work",
		Long: `Send a test alert now through each channel of the alerts: section (or only CHANNEL),
without queueing or grouping, and report per channel whether it was delivered, with the
error when not. Secrets are never printed.

Exit codes: 0 every channel delivered, 1 at least one failed, 2 usage or config error
(no alerts section, an unknown channel, a secret that is not set).`,
		Example: `  launchready alert test              # every channel
  launchready alert test ops-slack    # one`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageError(cmd, fmt.Errorf("takes at most one channel name, got %q", args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := setup.Open(g.options())
			if err != nil {
				return err
			}
			defer s.Close()
			out := cmd.OutOrStdout()
			for _, n := range s.Notes {
				fmt.Fprintln(cmd.ErrOrStderr(), "note:", n)
			}
			if s.Alerts == nil || len(s.Alerts.Channels) == 0 {
				return &exitError{exitUsage, fmt.Errorf("%s has no alerts.channels to test; examples/launchready.yaml documents the alerts: section", s.Config.File)}
			}
			channels := s.Alerts.Channels
			if len(args) == 1 {
				ch, ok := s.Alerts.Channel(args[0])
				if !ok {
					return &exitError{exitUsage, fmt.Errorf("no channel is named %q; the config has: %s", args[0], strings.Join(s.Alerts.ChannelNames(), ", "))}
				}
				channels = []alert.Channel{ch}
			}
			red, err := redact.New(redact.Options{Values: redact.WithURLParts(s.Config.SecretValues())})
			if err != nil {
				return &exitError{exitUsage, err}
			}
			failed := 0
			var tested []alert.TestResult
			width := 0
			for _, ch := range channels {
				width = max(width, len(ch.Name)+len(ch.Kind())+3)
			}
			for _, ch := range channels {
				label := fmt.Sprintf("%s (%s)", ch.Name, ch.Kind())
				start := time.Now()
				err := testChannel(cmd.Context(), ch, s, red)
				rec := alert.TestResult{Channel: ch.Name, Kind: ch.Kind(), Time: start.UTC(), OK: err == nil}
				if err != nil {
					rec.Error = red.String(err.Error())
				}
				tested = append(tested, rec)
				if err != nil {
					failed++
					fmt.Fprintf(out, "✖ %-*s  failed: %s\n", width, label, red.String(err.Error()))
					continue
				}
				fmt.Fprintf(out, "✔ %-*s  delivered in %s\n", width, label, time.Since(start).Round(time.Millisecond))
			}
			// Recorded for the handover pack's routing guide: when each channel was last proven.
			if s.StateDir != "" {
				if err := alert.SaveTests(s.StateDir, tested...); err != nil {
					fmt.Fprintln(cmd.ErrOrStderr(), "note: the test results were not recorded:", err)
				}
			}
			if failed > 0 {
				return &exitError{exitFindings, fmt.Errorf("%d of %d channel(s) failed; alerts through them would reach nobody", failed, len(channels))}
			}
			return nil
		},
	}
}

func testChannel(ctx context.Context, ch alert.Channel, s *setup.Session, red *redact.Redactor) error {
	snd, err := alert.NewSender(ch, alert.SenderOptions{RootCAs: s.Net.RootCAs()})
	if err != nil {
		return err
	}
	err = alert.Test(ctx, ch, snd, s.Config.Product, s.Config.Domain, time.Now(), red)
	if errors.Is(err, context.Canceled) {
		return errors.New("interrupted")
	}
	return err
}

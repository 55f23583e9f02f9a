package main

import (
	"strings"
	"testing"
)

// TestEmailRoundtripLab runs the real binary's round trip against the built-in lab's mail
// world with the example config: the healthy scenario delivers the test message to the
// member's inbox, authenticated; the demo scenario files it in Junk, which is a failure
// (exit 1). The lab's test passwords are public values, but like any password they must
// not be printed.
func TestEmailRoundtripLab(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		scenario, want string
		code           int
	}{
		{"healthy", "delivered to the inbox", 0},
		{"demo", "delivered to SPAM (Junk)", 1},
	} {
		t.Run(tc.scenario, func(t *testing.T) {
			t.Parallel()
			out, stderr, code := launch(t, nil, "email", "roundtrip", "--lab="+tc.scenario, "--wait", "20s")
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, out, stderr)
			}
			for _, want := range []string{
				"member (member@acme.example)",
				tc.want,
				"receiver imap.mailprovider.example: dkim=pass (acme.example) spf=pass (acme.example) dmarc=pass (acme.example)",
				"our check:  dkim=pass (acme.example) spf=pass (acme.example) dmarc=pass (acme.example)",
				"the test message was deleted",
			} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			for _, secret := range []string{"lab-smtp-submission-0d3f", "lab-imap-member-91b2"} {
				if strings.Contains(out+stderr, secret) {
					t.Errorf("a password was printed:\n%s\n%s", out, stderr)
				}
			}
		})
	}
}

// TestEmailRoundtripTriggerLab makes the lab's app send its own password-reset mail: the
// example config's reset trigger POSTs /forgot-password, the lab's app submits the mail
// to the mail world (STARTTLS, login, DKIM-signed with lr1), and the command finds it,
// judges it and opens its reset link once on the canonical origin. healthy delivers it to
// the inbox (exit 0, no false alarm); demo files it in Junk (exit 1).
func TestEmailRoundtripTriggerLab(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		scenario, want string
		code           int
	}{
		{"healthy", "delivered to the inbox", 0},
		{"demo", "delivered to SPAM (Junk)", 1},
	} {
		t.Run(tc.scenario, func(t *testing.T) {
			t.Parallel()
			out, stderr, code := launch(t, nil, "email", "roundtrip", "--trigger", "reset", "--lab="+tc.scenario, "--wait", "20s")
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, out, stderr)
			}
			for _, want := range []string{
				"Email round trip of the app's reset mail",
				tc.want,
				"receiver imap.mailprovider.example: dkim=pass (acme.example) spf=pass (acme.example) dmarc=pass (acme.example)",
				"our check:  dkim=pass (acme.example) spf=pass (acme.example) dmarc=pass (acme.example)",
				"subject: Reset your Acme password",
				"✔ link https://app.acme.example/reset/… answers 200",
				"the reset mail was deleted",
			} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			for _, secret := range []string{"lab-smtp-submission-0d3f", "lab-imap-member-91b2"} {
				if strings.Contains(out+stderr, secret) {
					t.Errorf("a password was printed:\n%s\n%s", out, stderr)
				}
			}
		})
	}
}

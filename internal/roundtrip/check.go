package roundtrip

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/internal/mailsend"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/mailauth"
)

// Finding IDs of the round-trip check.
const (
	FindingMissing      = "email.roundtrip-missing"
	FindingSpam         = "email.roundtrip-spam"
	FindingUnauth       = "email.roundtrip-unauthenticated"
	FindingDisagreement = "email.roundtrip-disagreement"
	FindingSlow         = "email.roundtrip-slow"
	FindingUnreadable   = "email.roundtrip-unreadable"
	FindingLink         = "email.roundtrip-link"
)

// Metrics of the round-trip checks, kept in the history under these names.
const (
	// MetricDelay is the slowest delivery of the run, in seconds.
	MetricDelay = "delivery_delay_s"
	// MetricFolder is where the mail landed, the worst of the run: FolderInbox,
	// FolderSpam or FolderMissing.
	MetricFolder = "delivery_folder"
	// MetricDKIM, MetricSPF and MetricDMARC are the receiving provider's verdicts (ours
	// where it wrote none): 1 every delivered copy passed, 0 one did not.
	MetricDKIM  = "dkim_pass"
	MetricSPF   = "spf_pass"
	MetricDMARC = "dmarc_pass"
)

// MetricFolder's values.
const (
	FolderInbox   = 0
	FolderSpam    = 1
	FolderMissing = 2
)

// slowDelay is when a delivery counts as slow: a member waiting for a reset mail gives
// up and asks support after about a minute.
const slowDelay = 60 * time.Second

// Check is the round trip as an Email pane check (email.roundtrip.every): each run sends
// the test message to every test inbox and judges where it landed.
type Check struct {
	info probes.CheckInfo
	// run makes one round trip (Run with the session's SMTP, passwords and network).
	run func(ctx context.Context) *Report
	// stateDir records the last round trip for the handover ("" records nothing).
	stateDir string
	// gate makes the session's round trips one at a time (Wire shares it between the
	// test message's check, the triggers' and the smoke flow's reset step): two at once in
	// one inbox would each see, and delete, the other's mail. nil: no other round trip.
	gate gate
}

func (c *Check) Info() probes.CheckInfo { return c.info }

// Run makes the round trip and turns each inbox's outcome into findings; the figures
// (worst delay, inboxes that got it in the inbox) go to Metrics for the history.
func (c *Check) Run(ctx context.Context) probes.Result {
	leave, err := c.gate.enter(ctx)
	if err != nil {
		return probes.Result{Err: err.Error()}
	}
	defer leave()
	rep := c.run(ctx)
	if c.stateDir != "" {
		_ = Save(c.stateDir, rep) // the record is a convenience; the result carries everything
	}
	return c.result(rep)
}

func (c *Check) result(rep *Report) probes.Result {
	res := probes.Result{Data: rep, Metrics: map[string]float64{}}
	if rep.AllErrors() {
		res.Err = rep.Inboxes[0].Error
		return res
	}
	var worst float64
	inInbox, folder, delivered := 0, float64(FolderInbox), 0
	pass := map[string]bool{"dkim": true, "spf": true, "dmarc": true}
	var parts []string
	for _, x := range rep.Inboxes {
		target := x.Inbox + " (" + x.Address + ")"
		what, label := "Mail to "+x.Inbox, "mail "+x.Inbox
		if x.Trigger != "" {
			what, label = "The "+x.Trigger+" mail to "+x.Inbox, x.Trigger+" mail"
			target = x.Trigger + " mail → " + target
		}
		add := func(id string, sev probes.Severity, title, detail, fix string, ev ...string) {
			res.Findings = append(res.Findings, probes.Finding{ID: id, Severity: sev, Impact: probes.Onboarding, Target: target,
				Title: title, Detail: detail, Fix: fix, Evidence: ev})
		}
		switch x.Status {
		case StatusError:
			add(FindingUnreadable, probes.Medium, "The test inbox "+x.Inbox+" could not be read", x.Error, "fix the inbox's login or server in email.inboxes; until then this provider is not watched")
			parts = append(parts, label+": unreadable")
			continue
		case StatusMissing:
			folder = FolderMissing
			never := "The test message never arrived at " + x.Inbox
			if x.Trigger != "" {
				never = "The " + x.Trigger + " mail never arrived at " + x.Inbox
			}
			add(FindingMissing, probes.Critical, never,
				fmt.Sprintf("sent through email.smtp, not in the inbox or the spam folders (%s) after %s: members at this provider get no reset, invite or receipt mail", strings.Join(x.Looked, ", "), time.Duration(rep.WaitSeconds*float64(time.Second))),
				"look for a bounce or a suppression list at the sending provider, then the receiving provider's quarantine; run `launchready email roundtrip --inbox "+x.Inbox+"` to retry")
			parts = append(parts, label+": not delivered")
			continue
		case StatusSpam:
			folder = max(folder, FolderSpam)
			detail := "the test message was filed in " + x.Folder + ": members at this provider will not see reset or invite mail"
			if x.Trigger != "" {
				detail = "the app's " + x.Trigger + " mail was filed in " + x.Folder + ": " + triggerImpact(x.Trigger)
			}
			title := what + " lands in spam (" + x.Folder + ")"
			if x.Trigger != "" {
				title = triggerMail(x.Trigger) + " lands in spam (" + x.Folder + "): " + triggerCost(x.Trigger)
			}
			add(FindingSpam, probes.High, title, detail,
				"check the authentication below; then the provider's postmaster tools (reputation, complaint rate) and the message content")
		case StatusInbox:
			inInbox++
		}
		worst = max(worst, x.DelaySeconds)
		delivered++
		for m, ok := range authPasses(x) {
			pass[m] = pass[m] && ok
		}
		for _, l := range x.Links {
			if l.Problem != "" {
				add(FindingLink, probes.High, what+" has a broken link", l.URL+": "+l.Problem,
					"make the app build its links from canonical_url (https, the canonical host) and check the page they open", l.URL)
			}
		}
		if len(x.Ours) > 0 && !x.DMARCPass {
			add(FindingUnauth, probes.High, what+" is not authenticated and aligned", "as received: "+joinAuth(x.Ours, ""),
				"run `launchready email verify` on a saved copy for the reason; usually the DKIM key or SPF record of the sending provider", joinAuth(x.Ours, ""))
		}
		if len(x.Disagreements) > 0 {
			add(FindingDisagreement, probes.Medium, "The provider at "+x.Inbox+" and our check disagree", strings.Join(x.Disagreements, "; "),
				"read each disagreement: a key being rotated, a message changed in transit, or another hop judged", x.Disagreements...)
		}
		if d := time.Duration(x.DelaySeconds * float64(time.Second)); d > slowDelay {
			add(FindingSlow, probes.Low, fmt.Sprintf("%s took %s to arrive", what, d.Round(time.Second)), "a member waiting for a reset mail gives up after about a minute",
				"greylisting or a queue at the sending provider: look at its delivery logs for this message")
		}
		parts = append(parts, fmt.Sprintf("%s: %s to %s, %s", label, DelayText(x.DelaySeconds), x.Status, authMarks(x)))
	}
	res.Summary = strings.Join(parts, "; ")
	res.Metrics[MetricFolder] = folder
	if delivered > 0 {
		res.Metrics[MetricDelay] = worst
		res.Metrics[MetricDKIM], res.Metrics[MetricSPF], res.Metrics[MetricDMARC] = b2f(pass["dkim"]), b2f(pass["spf"]), b2f(pass["dmarc"])
	}
	res.Metrics["inboxes_ok"] = float64(inInbox)
	res.Metrics["inboxes"] = float64(len(rep.Inboxes))
	return res
}

// triggerMail names the app's mail of that kind in a risk row.
func triggerMail(trigger string) string {
	switch trigger {
	case "reset":
		return "Password-reset mail"
	case "signup":
		return "Sign-up confirmation"
	}
	return strings.ToUpper(trigger[:1]) + trigger[1:] + " mail"
}

// triggerCost is what the business loses, short enough for a risk row.
func triggerCost(trigger string) string {
	switch trigger {
	case "reset":
		return "members cannot get back in"
	case "invite":
		return "invited members never join"
	case "signup":
		return "sign-ups stall"
	case "receipt":
		return "members get no receipt"
	}
	return "members miss it"
}

// triggerImpact is what a member misses when the app's mail of that kind is not seen.
func triggerImpact(trigger string) string {
	switch trigger {
	case "reset":
		return "members who forgot their password cannot get back in; expect support tickets and lost renewals"
	case "invite":
		return "invited members never join"
	case "signup":
		return "new members cannot confirm their address and stall at sign-up"
	case "receipt":
		return "paying members get no receipt; expect billing questions and chargebacks"
	}
	return "members will not see it"
}

// DelayText is a delivery delay as the console shows it: "<1 s", "12 s", "2m5s".
func DelayText(s float64) string {
	switch {
	case s < 1:
		return "<1 s"
	case s < 60:
		return fmt.Sprintf("%.0f s", s)
	}
	return time.Duration(s * float64(time.Second)).Round(time.Second).String()
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// authPasses is the provider's verdict (ours when it wrote none) per method: dkim passes
// when any signature does.
func authPasses(x Result) map[string]bool {
	marks := authMarks(x)
	out := map[string]bool{}
	for _, m := range []string{"DKIM", "SPF", "DMARC"} {
		out[strings.ToLower(m)] = strings.Contains(marks, m+" ✔")
	}
	return out
}

// authMarks is the provider's verdict (ours when it wrote none) as "DKIM ✔ SPF ✔ DMARC ✔".
func authMarks(x Result) string {
	list := x.Ours
	if x.Receiver != nil && len(x.Receiver.Results) > 0 {
		list = x.Receiver.Results
	}
	var out []string
	for _, m := range []string{"dkim", "spf", "dmarc"} {
		mark := "–"
		for _, a := range list {
			if a.Method == m {
				if a.Result == "pass" {
					mark = "✔"
				} else {
					mark = "✖"
				}
				if mark == "✖" || m != "dkim" {
					break
				}
			}
		}
		out = append(out, strings.ToUpper(m)+" "+mark)
	}
	return strings.Join(out, " ")
}

// Kind registers the round trip as an Email pane check. It is built only when
// email.roundtrip.every is set: each run sends a real message to every test inbox.
var Kind = probes.Kind{
	Name: "email-roundtrip",
	Pane: probes.PaneEmail,
	Doc:  "sends the test message to each test inbox every email.roundtrip.every and judges where it landed",
	Build: func(env probes.Env) ([]probes.Check, error) {
		c, err := mailauth.DecodeConfig(env.Config)
		if err != nil || every(c, env) == 0 || len(c.Inboxes) == 0 || !c.SMTP.Configured() {
			return nil, nil // the email kind reports the section's errors once
		}
		o := inboxOptions(c, env)
		o.Send = sendVia(c.SMTP, env)
		ch := &Check{stateDir: env.StateDir, run: func(ctx context.Context) *Report {
			o := o
			o.Secrets = env.Config.SecretValues() // resolved after Build: read at run time
			return Run(ctx, o)
		},
			info: probes.CheckInfo{Name: "email round trip", Kind: "email-roundtrip", Pane: probes.PaneEmail, Target: inboxCount(len(c.Inboxes)),
				Interval: every(c, env), Timeout: c.Roundtrip.Wait + 2*time.Minute}}
		return []probes.Check{ch}, nil
	},
}

// sendVia is Options.Send for the check: mailsend through email.smtp on the session's
// network, its attempts recorded beside send-test's.
func sendVia(smtp mailauth.SMTP, env probes.Env) func(ctx context.Context, to string) (*mailsend.Attempt, error) {
	return func(ctx context.Context, to string) (*mailsend.Attempt, error) {
		o := mailsend.Options{SMTP: smtp, Password: secretValue(smtp.Password), To: to, StateDir: env.StateDir, Now: env.Now}
		if env.Net != nil {
			o.Dial, o.TLSConfig = env.Net.DialContext, env.Net.TLSConfig
		}
		return mailsend.Send(ctx, o)
	}
}

func secretValue(s *config.Secret) string {
	if s == nil {
		return ""
	}
	return s.Value()
}

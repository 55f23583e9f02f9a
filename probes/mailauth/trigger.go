package mailauth

import (
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"
)

// Trigger is one of email.triggers: a request the console makes so the app sends one of
// its own membership mails to the test user, and how to recognise that mail in the test
// user's inbox. The request is an endpoint check (endpoints.checks), so its URL, body,
// session and secret headers are configured, validated and redacted in one place.
type Trigger struct {
	// Name is the kind of mail: reset, invite, signup or receipt (`--trigger NAME`).
	Name string `yaml:"name"`
	// Check names the endpoints.checks entry whose request makes the app send the mail,
	// like the smoke flow's password_reset.
	Check string `yaml:"check"`
	// Inbox names the test inbox (email.inboxes) of the user the mail goes to; default
	// the first inbox.
	Inbox string `yaml:"inbox"`
	// From is the sender address the mail must come from; empty accepts any sender.
	From string `yaml:"from"`
	// Subject is text the mail's subject contains ("Reset your password"): it is how the
	// mail is told apart from everything else arriving in the inbox.
	Subject string `yaml:"subject"`
	// Wait bounds the wait for the mail; default email.roundtrip.wait.
	Wait time.Duration `yaml:"wait"`
}

// TriggerNames are the membership mails a trigger can stand for, as the roadmap names them.
var TriggerNames = []string{"reset", "invite", "signup", "receipt"}

// TriggerNamed is the configured trigger of that name; false when there is none.
func (c *Config) TriggerNamed(name string) (Trigger, bool) {
	i := slices.IndexFunc(c.Triggers, func(t Trigger) bool { return t.Name == name })
	if i < 0 {
		return Trigger{}, false
	}
	return c.Triggers[i], true
}

// checkTriggers validates and defaults email.triggers; it runs after the inboxes are
// checked, so a trigger's inbox is known.
func (c *Config) checkTriggers(errAt func(path, msg, fix string), errWithin func(path, within, msg, fix string)) {
	seen := map[string]bool{}
	for i := range c.Triggers {
		tr := &c.Triggers[i]
		item := fmt.Sprintf("email.triggers[%d]", i)
		at := func(key string) string { return item + "." + key }
		tr.Name = strings.ToLower(strings.TrimSpace(tr.Name))
		switch {
		case !slices.Contains(TriggerNames, tr.Name):
			errWithin(at("name"), item, fmt.Sprintf("%q is not a trigger Launch Ready knows", tr.Name), "name it one of "+strings.Join(TriggerNames, ", ")+": the mail the request makes the app send")
		case seen[tr.Name]:
			errAt(at("name"), fmt.Sprintf("trigger %q is listed twice", tr.Name), "keep one trigger per kind of mail")
		}
		seen[tr.Name] = true
		if tr.Check == "" {
			errWithin(at("check"), item, "the trigger names no request", "set check to the name of the endpoints.checks entry that makes the app send this mail (the smoke flow's password_reset, for a reset)")
		}
		if strings.TrimSpace(tr.Subject) == "" {
			errWithin(at("subject"), item, "the trigger has no subject to recognise the mail by", `set subject to text the mail's subject always contains, like "Reset your password"`)
		}
		if tr.From != "" {
			if _, err := mail.ParseAddress(tr.From); err != nil {
				errAt(at("from"), fmt.Sprintf("%q is not an email address", tr.From), "write the app's sender, like no-reply@acme.example")
			}
		}
		switch {
		case len(c.Inboxes) == 0:
			errWithin(at("inbox"), item, "there is no test inbox for the mail to arrive in", "add email.inboxes with the IMAP login of the test user's mailbox")
		case tr.Inbox == "":
			tr.Inbox = c.Inboxes[0].Name
		case !slices.ContainsFunc(c.Inboxes, func(in Inbox) bool { return in.Name == tr.Inbox }):
			errAt(at("inbox"), fmt.Sprintf("%q is not in email.inboxes", tr.Inbox), "name the test inbox of the user the app mails")
		}
		switch w := tr.Wait; {
		case w == 0:
			tr.Wait = c.Roundtrip.Wait
		case w < time.Second || w > maxRoundtripWait:
			errAt(at("wait"), fmt.Sprintf("%s is not a usable wait", w), fmt.Sprintf("use between 1s and %s", maxRoundtripWait))
		}
	}
}

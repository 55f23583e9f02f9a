package lab

// The lab's mail world (Mail): the hosts and logins the example config's email.smtp and
// email.inboxes name under --lab. The passwords are public test values, like the test
// users'; the example config reaches them by env: reference.
const (
	labSMTPHost       = "smtp.mailprovider.example"
	labIMAPHost       = "imap.mailprovider.example"
	labSMTPUser       = "launchready@acme.example"
	labSMTPPassword   = "lab-smtp-submission-0d3f"
	labInboxAddress   = "member@acme.example"
	labInboxPassword  = "lab-imap-member-91b2"
	labMailAuthPassed = "dkim=pass header.d=acme.example header.s=lr1; spf=pass smtp.mailfrom=acme.example; dmarc=pass header.from=acme.example"
)

// testInbox gives healthy its mail world: a submission server signing with lr1 and one
// test inbox, the member's, where the test message lands in INBOX with every check passing
// (the sending IP is inside the mail provider's SPF include).
func (sc *Scenario) testInbox() {
	sc.Mail = &Mail{
		SMTPHost: labSMTPHost, IMAPHost: labIMAPHost,
		SMTPUser: labSMTPUser, SMTPPassword: labSMTPPassword,
		Inboxes: []MailInbox{{
			Address: labInboxAddress, Username: labInboxAddress, Password: labInboxPassword,
			AuthResults: labMailAuthPassed,
		}},
	}
	sc.Env[EnvPrefix+"SMTP_PASSWORD"] = labSMTPPassword
	sc.Env[EnvPrefix+"INBOX_PASSWORD"] = labInboxPassword
	sc.resetMailSent()
}

// mailLandsInSpam is the demo's mail fault: the receiving provider files the member's mail
// in Junk although DKIM, SPF and DMARC pass (a reputation verdict on a young sending
// domain with DMARC at p=none, which only a real inbox shows).
func (sc *Scenario) mailLandsInSpam() {
	sc.Description += " Mail: the test message and the app's password-reset mail to the test inbox (member@acme.example) " +
		"land in its spam folder although DKIM, SPF and DMARC pass (`launchready email roundtrip --trigger reset` shows it)."
	sc.Mail.Inboxes[0].Spam = true
}

package lab

import (
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// MailOut makes a route the app's mailer: a request naming a member's address (JSON
// {"email": ...} or a form's email=) makes the app submit a mail with a one-time link to
// the scenario's mail world, over STARTTLS with the lab's submission login, as a real app's
// mailer does; the provider DKIM-signs it and files it in the member's test inbox. The
// route then answers as it says (202 "a link is on its way"). A mailer that cannot submit
// answers 500 with the mailer's error, as an app with its mail provider down does.
type MailOut struct {
	// From and Subject head the mail; Link is the one-time link's prefix (canonical
	// origin and path, "https://app.acme.example/reset/"), a fresh token is appended.
	From, Subject, Link string
}

// Reset mail as the lab's app writes it (and the example config's email.triggers reset
// entry expects it).
const (
	labResetFrom    = "no-reply@acme.example"
	labResetSubject = "Reset your Acme password"
	labResetLink    = "https://app.acme.example/reset/"
)

// resetMailSent makes the app's forgot-password mail its reset link through the mail
// world, and the link open the page that chooses a new password (issue 18).
func (sc *Scenario) resetMailSent() {
	r := passwordReset(202, `{"status":"sent","message":"If the address has an account, a reset link is on its way."}`)
	r.Mails = &MailOut{From: labResetFrom, Subject: labResetSubject, Link: labResetLink}
	sc.setRoute("app.acme.example", r)
	page := htmlRoute("/reset/*", resetPage)
	page.Method = http.MethodGet
	page.Headers["Cache-Control"] = privateNoStore
	sc.setRoute("app.acme.example", page)
}

const resetPage = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Choose a new password · Acme Community</title></head>
<body>
<h1>Choose a new password</h1>
<form method="post"><input type="password" name="password" autocomplete="new-password"><button>Save</button></form>
</body>
</html>
`

// labMailer submits the app's mail to the mail world's submission server.
type labMailer struct {
	addr  string // the submission listener, on loopback
	host  string // its name, for the certificate
	roots *x509.CertPool
	user  string
	pass  string
}

// send mails one link to the address the request names. errNoAccount is an address the
// provider has no mailbox for, which the app answers like any other (it never says who
// has an account).
func (m *labMailer) send(req *http.Request, out *MailOut) error {
	to, err := requestEmail(req)
	if err != nil {
		return err
	}
	token := make([]byte, 16)
	_, _ = rand.Read(token)
	link := out.Link + hex.EncodeToString(token)
	msg := fmt.Sprintf("From: Acme Community <%s>\r\nTo: <%s>\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <reset-%x@acme.example>\r\n"+
		"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+
		"Someone asked to reset the password of this Acme account.\r\n\r\nChoose a new password: %s\r\n\r\n"+
		"The link works once, for an hour. If it was not you, ignore this mail.\r\n",
		out.From, to, out.Subject, time.Now().Format(time.RFC1123Z), token[:6], link)
	c, err := smtp.DialStartTLS(m.addr, &tls.Config{ServerName: m.host, RootCAs: m.roots})
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Auth(sasl.NewPlainClient("", m.user, m.pass)); err != nil {
		return err
	}
	err = c.SendMail(out.From, []string{to}, strings.NewReader(msg))
	var se *smtp.SMTPError
	if errors.As(err, &se) && se.Code == 550 {
		return nil // no such account: the app answers as for any address
	}
	if err != nil {
		return err
	}
	return c.Quit()
}

// requestEmail is the address a forgot-password request names.
func requestEmail(req *http.Request) (string, error) {
	b, err := io.ReadAll(io.LimitReader(req.Body, 64<<10))
	if err != nil {
		return "", err
	}
	var j struct {
		Email string `json:"email"`
	}
	if json.Unmarshal(b, &j) == nil && j.Email != "" {
		return j.Email, nil
	}
	if v, err := url.ParseQuery(string(b)); err == nil && v.Get("email") != "" {
		return v.Get("email"), nil
	}
	return "", errors.New("the request names no email address")
}

// mailOut answers a MailOut route: the mail is submitted before the answer, so the
// answer says whether the app's mailer took it.
func (t *routeTable) mailOut(w http.ResponseWriter, req *http.Request, r Route) bool {
	err := errors.New("no mail provider is configured for the app")
	if t.mailer != nil {
		err = t.mailer.send(req, r.Mails)
	}
	if err == nil {
		return false
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusInternalServerError)
	b, _ := json.Marshal(map[string]string{"error": "mailer: " + err.Error()})
	_, _ = w.Write(b)
	return true
}

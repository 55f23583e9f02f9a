package roundtrip

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/launchready/launchready/probes/mailauth"
)

// resetToken is the one-time token the app puts in its reset links: a credential for the
// test user, so it must appear in no output.
const resetToken = "rst7Hq2pXk9LmN4vB8cZ1dF6"

// mailApp is the app under test on 127.0.0.1 over TLS: POST /forgot-password sends the
// reset mail through the provider's submission server (as the app's mailer does), with the
// link the form asks for; GET /reset/TOKEN opens the reset page; /gone/ is a route the app
// no longer has.
type mailApp struct {
	srv  *httptest.Server
	prov *provider
	// links returns the link the reset mail carries for a variant.
	links func(variant string) string
}

func startMailApp(t *testing.T, prov *provider) *mailApp {
	t.Helper()
	a := &mailApp{prov: prov}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /forgot-password", func(w http.ResponseWriter, r *http.Request) {
		to, variant := r.FormValue("email"), r.FormValue("variant")
		switch variant {
		case "broken":
			http.Error(w, `{"error":"mailer: dial tcp 10.0.4.2:587: connection refused"}`, http.StatusInternalServerError)
			return
		case "silent": // says sent, sends nothing
		default:
			if err := a.sendReset(to, a.links(variant)); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
		}
		w.WriteHeader(http.StatusAccepted)
	})
	mux.HandleFunc("GET /reset/{token}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("token") != resetToken {
			http.Error(w, "expired", http.StatusGone)
			return
		}
		fmt.Fprint(w, "<form>choose a new password</form>")
	})
	mux.HandleFunc("GET /signin", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/reset/"+resetToken, http.StatusFound)
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	a.srv = httptest.NewUnstartedServer(mux)
	a.srv.Listener = l
	a.srv.StartTLS()
	t.Cleanup(a.srv.Close)
	base := a.srv.URL
	host := strings.TrimPrefix(base, "https://")
	a.links = func(variant string) string {
		switch variant {
		case "http":
			return "http://" + host + "/reset/" + resetToken
		case "staging":
			return "https://staging.acme.example/reset/" + resetToken
		case "gone":
			return base + "/gone/reset/" + resetToken
		case "redirect":
			return base + "/signin?token=" + resetToken + "&amp;next=https%3A%2F%2Fevil.example%2Fphish"
		}
		return base + "/reset/" + resetToken
	}
	return a
}

// sendReset is the app's mailer: a multipart mail, its HTML quoted-printable as real
// mailers write it, submitted with go-smtp's client over STARTTLS.
func (a *mailApp) sendReset(to, link string) error {
	c, err := smtp.DialStartTLS(a.prov.addr, a.prov.tls.Clone())
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Auth(sasl.NewPlainClient("", "app@acme.example", plantedSMTP)); err != nil {
		return err
	}
	plain := strings.ReplaceAll(link, "&amp;", "&")
	qpHTML := strings.ReplaceAll(`<p>Someone asked to reset your password.</p><p><a href=3D"`+link+`">Choose a new password</a></p>`, "\n", "")
	msg := "From: Acme <no-reply@acme.example>\r\nTo: " + to + "\r\nSubject: Reset your Acme password\r\nDate: " + time.Now().Format(time.RFC1123Z) +
		"\r\nMessage-ID: <" + fmt.Sprint(time.Now().UnixNano()) + "@acme.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=b1\r\n\r\n" +
		"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nReset your password: " + plain + "\r\n" +
		"--b1\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" + qpWrap(qpHTML) + "\r\n--b1--\r\n"
	return c.SendMail("no-reply@acme.example", []string{to}, strings.NewReader(msg))
}

// qpWrap folds a quoted-printable line at 70 characters with soft line breaks, so a link
// is split across lines as mailers split it.
func qpWrap(s string) string {
	var b strings.Builder
	for len(s) > 70 {
		cut := 70
		for cut > 60 && (s[cut-1] == '=' || s[cut-2] == '=') {
			cut--
		}
		b.WriteString(s[:cut] + "=\r\n")
		s = s[cut:]
	}
	b.WriteString(s)
	return b.String()
}

// fire is TriggerOptions.Fire against the app: one POST, as the endpoint check makes it.
func (a *mailApp) fire(to, variant string) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		form := url.Values{"email": {to}, "variant": {variant}}
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, a.srv.URL+"/forgot-password", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := a.srv.Client().Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			return fmt.Errorf("POST /forgot-password answered %d", resp.StatusCode)
		}
		return nil
	}
}

// open is TriggerOptions.Open: one GET, no redirect followed.
func (a *mailApp) open(ctx context.Context, link string) (int, string, error) {
	c := *a.srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
	if err != nil {
		return 0, "", err
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, "", err
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location"), nil
}

func TestTrigger(t *testing.T) {
	t.Parallel()
	w := newWorld(t, map[string]fate{
		"good":     {folder: "INBOX", authResults: passing},
		"spammed":  {folder: "Junk", authResults: passing},
		"plain":    {folder: "INBOX", authResults: passing},
		"staging":  {folder: "INBOX", authResults: passing},
		"gone":     {folder: "INBOX", authResults: passing},
		"redirect": {folder: "INBOX", authResults: passing},
		"silent":   {folder: "INBOX", authResults: passing},
		"broken":   {folder: "INBOX", authResults: passing},
	})
	app := startMailApp(t, w.prov)
	canonical, _ := url.Parse(app.srv.URL)
	// An older reset mail is already in the silent user's inbox: it must not be taken
	// for the one this request should have made the app send.
	old := "From: no-reply@acme.example\r\nSubject: Reset your Acme password\r\n\r\nold: " + app.links("good") + "\r\n"
	if err := w.dv.Deliver("silent", "INBOX", []byte(old)); err != nil {
		t.Fatal(err)
	}
	type want struct {
		status string
		ok     bool
		text   []string
	}
	cases := []struct {
		user, variant string
		wait          time.Duration
		want          want
	}{
		{"good", "", 20 * time.Second, want{StatusInbox, true, []string{"Email round trip of the app's reset mail", "subject: Reset your Acme password", "✔ link " + app.srv.URL + "/reset/… answers 200", "dmarc=pass (acme.example)"}}},
		{"spammed", "", 20 * time.Second, want{StatusSpam, false, []string{"delivered to SPAM (Junk)"}}},
		{"plain", "http", 20 * time.Second, want{StatusInbox, false, []string{"✖ link http://127.0.0.1", "the link is plain http"}}},
		{"staging", "staging", 20 * time.Second, want{StatusInbox, false, []string{"✖ link https://staging.acme.example/reset/…: the link points at staging.acme.example, not the canonical 127.0.0.1"}}},
		{"gone", "gone", 20 * time.Second, want{StatusInbox, false, []string{"the link answers 404"}}},
		{"redirect", "redirect", 20 * time.Second, want{StatusInbox, false, []string{"next=https://evil.example/phish", "the link's next= parameter sends members to evil.example: an open redirect"}}},
		{"silent", "silent", 2 * time.Second, want{StatusMissing, false, []string{"NOT DELIVERED within 2s"}}},
		{"broken", "broken", 20 * time.Second, want{StatusError, false, []string{"the app did not take the reset request, so no mail was waited for: POST /forgot-password answered 500"}}},
	}
	for _, c := range cases {
		t.Run(c.user, func(t *testing.T) {
			t.Parallel()
			in := w.inbox(c.user, "implicit")
			o := TriggerOptions{
				Options: w.opts(t, 0, in),
				Trigger: mailauth.Trigger{Name: "reset", Subject: "Reset your Acme password", From: "no-reply@acme.example", Wait: c.wait},
				Fire:    app.fire(in.Address, c.variant), Canonical: canonical, Open: app.open,
			}
			start := time.Now()
			rep := RunTrigger(context.Background(), o)
			r := rep.Inboxes[0]
			out := outputs(t, rep)
			noSecrets(t, out)
			if strings.Contains(out, resetToken) {
				t.Errorf("the reset token is in the output:\n%s", out)
			}
			if r.Status != c.want.status || r.OK() != c.want.ok || r.Trigger != "reset" {
				t.Errorf("status %q ok %v, want %+v\n%s", r.Status, r.OK(), c.want, out)
			}
			for _, s := range c.want.text {
				if !strings.Contains(out, s) {
					t.Errorf("output lacks %q:\n%s", s, out)
				}
			}
			if took := time.Since(start); took > c.wait+10*time.Second {
				t.Errorf("took %s, beyond the %s wait", took, c.wait)
			}
			if r.Status == StatusInbox || r.Status == StatusSpam {
				if n := w.dv.Count(t, c.user, r.Folder); n != 0 {
					t.Errorf("%d mails left in %s: the judged mail should be deleted", n, r.Folder)
				}
			}
		})
	}
	if n := w.dv.Count(t, "silent", "INBOX"); n != 1 {
		t.Errorf("the older mail was touched: %d left", n)
	}
}

// TestHideTokens: a link is shown without the secrets it carries.
func TestHideTokens(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"https://app.acme.example/reset/" + resetToken:                         "https://app.acme.example/reset/…",
		"https://app.acme.example/confirm?t=" + resetToken + "&u=42":           "https://app.acme.example/confirm?t=…&u=…",
		"https://app.acme.example/in?next=https%3A%2F%2Fevil.example%2F&t=abc": "https://app.acme.example/in?next=https://evil.example/&t=…",
		"https://app.acme.example/pricing":                                     "https://app.acme.example/pricing",
	} {
		if got := hideTokens(in); got != want {
			t.Errorf("hideTokens(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestLinkErrorHidesToken: a link that does not open is reported without its token,
// though the HTTP client's error quotes the whole URL.
func TestLinkErrorHidesToken(t *testing.T) {
	t.Parallel()
	canonical, _ := url.Parse("https://app.acme.example/")
	link := "https://app.acme.example/reset/" + resetToken
	lc := linkCheck{canonical: canonical, open: func(ctx context.Context, l string) (int, string, error) {
		return 0, "", &url.Error{Op: "Get", URL: l, Err: errors.New("dial tcp 127.0.0.1:1: connect: connection refused")}
	}}
	got := lc.judgeLinks(context.Background(), []byte("Subject: x\r\n\r\nClick "+link+"\r\n"))
	if len(got) != 1 || !strings.Contains(got[0].Problem, "the link does not open: Get \"https://app.acme.example/reset/…\"") || strings.Contains(fmt.Sprint(got), resetToken) {
		t.Errorf("links %+v", got)
	}
}

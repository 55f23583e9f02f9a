package discovery

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
)

// TestRecognition: every service the issue names is recognised from the record an
// operator would see for it.
func TestRecognition(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ match, value, kind, service string }{
		{"cname", "acme.herokudns.com.", "hosting", "Heroku"},
		{"cname", "cname.vercel-dns.com", "hosting", "Vercel"},
		{"cname", "acme.netlify.app", "hosting", "Netlify"},
		{"cname", "acme.onrender.com", "hosting", "Render"},
		{"cname", "acme.fly.dev", "hosting", "Fly.io"},
		{"cname", "acme.up.railway.app", "hosting", "Railway"},
		{"cname", "acme.github.io", "hosting", "GitHub Pages"},
		{"cname", "d111111abcdef8.cloudfront.net", "hosting", "AWS CloudFront"},
		{"cname", "my-lb-1234.eu-west-1.elb.amazonaws.com", "hosting", "AWS Elastic Load Balancing"},
		{"cname", "acme-assets.s3.eu-west-1.amazonaws.com", "hosting", "AWS S3"},
		{"cname", "acme.s3-website-us-east-1.amazonaws.com", "hosting", "AWS S3 website"},
		{"cname", "main.d1abc.amplifyapp.com", "hosting", "AWS Amplify"},
		{"cname", "acme.azurewebsites.net", "hosting", "Azure App Service"},
		{"cname", "acme-e3f.z01.azurefd.net", "hosting", "Azure Front Door"},
		{"cname", "ghs.googlehosted.com", "hosting", "Google Cloud Run (domain mapping; also Sites, Blogger)"},
		{"cname", "acme-abc-ew.a.run.app", "hosting", "Google Cloud Run"},
		{"cname", "acme.web.app", "hosting", "Firebase Hosting"},
		{"cname", "acme.pages.dev", "hosting", "Cloudflare Pages"},
		{"cname", "api.acme.workers.dev", "hosting", "Cloudflare Workers"},
		{"cname", "shops.myshopify.com", "hosting", "Shopify"},
		{"cname", "proxy-ssl.webflow.com", "hosting", "Webflow"},
		{"cname", "acme.ghost.io", "hosting", "Ghost(Pro)"},
		{"cname", "acme.circle.so", "hosting", "Circle"},
		{"cname", "acme.bubbleapps.io", "hosting", "Bubble"},
		{"cname", "sites.framer.app", "hosting", "Framer"},
		{"cname", "ext-cust.squarespace.com", "hosting", "Squarespace"},
		{"cname", "cdn1.wixdns.net", "hosting", "Wix"},
		{"cname", "pm.mtasv.net", "email", "Postmark"},
		{"cname", "u123.wl.sendgrid.net", "email", "SendGrid"},
		{"cname", "tok._domainkey.dkim.amazonses.com", "email", "Amazon SES"},
		{"mx", "aspmx.l.google.com.", "email", "Google Workspace"},
		{"mx", "acme-com.mail.protection.outlook.com", "email", "Microsoft 365"},
		{"mx", "inbound.postmarkapp.com", "email", "Postmark"},
		{"mx", "mxa.mailgun.org", "email", "Mailgun"},
		{"mx", "inbound-smtp.eu-west-1.amazonaws.com", "email", "Amazon SES"},
		{"mx", "feedback-smtp.us-east-1.amazonses.com", "email", "Resend"},
		{"mx", "mx.zoho.eu", "email", "Zoho Mail"},
		{"mx", "in1-smtp.messagingengine.com", "email", "Fastmail"},
		{"mx", "mail.protonmail.ch", "email", "Proton Mail"},
		{"spf", "_spf.google.com", "email", "Google Workspace"},
		{"spf", "spf.protection.outlook.com", "email", "Microsoft 365"},
		{"spf", "spf.mtasv.net", "email", "Postmark"},
		{"spf", "sendgrid.net", "email", "SendGrid"},
		{"spf", "mailgun.org", "email", "Mailgun"},
		{"spf", "amazonses.com", "email", "Amazon SES"},
		{"spf", "spf.mandrillapp.com", "email", "Mailchimp Transactional"},
		{"spf", "spf.brevo.com", "email", "Brevo"},
		{"spf", "zoho.com", "email", "Zoho Mail"},
		{"spf", "spf.messagingengine.com", "email", "Fastmail"},
		{"spf", "_spf.protonmail.ch", "email", "Proton Mail"},
		{"ns", "ada.ns.cloudflare.com", "dns", "Cloudflare"},
		{"ns", "ns-1234.awsdns-56.org", "dns", "AWS Route 53"},
		{"ns", "ns1-01.azure-dns.com", "dns", "Azure DNS"},
		{"ns", "ns-cloud-a1.googledomains.com", "dns", "Google Cloud DNS"},
		{"ns", "ns1.vercel-dns.com", "dns", "Vercel"},
		{"ns", "dns1.p01.nsone.net", "dns", "NS1 (also Netlify DNS)"},
	} {
		r, ok := recogniseName(tc.match, tc.value)
		if !ok || r.kind != tc.kind || r.service != tc.service {
			t.Errorf("%s %s: got %q %q (%t), want %s %q", tc.match, tc.value, r.kind, r.service, ok, tc.kind, tc.service)
		}
	}
	for _, miss := range []struct{ match, value string }{
		{"cname", "vercel-dns.com.evil.example"},
		{"cname", "notgithub.io"},
		{"mx", "mx.acme.example"},
		{"ns", "ns1.acme.example"},
		{"spf", "sendgrid.net.evil.example"},
	} {
		if r, ok := recogniseName(miss.match, miss.value); ok {
			t.Errorf("%s %s recognised as %s: only a real suffix may match", miss.match, miss.value, r.service)
		}
	}
	for ip, want := range map[string]string{
		"76.76.21.21":         "Vercel",
		"75.2.60.5":           "Netlify",
		"185.199.110.153":     "GitHub Pages",
		"2606:50c0:8001::153": "GitHub Pages",
		"199.36.158.100":      "Firebase Hosting",
		"23.227.38.65":        "Shopify",
		"198.185.159.144":     "Squarespace",
		"::ffff:216.24.57.1":  "Render",
		"192.0.2.1":           "",
		"2001:db8::1":         "",
	} {
		r, ok := recogniseAddr(netip.MustParseAddr(ip))
		if r.service != want || ok != (want != "") {
			t.Errorf("address %s: got %q, want %q", ip, r.service, want)
		}
	}
}

// TestSelectors: every email service named by the issue that has default selectors has
// them in the table, and each selector is asked once.
func TestSelectors(t *testing.T) {
	t.Parallel()
	bySvc := map[string][]string{}
	var all []string
	for _, r := range selectors() {
		bySvc[r.service] = append(bySvc[r.service], r.pattern)
		if slices.Contains(all, r.pattern) {
			t.Errorf("selector %s listed twice", r.pattern)
		}
		all = append(all, r.pattern)
	}
	for svc, sel := range map[string]string{
		"Google Workspace": "google", "Microsoft 365": "selector1", "Postmark": "pm", "SendGrid": "s1",
		"Mailgun": "k1", "Resend": "resend", "Mailchimp Transactional": "mandrill", "Brevo": "brevo1",
		"Zoho Mail": "zmail", "Fastmail": "fm1", "Proton Mail": "protonmail",
	} {
		if !slices.Contains(bySvc[svc], sel) {
			t.Errorf("%s: selectors %v, want %s", svc, bySvc[svc], sel)
		}
	}
}

func TestParseRulesErrors(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]string{
		"hosting cname .x.com":       "want kind, match, pattern and service",
		"web cname .x.com X":         `kind "web" is not hosting, email or dns`,
		"hosting txt .x.com X":       `match "txt" is not one of`,
		"hosting addr 300.1.1.1/8 X": "line 1",
		"hosting cname [x X":         "syntax error in pattern",
	} {
		if _, err := parseRules(text); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parseRules(%q): %v, want %q", text, err, want)
		}
	}
	if len(rules()) < 100 {
		t.Errorf("only %d rules: the embedded table did not load", len(rules()))
	}
}

func TestServiceString(t *testing.T) {
	t.Parallel()
	s := Service{Kind: "hosting", Name: "Vercel", Evidence: []string{"app.acme.com CNAME cname.vercel-dns.com"}}
	if got, want := s.String(), "hosting: Vercel (app.acme.com CNAME cname.vercel-dns.com)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	s.Evidence = append(s.Evidence, "b", "c", "d")
	if got, want := s.String(), "hosting: Vercel (app.acme.com CNAME cname.vercel-dns.com; b; and 2 more)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

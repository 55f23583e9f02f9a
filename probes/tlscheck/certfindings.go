package tlscheck

import (
	"crypto/x509"
	"fmt"
	"slices"
	"strings"

	"github.com/launchready/launchready/probes"
)

// certificate inspects the served chain and adds one finding per fault, each with its own
// fix: expiry, name, trust, chain, signature and key are separate repairs.
func (j *judgement) certificate(certs []*x509.Certificate) {
	c, h, now := j.c, j.h, j.now
	leaf := certs[0]
	j.leaf = leaf
	for _, x := range certs {
		h.Chain = append(h.Chain, describeCert(x, now))
	}
	cert := h.Chain[0]
	h.Certificate = &cert
	j.metrics["days_left"] = float64(cert.DaysLeft)
	j.metrics["chain_len"] = float64(len(certs))
	j.metrics["key_bits"] = float64(cert.KeyBits)

	v := inspect(c.host, certs, c.p.net.RootCAs(), now)
	h.Trusted = v.trusted()
	ev := make([]string, 0, len(certs)+1)
	for i, x := range h.Chain {
		ev = append(ev, chainLine(i, x, now))
	}
	if v.verifyErr != "" {
		ev = append(ev, "verify: "+v.verifyErr)
	}
	down, imp, t := c.p.down(c.role), impact(c.role), c.target
	notAfter := leaf.NotAfter.UTC().Format("2006-01-02 15:04 MST")

	switch {
	case v.expired:
		j.setState(StateExpired, expiryText(leaf.NotAfter, now))
		j.add(finding("tls.expired", down, imp, t,
			fmt.Sprintf("Certificate for %s %s (%s)", c.host, expiryText(leaf.NotAfter, now), leaf.NotAfter.UTC().Format("Jan 2")),
			fmt.Sprintf("The certificate %s serves expired on %s. Browsers show a full-page warning members cannot be expected to click through, and API clients, webhooks and apps refuse to connect.", c.host, notAfter),
			"not after "+notAfter, fmt.Sprintf("a valid certificate with more than %d days left", c.p.set.Expiry.MediumDays),
			renewFix(c.host, leaf), ev))
	case v.notYetValid:
		from := leaf.NotBefore.UTC().Format("2006-01-02 15:04 MST")
		j.setState(StateNotYetValid, "valid from "+from)
		j.add(finding("tls.not-yet-valid", down, imp, t,
			fmt.Sprintf("Certificate for %s is not valid until %s", c.host, leaf.NotBefore.UTC().Format("Jan 2 15:04 MST")),
			fmt.Sprintf("The certificate %s serves starts on %s, in the future. Clients with correct clocks refuse it. Either it was installed before its start date, or the issuing machine's clock is wrong.", c.host, from),
			"not before "+from, "a certificate valid now",
			"Install a certificate that is valid now (re-issue it if needed), and check the clock of the machine that requested it: timedatectl status.", ev))
	default:
		days := cert.DaysLeft
		sev := probes.Info
		switch {
		case days < c.p.set.Expiry.HighDays:
			sev = probes.High
		case days < c.p.set.Expiry.MediumDays:
			sev = probes.Medium
		}
		if sev > probes.Info {
			j.setState(StateExpiring, expiryText(leaf.NotAfter, now))
			j.add(finding("tls.expiring", c.p.cap(sev), imp, t,
				fmt.Sprintf("Certificate for %s expires in %s (%s)", c.host, strings.TrimSuffix(expiryText(leaf.NotAfter, now), " left"), leaf.NotAfter.UTC().Format("Jan 2")),
				fmt.Sprintf("The certificate %s serves expires on %s. Automated renewal usually runs 30 days ahead, so a certificate this close to expiry means renewal is failing or not set up; on expiry members see a browser warning and API clients stop connecting.", c.host, notAfter),
				fmt.Sprintf("%s (not after %s)", expiryText(leaf.NotAfter, now), notAfter),
				fmt.Sprintf("at least %d days left", c.p.set.Expiry.MediumDays),
				renewFix(c.host, leaf), ev))
		}
	}
	if v.staleCA != nil {
		j.staleCA(v.staleCA, down, imp, ev)
	}
	if v.selfSigned {
		j.setState(StateSelfSigned, "self-signed")
		j.add(finding("tls.self-signed", down, imp, t,
			fmt.Sprintf("Self-signed certificate on %s", c.host),
			fmt.Sprintf("%s serves a certificate signed by its own key, which no browser or client trusts: every member sees a security warning, and API clients refuse to connect.", c.host),
			"self-signed: "+cert.Subject, "a certificate from a public CA",
			fmt.Sprintf("Get a certificate from a public CA; Let's Encrypt is free and automatic: certbot --nginx -d %s (or your host's managed certificates). If this is a staging host with its own CA, add that CA to network.ca_file.", c.host), ev))
	}
	if v.untrusted != "" {
		j.setState(StateUntrusted, "untrusted")
		j.add(finding("tls.untrusted", down, imp, t,
			fmt.Sprintf("Certificate for %s is not trusted", c.host),
			fmt.Sprintf("The chain %s serves does not verify: %s. Members' browsers show a security warning and clients refuse to connect.", c.host, v.untrusted),
			v.untrusted, "a chain to a publicly trusted root",
			fmt.Sprintf("Serve a certificate from a public CA with its full chain (certbot: fullchain.pem). If %s is deliberately on a private CA (staging), add that CA's root to network.ca_file.", c.host), ev))
	}
	if v.incomplete {
		j.incomplete(v, down, imp, ev)
	}
	if v.rootSent != nil {
		j.rootSent(v.rootSent, imp, ev)
	}
	if len(v.weakSig) > 0 {
		j.setState(StateWeak, "SHA-1 signature")
		j.add(finding("tls.sha1-signature", down, imp, t,
			fmt.Sprintf("Certificate chain for %s is signed with SHA-1", c.host),
			fmt.Sprintf("%s in the chain %s serves is signed with SHA-1, which is broken (collisions are practical) and refused by every current browser and by Go, Java and OpenSSL clients.", strings.Join(v.weakSig, ", "), c.host),
			"signature "+cert.Signature, "SHA-256 or stronger",
			"Reissue the certificate; every public CA signs with SHA-256 today, so a SHA-1 certificate is either very old or from a private tool: certbot certonly -d "+c.host+".", ev))
	}
	if len(v.weakKey) > 0 {
		j.setState(StateWeak, v.weakKey[0])
		j.add(finding("tls.weak-key", c.p.cap(probes.High), imp, t,
			fmt.Sprintf("Certificate for %s uses a weak key (%s)", c.host, strings.TrimPrefix(v.weakKey[0], "the certificate: ")),
			fmt.Sprintf("%s. Public CAs stopped issuing RSA keys under 2048 bits in 2013, browsers reject them, and such keys can be factored by a determined attacker.", strings.Join(v.weakKey, "; ")),
			strings.Join(v.weakKey, "; "), "RSA 2048+ or ECDSA P-256+",
			"Reissue with a new key: certbot certonly --key-type ecdsa -d "+c.host+" (or --rsa-key-size 2048), and install it with its full chain.", ev))
	}
	if v.nameErr != "" {
		j.setState(StateName, v.nameErr)
		j.add(finding("tls.name-mismatch", down, imp, t,
			fmt.Sprintf("Certificate does not cover %s", c.host),
			fmt.Sprintf("The certificate %s serves %s. Browsers show a name-mismatch warning and clients refuse to connect.", c.host, v.nameErr),
			"names: "+strings.Join(cert.SANs, ", "), "a certificate naming "+c.host,
			fmt.Sprintf("Reissue the certificate with %s among its names (certbot: add -d %s to the certonly command listing the others), or point %s at the server whose certificate covers it.", c.host, c.host, c.host), ev))
	}
}

// staleCA reports a CA certificate of the served chain that is outside its validity
// window now, named for what it is: an intermediate, or a root the server should not
// send at all.
func (j *judgement) staleCA(ca *x509.Certificate, down probes.Severity, imp probes.Impact, ev []string) {
	c, now := j.c, j.now
	name, role := nameOf(ca.Subject.CommonName, ca.Subject.String()), caRole(ca)
	lapse, when := "expired", "expired on "+ca.NotAfter.UTC().Format("2006-01-02")
	if now.Before(ca.NotBefore) {
		lapse, when = "not yet valid", "valid only from "+ca.NotBefore.UTC().Format("2006-01-02")
	}
	fix := "Replace the chain file with the CA's current one: with certbot, point the server at fullchain.pem from the latest renewal; otherwise download the current intermediate from the CA and rebuild the chain."
	if role == "root" {
		fix = "Remove the root from the chain file: serve the leaf followed by its intermediate(s) only (certbot: fullchain.pem). Clients use the root in their own store; an expired copy sent by the server makes older clients (OpenSSL 1.0, old Android) fail."
	}
	j.setState(StateExpired, role+" "+name+" "+lapse)
	j.add(finding("tls.chain-expired", down, imp, c.target,
		fmt.Sprintf("%s certificate %q served by %s is %s", capitalize(role), name, c.host, lapse),
		fmt.Sprintf("%s sends a %s certificate (%s) that is outside its validity period (%s); clients that build the chain from what is sent fail.", c.host, role, name, when),
		fmt.Sprintf("%s %s in the served chain (%s)", role, name, when), "every certificate in the chain valid now",
		fix, ev))
}

// rootSent reports a root the server sends after its leaf and intermediates. It breaks
// nothing today, so it is low: a client trusts the root it already holds, never the
// copy sent, which only costs bytes on every new connection.
func (j *judgement) rootSent(root *x509.Certificate, imp probes.Impact, ev []string) {
	c := j.c
	name := nameOf(root.Subject.CommonName, root.Subject.String())
	size := len(root.Raw)
	j.add(finding("tls.root-sent", c.p.cap(probes.Low), imp, c.target,
		fmt.Sprintf("%s sends its root certificate %q in the chain", c.host, name),
		fmt.Sprintf("%s sends the root certificate %q (%d bytes) in its chain. Clients trust only the root in their own store and ignore this copy, so every new connection carries %d bytes no client uses: a bigger handshake, which on a slow mobile link can cost a round trip before the first page shows. And when this root expires, older clients that do read the copy sent (OpenSSL 1.0, old Android) fail.", c.host, name, size, size),
		fmt.Sprintf("root %s sent (%d bytes)", name, size), "the leaf followed by its intermediate(s), no root",
		fmt.Sprintf("Configure the server to send the leaf and intermediates only: with certbot, point nginx ssl_certificate (or Apache SSLCertificateFile) at fullchain.pem, which has no root; if the chain file was assembled by hand, delete the block of %q from it. Verify: openssl s_client -connect %s:%s -servername %s -showcerts shows no certificate whose s: and i: are the same.", name, c.host, c.port, c.host),
		append(slices.Clip(ev), fmt.Sprintf("root sent: %s, %d bytes", root.Subject.String(), size))))
}

// capitalize upper-cases the first letter of an ASCII word ("root" -> "Root").
func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// incomplete is the classic "works in my browser, fails in curl": the intermediate is
// not sent. Browsers may fetch it from the AIA URL; API clients, webhooks and mobile apps
// do not.
func (j *judgement) incomplete(v verdict, down probes.Severity, imp probes.Impact, ev []string) {
	c := j.c
	j.setState(StateIncompleteChain, "intermediate "+v.missingIssuer+" not sent")
	sev, repaired := down, "Nothing tells a client where to fetch it (no AIA URL), so every client fails."
	if len(v.aia) > 0 {
		sev = c.p.cap(probes.High)
		repaired = fmt.Sprintf("Browsers may fetch it from the certificate's AIA URL (%s) and work, which hides the fault; curl, server-to-server calls (payment and webhook providers), mobile apps and most API clients do not, and fail.", strings.Join(v.aia, ", "))
		if imp == probes.Onboarding {
			imp = probes.Revenue // the clients that break are the integrations
		}
	}
	j.add(finding("tls.incomplete-chain", sev, imp, c.target,
		fmt.Sprintf("%s does not send its intermediate certificate (%s)", c.host, v.missingIssuer),
		fmt.Sprintf("%s sends %s but not the certificate of %q that signed it, so the chain cannot be built from what is served. %s", c.host, plural(len(j.h.Chain), "certificate"), v.missingIssuer, repaired),
		fmt.Sprintf("chain of %d, ending at a certificate issued by %q", len(j.h.Chain), v.missingIssuer),
		"the leaf followed by its intermediate(s)",
		fmt.Sprintf("Serve the full chain: nginx ssl_certificate (or Apache SSLCertificateFile) must point at fullchain.pem, not cert.pem. Verify: openssl s_client -connect %s:%s -servername %s -showcerts prints 2 or more certificates.", c.host, c.port, c.host),
		ev))
}

// renewFix says how to renew, with the exact command for the common ACME case.
func renewFix(host string, leaf *x509.Certificate) string {
	org := strings.ToLower(strings.Join(leaf.Issuer.Organization, " "))
	if strings.Contains(org, "let's encrypt") || strings.Contains(org, "zerossl") || strings.Contains(org, "google trust") {
		return fmt.Sprintf("Renewal has not run. Renew now: certbot renew --cert-name %s (or your ACME client / host's certificate page), reload the web server (systemctl reload nginx), then find out why automatic renewal stopped: systemctl list-timers | grep -E 'certbot|acme', and the client's log.", host)
	}
	return fmt.Sprintf("Renew the certificate for %s with %s (or switch to automatic ACME renewal, e.g. certbot or your host's managed certificates), install it with its full chain, and reload the web server (systemctl reload nginx).", host, issuerName(leaf))
}

// caa cross-checks the issuer against the zone's CAA records: a CA that CAA does not
// allow cannot renew, which surfaces only on the day renewal fails.
func (j *judgement) caa(set caaSet, err error, leaf *x509.Certificate) {
	c := j.c
	domains := issuerDomains(leaf, c.p.set.CADomains)
	r := &CAA{Name: set.name, IssuerDomains: domains}
	j.h.CAA = r
	for _, rr := range set.records {
		r.Records = append(r.Records, caaText(rr))
	}
	if err != nil {
		r.Verdict, r.Error = CAALookupFailed, err.Error()
		j.add(finding("tls.caa-lookup-failed", c.p.cap(probes.Low), probes.Onboarding, c.target,
			fmt.Sprintf("CAA lookup for %s fails: CAs will refuse to renew", c.host),
			fmt.Sprintf("Asking for the CAA records of %s (or a parent) failed: %v. CAs must check CAA before issuing and refuse when the lookup fails (RFC 8659), so renewals fail while this lasts.", c.host, err),
			"CAA lookup error", "a CAA answer (records, or none)",
			"Check the zone's authoritative servers answer CAA queries (some old DNS providers answer SERVFAIL for unknown types): dig CAA "+c.host+" @<authoritative server>.", nil))
		return
	}
	wildcard := !containsFold(leaf.DNSNames, c.host) && coveredByWildcard(leaf.DNSNames, c.host)
	verdict, relevant := caaAllows(set, wildcard, domains)
	r.Verdict = verdict
	if verdict != CAARefused {
		return
	}
	ca := issuerName(leaf)
	want := "<the CA's CAA domain>"
	if len(domains) > 0 {
		want = domains[0]
	}
	tag := "issue"
	if wildcard {
		tag = "issuewild"
	}
	j.add(finding("tls.caa-mismatch", c.p.cap(probes.Medium), probes.Onboarding, c.target,
		fmt.Sprintf("CAA for %s does not allow %s, which issued its certificate: renewal will fail", c.host, ca),
		fmt.Sprintf("The certificate for %s comes from %s (CAA domain %s), but the CAA records at %s allow only: %s. The current certificate keeps working; its renewal will be refused, and the host will go down when it expires.", c.host, ca, strings.Join(domains, ", "), set.name, strings.Join(relevant, "; ")),
		strings.Join(relevant, "; "), fmt.Sprintf("a CAA %s record for %s", tag, want),
		fmt.Sprintf("Add `%s. CAA 0 %s \"%s\"` at your DNS provider (keeping the existing records), or have the certificate issued by a CA the records allow.", set.name, tag, want),
		relevant))
}

func containsFold(ss []string, s string) bool {
	for _, x := range ss {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// coveredByWildcard says whether host matches a "*.parent" name.
func coveredByWildcard(names []string, host string) bool {
	_, parent, ok := strings.Cut(host, ".")
	return ok && containsFold(names, "*."+parent)
}

func plural(n int, word string) string {
	if n == 1 || n == -1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

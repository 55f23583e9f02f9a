package mailauth

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/launchready/launchready/probes"
)

// KeyReport is one DKIM selector as the DNS publishes it.
type KeyReport struct {
	Selector string `json:"selector"`
	Name     string `json:"name"` // <selector>._domainkey.<domain>
	// Source says why it was looked at: "config", "message" (a received message was
	// signed with it: `launchready email verify` recorded it) or "well-known".
	Source string `json:"source"`
	// SeenIn is, for a "message" selector, the message file it was last seen in and when
	// ("welcome.eml on 2026-11-28").
	SeenIn string   `json:"seen_in,omitempty"`
	Found  bool     `json:"found"`
	Record string   `json:"record,omitempty"`
	Key    *DKIMKey `json:"key,omitempty"`
	Error  string   `json:"error,omitempty"`

	down bool // the lookup could not be asked at all (resolver down)
}

// wellKnownSelectors are the selectors large providers publish by default (Google
// Workspace, Microsoft 365, Mailchimp/Mandrill, SendGrid, Mailgun, Resend, Postmark,
// Fastmail, Proton, and the generic names). Discovery asks for these and nothing else: a
// guess beyond the list would be noise.
var wellKnownSelectors = []string{
	"google", "selector1", "selector2", "k1", "k2", "s1", "s2", "mandrill", "mg", "smtp",
	"resend", "pm", "fm1", "protonmail", "default", "dkim", "mail",
}

// Key size thresholds: RFC 8301 makes verifiers refuse RSA keys under 1024 bits, and
// recommends 2048.
const (
	rsaMinBits  = 1024
	rsaGoodBits = 2048
)

func (c *check) checkDKIM(ctx context.Context, p *part) []KeyReport {
	var sels []KeyReport
	for _, s := range c.cfg.DKIMSelectors {
		sels = append(sels, KeyReport{Selector: s, Source: "config"})
	}
	listed := func(s string) bool {
		return slices.ContainsFunc(sels, func(k KeyReport) bool { return strings.EqualFold(k.Selector, s) })
	}
	seen, err := ReadSelectors(c.stateDir)
	if err != nil && c.isFromCheck() {
		p.add(finding("email.selectors-unreadable", probes.Info, probes.Support, filepath.Join(c.stateDir, SelectorsFile),
			"Selectors seen in received messages could not be read",
			err.Error()+". Selectors from received messages are not checked until it is fixed; the configured and well-known ones still are.",
			"unreadable "+SelectorsFile, "a JSON file written by launchready email verify",
			"Move the file aside; the next `launchready email verify FILE.eml` writes a new one."))
	}
	for _, s := range seen {
		if s.Domain == normDomain(c.domain) && !listed(s.Selector) {
			sels = append(sels, KeyReport{Selector: s.Selector, Source: "message",
				SeenIn: s.Message + " on " + s.LastSeen.UTC().Format("2006-01-02")})
		}
	}
	for _, s := range wellKnownSelectors {
		if !listed(s) {
			sels = append(sels, KeyReport{Selector: s, Source: "well-known"})
		}
	}
	var wg sync.WaitGroup
	for i := range sels {
		wg.Go(func() { c.lookupKey(ctx, &sels[i]) })
	}
	wg.Wait()

	minBits := 0
	var out []KeyReport
	for _, k := range sels {
		if k.Source == "well-known" && !k.Found {
			continue // not published (or not answering): discovery reports only what it found
		}
		out = append(out, k)
		if k.down {
			p.fatal = fmt.Errorf("could not ask DNS for %s: %s", k.Name, k.Error)
			return out
		}
		for _, f := range keyFindings(k) {
			p.add(f)
		}
		if k.Key != nil && !k.Key.Revoked && (minBits == 0 || k.Key.Bits < minBits) {
			minBits = k.Key.Bits
		}
	}
	if minBits > 0 {
		p.metric("dkim_key_bits", float64(minBits))
	}
	found := slices.ContainsFunc(out, func(k KeyReport) bool { return k.Found })
	if !found {
		what := "no DKIM selectors are configured (email.dkim_selectors) and none of the well-known ones (" + strings.Join(wellKnownSelectors, ", ") + ") is published"
		if len(c.cfg.DKIMSelectors) > 0 {
			what = "none of the configured selectors is published"
		}
		if len(c.cfg.DKIMSelectors) == 0 {
			p.add(finding("email.dkim-none", probes.Medium, probes.Onboarding, c.domain,
				"No DKIM key found for "+c.domain,
				fmt.Sprintf("For %s, %s. Without DKIM, DMARC rests on SPF alone, which breaks whenever mail is forwarded.", c.domain, what),
				"no DKIM key", "a DKIM key for each provider that sends mail",
				"Turn on DKIM signing at each provider, publish the record it gives you at <selector>._domainkey."+c.domain+", and list the selector in email.dkim_selectors."))
		}
	}
	return out
}

// lookupKey fetches and parses one selector's record.
func (c *check) lookupKey(ctx context.Context, k *KeyReport) {
	k.Name = k.Selector + "._domainkey." + c.domain
	txts, err := c.net.LookupTXT(ctx, k.Name)
	if err != nil {
		if !notFound(err) {
			k.Error, k.down = err.Error(), resolverDown(err)
		}
		return
	}
	var recs []string
	for _, t := range txts {
		if strings.TrimSpace(t) != "" {
			recs = append(recs, t)
		}
	}
	if len(recs) == 0 {
		return
	}
	k.Found = true
	k.Record = strings.Join(recs, " | ")
	if len(recs) > 1 {
		k.Error = fmt.Sprintf("%d TXT records: receivers treat more than one as no key (RFC 6376 3.6.2.2)", len(recs))
		return
	}
	key, err := ParseDKIMKey(recs[0])
	if err != nil {
		k.Error = err.Error()
		return
	}
	k.Key = key
}

// keyFindings judges one selector. Everything it reports is published and therefore, as
// far as receivers know, in use.
func keyFindings(k KeyReport) []probes.Finding {
	var out []probes.Finding
	add := func(id string, sev probes.Severity, imp probes.Impact, title, detail, observed, expected, fix string) {
		out = append(out, finding(id, sev, imp, k.Name, title, detail, observed, expected, fix, k.Name+" TXT "+quoteRecord(k.Record)))
	}
	switch {
	case !k.Found && k.Error != "":
		add("email.dkim-lookup-failed", probes.Medium, probes.Onboarding,
			"DKIM key lookup fails for selector "+k.Selector,
			fmt.Sprintf("Asking for %s failed: %s. Receivers cannot verify signatures made with it while this lasts (temperror).", k.Name, k.Error),
			k.Error, "the key record", "Check the DNS zone serving "+k.Name+" (and any CNAME it points through).")
	case !k.Found && k.Source == "message":
		add("email.dkim-message-key-missing", probes.Medium, probes.Onboarding,
			"DKIM selector "+k.Selector+" from a received message has no key record",
			fmt.Sprintf("A received message (%s) was signed with selector %s, but %s has no TXT record: if the provider still signs with it, every such message fails DKIM.", k.SeenIn, k.Selector, k.Name),
			"no TXT record at "+k.Name, "v=DKIM1; k=rsa; p=<the provider's public key>",
			fmt.Sprintf("Publish the DKIM record your provider shows for selector %s at %s; if the provider has moved to another selector, ignore this (the record of seen selectors is in the state folder, %s).", k.Selector, k.Name, SelectorsFile))
	case !k.Found:
		add("email.dkim-missing", probes.High, probes.Onboarding,
			"DKIM selector "+k.Selector+" has no key record",
			fmt.Sprintf("email.dkim_selectors lists %s, but %s has no TXT record: every message signed with it fails DKIM, and DMARC then rests on SPF alone.", k.Selector, k.Name),
			"no TXT record at "+k.Name, "v=DKIM1; k=rsa; p=<the provider's public key>",
			fmt.Sprintf("Publish the DKIM record your provider shows for selector %s at %s (often a CNAME to the provider), or remove the selector from email.dkim_selectors if it is no longer used.", k.Selector, k.Name))
	case k.Error != "":
		add("email.dkim-invalid", probes.High, probes.Onboarding,
			"DKIM key record for "+k.Selector+" is unusable",
			fmt.Sprintf("Receivers cannot use the key at %s: %s. Every message signed with selector %s fails DKIM.", k.Name, k.Error, k.Selector),
			clip(k.Record, 120), "one record: v=DKIM1; k=rsa; p=<base64 public key>",
			"Copy the record again from the provider's dashboard, whole (a long key is often cut when pasted), as a single TXT record.")
	case k.Key.Revoked:
		add("email.dkim-revoked", probes.High, probes.Onboarding,
			"DKIM key "+k.Selector+" is revoked (empty p=)",
			fmt.Sprintf("The record at %s has an empty p=, which revokes the key: any message still signed with selector %s fails DKIM.", k.Name, k.Selector),
			"p= (empty)", "a current public key, or no signing with this selector",
			fmt.Sprintf("If the provider still signs with %s, publish its current key; if you rotated away from it, remove %s from email.dkim_selectors.", k.Selector, k.Selector))
	default:
		key := k.Key
		if !key.ForEmail() {
			add("email.dkim-not-for-email", probes.High, probes.Onboarding,
				"DKIM key "+k.Selector+" is not for email (s="+strings.Join(key.Services, ":")+")",
				fmt.Sprintf("The key at %s is restricted to service types %s; receivers will not use it for mail.", k.Name, strings.Join(key.Services, ", ")),
				"s="+strings.Join(key.Services, ":"), "no s= tag, or s=email",
				"Remove the s= tag from the record (or set s=email).")
		}
		if !key.AllowsSHA256() {
			add("email.dkim-hash", probes.High, probes.Onboarding,
				"DKIM key "+k.Selector+" allows only "+strings.Join(key.Hashes, ":"),
				fmt.Sprintf("The key at %s restricts hashes to %s; signatures must use sha256 (RFC 8301), so every signature fails.", k.Name, strings.Join(key.Hashes, ", ")),
				"h="+strings.Join(key.Hashes, ":"), "no h= tag, or h=sha256",
				"Remove the h= tag from the record.")
		}
		if key.KeyType == "rsa" && key.Bits < rsaMinBits {
			add("email.dkim-weak-key", probes.High, probes.Onboarding,
				fmt.Sprintf("DKIM key %s is RSA %d: receivers reject it", k.Selector, key.Bits),
				fmt.Sprintf("RFC 8301 makes verifiers refuse RSA keys under %d bits; every signature with selector %s fails.", rsaMinBits, k.Selector),
				fmt.Sprintf("RSA %d bits", key.Bits), fmt.Sprintf("RSA %d bits or ed25519", rsaGoodBits),
				"Generate a 2048-bit key at the provider (or rotate to a new selector) and publish its record.")
		} else if key.KeyType == "rsa" && key.Bits < rsaGoodBits {
			add("email.dkim-weak-key", probes.Medium, probes.Trust,
				fmt.Sprintf("DKIM key %s is RSA %d: below the recommended 2048", k.Selector, key.Bits),
				fmt.Sprintf("The key at %s is %d bits. RFC 8301 recommends 2048; 1024-bit RSA is within reach of a determined attacker, who could then sign mail as you.", k.Name, key.Bits),
				fmt.Sprintf("RSA %d bits", key.Bits), fmt.Sprintf("RSA %d bits or ed25519", rsaGoodBits),
				"Rotate to a 2048-bit key: create a new selector at the provider, publish it, switch signing, then revoke the old one with an empty p=.")
		}
		if key.Testing() {
			add("email.dkim-testing", probes.Low, probes.Onboarding,
				"DKIM key "+k.Selector+" is in testing mode (t=y)",
				fmt.Sprintf("The key at %s carries t=y: receivers may treat signed mail as unsigned, so DKIM does not protect it yet.", k.Name),
				"t=y", "no t=y flag",
				"Once signatures verify (launchready email verify on a received message), remove t=y from the record.")
		}
		if k.Source == "message" {
			out = append(out, finding("email.dkim-selector-found", probes.Info, probes.Onboarding, k.Name,
				"DKIM selector "+k.Selector+" found in a received message ("+key.Describe()+")",
				fmt.Sprintf("A received message (%s) was signed with selector %s, and %s is published, but email.dkim_selectors does not list it; a provider signs with it.", k.SeenIn, k.Selector, k.Name),
				key.Describe(), "every selector in use listed in email.dkim_selectors",
				fmt.Sprintf("Add %s to email.dkim_selectors so its key is checked on purpose.", k.Selector),
				k.Name+" TXT "+quoteRecord(k.Record), "seen in "+k.SeenIn))
		}
		if k.Source == "well-known" {
			out = append(out, finding("email.dkim-selector-found", probes.Info, probes.Onboarding, k.Name,
				"DKIM selector "+k.Selector+" found ("+key.Describe()+")",
				fmt.Sprintf("%s is published but not listed in email.dkim_selectors; a provider probably signs with it.", k.Name),
				key.Describe(), "every selector in use listed in email.dkim_selectors",
				fmt.Sprintf("Add %s to email.dkim_selectors so its key is checked on purpose, or ask who published it.", k.Selector),
				k.Name+" TXT "+quoteRecord(k.Record)))
		}
	}
	return out
}

func quoteRecord(r string) string { return fmt.Sprintf("%q", clip(r, 200)) }

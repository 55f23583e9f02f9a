// Package mailauth is the email pane: for each sending domain, what receivers will decide
// about the product's password resets, invites and receipts, and the exact record to
// publish where they would decide wrong. It also holds the logic of `launchready email
// verify` (VerifyMessage: a received message's DKIM, SPF and DMARC verdicts).
//
// All DNS goes through netx, so the lab, staging and tests point it at loopback servers.
// Evaluation for an IP uses blitiri.com.ar/go/spf (EvaluateSPF); the lookup budget is
// counted by our own walker (WalkSPF), which evaluates the record tree in receiver order
// and keeps counting past the limits so a report can say "needs 12". DKIM verification
// and DMARC records use github.com/emersion/go-msgauth; our own strict parsers (ParseSPF,
// ParseDKIMKey, ParseDMARC, ParseMTASTSPolicy, ParseTLSRPT) judge records the way the
// strictest receivers do.
//
// Findings (ID: severity, impact):
//
//	email.spf-missing              high, onboarding   no v=spf1 record
//	email.spf-multiple             high, onboarding   more than one (permerror)
//	email.spf-syntax               high, onboarding   the record breaks the RFC 7208 grammar
//	email.spf-too-many-lookups     high, onboarding   more than 10 DNS lookups, with the per-include breakdown
//	email.spf-void-lookups         high, onboarding   more than 2 lookups that find nothing
//	email.spf-include-broken       high, onboarding   an include/redirect fails (no record, loop, >10 MX)
//	email.spf-temperror            medium, onboarding a name in the tree does not answer
//	email.spf-lookups-near-limit   low, onboarding    9 or 10 lookups
//	email.spf-pass-all             high, trust        +all
//	email.spf-neutral-all          medium, trust      ?all
//	email.spf-no-all               medium, trust      no all and no redirect
//	email.spf-ptr                  low, onboarding    ptr is used
//	email.spf-split-joins-terms    high, onboarding   a string split runs two terms together
//	email.spf-truncated            medium, onboarding a 255-byte last string without all: cut by a provider
//	email.spf-too-long             low, onboarding    the TXT answer is over 512 bytes
//	email.spf-unapproved-include   medium, trust      an include not in email.approved_senders
//	email.spf-approved-missing     high, onboarding   an approved sender not included
//	email.spf-ip-not-authorised    high, onboarding   a sending IP gets fail/softfail/neutral (temperror: medium)
//	email.spf-unaligned            medium/high        the return-path domain does not align with From (high when DKIM does not either)
//	email.dkim-missing             high, onboarding   a configured selector has no record
//	email.dkim-invalid             high, onboarding   unusable key record (syntax, version, key type, data, several records)
//	email.dkim-revoked             high, onboarding   empty p=
//	email.dkim-weak-key            medium, trust      RSA under 2048 bits (high, onboarding, under 1024: receivers refuse it)
//	email.dkim-testing             low, onboarding    t=y
//	email.dkim-not-for-email       high, onboarding   s= excludes email
//	email.dkim-hash                high, onboarding   h= excludes sha256
//	email.dkim-lookup-failed       medium, onboarding the key does not answer
//	email.dkim-none                medium, onboarding no selector configured and none of the well-known ones published
//	email.dkim-selector-found      info               a well-known selector, or one seen in a received message, is published but not configured
//	email.dkim-message-key-missing medium, onboarding a selector seen in a received message has no key record
//	email.selectors-unreadable     info, support      STATE/email-selectors.json is corrupt (on the From domain's check only)
//	email.dkim-unaligned           medium/high        no DKIM domain aligns with From (high when SPF does not either)
//	email.dmarc-missing            high, onboarding   no record at _dmarc (nor at the organisational domain)
//	email.dmarc-multiple           high, onboarding   several records: receivers apply none
//	email.dmarc-invalid            high, onboarding   receivers discard the record
//	email.dmarc-temperror          medium, onboarding the record does not answer
//	email.dmarc-policy-none        medium, onboarding p=none: monitoring only
//	email.dmarc-below-minimum      high, onboarding   policy weaker than email.min_dmarc_policy
//	email.dmarc-no-rua             medium, onboarding no aggregate reports
//	email.dmarc-partial            low, onboarding    pct under 100
//	email.dmarc-report-unauthorised medium, support   an external report address without <domain>._report._dmarc.<dest>
//	email.dmarc-weak-subdomain-policy low, trust      sp= or np= weaker than p=
//	email.dmarc-testing            low, onboarding    t=y (DMARCbis)
//	email.dmarc-strict-alignment   info               adkim=s or aspf=s
//	email.dmarc-notes              info               tags DMARCbis dropped (pct, rf, ri), unknown tags, p not second
//	email.mx-missing               medium (low for subdomains), support
//	email.mx-null                  high, onboarding   null MX on a sending domain
//	email.mx-null-mixed            medium, support    null MX next to real ones
//	email.mx-unresolvable          high, support      an MX target has no address
//	email.mx-cname                 medium, support    an MX target is a CNAME
//	email.mx-address-literal       medium, support    an MX target is an IP
//	email.mx-lookup-failed         medium, support
//	email.mta-sts-missing          low, trust
//	email.mta-sts-invalid          medium, trust      bad or several _mta-sts records
//	email.mta-sts-policy-error     medium, trust      the policy cannot be fetched or parsed
//	email.mta-sts-mx-mismatch      high (enforce) / low (testing), support
//	email.mta-sts-mode-none        low, trust
//	email.tlsrpt-missing           low, support
//	email.tlsrpt-invalid           low, support
//
// Metrics: spf_lookups, spf_void_lookups, spf_record_bytes, dkim_key_bits (the weakest usable key),
// dmarc_policy (0 none, 1 quarantine, 2 reject; absent without a usable record),
// mx_count. Result.Data is a *Report: the SPF walk (tree with per-include counts) and
// verdicts per sending IP, every DKIM selector looked at, the DMARC record and where it
// came from, MX hosts, MTA-STS policy and TLS-RPT, and alignment on the From domain's
// check.
//
// DKIM selectors are discovered three ways and nothing is guessed beyond them: the
// configured ones, the selectors of received messages `launchready email verify` recorded
// in the state folder (SelectorsFile; RecordSelectors, ReadSelectors), and a short list of
// well-known provider selectors. Each KeyReport says which (Source: config, message,
// well-known), and a message selector says where it was last seen (SeenIn).
package mailauth

// Package tlscheck is the Certificates and HTTPS pane: for every public host, the
// certificate and chain as served (verified here, against system roots plus
// network.ca_file, so each fault is named: expired, not yet valid, wrong name,
// self-signed, untrusted root, missing intermediate, SHA-1, weak key), days left, the
// lowest TLS version accepted, the CAA cross-check of the issuer, what port 80 answers,
// HSTS; the redirect map (apex and www to the canonical host, hop by hop); and mixed
// content on the canonical page and configured pages.
//
// All traffic goes through netx: handshakes skip Go's verification on purpose and the
// chain is verified afterwards, so a broken certificate is inspected rather than
// refused; every request has the check's deadline, every body read a limit.
//
// # Checks and their Result.Data
//
//   - "tls NAME" (and "tls NAME:PORT" for tls.targets): Data is *Host, the inventory row
//     the console's Certificates table draws. Inventory collects them from a sweep.
//   - "redirect URL": Data is *Redirect, every hop with status and Location.
//   - "mixed-content URL": Data is *Page, every http:// reference with its line.
//
// # Metrics
//
// tls checks: days_left (whole days, negative once expired), tls_min_version (1.0, 1.1,
// 1.2, 1.3; absent when not established), hsts_max_age_days, http_redirect_status
// (port 80's status, absent when nothing answered), chain_len (certificates served),
// key_bits. redirect checks: redirect_hops. mixed-content checks: mixed_active,
// mixed_forms, mixed_passive, page_bytes.
//
// # Findings
//
// Certificate: tls.expired, tls.not-yet-valid, tls.expiring, tls.chain-expired,
// tls.self-signed, tls.untrusted, tls.incomplete-chain, tls.root-sent,
// tls.sha1-signature, tls.weak-key, tls.name-mismatch, tls.caa-mismatch,
// tls.caa-lookup-failed.
// Protocol: tls.handshake-failed, tls.legacy-only, tls.old-protocol, tls.bad-response,
// tls.unreachable (info: the Endpoints pane owns outages). Port 80: tls.http-not-redirected,
// tls.http-bad-redirect, tls.http-temporary-redirect, tls.http-error, tls.http-closed.
// HSTS: tls.hsts-missing, tls.hsts-short. Redirects: tls.redirect-loop,
// tls.redirect-long, tls.redirect-via-http, tls.redirect-wrong-landing,
// tls.redirect-missing, tls.redirect-broken, tls.redirect-temporary. Pages:
// tls.mixed-active, tls.mixed-form, tls.mixed-passive, tls.page-insecure,
// tls.page-too-large, tls.page-incomplete, tls.page-unavailable (info).
package tlscheck

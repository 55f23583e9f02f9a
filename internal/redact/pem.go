package redact

import "strings"

// redactPEM removes private key blocks whole, from the BEGIN line to the END line, or to
// the end of the text when the END is missing (a truncated line must not leak half a key).
// It works on real newlines and on the \n escapes of a key pasted into JSON alike.
func redactPEM(s string, h *Hits) string {
	if !strings.Contains(s, "-----BEGIN") {
		return s
	}
	e := editor{s: s}
	for i := 0; ; {
		j := strings.Index(s[i:], "-----BEGIN")
		if j < 0 {
			break
		}
		start := i + j
		// The label: "-----BEGIN RSA PRIVATE KEY-----", "-----BEGIN OPENSSH PRIVATE KEY-----",
		// "-----BEGIN ENCRYPTED PRIVATE KEY-----"; certificates and public keys are not secret.
		labelEnd := strings.Index(s[start+10:], "-----")
		if labelEnd < 0 || labelEnd > 64 {
			i = start + 10
			continue
		}
		label := s[start+10 : start+10+labelEnd]
		if !strings.Contains(label, "PRIVATE KEY") {
			i = start + 10
			continue
		}
		end := len(s)
		if k := strings.Index(s[start:], "-----END"); k >= 0 {
			end = start + k + len("-----END")
			if m := strings.Index(s[end:], "-----"); m >= 0 && m <= 64 {
				end += m + 5
			}
		}
		e.replace(start, end, marker(PrivateKey))
		h[PrivateKey]++
		i = end
	}
	return e.result()
}

package redact

import "strings"

// A shape is a key or token recognisable by its prefix: vendors prefix their secrets so
// that scanners like this one can find them.
type shape struct {
	prefix string
	kind   Kind
	body   func(byte) bool // the characters after the prefix
	min    int             // the fewest body characters that make it a secret
	// boundary: the prefix must not follow a letter or digit. Only for prefixes that
	// also occur inside ordinary words ("task-", "SG.").
	boundary bool
	// digit: the body must hold a digit, which ordinary words do not.
	digit bool
	// keepPrefix keeps the prefix visible (a Slack webhook's host is not the secret).
	keepPrefix bool
}

var shapes = []shape{
	{prefix: "sk_live_", kind: StripeKey, body: isAlnum, min: 10},
	{prefix: "sk_test_", kind: StripeKey, body: isAlnum, min: 10},
	{prefix: "rk_live_", kind: StripeKey, body: isAlnum, min: 10},
	{prefix: "rk_test_", kind: StripeKey, body: isAlnum, min: 10},
	{prefix: "whsec_", kind: StripeKey, body: isBase64, min: 10},
	{prefix: "ghp_", kind: GitHubToken, body: isAlnum, min: 20},
	{prefix: "gho_", kind: GitHubToken, body: isAlnum, min: 20},
	{prefix: "ghu_", kind: GitHubToken, body: isAlnum, min: 20},
	{prefix: "ghs_", kind: GitHubToken, body: isAlnum, min: 20},
	{prefix: "ghr_", kind: GitHubToken, body: isAlnum, min: 20},
	{prefix: "github_pat_", kind: GitHubToken, body: isWord, min: 20},
	{prefix: "xoxb-", kind: SlackToken, body: isAlnumDash, min: 10},
	{prefix: "xoxp-", kind: SlackToken, body: isAlnumDash, min: 10},
	{prefix: "xoxa-", kind: SlackToken, body: isAlnumDash, min: 10},
	{prefix: "xoxr-", kind: SlackToken, body: isAlnumDash, min: 10},
	{prefix: "xoxs-", kind: SlackToken, body: isAlnumDash, min: 10},
	{prefix: "xoxe-", kind: SlackToken, body: isAlnumDash, min: 10},
	{prefix: "xapp-", kind: SlackToken, body: isAlnumDash, min: 10},
	{prefix: "hooks.slack.com/services/", kind: SlackToken, body: isPathChar, min: 10, keepPrefix: true},
	{prefix: "AIza", kind: GoogleKey, body: isURLSafe, min: 30},
	{prefix: "sk-", kind: APIKey, body: isURLSafe, min: 20, boundary: true, digit: true},
	{prefix: "SG.", kind: APIKey, body: isSendGrid, min: 40, boundary: true, digit: true},
}

// awsIDPrefixes start AWS access key ids (AKIA long-term, ASIA temporary, and the other
// unique-id prefixes that show up in IAM errors).
var awsIDPrefixes = []string{"AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA", "APKA"}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}
func isUpperDigit(c byte) bool { return 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' }
func isWord(c byte) bool       { return isAlnum(c) || c == '_' }
func isAlnumDash(c byte) bool  { return isAlnum(c) || c == '-' }
func isURLSafe(c byte) bool    { return isAlnum(c) || c == '-' || c == '_' }
func isBase64(c byte) bool     { return isAlnum(c) || c == '+' || c == '/' || c == '=' }
func isPathChar(c byte) bool   { return isAlnum(c) || c == '/' || c == '_' || c == '-' }
func isSendGrid(c byte) bool   { return isURLSafe(c) || c == '.' }
func isDigit(c byte) bool      { return '0' <= c && c <= '9' }

// Bits of what shapeScan found, beyond one bit per entry of shapes.
const (
	foundJWT = 1 << (iota + 32)
	foundAWS
	foundBearer
)

// byFirst lists, for each byte, the shapes whose prefix starts with it, so one pass over
// the text finds every candidate instead of one search per shape.
var byFirst = func() (t [256][]int) {
	for i, sh := range shapes {
		t[sh.prefix[0]] = append(t[sh.prefix[0]], i)
	}
	return t
}()

// shapeScan says which shapes may be present, in one pass.
func shapeScan(s string) uint64 {
	var found uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		for _, k := range byFirst[c] {
			if strings.HasPrefix(s[i:], shapes[k].prefix) {
				found |= 1 << k
			}
		}
		switch c {
		case 'e':
			if strings.HasPrefix(s[i:], "eyJ") {
				found |= foundJWT
			}
		case 'A':
			if i+20 <= len(s) {
				found |= foundAWS
			}
		case 'b', 'B':
			if i+6 <= len(s) && strings.EqualFold(s[i:i+6], "bearer") {
				found |= foundBearer
			}
		}
	}
	return found
}

// redactShapes replaces prefixed keys, JWTs, AWS key ids and bearer tokens.
func redactShapes(s string, h *Hits) string {
	if len(s) < 15 {
		return s // shorter than the shortest of them ("xoxb-" and ten characters)
	}
	found := shapeScan(s)
	if found == 0 {
		return s
	}
	for i := range shapes {
		if found&(1<<i) != 0 {
			s = redactShape(s, &shapes[i], h)
		}
	}
	if found&foundJWT != 0 {
		s = redactJWTs(s, h)
	}
	if found&foundAWS != 0 {
		s = redactAWSKeyIDs(s, h)
	}
	if found&foundBearer != 0 {
		s = redactBearer(s, h)
	}
	return s
}

func redactShape(s string, sh *shape, h *Hits) string {
	e := editor{s: s}
	for i := 0; ; {
		j := strings.Index(s[i:], sh.prefix)
		if j < 0 {
			break
		}
		start := i + j
		i = start + len(sh.prefix)
		if sh.boundary && start > 0 && isAlnum(s[start-1]) {
			continue
		}
		end, digit := i, false
		for end < len(s) && sh.body(s[end]) {
			digit = digit || isDigit(s[end])
			end++
		}
		if end-i < sh.min || (sh.digit && !digit) {
			continue
		}
		from := start
		if sh.keepPrefix {
			from = i
		}
		e.replace(from, end, marker(sh.kind))
		h[sh.kind]++
		i = end
	}
	return e.result()
}

// redactJWTs finds header.payload[.signature] in base64url; a JWT header always starts
// with eyJ (base64 of `{"`).
func redactJWTs(s string, h *Hits) string {
	e := editor{s: s}
	for i := 0; ; {
		j := strings.Index(s[i:], "eyJ")
		if j < 0 {
			break
		}
		start := i + j
		i = start + 3
		end := start
		segs := 0
		for segs < 3 {
			k := end
			for k < len(s) && isURLSafe(s[k]) {
				k++
			}
			if k-end < 8 && segs < 2 {
				break
			}
			segs++
			end = k
			if segs < 3 && end+1 < len(s) && s[end] == '.' && isURLSafe(s[end+1]) {
				end++
				continue
			}
			break
		}
		if segs < 2 {
			continue
		}
		e.replace(start, end, marker(JWT))
		h[JWT]++
		i = end
	}
	return e.result()
}

func redactAWSKeyIDs(s string, h *Hits) string {
	e := editor{s: s}
	for i := 0; i+20 <= len(s); {
		j := strings.IndexByte(s[i:], 'A')
		if j < 0 || i+j+20 > len(s) {
			break
		}
		start := i + j
		i = start + 1
		p := s[start : start+4]
		known := false
		for _, a := range awsIDPrefixes {
			if p == a {
				known = true
				break
			}
		}
		if !known {
			continue
		}
		end := start + 4
		for end < len(s) && isUpperDigit(s[end]) {
			end++
		}
		if end-start < 20 {
			continue
		}
		e.replace(start, end, marker(AWSKeyID))
		h[AWSKeyID]++
		i = end
	}
	return e.result()
}

// redactBearer removes the token after "Bearer " (any case), the form tokens take in
// Authorization headers and in the error messages of HTTP clients that print them.
func redactBearer(s string, h *Hits) string {
	e := editor{s: s}
	for i := 0; ; {
		j := indexFold(s[i:], "bearer", "bB")
		if j < 0 {
			break
		}
		start := i + j + len("bearer")
		i = start
		k := start
		switch {
		case strings.HasPrefix(s[k:], "%20"):
			k += 3
		case k < len(s) && (s[k] == ' ' || s[k] == '\t' || s[k] == '+' || s[k] == ':' || s[k] == '='):
			for k < len(s) && (s[k] == ' ' || s[k] == '\t' || s[k] == '+' || s[k] == ':' || s[k] == '=') {
				k++
			}
		default:
			continue
		}
		end := k
		for end < len(s) && isTokenChar(s[end]) {
			end++
		}
		if end-k < 8 || strings.HasPrefix(s[k:], "[REDACTED") {
			continue
		}
		e.replace(k, end, marker(Bearer))
		h[Bearer]++
		i = end
	}
	return e.result()
}

// isTokenChar: RFC 6750 b64token characters.
func isTokenChar(c byte) bool {
	return isAlnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '='
}

// indexFold is strings.Index ignoring ASCII case; sub is lower case and firsts holds its
// first letter in both cases.
func indexFold(s, sub, firsts string) int {
	for i := 0; i+len(sub) <= len(s); {
		k := strings.IndexAny(s[i:], firsts)
		if k < 0 || i+k+len(sub) > len(s) {
			return -1
		}
		i += k
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
		i++
	}
	return -1
}

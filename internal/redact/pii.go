package redact

import "strings"

// redactAWSSecrets removes 40-character AWS secret access keys that appear without a
// telling name. Mixed case and a digit are required so that git hashes (lower-case hex)
// and ordinary words survive.
func redactAWSSecrets(s string, h *Hits) string {
	if len(s) < 40 {
		return s
	}
	e := editor{s: s}
	for i := 0; i < len(s); {
		if !isSecretChar(s[i]) {
			i++
			continue
		}
		start := i
		var upper, lower, digit bool
		for i < len(s) && isSecretChar(s[i]) {
			c := s[i]
			upper = upper || 'A' <= c && c <= 'Z'
			lower = lower || 'a' <= c && c <= 'z'
			digit = digit || isDigit(c)
			i++
		}
		if i-start != 40 || !upper || !lower || !digit || (i < len(s) && s[i] == '=') {
			continue
		}
		e.replace(start, i, marker(AWSSecret))
		h[AWSSecret]++
	}
	return e.result()
}

func isSecretChar(c byte) bool { return isAlnum(c) || c == '+' || c == '/' }

// redactEmails replaces the local part of e-mail addresses and keeps the domain: which
// provider or customer domain is failing is useful, who is not needed.
func redactEmails(s string, h *Hits) string {
	if strings.IndexByte(s, '@') < 0 {
		return s
	}
	e := editor{s: s}
	for i := 0; ; {
		j := strings.IndexByte(s[i:], '@')
		if j < 0 {
			break
		}
		at := i + j
		i = at + 1
		ls := at
		for ls > e.last && isLocalChar(s[ls-1]) {
			ls--
		}
		for ls < at && s[ls] == '.' {
			ls++
		}
		if ls == at || !validDomain(s[at+1:]) {
			continue
		}
		e.replace(ls, at, Marker)
		h[Email]++
	}
	return e.result()
}

func isLocalChar(c byte) bool {
	return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'
}

// validDomain says whether s starts with a domain name: labels of letters, digits and '-'
// and a final label of at least two letters.
func validDomain(s string) bool {
	end := 0
	for end < len(s) && (isAlnum(s[end]) || s[end] == '.' || s[end] == '-') {
		end++
	}
	d := strings.TrimRight(s[:end], ".-")
	for {
		dot := strings.LastIndexByte(d, '.')
		if dot <= 0 {
			return false
		}
		tld := d[dot+1:]
		if len(tld) >= 2 && isLetters(tld) {
			return true
		}
		d = d[:dot]
	}
}

func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if !('a' <= s[i] && s[i] <= 'z' || 'A' <= s[i] && s[i] <= 'Z') {
			return false
		}
	}
	return true
}

// redactCards replaces card numbers: 13 to 19 digits, written together or in groups
// separated by single spaces or dashes, starting with a card network's first digit (2-6)
// and passing the Luhn check. Windows are aligned to the groups, so "order 300 4111 1111
// 1111 1111" loses the card and keeps the order number.
func redactCards(s string, h *Hits) string {
	e := editor{s: s}
	var groups [64]group
	for i := 0; i < len(s); {
		if !isDigit(s[i]) {
			i++
			continue
		}
		if i > 0 && (isAlnum(s[i-1]) || s[i-1] == '.') {
			// inside a word, a version or a decimal: skip the rest of this run of digits
			for i < len(s) && isDigit(s[i]) {
				i++
			}
			continue
		}
		n := 0
		j := i
		full := false
		for {
			if n == len(groups) {
				full = true
				break
			}
			gs := j
			for j < len(s) && isDigit(s[j]) {
				j++
			}
			groups[n] = group{gs, j}
			n++
			if j+1 < len(s) && (s[j] == ' ' || s[j] == '-') && isDigit(s[j+1]) {
				j++
				continue
			}
			break
		}
		i = j
		limit := n
		if full {
			// More groups follow than fit: look at windows starting in the first part and
			// come back for the rest, overlapping by the longest card (19 groups of 1).
			limit = n - 19
			i = groups[limit].start
		} else if j < len(s) && (isAlnum(s[j]) || (s[j] == '.' && j+1 < len(s) && isDigit(s[j+1]))) {
			n-- // the last group runs into a word or a decimal: not part of a card
			limit = n
		}
		for a := 0; a < limit; {
			found := false
			if c := s[groups[a].start]; c >= '2' && c <= '6' {
				digits := 0
				for b := a; b < n; b++ {
					digits += groups[b].end - groups[b].start
					if digits > 19 {
						break
					}
					if digits >= 13 && luhn(s, groups[a:b+1]) {
						// take the longest valid window from this start
						best := b
						d2 := digits
						for c2 := b + 1; c2 < n; c2++ {
							d2 += groups[c2].end - groups[c2].start
							if d2 > 19 {
								break
							}
							if luhn(s, groups[a:c2+1]) {
								best = c2
							}
						}
						e.replace(groups[a].start, groups[best].end, marker(Card))
						h[Card]++
						a = best + 1
						found = true
						break
					}
				}
			}
			if !found {
				a++
			}
		}
	}
	return e.result()
}

type group struct{ start, end int }

func luhn(s string, gs []group) bool {
	sum, double := 0, false
	for g := len(gs) - 1; g >= 0; g-- {
		for k := gs[g].end - 1; k >= gs[g].start; k-- {
			d := int(s[k] - '0')
			if double {
				d *= 2
				if d > 9 {
					d -= 9
				}
			}
			sum += d
			double = !double
		}
	}
	return sum%10 == 0
}

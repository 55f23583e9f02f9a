package errlog

import "strings"

// What an id looks like. Grouping must fold every occurrence of one error into one row
// whatever id it carries, and must not fold two different errors whose only difference
// is a word. Most ids hold a digit, and a token with a digit is always data (see
// normalise). The hard ones are ids that happen to hold no digit: a 14-character Stripe
// suffix drawn from 62 characters has none about one time in twelve, so a log of 40
// customers' failures almost always has a few. isID recognises those by shape:
//
//   - a uuid, 8-4-4-4-12 hex with dashes (a segment can be all letters: "cafe");
//   - a run of 16 or more hex characters (Mongo ObjectId 24, dashless uuid 32, trace ids,
//     hashes): no word is that long in a-f;
//   - a word_ prefix (lower-case letters, as in cus_, pi_, evt_, user_, sk_live_) and a
//     tail of 8 or more letters and digits that is mixed case and looks drawn at random
//     (Stripe, Clerk and most prefixed ids are base62);
//   - a run of 16 or more of A-Z a-z 0-9 _ - that is mixed case and looks drawn at random
//     (nanoid 21, Firebase push ids 20, base64url tokens, ULIDs and others).
//
// "Looks drawn at random" is what tells an id from a CamelCase word such as
// NullPointerException or PaymentIntentCreationFailed: randomness scores a string by how
// much likelier its letters are under a uniform draw than under CamelCase English. In a
// CamelCase word the case changes only where a word starts (an upper-case letter, then
// several lower-case ones), upper-case letters come alone or as one acronym, and letter
// pairs inside a word are the pairs English uses; in a random draw the case flips at
// every other letter and two letters in five form a pair English never writes ("qx",
// "vb"). Digit presence, length and case are not enough on their own: ECONNREFUSED and
// getUserById are ordinary words, and an id need not hold a digit.
//
// A letters-only id is recognised by likelihood, not certainty: measured on random draws,
// a 14-letter prefixed tail is missed about once in 70 and a 21-character nanoid about
// once in 60, while of 25,000 CamelCase identifiers of 16 or more letters (Go's standard
// library and modules) about 40 were taken for ids, nearly all Windows API all-caps
// struct names. Ids of one case only and without a digit (rare: base62 and base64 ids are
// mixed case) are kept as words, as a lower-case tail like in_progress must be.
func isID(r string) bool {
	n := len(r)
	if n < 8 {
		return false
	}
	if n == 36 && isUUID(r) {
		return true
	}
	var upper, lower, other bool
	for i := 0; i < n; i++ {
		switch c := r[i]; {
		case 'a' <= c && c <= 'z':
			lower = true
			other = other || c > 'f'
		case 'A' <= c && c <= 'Z':
			upper = true
			other = other || c > 'F'
		case '0' <= c && c <= '9':
		default:
			other = true
		}
	}
	if n >= 16 && !other {
		return true // hex
	}
	if k := strings.LastIndexByte(r, '_'); k > 0 && isPrefix(r[:k]) {
		if tail := r[k+1:]; len(tail) >= 8 && isAlnumASCII(tail) {
			tu, tl, td := caseOf(tail)
			if td || tu && tl && randomness(tail) >= prefixedTailThreshold {
				return true
			}
		}
	}
	return n >= 16 && upper && lower && randomness(r) >= runThreshold
}

// The thresholds of randomness, in tenths of a nat. Zero is "as likely random as a word";
// a run with no prefix needs at least that, a tail after a word_ prefix (already a sign
// of an id) a little less. Chosen on random draws and on Go's identifiers (see isID).
const (
	runThreshold          = 0
	prefixedTailThreshold = -20
)

// randomness is how much likelier s (letters, digits, '_', '-') is drawn at random from
// base62 than written as CamelCase English, as a log-likelihood ratio in tenths of a nat:
// positive looks random, negative looks like words. Each weight is ln(P(event | random) /
// P(event | CamelCase)), the CamelCase side measured on Go identifiers:
//
//	lower then upper   +11   (a word starts: 1 in 6 after a lower-case letter in CamelCase, 1 in 2 at random)
//	lower then lower    -5
//	upper then upper    +5   (counted once per upper-case run: an acronym is one event)
//	upper then lower    -5
//	a pair inside a word that English rarely writes   +44   (1 in 200 in CamelCase, 2 in 5 at random)
//	a pair English writes                              -5
//	a word of 3 or more letters without a vowel       +20
//
// Digits, '_' and '-' separate words and score nothing themselves.
func randomness(s string) int {
	score := 0
	hump, vowel := 0, false // the current word (an upper-case letter and the lower-case ones after it)
	endHump := func() {
		if hump >= 3 && !vowel {
			score += 20
		}
		hump, vowel = 0, false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		lb := b | 0x20
		if lb < 'a' || lb > 'z' {
			endHump()
			continue
		}
		upper := b < 'a'
		if i > 0 {
			if a := s[i-1]; 'a' <= a|0x20 && a|0x20 <= 'z' {
				la, aUpper := a|0x20, a < 'a'
				switch {
				case !aUpper && upper:
					score += 11
				case !aUpper && !upper:
					score -= 5
				case aUpper && upper:
					if i < 2 || !('A' <= s[i-2] && s[i-2] <= 'Z') {
						score += 5
					}
				default:
					score -= 5
				}
				if !upper {
					if englishPairs[la-'a']&(1<<(lb-'a')) == 0 {
						score += 44
					} else {
						score -= 5
					}
				}
			}
		}
		if upper {
			endHump()
		}
		hump++
		vowel = vowel || isVowel(lb)
	}
	endHump()
	return score
}

// englishPairs[a] has bit b set when English writes the letter pair a,b inside a word at
// least twice in 100,000 pairs (counted on the English of the Go standard library's
// comments, 7.3 million pairs). 411 of the 676 pairs qualify, so a random pair is rare
// two times in five.
var englishPairs = [26]uint32{
	0x3febd6e, // a: bcdfgiklmnprstuvwxyz
	0x13ecb3f, // b: abcdefijloprstuvy
	0x13fddfd, // c: acdefghiklmopqrstuvy
	0x1fefb7f, // d: abcdefgijlmnoprstuvwxy
	0x1ffffff, // e: abcdefghijklmnopqrstuvwxy
	0x11e797d, // f: acdefgilmnorstuy
	0x01ef9d5, // g: aceghilmnoprstu
	0x11e5911, // h: aeilmorstuy
	0x2affc7f, // i: abcdefgklmnopqrstvxz
	0x0144011, // j: aeosu
	0x154e151, // k: aeginopsuwy
	0x17eedff, // l: abcdefghiklnoprstuvwy
	0x11cfd1f, // m: abcdeiklmnopstuy
	0x17ffdff, // n: abcdefghiklmnopqrstuvwy
	0x0fefd7f, // o: abcdefgiklmnoprstuvwx
	0x11ecddd, // p: acdeghikloprstuy
	0x0100000, // q: u
	0x37effff, // r: abcdefghijklmnoprstuvwyz
	0x35ffdff, // s: abcdefghiklmnopqrstuwyz
	0x1fef9ff, // t: abcdefghilmnoprstuvwxy
	0x28ef97f, // u: abcdefgilmnoprstxz
	0x0045119, // v: adeimos
	0x04e6991, // w: aehilnorstw
	0x1888115, // x: aceiptxy
	0x24cf916, // y: bceilmnopstwz
	0x2004111, // z: aeioz
}

func isVowel(lc byte) bool {
	switch lc {
	case 'a', 'e', 'i', 'o', 'u', 'y':
		return true
	}
	return false
}

// isPrefix says whether p is an id prefix: lower-case letters, perhaps several parts
// joined by '_' (cus, evt, user, sk_live, cs_test), as ids that say what they name carry.
func isPrefix(p string) bool {
	if len(p) > 24 || p[0] == '_' || p[len(p)-1] == '_' {
		return false
	}
	for i := 0; i < len(p); i++ {
		if c := p[i]; !('a' <= c && c <= 'z' || c == '_') {
			return false
		}
	}
	return true
}

// caseOf says which of upper-case letters, lower-case letters and digits s holds.
func caseOf(s string) (upper, lower, digit bool) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z':
			lower = true
		case 'A' <= c && c <= 'Z':
			upper = true
		case '0' <= c && c <= '9':
			digit = true
		}
	}
	return upper, lower, digit
}

func isAlnumASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// isUUID says whether s (36 bytes) is 8-4-4-4-12 hex digits.
func isUUID(s string) bool {
	for i := 0; i < 36; i++ {
		c := s[i]
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return false
			}
		} else if !isHexByte(c) {
			return false
		}
	}
	return true
}

func isHexByte(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// isIDByte says whether c can be part of an id: ASCII letters and digits, '_' and '-'.
func isIDByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-'
}

package errlog

import (
	"strings"

	"github.com/launchready/launchready/probes"
)

// impactWords guess what an error costs the business from what it is about, so a
// failing Stripe webhook ranks above a slow avatar upload. The first list that matches
// wins; an error about nothing recognisable costs support time.
var impactWords = []struct {
	impact probes.Impact
	words  []string
}{
	{probes.Revenue, []string{"stripe", "payment", "checkout", "invoice", "billing", "subscription", "charge", "refund", "payout", "paypal", "paddle", "braintree", "pricing", "plan upgrade"}},
	{probes.Onboarding, []string{"login", "log in", "signin", "sign in", "sign-in", "signup", "sign up", "sign-up", "register", "registration",
		"password", "verify", "verification", "confirm", "welcome", "invite", "onboard", "magic link", "oauth", "sso", "session", "smtp", "mail"}},
}

func guessImpact(texts ...string) probes.Impact {
	var b strings.Builder
	for _, t := range texts {
		if len(t) > 2048 {
			t = t[:2048]
		}
		b.WriteString(strings.ToLower(t))
		b.WriteByte('\n')
	}
	all := b.String()
	for _, iw := range impactWords {
		for _, w := range iw.words {
			if strings.Contains(all, w) {
				return iw.impact
			}
		}
	}
	return probes.Support
}

// impactOf guesses a group's impact from its first sample: what it says, where it
// happened (a path or endpoint field's value), and the functions on its stack.
func impactOf(sm Sample) probes.Impact {
	texts := []string{sm.Message, sm.Error, firstLines(sm.Stack, 12)}
	for _, f := range sm.Fields {
		texts = append(texts, f.Value) // values only: an "email" field says nothing about the error
	}
	return guessImpact(texts...)
}

func firstLines(s string, n int) string {
	i := 0
	for range n {
		j := strings.IndexByte(s[i:], '\n')
		if j < 0 {
			return s
		}
		i += j + 1
	}
	return s[:i]
}

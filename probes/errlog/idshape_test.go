package errlog

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// idShapes are ids as real systems mint them, two of each shape, at least one of every
// pair without a digit where the shape allows it (those are the ones that used to split
// a group). The same message carrying either must normalise alike, with the id gone.
var idShapes = []struct{ shape, a, b string }{
	{"Stripe customer, 14 base62", "cus_9s8d7f6g5h4j3k", "cus_aSuXyIokMpdsnG"},
	{"Stripe customer, both without digits", "cus_ThxVGpIhxXJnUc", "cus_ZDpYcwOzsOCWog"},
	{"Stripe payment intent, 24", "pi_3MtwBwLkdIwHu7ix28a3tqPa", "pi_XhETTVPxAdXTsPtzQsQZmeFE"},
	{"Stripe event", "evt_1NG8Du2eZvKYlo2CUI79vXWy", "evt_eoiATgdJLyZRLbuoZlFQYStB"},
	{"Stripe subscription", "sub_1MowQVLkdIwHu7ixeRlqHVzs", "sub_tlJMqrWdnFxaqHUV"},
	{"Stripe invoice", "in_1MtHbELkdIwHu7ixl4OzzPMv", "in_uukiuoDeqLucWOWBAhzY"},
	{"Stripe charge", "ch_3MmlLrLkdIwHu7ix0snN0B15", "ch_aSuXyIokMpdsnG"},
	{"Stripe connected account, 16", "acct_1032D82eZvKYlo2C", "acct_tlJMqrWdnFxaqHUV"},
	{"Stripe price", "price_1MoBy5LkdIwHu7ixZhnattbh", "price_ThxVGpIhxXJnUc"},
	{"Stripe product", "prod_NWjs8kKbJWmuuc", "prod_ZDpYcwOzsOCWog"},
	{"Stripe setup intent", "seti_1Mm8s8LkdIwHu7ix0OXBfTRG", "seti_XhETTVPxAdXTsPtzQsQZmeFE"},
	{"Stripe checkout session, two-part prefix", "cs_test_a1YS1URlnyQCN5fUUduORoQ7Pw41PJqDWkIVQCpJPqkfIhd6tz", "cs_test_xxkSrAUytZlOcDZRzsFhiCCDrAEUlqGfEYJiuRbBTJH"},
	{"Stripe webhook secret", "whsec_5WbX5kEWLlfzsGNjH64I8lOOqUB6e8FH", "whsec_ujiTBIatanALBaYUiKnFdrwYIJIxJQsd"},
	{"Stripe short tail, 8", "tok_NhebNxgf", "tok_4eC39HqL"},
	{"request id, 10", "req_lNjlRyrYDu", "req_7f3a91c2b8"},
	{"Clerk user", "user_2NNEqL2nrIRdJ194ndJqAHwEfxC", "user_oGYZNHvwJRQcLlHSqDAJNbtadKL"},
	{"Clerk organisation", "org_2ZqW9HR1F8m0yX4kB7cD3eF6gH", "org_oGYZNHvwJRQcLlHSqDAJNbtadKL"},
	{"Clerk session", "sess_2abcDEF123ghiJKL456mnoPQR78", "sess_XhETTVPxAdXTsPtzQsQZmeFE"},
	{"ULID", "01ARZ3NDEKTSV4RRFFQ69G5FAV", "01HQ8ZP3KX2N7YB4C6V5T9M1RD"},
	{"ULID, lower case", "01arz3ndektsv4rrffq69g5fav", "01hq8zp3kx2n7yb4c6v5t9m1rd"},
	{"ULID with a prefix (Paddle)", "ctm_01h8441jn5pcwrfhwh78jqt8hk", "ctm_01h9bw5jdp0kz8y3m6q2r4t7vx"},
	{"nanoid, 21 with _ and -", "V1StGXR8_Z5jdHi6B-myT", "HwImUcFHucGbzUvpNNCbo"},
	{"nanoid, a dash where a digit-less part follows", "Uakgb_J5m9g-0JDMbcJqLJ", "sZFpDe-BrAFMXNQCCMotis"},
	{"Firebase push id", "-MxYz3AbCdEfGhIjKlMn", "-NqWvTrBnMkLpHsDfGjY"},
	{"Mongo ObjectId", "507f1f77bcf86cd799439011", "6566a1b2c3d4e5f6a7b8c9d0"},
	{"ObjectId of hex letters only", "507f191e810c19729de860ea", "deadbeefcafebabefacedbad"},
	{"uuid v4", "550e8400-e29b-41d4-a716-446655440000", "6ba7b810-9dad-11d1-80b4-00c04fd430c8"},
	{"uuid with all-letter segments", "deadbeef-cafe-4bad-beef-facadefacade", "c0ffee00-dead-4eef-abcd-0123456789ab"},
	{"uuid, upper case", "550E8400-E29B-41D4-A716-446655440000", "DEADBEEF-CAFE-4BAD-BEEF-FACADEFACADE"},
	{"uuid without dashes", "550e8400e29b41d4a716446655440000", "deadbeefcafe4badbeeffacadefacade"},
	{"trace id, 32 hex", "4bf92f3577b34da6a3ce929d0e0e4736", "abcdefabcdefabcdefabcdefabcdefab"},
	{"span id, 16 hex", "00f067aa0ba902b7", "facadebeefcafeaa"},
	{"base64url, 22 (a uuid's bytes)", "Xb3dYq-Lm9TzKwNpR2vH_A", "sZFpDeBrAFMXNQCCMotisA"},
	{"base64url, 43 (a hash)", "n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg", "xxkSrAUytZlOcDZRzsFhiCCDrAEUlqGfEYJiuRbBTJH"},
	{"KSUID, 27 base62", "0ujtsYcgvSTl8PAuAdqWYSMnLOv", "oGYZNHvwJRQcLlHSqDAJNbtadKL"},
	{"Twilio SID", "AC3f8e2b1a9c7d6e5f4a3b2c1d0e9f8a7b", "ACdeadbeefcafebabefacedbadabcdefab"},
	{"random 16, no prefix", "tlJMqrWdnFxaqHUV", "Qm7vXk2rLpZsHy9d"},
}

func TestIDShapesNormaliseAlike(t *testing.T) {
	t.Parallel()
	if len(idShapes) < 30 {
		t.Fatalf("%d shapes, want at least 30", len(idShapes))
	}
	const tmpl = "payment webhook failed for customer %s: signature mismatch"
	want := "payment webhook failed for customer #: signature mismatch"
	for _, tc := range idShapes {
		t.Run(tc.shape, func(t *testing.T) {
			t.Parallel()
			for _, id := range []string{tc.a, tc.b} {
				if got := string(normalise(nil, fmt.Sprintf(tmpl, id), 240)); got != want {
					t.Errorf("%s normalises to %q, want %q", id, got, want)
				}
			}
		})
	}
}

// realErrors are error messages as applications write them, each a different error. They
// must keep their distinct groups: no two normalise alike, and the words that make them
// different (CamelCase class and function names, error codes) survive.
var realErrors = []string{
	"java.lang.NullPointerException: Cannot invoke \"String.length()\" because \"s\" is null",
	"java.util.ConcurrentModificationException at com.acme.billing.InvoiceService.collect",
	"java.lang.IllegalStateException: Subscription not found",
	"java.lang.IllegalArgumentException: amount must be positive",
	"org.springframework.dao.DataIntegrityViolationException: could not execute statement",
	"org.hibernate.LazyInitializationException: failed to lazily initialize a collection",
	"javax.net.ssl.SSLHandshakeException: PKIX path building failed",
	"System.InvalidOperationException: Sequence contains no elements",
	"System.ObjectDisposedException: Cannot access a disposed object",
	"TypeError: Cannot read properties of undefined (reading 'customerId')",
	"TypeError: getUserById is not a function",
	"ReferenceError: stripeClientSecret is not defined",
	"Error: connect ECONNREFUSED 127.0.0.1:5432",
	"Error: getaddrinfo ENOTFOUND db.internal",
	"Error [ERR_HTTP_HEADERS_SENT]: Cannot set headers after they are sent to the client",
	"UnhandledPromiseRejectionWarning: PaymentIntentCreationFailed",
	"StripeInvalidRequestError: No such customer",
	"StripeSignatureVerificationError: No signatures found matching the expected signature",
	"StripeCardError: Your card has insufficient funds",
	"PrismaClientKnownRequestError: Unique constraint failed on the fields: (`email`)",
	"SequelizeConnectionRefusedError: connect ECONNREFUSED",
	"MongoServerSelectionError: connection timed out",
	"sqlalchemy.exc.IntegrityError: duplicate key value violates unique constraint",
	"psycopg2.OperationalError: FATAL: remaining connection slots are reserved",
	"django.core.exceptions.ImproperlyConfigured: SECRET_KEY must not be empty",
	"ActiveRecord::RecordNotUnique: PG::UniqueViolation",
	"ActionController::InvalidAuthenticityToken",
	"Net::ReadTimeout with #<TCPSocket:(closed)>",
	"pq: too many connections for role \"acme\"",
	"context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
	"x509: certificate signed by unknown authority",
	"relation user_preferences does not exist",
	"job in_progress for too long",
	"max_connections reached",
	"invalid_grant: refresh token expired",
	"AccessDeniedException: User is not authorized to perform: dynamodb:PutItem",
	"ThrottlingException: Rate exceeded",
	"ResourceNotFoundException: Requested resource not found",
	"NoSuchBucket: The specified bucket does not exist",
	"XMLHttpRequestUpload failed: NetworkError when attempting to fetch resource",
	"Content-Security-Policy violation: script-src blocked",
	"AbstractSingletonProxyFactoryBean could not be created",
	"getHTTPResponseCodeForURLAndID failed",
	"webhook_signature_verification_failed",
	"checkoutSessionCompletedHandler threw",
	"subscriptionScheduleReleasedHandler threw",
}

func TestDistinctErrorsStayDistinct(t *testing.T) {
	t.Parallel()
	if len(realErrors) < 30 {
		t.Fatalf("%d messages, want at least 30", len(realErrors))
	}
	seen := map[string]string{}
	for _, m := range realErrors {
		n := string(normalise(nil, m, 240))
		if prev, ok := seen[n]; ok {
			t.Errorf("%q and %q normalise alike: %q", prev, m, n)
		}
		seen[n] = m
	}
	for _, word := range []string{"NullPointerException", "ConcurrentModificationException", "ECONNREFUSED", "getUserById",
		"PaymentIntentCreationFailed", "StripeSignatureVerificationError", "DataIntegrityViolationException",
		"user_preferences", "in_progress", "max_connections", "XMLHttpRequestUpload", "Content-Security-Policy",
		"AbstractSingletonProxyFactoryBean", "getHTTPResponseCodeForURLAndID", "webhook_signature_verification_failed",
		"checkoutSessionCompletedHandler", "subscriptionScheduleReleasedHandler", "stripeClientSecret"} {
		found := false
		for _, m := range realErrors {
			if strings.Contains(m, word) {
				found = found || strings.Contains(string(normalise(nil, m, 240)), word)
			}
		}
		if !found {
			t.Errorf("%q was taken for an id", word)
		}
	}
}

// TestRandomLetterIDsRecognised measures the digit-less ids isID misses (see its doc
// comment): the ones a log of many customers would still split on.
func TestRandomLetterIDsRecognised(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(15, 2))
	const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	for _, tc := range []struct {
		what     string
		prefix   string
		alphabet string
		n        int
		maxMiss  float64
	}{
		{"Stripe tail of 14 letters", "cus_", letters, 14, 0.02},
		{"Stripe tail of 24 letters", "pi_", letters, 24, 0.01},
		{"nanoid of 21 without digits", "", letters + "_-", 21, 0.03},
		{"run of 16 letters", "", letters, 16, 0.05},
	} {
		const draws = 20000
		missed := 0
		for range draws {
			b := []byte(tc.prefix)
			for range tc.n {
				b = append(b, tc.alphabet[r.IntN(len(tc.alphabet))])
			}
			if string(normalise(nil, "for "+string(b)+" now", 240)) != "for # now" {
				missed++
			}
		}
		if rate := float64(missed) / draws; rate > tc.maxMiss {
			t.Errorf("%s: %.2f%% missed, want at most %.1f%%", tc.what, 100*rate, 100*tc.maxMiss)
		} else {
			t.Logf("%s: %.2f%% missed", tc.what, 100*rate)
		}
	}
}

// TestOneGroupForManyCustomers is the audit's log: one webhook failure for 40 customers,
// some of whose ids hold no digit. It is one group.
func TestOneGroupForManyCustomers(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(15, 3))
	const base62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	var log strings.Builder
	noDigit := 0
	for i := range 40 {
		id := make([]byte, 14)
		for j := range id {
			alphabet := base62
			if i%6 == 0 {
				alphabet = base62[:52] // every sixth id without a digit, as chance gives about one in twelve
			}
			id[j] = alphabet[r.IntN(len(alphabet))]
		}
		if !strings.ContainsAny(string(id), "0123456789") {
			noDigit++
		}
		fmt.Fprintf(&log, `{"level":"error","msg":"payment webhook failed for customer cus_%s: signature mismatch","request_id":"req_%d"}`+"\n", id, i)
	}
	if noDigit < 5 {
		t.Fatalf("only %d ids without a digit: the test proves little", noDigit)
	}
	p, st := testPipeline(t, nil)
	run(p, log.String())
	if gs := groupsOf(st); len(gs) != 1 || gs[0].Count != 40 {
		for _, g := range gs {
			t.Logf("%s ×%d", g.Title, g.Count)
		}
		t.Fatalf("%d groups for one error, want 1 of 40", len(gs))
	}
}

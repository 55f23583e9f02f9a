package webhooksig

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestStripeKnownAnswer checks Sign against a signature computed independently
// (printf 't.payload' | openssl dgst -sha256 -hmac secret).
func TestStripeKnownAnswer(t *testing.T) {
	t.Parallel()
	s := Signer{Scheme: Stripe}
	got := s.Sign([]byte("whsec_test"), []byte(`{"id":"evt_1"}`), time.Unix(1700000000, 0))
	const want = "t=1700000000,v1=c89214b5b5da833daed6f0b8c5bb6bd58cea9022bd80ccc78230f3942d632925"
	if got != want {
		t.Errorf("Sign = %s\nwant   %s", got, want)
	}
}

func TestRoundTripAndRejections(t *testing.T) {
	t.Parallel()
	now := time.Unix(1700000000, 0)
	payload := []byte(`{"type":"invoice.paid"}`)
	for _, s := range []Signer{{Scheme: Stripe}, {Scheme: GitHub}, {Scheme: HMACSHA256, Header: "X-Signature"},
		{Scheme: HMACSHA256, Header: "X-Shopify-Hmac-Sha256", Encoding: "base64"}, {Scheme: HMACSHA256, Header: "X-Sig", Prefix: "sha256="}} {
		t.Run(s.Scheme+s.Encoding+s.Prefix, func(t *testing.T) {
			t.Parallel()
			if err := s.Validate(); err != nil {
				t.Fatal(err)
			}
			sig := s.Sign([]byte("right"), payload, now)
			if err := s.Verify([]byte("right"), payload, sig, now, 0); err != nil {
				t.Errorf("a correct signature: %v", err)
			}
			if err := s.Verify([]byte("wrong"), payload, sig, now, 0); !errors.Is(err, ErrMismatch) {
				t.Errorf("a wrong secret: %v", err)
			}
			if err := s.Verify([]byte("right"), append(payload, ' '), sig, now, 0); !errors.Is(err, ErrMismatch) {
				t.Errorf("a changed payload: %v", err)
			}
			if err := s.Verify([]byte("right"), payload, "", now, 0); !errors.Is(err, ErrMissing) {
				t.Errorf("no header: %v", err)
			}
		})
	}
	s := Signer{Scheme: Stripe}
	old := s.Sign([]byte("k"), payload, now.Add(-10*time.Minute))
	if err := s.Verify([]byte("k"), payload, old, now, 0); !errors.Is(err, ErrTimestamp) {
		t.Errorf("a replayed old event: %v", err)
	}
	// A secret being rolled: two v1 values, the second one right.
	_, right, _ := strings.Cut(s.Sign([]byte("k"), payload, now), ",v1=")
	two := "t=1700000000,v1=" + strings.Repeat("0", 64) + ",v1=" + right
	if err := s.Verify([]byte("k"), payload, two, now, 0); err != nil {
		t.Errorf("two v1 signatures, one right: %v", err)
	}
	if err := (Signer{Scheme: "nope"}).Validate(); !errors.Is(err, ErrScheme) {
		t.Errorf("unknown scheme: %v", err)
	}
	if err := (Signer{Scheme: HMACSHA256}).Validate(); err == nil {
		t.Error("hmac-sha256 without a header")
	}
}

func FuzzVerify(f *testing.F) {
	f.Add("stripe", "t=1700000000,v1=abcd,v0=x")
	f.Add("stripe", "t=,v1=")
	f.Add("github", "sha256=zz")
	f.Add("hmac-sha256", "sha256=====")
	f.Fuzz(func(t *testing.T, scheme, value string) {
		s := Signer{Scheme: scheme, Header: "X-Sig", Prefix: "sha256=", Encoding: "base64"}
		if err := s.Verify([]byte("k"), []byte("p"), value, time.Unix(1700000000, 0), 0); err == nil {
			// Only a real signature verifies.
			if value != s.Sign([]byte("k"), []byte("p"), time.Unix(1700000000, 0)) && scheme != Stripe {
				t.Fatalf("%s %q verified", scheme, value)
			}
		}
	})
}

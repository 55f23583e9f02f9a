package secretscan

import (
	"context"
	"encoding/base64"
	"slices"
	"strings"
	"testing"
)

// TestScanTextPublicAndSecretTwins: keys meant for browsers are info and public, their
// secret twins critical.
func TestScanTextPublicAndSecretTwins(t *testing.T) {
	t.Parallel()
	s, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, text, kind string
		level            Level
		public           bool
	}{
		{"stripe secret", `const k = "` + plantedStripeSecret() + `";`, "stripe-secret-key", Critical, false},
		{"stripe restricted", `k="` + plantedRestricted() + `"`, "stripe-restricted-key", Critical, false},
		{"stripe test", `k="sk_` + `test_` + `51LabOnlyTt5Yy7Uu9Ii1"`, "stripe-test-key", Medium, false},
		{"supabase service role", `{"key":"` + plantedJWT("service_role") + `"}`, "supabase-service-role", Critical, false},
		{"supabase anon", `{"key":"` + plantedJWT("anon") + `"}`, "supabase-anon-key", Info, true},
		{"google browser key", `apiKey: "AIza` + `SyLabOnlyBrowserKey01234567` + `89abcdEF"`, "google-browser-key", Info, true},
		{"aws secret", `aws_secret_access_key = "` + plantedAWSSecret() + `"`, "aws-secret-key", Critical, false},
		{"algolia search", `algoliaSearchKey: "` + "a1b2c3d4e5f6" + "a7b8c9d0e1f2a3b4c5d6" + `"`, "algolia-search-key", Info, true},
		{"algolia admin", `algoliaAdminKey: "` + "f1e2d3c4b5a6" + "f7e8d9c0b1a2f3e4d5c6" + `"`, "algolia-admin-key", Critical, false},
		{"private key", "-----BEGIN RSA " + "PRIVATE KEY-----\n" + strings.Repeat("MIIEowIBAAKCAQEAx9Lb7Q2mZr9TwK4p\n", 4) + "-----END RSA " + "PRIVATE KEY-----\n", "private-key", Critical, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := s.ScanText(context.Background(), "bundle.js", tc.text)
			if len(fs) != 1 {
				t.Fatalf("want one finding, got %+v", fs)
			}
			f := fs[0]
			if f.Kind != tc.kind || f.Level != tc.level || f.Public != tc.public || f.File != "bundle.js" || f.Line != 1 {
				t.Errorf("got %s %s public=%v at %s:%d; want %s %s public=%v at bundle.js:1", f.Kind, f.Level, f.Public, f.File, f.Line, tc.kind, tc.level, tc.public)
			}
			assertNoSecret(t, "finding", f.Preview+f.What+f.Advice+f.Fingerprint)
		})
	}
}

func TestScanTextPublishableKeyAlone(t *testing.T) {
	t.Parallel()
	s, _ := New()
	if fs := s.ScanText(context.Background(), "checkout.js", `Stripe("`+plantedStripePublic()+`")`); len(fs) != 0 {
		t.Errorf("a publishable key is not a leak: %+v", fs)
	}
}

func TestPreview(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		plantedStripeSecret():   "sk_live_… (40 chars)",
		plantedAWSSecret():      "… (40 chars)",
		"short":                 "… (5 chars)",
		plantedJWT("anon")[:40]: "eyJ… (40 chars)",
		"-----BEGIN OPENSSH " + "PRIVATE KEY-----\nabc": "-----BEGIN OPENSSH PRIVATE KEY-----… (39 chars)",
	} {
		if got := Preview(in); got != want {
			t.Errorf("Preview(%d chars) = %q, want %q", len(in), got, want)
		}
	}
}

// TestScanTextDecodesBase64InBundle: a key a build inlined base64-encoded (atob("...")) in
// the middle of a large minified bundle is found, at its line, and its encoded form is not
// shown either.
func TestScanTextDecodesBase64InBundle(t *testing.T) {
	t.Parallel()
	s, err := New()
	if err != nil {
		t.Fatal(err)
	}
	encoded := base64.StdEncoding.EncodeToString([]byte(plantedStripeSecret()))
	bundle := minifiedBundle(256 << 10)
	bundle = strings.Replace(bundle, `var x="`+plantedStripeSecret()+`";`, `var x=atob("`+encoded+`");`, 1)
	if strings.Contains(bundle, plantedStripeSecret()) || !strings.Contains(bundle, encoded) {
		t.Fatal("the bundle does not hold the key base64-encoded only")
	}
	fs := s.ScanText(context.Background(), "app.js", "/*! app */\n"+bundle)
	var found []Finding
	for _, f := range fs {
		if !f.Public {
			found = append(found, f)
		}
		assertNoSecret(t, "finding", f.Preview+f.What+f.Advice+f.Fingerprint)
		if strings.Contains(f.Preview+f.What+f.Advice, encoded[4:20]) {
			t.Errorf("a finding shows the encoded key: %+v", f)
		}
	}
	if len(found) != 1 || found[0].Kind != "stripe-secret-key" || found[0].Level != Critical || found[0].Line != 2 {
		t.Fatalf("want the base64-encoded secret key as one critical finding at app.js:2, got %+v", found)
	}
}

// TestScanTextGenericRuleInBundle: the generic rule (a key-ish name assigned a long value)
// still runs where it can match, in a piece far into a large bundle.
func TestScanTextGenericRuleInBundle(t *testing.T) {
	t.Parallel()
	s, _ := New()
	bundle := minifiedBundle(256<<10) + `var cfg={aws_secret_access_key:"` + plantedAWSSecret() + `"};`
	var kinds []string
	for _, f := range s.ScanText(context.Background(), "app.js", bundle) {
		if !f.Public {
			kinds = append(kinds, f.Kind)
		}
	}
	if !slices.Contains(kinds, "aws-secret-key") {
		t.Errorf("the AWS secret assigned in the bundle's last piece was missed; found %v", kinds)
	}
}

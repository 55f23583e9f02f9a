package secretscan

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/zricethezav/gitleaks/v8/report"
)

// Level is how bad a finding is. It is this package's own word so the package stays a
// foundation; the probes map it onto their severities one to one by name.
type Level int

const (
	// Info is a key that is public by design (a publishable key, an anon token): shipping
	// it is how it works, so it is shown, never counted as a leak.
	Info Level = iota
	// Medium is a secret that moves no money and reads no member data (a test-mode key).
	Medium
	// High is a credential of some service: rotate it.
	High
	// Critical is a secret that spends money or reads every member's data (a live Stripe
	// secret key, a Supabase service-role token, an AWS secret key, a private key).
	Critical
)

var levelNames = [...]string{"info", "medium", "high", "critical"}

func (l Level) String() string {
	if l < Info || l > Critical {
		return fmt.Sprintf("level(%d)", int(l))
	}
	return levelNames[l]
}

// MarshalText writes levels as words in JSON and in the last-scan record.
func (l Level) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// UnmarshalText reads the words back (the console reads the last-scan record).
func (l *Level) UnmarshalText(b []byte) error {
	for i, n := range levelNames {
		if n == string(b) {
			*l = Level(i)
			return nil
		}
	}
	return fmt.Errorf("unknown level %q", b)
}

// Finding is one secret found, without the secret: every field is safe to print, log,
// store and send. Preview shows a known prefix and the length, never the value.
type Finding struct {
	// Rule is gitleaks' rule id ("stripe-access-token"), Kind ours ("stripe-secret-key"):
	// the rule says what matched, the kind what it means here.
	Rule  string `json:"rule"`
	Kind  string `json:"kind"`
	Level Level  `json:"level"`
	// Public is true for keys meant to be shipped (publishable, anon, browser keys).
	Public bool `json:"public"`
	// What names the key for a person ("Stripe live secret key").
	What string `json:"what"`
	// Advice says what to do about this kind of key.
	Advice string `json:"advice"`
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
	// Commit and Date are where history first shows the secret ("" for the working tree or
	// a fetched bundle).
	Commit string `json:"commit,omitempty"`
	Date   string `json:"date,omitempty"`
	// Where is "tree", "uncommitted" (a file git does not track yet), "history" (removed
	// from the tree, alive in history) or "" (a bundle).
	Where   string `json:"where,omitempty"`
	Preview string `json:"preview"`
	// Fingerprint is gitleaks' (commit:file:rule:line, or file:rule:line for the tree): the
	// line to put in .gitleaksignore or the allowlist to accept this finding.
	Fingerprint string `json:"fingerprint"`

	// sum identifies the secret across tree and history without keeping it.
	sum [sha256.Size]byte
}

// Removed reports a secret that is gone from the working tree but alive in history: a
// removal that protects nothing, since every clone and fork still has it.
func (f Finding) Removed() bool { return f.Where == WhereHistory }

// Where values.
const (
	WhereTree        = "tree"
	WhereUncommitted = "uncommitted"
	WhereHistory     = "history"
)

// fromGitleaks turns gitleaks' finding into ours and forgets the secret.
func fromGitleaks(g *report.Finding) Finding {
	c := classify(g)
	f := Finding{
		Rule: g.RuleID, Kind: c.kind, Level: c.level, Public: c.public, What: c.what, Advice: c.advice,
		File: g.File, Line: g.StartLine, Column: g.StartColumn, Commit: g.Commit, Date: g.Date,
		Preview: Preview(g.Secret), Fingerprint: g.Fingerprint, sum: sha256.Sum256([]byte(g.Secret)),
	}
	return f
}

type class struct {
	kind, what, advice string
	level              Level
	public             bool
}

// rotateAdvice is the advice for every secret a scan finds: removing it from code is
// necessary and never enough.
const rotateAdvice = "rotate it now (the rotate-secret runbook: `launchready runbook run rotate-secret`), then move it to the host's secret store"

// classify is the context gitleaks cannot have: the same rule can match a key meant for
// browsers and its secret twin, and only the prefix, the claims or the name beside it tell
// them apart.
func classify(g *report.Finding) class {
	ctx := strings.ToLower(g.Match)
	switch g.RuleID {
	case "stripe-access-token":
		switch {
		case strings.Contains(g.Secret, "_test_"):
			return class{"stripe-test-key", "Stripe test-mode secret key", "no money moves, but anyone can act on your test account: " + rotateAdvice, Medium, false}
		case strings.HasPrefix(g.Secret, "rk_"):
			return class{"stripe-restricted-key", "Stripe live restricted key", rotateAdvice + "; in Stripe: Developers > API keys > roll key", Critical, false}
		}
		return class{"stripe-secret-key", "Stripe live secret key", "anyone who reads it can refund, pay out and read every customer: " + rotateAdvice + "; in Stripe: Developers > API keys > roll key", Critical, false}
	case "jwt", "jwt-base64":
		switch jwtRole(g.Secret) {
		case "service_role":
			return class{"supabase-service-role", "Supabase service-role token", "it bypasses row-level security, every member's data is readable and writable: " + rotateAdvice + "; in Supabase: Settings > API > roll the JWT secret", Critical, false}
		case "anon":
			return class{"supabase-anon-key", "Supabase anon key (public by design)", "meant for browsers; safe only while row-level security is on for every table", Info, true}
		}
		return class{"jwt", "JSON Web Token", "a token in code is a session or a service credential: " + rotateAdvice, High, false}
	case "gcp-api-key":
		return class{"google-browser-key", "Google API key (Firebase web or Maps browser key, public by design)", "meant for browsers; restrict it by HTTP referrer and to the APIs it needs in the Google Cloud console", Info, true}
	case "algolia-api-key":
		switch {
		case strings.Contains(ctx, "search"):
			return class{"algolia-search-key", "Algolia search-only key (public by design)", "meant for browsers; make sure it is the search-only key", Info, true}
		case strings.Contains(ctx, "admin"):
			return class{"algolia-admin-key", "Algolia admin key", "anyone can delete or rewrite the index: " + rotateAdvice, Critical, false}
		}
		return class{"algolia-key", "Algolia API key", "if it is not the search-only key: " + rotateAdvice, High, false}
	case "private-key":
		return class{"private-key", "private key", "whoever has it can impersonate the server or sign as you: replace the key pair and revoke what it signed; " + rotateAdvice, Critical, false}
	case "aws-access-token":
		return class{"aws-access-key-id", "AWS access key id", "its secret key is usually beside it: deactivate the pair in IAM; " + rotateAdvice, High, false}
	case "generic-api-key":
		switch {
		case strings.Contains(ctx, "aws_secret") || strings.Contains(ctx, "secret_access_key") || strings.Contains(ctx, "awssecret"):
			return class{"aws-secret-key", "AWS secret access key", "it signs as that IAM user or role: deactivate the pair in IAM; " + rotateAdvice, Critical, false}
		case strings.Contains(ctx, "sentry") && strings.Contains(ctx, "dsn"):
			return class{"sentry-dsn", "Sentry DSN (public by design)", "meant for browsers; it can only send events", Info, true}
		case strings.Contains(ctx, "anon") && strings.Contains(ctx, "supabase"):
			return class{"supabase-anon-key", "Supabase anon key (public by design)", "meant for browsers; safe only while row-level security is on for every table", Info, true}
		case strings.Contains(ctx, "publishable") || strings.Contains(ctx, "pk_live") || strings.Contains(ctx, "pk_test"):
			return class{"publishable-key", "publishable key (public by design)", "meant for browsers", Info, true}
		case strings.Contains(ctx, "passw") || strings.Contains(ctx, "passwd") || strings.Contains(ctx, "pwd"):
			return class{"password", "password", "change it where it is used (the database, the service); " + rotateAdvice, High, false}
		}
	}
	return class{g.RuleID, describe(g), rotateAdvice, High, false}
}

// describe is the rule's description cut to its noun ("Found a Slack Bot token, ..." ->
// "Slack Bot token"), or the rule id.
func describe(g *report.Finding) string {
	d := g.Description
	if d == "" {
		return g.RuleID
	}
	if i := strings.IndexAny(d, ",."); i > 0 {
		d = d[:i]
	}
	for _, p := range []string{"Found a ", "Found an ", "Identified a ", "Identified an ", "Detected a ", "Detected an ", "Uncovered a ", "Uncovered an ", "Discovered a ", "Discovered an "} {
		d = strings.TrimPrefix(d, p)
	}
	return d
}

// jwtRole reads the role claim of a JWT without verifying it: Supabase names its two keys
// by it (anon, service_role). "" when the token does not decode.
func jwtRole(tok string) string {
	parts := strings.Split(tok, ".")
	if len(parts) < 2 {
		return ""
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return ""
	}
	var claims struct {
		Role string `json:"role"`
	}
	if json.Unmarshal(b, &claims) != nil {
		return ""
	}
	return claims.Role
}

// Same reports whether two findings matched the same secret value, so a caller can fold
// the copies a page and its inline script both show, without ever holding the value.
func (f Finding) Same(g Finding) bool { return f.sum == g.sum }

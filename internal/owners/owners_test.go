package owners

import (
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/config"
)

func parse(t *testing.T, body string) (*Owners, error) {
	t.Helper()
	cfg, err := config.Parse([]byte("product: Acme\ndomain: acme.example\ncanonical_url: https://acme.example/\nhosts:\n  - {name: acme.example, a: [192.0.2.1]}\n"+body), "launchready.yaml")
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	return Decode(cfg)
}

func TestDecode(t *testing.T) {
	t.Parallel()
	o, err := parse(t, `owners:
  dns: {provider: Cloudflare, owner: sam@acme.example, access: "Ops vault entry Cloudflare, ask the ops lead", support: https://support.cloudflare.com, url: https://dash.cloudflare.com}
  rotate_after: 720h
backups:
  - {what: Postgres, where: S3 acme-backups, every: daily, restore_verified: 2026-11-30}
`)
	if err != nil {
		t.Fatal(err)
	}
	if !o.Declared || o.Get("dns").Owner != "sam@acme.example" || o.Get("hosting") != nil || o.RotateAfter != 30*24*time.Hour {
		t.Errorf("decoded %+v", o)
	}
	if got := o.Backups[0].Verified(); got != time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC) {
		t.Errorf("restore verified %v", got)
	}
	none, err := parse(t, "")
	if err != nil || none.Declared || none.Get("dns") != nil || none.RotateAfter != DefaultRotateAfter {
		t.Errorf("no section: %+v %v", none, err)
	}
}

// TestRefused: credentials, secret references and unknown keys are refused with the line
// they are on and what to write instead; the error never repeats a pasted secret.
func TestRefused(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, body, want string }{
		{"reference", "owners:\n  dns:\n    owner: sam\n    access: env:CF_TOKEN\n",
			"launchready.yaml:9:13: owners.dns.access: holds a secret reference; this field says how access is granted, not where a credential is"},
		{"token", "owners:\n  hosting:\n    owner: sam\n    access: \"token ghp_abcdefghijklmnopqrstuvwxyz0123456789\"\n",
			"launchready.yaml:9:13: owners.hosting.access: looks like a credential (github-token)"},
		{"password in url", "owners:\n  repository:\n    owner: sam\n    url: https://sam:hunter2hunter2@git.acme.example/\n",
			"launchready.yaml:9:10: owners.repository.url: looks like a credential"},
		{"no owner", "owners:\n  email:\n    access: ask sam\n",
			"launchready.yaml:8:11: owners.email.owner: says nothing about who owns Email provider"},
		{"unknown system", "owners:\n  crm: {owner: sam}\n", "owners.crm"},
		{"bad date", "backups:\n  - {what: db, restore_verified: last week}\n",
			`launchready.yaml:7:34: backups[0].restore_verified: "last week" is not a date`},
		{"rotate too short", "owners:\n  rotate_after: 1h\n", "owners.rotate_after: 1h0m0s would flag every secret as overdue"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := parse(t, c.body)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v\nwant %s", err, c.want)
			}
			for _, leak := range []string{"ghp_abcdef", "hunter2"} {
				if strings.Contains(err.Error(), leak) {
					t.Errorf("error repeats the secret: %v", err)
				}
			}
		})
	}
}

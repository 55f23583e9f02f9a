package serveconf

import (
	"crypto/ed25519"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"

	"github.com/launchready/launchready/internal/config"
)

const base = `product: Acme
domain: acme.example
canonical_url: https://app.acme.example/
hosts:
  - name: app.acme.example
    role: app
    cname: acme.example
`

// TestDecodeErrors: each mistake in serve: is reported with its file:line and a fix.
func TestDecodeErrors(t *testing.T) {
	key := authorized(newKey(t))
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.keys")
	os.WriteFile(bad, []byte("# the team\n"+key+"\nnot-a-key AAAA\n"), 0o600)
	cases := []struct{ name, serve, want string }{
		{"role", "  users:\n    - name: sam\n      role: admin\n      keys: [\"" + key + "\"]\n", `launchready.yaml:11:13: serve.users[0].role: "admin" is not a role; use viewer or operator`},
		{"no keys", "  users:\n    - name: sam\n      role: viewer\n", "serve.users[0]: a user needs at least one public key"},
		{"bad key", "  users:\n    - name: sam\n      role: viewer\n      keys: [\"ssh-ed25519 nope\"]\n", "launchready.yaml:12:14: serve.users[0].keys[0]: not a public key in authorized_keys format; paste"},
		{"keys file line", "  users:\n    - name: sam\n      role: viewer\n      keys_file: bad.keys\n", "bad.keys:3: not a public key"},
		{"shared key", "  users:\n    - name: sam\n      role: viewer\n      keys: [\"" + key + "\"]\n    - name: kim\n      role: operator\n      keys: [\"" + key + "\"]\n", "is also sam's; give each key to one user"},
		{"idle", "  idle_timeout: 5s\n", "serve.idle_timeout: 5s would close a console"},
		{"unknown key", "  user:\n    - name: sam\n", "launchready.yaml:9:3: serve.user"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := config.Parse([]byte(base+"serve:\n"+tc.serve), filepath.Join(dir, "launchready.yaml"))
			if err == nil {
				_, err = Decode(cfg)
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

// TestDecodeKeysFile: keys from an authorized_keys file belong to the user, comments and
// blank lines skipped.
func TestDecodeKeysFile(t *testing.T) {
	a, b := newKey(t), newKey(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "ops.keys"), []byte("# ops\n\n"+authorized(a)+" sam@laptop\n"+authorized(b)+"\n"), 0o600)
	cfg, err := config.Parse([]byte(base+"serve:\n  users:\n    - name: sam\n      role: operator\n      keys_file: ops.keys\n"), filepath.Join(dir, "launchready.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := Decode(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ks := c.Users[0].PublicKeys()
	if len(ks) != 2 || c.Users[0].Role != Operator {
		t.Fatalf("sam has %d keys, role %s; want 2, operator", len(ks), c.Users[0].Role)
	}
	for i, k := range []gossh.Signer{a, b} {
		if gossh.FingerprintSHA256(ks[i]) != gossh.FingerprintSHA256(k.PublicKey()) {
			t.Errorf("key %d of ops.keys was read as another key", i)
		}
	}
	if c.MaxSessions != DefaultMaxSessions || c.Idle() != DefaultIdleTimeout {
		t.Errorf("defaults: %d sessions, idle %s", c.MaxSessions, c.Idle())
	}
}

func newKey(t *testing.T) gossh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func authorized(s gossh.Signer) string {
	return strings.TrimSpace(string(gossh.MarshalAuthorizedKey(s.PublicKey())))
}

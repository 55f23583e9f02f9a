package secretscan

import (
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The planted values are built from parts at run time, so this repository never holds a
// string any scanner (ours, gitleaks, a host's push protection) would take for a key. They
// are fake: no service issued them.
func plantedStripeSecret() string {
	return "sk_" + "live_" + "51LabOnly" + "Xq7Rz2Tm9Kp4" + "Wn8Vb3Yc6Hd"
}
func plantedStripePublic() string  { return "pk_" + "live_" + "51LabOnly" + "Pb4Qw8Er2Ty6" }
func plantedRestricted() string    { return "rk_" + "live_" + "51LabOnly" + "Rr5Tt7Yy9Uu1" }
func plantedAWSSecret() string     { return "Lb7xQ2mZr9" + "TwK4pNw8Rt3Y" + "u6Io1Pa5Sd0Fg2Hj4K" }
func plantedAllowedSecret() string { return "Zq3Wv8Nn1" + "Mm6Bb2Cc9Xx4" + "Ll7Kk5Jj0Hh3Gg" }
func plantedPassword() string      { return "Tq8" + "Vm2Zx7" + "Rk4Pn9Ws" }

// plantedJWT is a Supabase-shaped token with the given role claim and a fake signature.
func plantedJWT(role string) string {
	h := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	p := base64.RawURLEncoding.EncodeToString([]byte(`{"iss":"supabase","ref":"launchreadylab","role":"` + role + `","iat":1700000000,"exp":2000000000}`))
	return h + "." + p + "." + "LabOnly" + "Sig9Qx2Wm7Rt4Zp8Kv3Nb6"
}

// planted lists every secret value a test plants, for "never in any output".
func planted() []string {
	return []string{plantedStripeSecret(), plantedRestricted(), plantedAWSSecret(), plantedAllowedSecret(),
		plantedPassword(), plantedJWT("service_role")}
}

// assertNoSecret fails when out holds a planted secret, or the part of one after its
// public prefix (a preview that shows "the first few" would be caught here).
func assertNoSecret(t *testing.T, what, out string) {
	t.Helper()
	for _, s := range planted() {
		tail := s[len(s)-12:]
		if strings.Contains(out, s) || strings.Contains(out, tail) {
			t.Errorf("%s contains a planted secret (…%s):\n%s", what, tail[:2], out)
		}
	}
}

// gitRepo builds a repository with git itself, with fixed authors and dates.
type gitRepo struct {
	t   *testing.T
	dir string
	n   int
}

func newGitRepo(t *testing.T) *gitRepo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed; the repository scan needs it")
	}
	r := &gitRepo{t: t, dir: t.TempDir()}
	r.git("init", "-q", "-b", "main")
	return r
}

func (r *gitRepo) git(args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", append([]string{"-C", r.dir}, args...)...)
	date := "2026-11-0" + string(rune('1'+r.n%9)) + "T12:00:00Z"
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=Lab", "GIT_AUTHOR_EMAIL=lab@acme.example", "GIT_COMMITTER_NAME=Lab", "GIT_COMMITTER_EMAIL=lab@acme.example",
		"GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date)
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func (r *gitRepo) write(name, content string) {
	r.t.Helper()
	p := filepath.Join(r.dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// commit stages everything and commits; it returns the commit's id.
func (r *gitRepo) commit(msg string) string {
	r.t.Helper()
	r.n++
	r.git("add", "-A")
	r.git("commit", "-q", "--allow-empty", "-m", msg)
	return r.git("rev-parse", "HEAD")
}

// fixture is the repository the issue asks for: a live secret key added and removed three
// commits ago, one allowlisted value, a publishable key in the tree, and a clean branch.
type fixture struct {
	*gitRepo
	base, added, removed string
}

func newFixture(t *testing.T) *fixture {
	r := newGitRepo(t)
	f := &fixture{gitRepo: r}
	r.write("README.md", "# shop\n")
	f.base = r.commit("start")
	r.write("src/pay.js", "// payments\nconst stripe = require('stripe')(\""+plantedStripeSecret()+"\");\n")
	f.added = r.commit("pay with stripe")
	r.write("src/pay.js", "// payments\nconst stripe = require('stripe')(process.env.STRIPE_SECRET_KEY);\n")
	f.removed = r.commit("key from the environment")
	r.write("testdata/fixture.env", "aws_secret_access_key = \""+plantedAllowedSecret()+"\"\n")
	r.write(AllowlistFile, "[[allow]]\npath = \"testdata/**\"\nreason = \"test fixtures hold made-up keys\"\n")
	r.commit("fixtures")
	r.write("web/checkout.js", "Stripe(\""+plantedStripePublic()+"\");\n")
	r.commit("checkout")
	r.write("docs/deploy.md", "Set STRIPE_SECRET_KEY in the host's secret store.\n")
	r.commit("docs")
	r.git("checkout", "-q", "-b", "clean", f.base)
	r.write("docs/clean.md", "nothing to see\n")
	r.commit("clean work")
	r.git("checkout", "-q", "main")
	return f
}

// Package serveconf is the config's serve: section: who may open the console over SSH
// (launchready serve), with which keys and role, and the server's limits. It is apart from
// internal/serve so that every command (validate first) checks the section without
// linking the SSH server and the console.
package serveconf

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/launchready/launchready/internal/config"
)

// SectionName is the config section this package reads.
const SectionName = "serve"

// Defaults, named so the docs and the code agree.
const (
	// DefaultMaxSessions bounds the consoles drawn at once: each costs a few megabytes
	// and a share of a core while results land.
	DefaultMaxSessions = 10
	// DefaultIdleTimeout closes a session nobody has typed into for this long, so a
	// laptop left open in a café does not keep a console on the ops box forever.
	DefaultIdleTimeout = 30 * time.Minute
)

// Role is what a user may do.
type Role string

const (
	// Viewer sees everything the console shows and changes nothing.
	Viewer Role = "viewer"
	// Operator may also re-run checks and run, resume and roll back runbooks.
	Operator Role = "operator"
)

// Config is the serve: section.
type Config struct {
	// MaxSessions is how many SSH consoles may be open at once; default 10.
	MaxSessions int `yaml:"max_sessions"`
	// IdleTimeout closes a session with no key pressed for this long; default 30m, 0s
	// never.
	IdleTimeout *time.Duration `yaml:"idle_timeout"`
	Users       []User         `yaml:"users"`

	idle time.Duration
}

// User is one person (or robot) allowed in, with the keys that prove it.
type User struct {
	Name string `yaml:"name"`
	Role Role   `yaml:"role"`
	// Keys are public keys in authorized_keys format ("ssh-ed25519 AAAA... sam@laptop").
	Keys []string `yaml:"keys"`
	// KeysFile is an authorized_keys file (relative to the config file): every key in it
	// is this user's.
	KeysFile string `yaml:"keys_file"`

	keys []gossh.PublicKey
}

// PublicKeys are every key of the user, from keys: and keys_file:, parsed.
func (u User) PublicKeys() []gossh.PublicKey { return u.keys }

// Idle is the effective idle timeout (0: never).
func (c *Config) Idle() time.Duration { return c.idle }

// Decode reads the serve: section strictly, every problem with its file:line. A config
// without the section decodes to nil: nobody may sign in, and `serve` says so.
func Decode(cfg *config.Config) (*Config, error) {
	s := cfg.Section(SectionName)
	if s == nil {
		return nil, nil
	}
	c := &Config{}
	if errs := s.Decode(c); len(errs) > 0 {
		return nil, errs
	}
	if errs := c.validate(cfg, s); len(errs) > 0 {
		return nil, errs
	}
	return c, nil
}

var userName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,31}$`)

func (c *Config) validate(cfg *config.Config, s *config.Section) config.Errors {
	var errs config.Errors
	add := func(p, msg, fix string) { errs = append(errs, s.Error(p, msg, fix)) }
	if c.MaxSessions == 0 {
		c.MaxSessions = DefaultMaxSessions
	}
	if c.MaxSessions < 1 || c.MaxSessions > 100 {
		add("serve.max_sessions", fmt.Sprintf("%d is out of range", c.MaxSessions), "use 1 to 100; 10 is the default")
	}
	c.idle = DefaultIdleTimeout
	if c.IdleTimeout != nil {
		c.idle = *c.IdleTimeout
	}
	if c.idle != 0 && c.idle < time.Minute {
		add("serve.idle_timeout", fmt.Sprintf("%s would close a console while someone reads it", c.idle), "use 1m or more, or 0s for never; 30m is the default")
	}
	names := map[string]int{}
	owner := map[string]string{} // key fingerprint -> user name
	for i := range c.Users {
		u := &c.Users[i]
		p := fmt.Sprintf("serve.users[%d]", i)
		switch {
		case u.Name == "":
			add(p, "a user needs a name", "add name: (it is shown to everyone watching and in the audit log)")
		case !userName.MatchString(u.Name):
			add(p+".name", fmt.Sprintf("%q is not a user name", u.Name), "use lower-case letters, digits, '.', '_' or '-', at most 32")
		default:
			if j, dup := names[u.Name]; dup {
				add(p+".name", fmt.Sprintf("%q is also serve.users[%d]", u.Name, j), "give each person one entry, with all of their keys")
			}
			names[u.Name] = i
		}
		switch u.Role {
		case Viewer, Operator:
		case "":
			add(p, "a user needs a role", "add role: viewer (watches) or role: operator (also runs runbooks)")
		default:
			add(p+".role", fmt.Sprintf("%q is not a role", u.Role), "use viewer or operator")
		}
		for j, line := range u.Keys {
			k, err := parseKey(line)
			if err != nil {
				add(fmt.Sprintf("%s.keys[%d]", p, j), err.Error(), "paste one line of the person's id_ed25519.pub (or another .pub file)")
				continue
			}
			u.keys = append(u.keys, k)
		}
		if u.KeysFile != "" {
			ks, err := readKeysFile(cfg.Path(u.KeysFile))
			if err != nil {
				add(p+".keys_file", err.Error(), "fix the file, or list the keys under keys:")
			}
			u.keys = append(u.keys, ks...)
		}
		if len(u.Keys) == 0 && u.KeysFile == "" {
			add(p, "a user needs at least one public key", "add keys: with a line of their .pub file, or keys_file: an authorized_keys file")
		}
		for _, k := range u.keys {
			fp := gossh.FingerprintSHA256(k)
			if other, dup := owner[fp]; dup && other != u.Name {
				add(p, fmt.Sprintf("key %s is also %s's", fp, other), "give each key to one user: the key decides the role")
			}
			owner[fp] = u.Name
		}
	}
	return errs
}

// parseKey reads one authorized_keys line. Options (from="...", command="...") are
// refused rather than ignored: serve would not honour them, and a reader of the config
// would believe it does.
func parseKey(line string) (gossh.PublicKey, error) {
	k, _, opts, rest, err := gossh.ParseAuthorizedKey([]byte(line))
	if err != nil {
		return nil, fmt.Errorf("not a public key in authorized_keys format")
	}
	if len(opts) > 0 {
		return nil, fmt.Errorf("key options (%s) are not supported by launchready serve", strings.Join(opts, ","))
	}
	if len(bytes.TrimSpace(rest)) > 0 {
		return nil, fmt.Errorf("more than one key on the line")
	}
	return k, nil
}

// readKeysFile reads an authorized_keys file: one key a line, blank lines and # comments
// skipped; a bad line is reported with its line number.
func readKeysFile(path string) ([]gossh.PublicKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the authorized_keys file: %v", err)
	}
	var out []gossh.PublicKey
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, err := parseKey(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, n, err)
		}
		out = append(out, k)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s has no keys", path)
	}
	return out, nil
}

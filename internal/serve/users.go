package serve

import (
	gossh "golang.org/x/crypto/ssh"

	"github.com/launchready/launchready/internal/serveconf"
)

// Role is what a user may do (serve.users role).
type Role = serveconf.Role

// The roles, as in the config.
const (
	Viewer   = serveconf.Viewer
	Operator = serveconf.Operator
)

// Identity is who a session is: the user the key belongs to, and which key.
type Identity struct {
	User        string
	Role        Role
	Fingerprint string // SHA256:... of the key the session authenticated with
}

// Operator reports whether the identity may change things.
func (id Identity) Operator() bool { return id.Role == Operator }

// users finds the user a public key belongs to. It holds no session state: the same
// lookup answers "may this key try?" during the handshake and "who is this?" in the
// session, from the key the session proved, never from a key merely offered.
type users struct {
	byKey map[string]Identity // key's wire form -> identity
}

func newUsers(c *serveconf.Config) *users {
	u := &users{byKey: map[string]Identity{}}
	if c == nil {
		return u
	}
	for _, usr := range c.Users {
		for _, k := range usr.PublicKeys() {
			u.byKey[string(k.Marshal())] = Identity{User: usr.Name, Role: usr.Role, Fingerprint: gossh.FingerprintSHA256(k)}
		}
	}
	return u
}

// lookup returns the identity of a key, false for a key nobody listed. Comparing the wire
// form is what ssh.KeysEqual does, without its constant-time cost for every listed key.
func (u *users) lookup(k gossh.PublicKey) (Identity, bool) {
	if k == nil {
		return Identity{}, false
	}
	id, ok := u.byKey[string(k.Marshal())]
	return id, ok
}

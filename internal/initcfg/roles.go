package initcfg

import "strings"

// labelRoles are the roles the first label of a name says with confidence. A label not
// here is a guess the operator is asked about on a terminal.
var labelRoles = map[string]string{
	"www": "www",
	"app": "app", "dashboard": "app", "portal": "app", "members": "app", "member": "app", "my": "app",
	"account": "app", "accounts": "app", "community": "app", "forum": "app", "auth": "app", "login": "app",
	"id": "app", "m": "app",
	"api": "api", "graphql": "api", "webhooks": "api", "hooks": "api",
	"admin": "admin", "backoffice": "admin", "internal": "admin",
	"status": "status",
	"mail":   "mail", "smtp": "mail", "mx": "mail", "imap": "mail", "pop": "mail", "webmail": "mail",
	"blog": "marketing", "docs": "marketing", "help": "marketing", "shop": "marketing", "store": "marketing",
	"about": "marketing", "landing": "marketing", "home": "marketing", "news": "marketing",
}

// guessRole says what a host is for, from its first label and what it serves, and whether
// that is sure enough not to ask. The canonical host is the app whatever its label: it is
// where members end up.
func guessRole(name, apex, canonicalHost string, sv Served) (role string, sure bool, why string) {
	if name == canonicalHost {
		return "app", true, "the canonical URL's host"
	}
	if name == apex {
		return "marketing", true, "the apex"
	}
	label := strings.TrimSuffix(name, "."+apex)
	if i := strings.LastIndexByte(label, '.'); i >= 0 {
		label = label[i+1:] // the label right under the apex: staging.app -> app is not it
	}
	first := strings.SplitN(strings.TrimSuffix(name, "."+apex), ".", 2)[0]
	if r, ok := labelRoles[first]; ok {
		return r, true, "the name " + first
	}
	if r, ok := labelRoles[label]; ok {
		return r, false, "a name under " + label
	}
	switch {
	case sv.JSON:
		return "api", false, "it answers JSON"
	case sv.Status >= 300 && sv.Status < 400:
		return "other", false, "it redirects to " + sv.Redirect
	}
	return "other", false, "nothing in its name or page says"
}

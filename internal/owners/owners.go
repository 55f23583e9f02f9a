// Package owners is the config's owners: and backups: sections: who owns each system the
// product runs on, how access is granted (a process, never a credential), where support is,
// and what is backed up. Nothing checks these over the network; the handover pack reads
// them, so they are the tool's own sections, decoded by setup for every command so that
// `launchready validate` reports their mistakes by line like the rest of the file.
package owners

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/internal/redact"
)

// Section names.
const (
	SectionName       = "owners"
	BackupSectionName = "backups"
)

// DefaultRotateAfter is how old a secret may get before the rotation plan flags it: a
// quarter is what most providers' and auditors' rotation guidance asks.
const DefaultRotateAfter = 90 * 24 * time.Hour

// Systems are the systems a product runs on, in the order the pack lists them; each is a
// key of the owners: section.
var Systems = []System{
	{"registrar", "Domain registrar"},
	{"dns", "DNS provider"},
	{"hosting", "Hosting"},
	{"email", "Email provider"},
	{"edge", "Edge (Cloudflare or other proxy)"},
	{"payments", "Payments"},
	{"error_tracking", "Error tracking"},
	{"repository", "Code repository"},
	{"backups", "Backups"},
}

// System is one system's key and its name for people.
type System struct{ Key, Label string }

// Owner is who owns one system and how a newcomer gets in.
type Owner struct {
	// Provider names the service ("Cloudflare", "Fly.io"); optional, discovery may know it.
	Provider string `yaml:"provider"`
	// Owner is the person or team who decides and is called: "sam@acme.example".
	Owner string `yaml:"owner"`
	// Access is how access is granted, as a process ("ask the ops lead for the Ops vault
	// entry"), never a credential and never a secret reference.
	Access string `yaml:"access"`
	// Support is the provider's support contact (a URL, an address, a plan's phone line).
	Support string `yaml:"support"`
	// URL is the account's console.
	URL string `yaml:"url"`
}

// Section is the owners: section. Every system is optional: a missing one is an open risk
// in the handover pack, not a config error.
type Section struct {
	Registrar     *Owner `yaml:"registrar"`
	DNS           *Owner `yaml:"dns"`
	Hosting       *Owner `yaml:"hosting"`
	Email         *Owner `yaml:"email"`
	Edge          *Owner `yaml:"edge"`
	Payments      *Owner `yaml:"payments"`
	ErrorTracking *Owner `yaml:"error_tracking"`
	Repository    *Owner `yaml:"repository"`
	Backups       *Owner `yaml:"backups"`
	// RotateAfter is the age past which the rotation plan flags a secret; default 90 days.
	RotateAfter time.Duration `yaml:"rotate_after"`
}

// Backup is one thing backed up.
type Backup struct {
	What  string `yaml:"what"`
	Where string `yaml:"where"`
	Every string `yaml:"every"`
	// RestoreVerified is the date (2006-01-02) a restore was last tried and worked.
	RestoreVerified string `yaml:"restore_verified"`
	// Runbook names the runbook that restores it, when there is one.
	Runbook string `yaml:"runbook"`

	verified time.Time
}

// Verified is RestoreVerified parsed; zero when never.
func (b Backup) Verified() time.Time { return b.verified }

// Owners is both sections, decoded. A config with neither decodes to an empty Owners
// (every system unowned), never nil.
type Owners struct {
	Section
	Backups []Backup
	// Declared says whether the config has an owners: section at all.
	Declared bool
}

// Get is the owner of a system by key; nil when the config does not say.
func (o *Owners) Get(key string) *Owner {
	if o == nil {
		return nil
	}
	s := o.Section
	return map[string]*Owner{"registrar": s.Registrar, "dns": s.DNS, "hosting": s.Hosting, "email": s.Email, "edge": s.Edge,
		"payments": s.Payments, "error_tracking": s.ErrorTracking, "repository": s.Repository, "backups": s.Backups}[key]
}

// Decode reads and validates both sections, every problem with its file:line.
func Decode(cfg *config.Config) (*Owners, error) {
	o := &Owners{}
	var errs config.Errors
	if s := cfg.Section(SectionName); s != nil {
		o.Declared = true
		if es := s.Decode(&o.Section); len(es) > 0 {
			return nil, es
		}
		errs = append(errs, o.validate(s)...)
	}
	if s := cfg.Section(BackupSectionName); s != nil {
		if es := s.Decode(&o.Backups); len(es) > 0 {
			return nil, es
		}
		errs = append(errs, validateBackups(s, o.Backups)...)
	}
	if o.RotateAfter == 0 {
		o.RotateAfter = DefaultRotateAfter
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return o, nil
}

func (o *Owners) validate(s *config.Section) config.Errors {
	var errs config.Errors
	for _, sys := range Systems {
		w := o.Get(sys.Key)
		if w == nil {
			continue
		}
		p := SectionName + "." + sys.Key
		if strings.TrimSpace(w.Owner) == "" {
			errs = append(errs, s.ErrorWithin(p+".owner", p, "says nothing about who owns "+sys.Label,
				"add owner: (a person or a team: sam@acme.example); leave the whole entry out if nobody does yet, and the handover pack lists it as an open risk"))
		}
		for _, f := range []struct{ key, v string }{{"owner", w.Owner}, {"access", w.Access}, {"support", w.Support}, {"url", w.URL}, {"provider", w.Provider}} {
			if why := credentialLike(f.v); why != "" {
				errs = append(errs, s.Error(p+"."+f.key, why,
					"write how access is granted, as a process (\"Ops vault entry 'Cloudflare', ask the ops lead\"); the credential stays in the vault, and rotate it if this file was ever committed or shared"))
			}
		}
		if w.URL != "" {
			if u, err := url.Parse(w.URL); err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
				errs = append(errs, s.Error(p+".url", "is not a web address", "write the account console's https:// address"))
			}
		}
	}
	if o.RotateAfter != 0 && o.RotateAfter < 24*time.Hour {
		errs = append(errs, s.Error(SectionName+".rotate_after", fmt.Sprintf("%s would flag every secret as overdue", o.RotateAfter), "use days: 2160h is 90 days, the default"))
	}
	return errs
}

var secretRef = regexp.MustCompile(`\b(env|file):\S`)

// credentialLike says why a value reads as a credential or a pointer to one, "" when it
// does not. The redactor's shapes (API keys, tokens, passwords in URLs or after
// "password:") catch pasted secrets; a secret reference is refused too, because these
// fields are read by people, and "env:CF_TOKEN" tells the next owner nothing about how to
// get in while inviting them to paste the value beside it.
func credentialLike(v string) string {
	if v == "" {
		return ""
	}
	if secretRef.MatchString(v) {
		return "holds a secret reference; this field says how access is granted, not where a credential is"
	}
	r, _ := redact.New(redact.Options{})
	var h redact.Hits
	r.Apply(v, &h)
	for k, n := range h {
		if n > 0 && redact.Kind(k) != redact.Email {
			return "looks like a credential (" + redact.Kind(k).String() + "); it must never be in the config"
		}
	}
	return ""
}

func validateBackups(s *config.Section, bs []Backup) config.Errors {
	var errs config.Errors
	for i := range bs {
		b := &bs[i]
		p := fmt.Sprintf("%s[%d]", BackupSectionName, i)
		if strings.TrimSpace(b.What) == "" {
			errs = append(errs, s.ErrorWithin(p+".what", p, "a backup needs what:", "say what is backed up: \"Postgres (members, payments)\""))
		}
		if b.RestoreVerified != "" {
			t, err := time.Parse(time.DateOnly, b.RestoreVerified)
			if err != nil {
				errs = append(errs, s.Error(p+".restore_verified", fmt.Sprintf("%q is not a date", b.RestoreVerified), "write the day the last restore worked as 2026-11-30"))
			}
			b.verified = t
		}
		for _, f := range []struct{ key, v string }{{"what", b.What}, {"where", b.Where}} {
			if why := credentialLike(f.v); why != "" {
				errs = append(errs, s.Error(p+"."+f.key, why, "name the place (\"S3 bucket acme-backups, eu-west-1\"), never its keys"))
			}
		}
	}
	return errs
}

package mailauth

import (
	"fmt"
	"maps"
	"net/mail"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/launchready/launchready/internal/config"
)

// Inbox is a test inbox `launchready email roundtrip` reads over IMAP to see where the
// test message landed. It is a mailbox at the provider the members use (a Gmail or
// Outlook account made for the purpose), so the verdict is the provider's own.
type Inbox struct {
	// Name labels the inbox in output: "gmail", "outlook-test".
	Name string `yaml:"name"`
	// Provider fills host, port, TLS and spam folders for a known provider: gmail,
	// outlook (Outlook.com and Microsoft 365), yahoo, fastmail, icloud, proton-bridge.
	// Inferred from host when not set.
	Provider string `yaml:"provider"`
	Host     string `yaml:"host"`
	// Port defaults to 993 for implicit TLS and 143 for STARTTLS.
	Port int `yaml:"port"`
	// TLS is "implicit" (default, port 993) or "starttls" (port 143). Plain IMAP is not
	// offered: the password would cross the network in the clear.
	TLS      string `yaml:"tls"`
	Username string `yaml:"username"`
	// Password is a secret reference (env:NAME or file:PATH): at Gmail, Yahoo, Fastmail
	// and iCloud an app password, never the account's own.
	Password *config.Secret `yaml:"password"`
	// Address is where the test message is sent; default Username when it is an address.
	Address string `yaml:"address"`
	// SpamFolders are the folders that mean "spam" here; default the provider's, plus
	// any folder the server marks \Junk.
	SpamFolders []string `yaml:"spam_folders"`
}

// Addr is host:port.
func (i Inbox) Addr() string { return fmt.Sprintf("%s:%d", i.Host, i.Port) }

// Roundtrip is email.roundtrip: how long `email roundtrip` waits and whether it tidies up.
type Roundtrip struct {
	// Wait bounds the wait for the message in each inbox; default 2m, at most 30m.
	Wait time.Duration `yaml:"wait"`
	// Keep leaves the test message in the inbox (default: it is deleted once judged).
	Keep bool `yaml:"keep"`
	// Every makes the round trip a check of the Email pane, run this often (1h is the
	// suggested value). Off unless set: each run sends a real message through
	// email.smtp to every test inbox.
	Every time.Duration `yaml:"every"`
}

// minRoundtripEvery is the shortest interval the round-trip check runs at: each run is a
// real message, and providers that see a burst of identical mail start filing it as spam.
const minRoundtripEvery = 15 * time.Minute

// DecodeConfig decodes and validates the email section as the email kind does, for the
// kinds built on it (the round-trip check) in packages that mailauth cannot import.
func DecodeConfig(cfg *config.Config) (*Config, error) { return decodeConfig(cfg) }

// DefaultRoundtripWait is how long a round trip waits by default: providers deliver in
// seconds; two minutes is long enough for greylisting's first retry at most of them.
const DefaultRoundtripWait = 2 * time.Minute

// maxRoundtripWait bounds the wait: a round trip must end while someone still watches.
const maxRoundtripWait = 30 * time.Minute

// provider is what a known mail provider's IMAP looks like.
type provider struct {
	host  string
	port  int
	tls   string
	spam  []string
	hosts []string // host names that mean this provider, for inference
}

// providers are the defaults the issue names. Spam folder names are the IMAP names the
// providers use in English accounts; the server's \Junk marker covers the localised ones.
var providers = map[string]provider{
	"gmail":         {host: "imap.gmail.com", port: 993, tls: "implicit", spam: []string{"[Gmail]/Spam", "[Google Mail]/Spam"}, hosts: []string{"imap.gmail.com", "imap.googlemail.com"}},
	"outlook":       {host: "outlook.office365.com", port: 993, tls: "implicit", spam: []string{"Junk Email", "Junk"}, hosts: []string{"outlook.office365.com", "imap-mail.outlook.com"}},
	"yahoo":         {host: "imap.mail.yahoo.com", port: 993, tls: "implicit", spam: []string{"Bulk", "Bulk Mail"}, hosts: []string{"imap.mail.yahoo.com"}},
	"fastmail":      {host: "imap.fastmail.com", port: 993, tls: "implicit", spam: []string{"Spam", "Junk Mail"}, hosts: []string{"imap.fastmail.com"}},
	"icloud":        {host: "imap.mail.me.com", port: 993, tls: "implicit", spam: []string{"Junk"}, hosts: []string{"imap.mail.me.com"}},
	"proton-bridge": {host: "127.0.0.1", port: 1143, tls: "starttls", spam: []string{"Spam"}},
}

// providerAliases are other names people write for the same provider.
var providerAliases = map[string]string{
	"microsoft365": "outlook", "office365": "outlook", "m365": "outlook", "hotmail": "outlook",
	"googlemail": "gmail", "google": "gmail", "proton": "proton-bridge", "protonmail": "proton-bridge",
}

// genericSpam are the spam folder names tried when the provider is not known.
var genericSpam = []string{"Junk", "Spam"}

// checkInboxes validates and defaults email.inboxes and email.roundtrip.
// A missing key is reported at its inbox's line (errWithin), so the operator sees where to
// add it.
func (c *Config) checkInboxes(errAt func(path, msg, fix string), errWithin func(path, within, msg, fix string)) {
	known := strings.Join(slices.Sorted(maps.Keys(providers)), ", ")
	seen := map[string]bool{}
	for i := range c.Inboxes {
		in := &c.Inboxes[i]
		item := fmt.Sprintf("email.inboxes[%d]", i)
		at := func(key string) string { return item + "." + key }
		if in.Name == "" {
			errWithin(at("name"), item, "the inbox has no name", "name it after its provider, like gmail or outlook-test: output and the record use it")
		} else if seen[in.Name] {
			errAt(at("name"), fmt.Sprintf("inbox %q is listed twice", in.Name), "give each inbox its own name")
		}
		seen[in.Name] = true
		in.Provider = strings.ToLower(in.Provider)
		if a, ok := providerAliases[in.Provider]; ok {
			in.Provider = a
		}
		if in.Provider == "" {
			in.Provider = inferProvider(in.Host)
		}
		p, ok := providers[in.Provider]
		if in.Provider != "" && !ok {
			errAt(at("provider"), fmt.Sprintf("%q is not a provider Launch Ready knows", in.Provider), "use one of "+known+", or leave provider out and set host, port, tls and spam_folders")
		}
		if in.Host == "" {
			in.Host = p.host
		}
		if in.TLS == "" {
			in.TLS = p.tls
		}
		if in.Port == 0 {
			in.Port = p.port
		}
		if len(in.SpamFolders) == 0 {
			in.SpamFolders = slices.Clone(p.spam)
			if len(in.SpamFolders) == 0 {
				in.SpamFolders = slices.Clone(genericSpam)
			}
		}
		switch {
		case in.Provider != "" && !ok:
			// the unknown provider is the error; a missing host follows from it
		case in.Host == "":
			errWithin(at("host"), item, "the inbox has no IMAP host", "set host to the provider's IMAP server, like imap.fastmail.com, or set provider: gmail (or outlook, yahoo, fastmail, icloud, proton-bridge)")
		case !isHostname(normDomain(in.Host)):
			if _, err := netip.ParseAddr(in.Host); err != nil {
				errAt(at("host"), fmt.Sprintf("%q is not a host name", in.Host), "write the bare host, like imap.gmail.com (no scheme, no port: port has its own key)")
			}
		}
		switch strings.ToLower(in.TLS) {
		case "", "implicit", "tls", "ssl":
			in.TLS = "implicit"
			if in.Port == 0 {
				in.Port = 993
			}
		case "starttls":
			in.TLS = "starttls"
			if in.Port == 0 {
				in.Port = 143
			}
		default:
			errAt(at("tls"), fmt.Sprintf("%q is not a TLS mode", in.TLS), "use implicit (port 993) or starttls (port 143); reading a mailbox without TLS is not offered")
		}
		if in.Port < 1 || in.Port > 65535 {
			errAt(at("port"), fmt.Sprintf("%d is not a port", in.Port), "IMAP listens on 993 (implicit TLS) or 143 (starttls)")
		}
		if in.Username == "" {
			errWithin(at("username"), item, "the inbox has no username", "set username to the test account's login, usually its address")
		}
		if in.Password == nil || !in.Password.IsSet() {
			errWithin(at("password"), item, "the inbox has no password reference", "add password: env:GMAIL_TEST_APP_PASSWORD (or file:PATH); use an app password where the provider offers them")
		}
		if in.Address == "" {
			if _, err := mail.ParseAddress(in.Username); err == nil {
				in.Address = in.Username
			} else if in.Username != "" {
				errWithin(at("address"), item, fmt.Sprintf("the username %q is not an address, so the test message has nowhere to go", in.Username), "set address to the inbox's email address")
			}
		} else if _, err := mail.ParseAddress(in.Address); err != nil {
			errAt(at("address"), fmt.Sprintf("%q is not an email address", in.Address), "write it like launch-test@gmail.com")
		}
		for j, f := range in.SpamFolders {
			if strings.TrimSpace(f) == "" || strings.EqualFold(f, "INBOX") {
				errAt(fmt.Sprintf("email.inboxes[%d].spam_folders[%d]", i, j), fmt.Sprintf("%q is not a spam folder", f), "list the folder names the provider files spam under, like Junk or [Gmail]/Spam")
			}
		}
	}
	switch w := c.Roundtrip.Wait; {
	case w == 0:
		c.Roundtrip.Wait = DefaultRoundtripWait
	case w < time.Second || w > maxRoundtripWait:
		errAt("email.roundtrip.wait", fmt.Sprintf("%s is not a usable wait", w), fmt.Sprintf("use between 1s and %s; the default %s suits most providers", maxRoundtripWait, DefaultRoundtripWait))
	}
	switch e := c.Roundtrip.Every; {
	case e == 0:
	case len(c.Inboxes) == 0:
		errAt("email.roundtrip.every", "there is no test inbox to run the round trip against", "add email.inboxes, or remove every")
	case e < minRoundtripEvery:
		errAt("email.roundtrip.every", fmt.Sprintf("%s is too often: each run sends a real message to every test inbox", e), fmt.Sprintf("use %s or more; 1h sees a provider that starts filing you as spam within the hour", minRoundtripEvery))
	}
}

// inferProvider names the provider a host belongs to, "" when it is none of them.
func inferProvider(host string) string {
	host = normDomain(host)
	for name, p := range providers {
		if slices.Contains(p.hosts, host) {
			return name
		}
	}
	return ""
}

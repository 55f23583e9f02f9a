package exposure

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/launchready/launchready/internal/secretscan"
	"github.com/launchready/launchready/probes"
)

// files is the "exposed HOST" check: well-known paths that must never answer with their
// content, judged by what comes back, not by the status alone.
type files struct {
	info    probes.CheckInfo
	base    *url.URL
	client  *http.Client
	scanner *secretscan.Scanner
}

func (c *files) Info() probes.CheckInfo { return c.info }

// maxFileBytes is what a path's answer is read up to: enough to recognise any of them.
const maxFileBytes = 256 << 10

// baseline is the host's answer to a path that cannot exist. A single-page app answers 200
// with its index page for everything; a path that answers the same is not an exposure.
type baseline struct {
	status int
	body   []byte
}

// same reports an answer that is the host's catch-all: the same status and the same body
// (or a body of the same length, for a page that prints the path it was asked for).
func (b baseline) same(r *response) bool {
	if r.status != b.status {
		return false
	}
	return bytes.Equal(r.body, b.body) || len(b.body) > 0 && abs(len(r.body)-len(b.body)) <= 64 && looksHTML(r.body)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func (c *files) Run(ctx context.Context) probes.Result {
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	probe := "/launchready-" + hex.EncodeToString(rnd[:]) + "-does-not-exist"
	br, err := get(ctx, c.client, c.base.String()+probe, maxFileBytes)
	if err != nil {
		return probes.Result{Err: fmt.Sprintf("cannot reach %s: %v", c.base, err)}
	}
	base := baseline{status: br.status, body: br.body}
	var fs []probes.Finding
	checked := 0
	for _, p := range wellKnown {
		if ctx.Err() != nil {
			break
		}
		r, err := get(ctx, c.client, c.base.String()+p.path, maxFileBytes)
		checked++
		if err != nil || r.status != http.StatusOK || base.same(r) {
			continue
		}
		if why := p.judge(r.body, c.scanner); why != "" {
			u := c.base.String() + p.path
			fs = append(fs, probes.Finding{ID: p.id, Pane: probes.PaneExposure, Check: c.info.Name, Target: u,
				Severity: p.severity, Impact: probes.DataExposure,
				Title:    p.title + " is public",
				Detail:   p.detail,
				Observed: fmt.Sprintf("GET %s answers 200: %s", p.path, why),
				Expected: fmt.Sprintf("404 or 403 for %s (a random path answers %d)", p.path, base.status),
				Fix:      p.fix,
				Evidence: []string{fmt.Sprintf("baseline %s answers %d, %d bytes; %s answers 200, %d bytes", probe, base.status, len(base.body), p.path, len(r.body))},
			})
		}
	}
	exposed := len(fs)
	// security.txt absent is info: said in the summary and a metric, not a finding, so a
	// healthy site is not listed among the risks for lacking a courtesy file.
	securityTxt := 0.0
	if ctx.Err() == nil {
		st, err := get(ctx, c.client, c.base.String()+"/.well-known/security.txt", maxFileBytes)
		if err == nil && st.status == http.StatusOK && bytes.Contains(bytes.ToLower(st.body), []byte("contact:")) {
			securityTxt = 1
		}
	}
	sum := fmt.Sprintf("%d paths checked, nothing exposed", checked)
	if exposed > 0 {
		sum = fmt.Sprintf("%d paths checked, %d exposed", checked, exposed)
	}
	if base.status == http.StatusOK {
		sum += " (the host answers 200 for any path; judged by content)"
	}
	if securityTxt == 0 {
		sum += "; no security.txt (info: publish one so researchers can reach you)"
	}
	return probes.Result{Summary: sum, Findings: fs, Metrics: map[string]float64{"paths_checked": float64(checked), "exposed": float64(exposed), "security_txt": securityTxt}}
}

func looksHTML(b []byte) bool {
	head := bytes.ToLower(bytes.TrimSpace(b[:min(len(b), 512)]))
	return bytes.HasPrefix(head, []byte("<!doctype html")) || bytes.HasPrefix(head, []byte("<html")) || bytes.Contains(head, []byte("<head"))
}

// a wellKnown path: how to recognise its content (a reason, or "" when it is not what the
// path would hold), and what to say.
type wellKnownPath struct {
	path, id, title, detail, fix string
	severity                     probes.Severity
	judge                        func(body []byte, sc *secretscan.Scanner) string
}

// secretsIn counts the secrets in a text, for the reason line; never the values.
func secretsIn(body []byte, sc *secretscan.Scanner) (leaks, public int) {
	for _, f := range sc.ScanText(context.Background(), "", string(body)) {
		if f.Public {
			public++
		} else {
			leaks++
		}
	}
	return
}

func envFile(body []byte, sc *secretscan.Scanner) string {
	if looksHTML(body) {
		return ""
	}
	vars := 0
	for _, l := range strings.Split(string(body), "\n") {
		l = strings.TrimPrefix(strings.TrimSpace(l), "export ")
		if k, _, ok := strings.Cut(l, "="); ok && k != "" && strings.IndexFunc(k, func(r rune) bool {
			return !(r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
		}) < 0 {
			vars++
		}
	}
	if vars == 0 {
		return ""
	}
	leaks, _ := secretsIn(body, sc)
	return fmt.Sprintf("%d variables, %d of them recognised as secrets (values not shown)", vars, leaks)
}

func prefixed(marks ...string) func([]byte, *secretscan.Scanner) string {
	return func(body []byte, _ *secretscan.Scanner) string {
		for _, m := range marks {
			if bytes.Contains(body[:min(len(body), 4096)], []byte(m)) {
				return fmt.Sprintf("its content has %q", m)
			}
		}
		return ""
	}
}

func magic(sig string, what string) func([]byte, *secretscan.Scanner) string {
	return func(body []byte, _ *secretscan.Scanner) string {
		if bytes.HasPrefix(body, []byte(sig)) {
			return what
		}
		return ""
	}
}

func gitHead(body []byte, _ *secretscan.Scanner) string {
	s := strings.TrimSpace(string(body))
	if strings.HasPrefix(s, "ref: refs/") || len(s) == 40 && strings.Trim(s, "0123456789abcdef") == "" {
		return "a git HEAD (" + s[:min(len(s), 20)] + ")"
	}
	return ""
}

func configJSON(body []byte, sc *secretscan.Scanner) string {
	if looksHTML(body) {
		return ""
	}
	if leaks, _ := secretsIn(body, sc); leaks > 0 {
		return fmt.Sprintf("%d secrets recognised in it (values not shown)", leaks)
	}
	return ""
}

const (
	rotateAll = "block the path at the web server or CDN now, then rotate every secret it held (the rotate-secret runbook): assume it was read"
	envDetail = "Every variable in it, database URL, payment and email keys included, is readable by anyone who asks for this path; scanners try it within hours of a site going up."
)

var envPaths = []string{"/.env", "/.env.local", "/.env.production", "/.env.prod", "/.env.backup", "/.env.bak", "/.env.old"}

// wellKnown is the bounded list, each judged by content.
var wellKnown = func() []wellKnownPath {
	var out []wellKnownPath
	for _, p := range envPaths {
		out = append(out, wellKnownPath{path: p, id: "exposure.env-file", title: "Environment file " + p, severity: probes.Critical,
			detail: envDetail, fix: rotateAll + "; keep .env files out of the web root and the deploy artefact", judge: envFile})
	}
	gitFix := "deny /.git at the web server (location ~ /\\.git { deny all; }) and deploy a build, not a checkout; then run `launchready secrets scan` on the repository: every secret in its history is public"
	out = append(out,
		wellKnownPath{path: "/.git/config", id: "exposure.git", title: "Git repository (.git/config)", severity: probes.High,
			detail: "The whole repository, history included, can be downloaded from the site: source, and any secret ever committed.", fix: gitFix, judge: prefixed("[core]", "repositoryformatversion")},
		wellKnownPath{path: "/.git/HEAD", id: "exposure.git", title: "Git repository (.git/HEAD)", severity: probes.High,
			detail: "The whole repository, history included, can be downloaded from the site: source, and any secret ever committed.", fix: gitFix, judge: gitHead},
		wellKnownPath{path: "/.svn/entries", id: "exposure.svn", title: "Subversion metadata (.svn/entries)", severity: probes.High,
			detail: "The working copy's file list and, in older formats, its contents can be downloaded.", fix: "deny /.svn at the web server and deploy a build, not a working copy", judge: func(b []byte, _ *secretscan.Scanner) string {
				s := strings.TrimSpace(string(b[:min(len(b), 64)]))
				if s != "" && !looksHTML(b) && (strings.Trim(strings.SplitN(s, "\n", 2)[0], "0123456789") == "" || strings.Contains(s, "dir")) {
					return "Subversion entries"
				}
				return ""
			}},
		wellKnownPath{path: "/.DS_Store", id: "exposure.ds-store", title: "macOS folder index (.DS_Store)", severity: probes.Low,
			detail: "It lists the folder's file names, including ones you never linked (backups, drafts).", fix: "delete .DS_Store files from the web root and add them to .gitignore", judge: magic("\x00\x00\x00\x01Bud1", "a .DS_Store file index")},
	)
	dump := func(p string) wellKnownPath {
		return wellKnownPath{path: p, id: "exposure.dump", title: "Backup or database dump " + p, severity: probes.Critical,
			detail: "A dump holds every member's data, password hashes included; a backup archive holds the code and its config.",
			fix:    "remove it from the web root now, find out from the access logs whether it was downloaded, and treat the data as leaked if it was",
			judge: func(b []byte, sc *secretscan.Scanner) string {
				for _, m := range []struct{ sig, what string }{{"PK\x03\x04", "a zip archive"}, {"\x1f\x8b", "a gzip archive"}, {"BZh", "a bzip2 archive"}} {
					if bytes.HasPrefix(b, []byte(m.sig)) {
						return m.what
					}
				}
				return prefixed("-- MySQL dump", "PostgreSQL database dump", "CREATE TABLE", "INSERT INTO")(b, sc)
			}}
	}
	for _, p := range []string{"/backup.zip", "/backup.tar.gz", "/backup.sql", "/dump.sql", "/db.sql", "/database.sql", "/site.zip"} {
		out = append(out, dump(p))
	}
	out = append(out,
		wellKnownPath{path: "/phpinfo.php", id: "exposure.debug-endpoint", title: "phpinfo() page", severity: probes.Medium,
			detail: "It prints the server's configuration and environment, secrets in environment variables included.", fix: "delete phpinfo.php from the server", judge: prefixed("phpinfo()", "PHP Version")},
		wellKnownPath{path: "/server-status", id: "exposure.debug-endpoint", title: "Apache server-status", severity: probes.Medium,
			detail: "It shows every request in flight: URLs with tokens in query strings, client addresses.", fix: "restrict server-status to localhost (Require local)", judge: prefixed("Apache Server Status", "Server Version:")},
		wellKnownPath{path: "/debug/pprof/", id: "exposure.debug-endpoint", title: "Go pprof debug endpoint", severity: probes.High,
			detail: "Heap profiles and goroutine dumps can hold secrets and request data, and a CPU profile request is a free denial of service.", fix: "serve net/http/pprof on a separate, private listener, never on the public mux", judge: prefixed("Types of profiles available", "/debug/pprof/goroutine")},
		wellKnownPath{path: "/actuator/env", id: "exposure.debug-endpoint", title: "Spring Boot actuator env", severity: probes.Critical,
			detail: "It returns the application's environment and properties, credentials included.", fix: "expose only health and info actuators publicly (management.endpoints.web.exposure.include=health,info); rotate what it showed", judge: prefixed("propertySources", "activeProfiles")},
		wellKnownPath{path: "/config.json", id: "exposure.config-secret", title: "config.json with secrets", severity: probes.Critical,
			detail: "A frontend config file is fine; this one holds keys meant for the server.", fix: rotateAll + "; keep only publishable keys in files the site serves", judge: configJSON},
	)
	return out
}()

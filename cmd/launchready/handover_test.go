package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"charm.land/glamour/v2"
	"github.com/charmbracelet/x/exp/golden"
	"golang.org/x/net/html"

	"github.com/launchready/launchready/internal/handover"
	"github.com/launchready/launchready/internal/setup"
)

var handoverFrozen = time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)

// writePack sweeps the lab scenario on the frozen clock and writes the pack (without the
// dashboard: one sweep's latencies differ every run) into a temp folder.
func writePack(t *testing.T, scenario string, getenv func(string) (string, bool)) (md, page []byte) {
	t.Helper()
	now := func() time.Time { return handoverFrozen }
	s, err := setup.Open(setup.Options{Lab: scenario, StateFlag: t.TempDir(), Now: now, Getenv: getenv})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p, in, err := buildHandover(context.Background(), s, now, false, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := p.Write(dir, s.StateDir, in.Secrets, addressNames(s)); err != nil {
		t.Fatal(err)
	}
	md, err = os.ReadFile(filepath.Join(dir, handover.MarkdownFile))
	if err != nil {
		t.Fatal(err)
	}
	page, err = os.ReadFile(filepath.Join(dir, handover.HTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	return md, page
}

// measured are the figures a sweep measures rather than reads ("/pricing takes 1204ms to its
// first byte", "p95 13 ms"): they differ by a few milliseconds from run to run, so the golden
// holds them as N.
var measured = regexp.MustCompile(`[0-9]+(?:\.[0-9]+)?( ?ms)\b`)

// TestHandoverGolden: the lab's demo and healthy packs as Markdown, on a frozen clock,
// with host names where the lab's random ports would be (rewrite with
// go test ./cmd/launchready -run TestHandoverGolden -update, after reading the diff).
func TestHandoverGolden(t *testing.T) {
	t.Parallel()
	for _, sc := range []string{"demo", "healthy"} {
		t.Run(sc, func(t *testing.T) {
			t.Parallel()
			md, page := writePack(t, sc, os.LookupEnv)
			if bytes.Contains(md, []byte("127.0.0.1:")) {
				t.Errorf("the pack holds a loopback address with a port: the lab's random ports make it differ every run")
			}
			checkPage(t, page)
			golden.RequireEqual(t, measured.ReplaceAll(md, []byte("N${1}")))
		})
	}
}

// checkPage: the HTML parses, and no element refers to anything outside the file (src,
// href, srcset, poster, data, xlink:href, action), and there is no script.
func checkPage(t *testing.T, page []byte) {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatalf("the HTML does not parse: %v", err)
	}
	elems := 0
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			elems++
			if n.Data == "script" || n.Data == "link" || n.Data == "iframe" || n.Data == "img" {
				t.Errorf("<%s> in a self-contained page", n.Data)
			}
			for _, a := range n.Attr {
				switch strings.ToLower(a.Key) {
				case "src", "href", "srcset", "poster", "data", "action", "xlink:href", "background":
					t.Errorf("<%s %s=%q>: an external reference", n.Data, a.Key, a.Val)
				case "style":
					if strings.Contains(a.Val, "url(") {
						t.Errorf("<%s style=%q>: an external reference", n.Data, a.Val)
					}
				}
			}
			if n.Data == "style" && n.FirstChild != nil && (strings.Contains(n.FirstChild.Data, "url(") || strings.Contains(n.FirstChild.Data, "@import")) {
				t.Errorf("the stylesheet loads something")
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if elems < 100 {
		t.Errorf("only %d elements: the page is nearly empty", elems)
	}
}

// TestHandoverPlantedSecrets: secret values set in the environment for every reference
// the config makes never reach either file; the references are named.
func TestHandoverPlantedSecrets(t *testing.T) {
	t.Parallel()
	planted := map[string]string{}
	getenv := func(k string) (string, bool) {
		if strings.HasPrefix(k, "LAUNCHREADY_LAB_") {
			v := "pl4nted-" + strings.ToLower(k) + "-Qx7"
			planted[k] = v
			return v, true
		}
		return os.LookupEnv(k)
	}
	md, page := writePack(t, "healthy", getenv)
	if len(planted) == 0 {
		t.Fatal("no secret was planted: the example config references none?")
	}
	for k, v := range planted {
		for name, f := range map[string][]byte{"README.md": md, "index.html": page} {
			if bytes.Contains(f, []byte(v)) || bytes.Contains(f, []byte("pl4nted")) {
				t.Errorf("%s holds the value of %s", name, k)
			}
		}
		if !bytes.Contains(md, []byte("env:"+k)) {
			t.Errorf("README.md does not name the reference env:%s", k)
		}
	}
}

// TestHandoverRotationPlanReadsAsTyped: a secret's config path is written as code, as
// typed (email.inboxes[0].password), so neither the raw README.md nor its rendering shows
// a backslash; the same text in prose would need Markdown escapes that show wherever the
// file is read raw.
func TestHandoverRotationPlanReadsAsTyped(t *testing.T) {
	t.Parallel()
	md, page := writePack(t, "healthy", os.LookupEnv)
	plan := md[bytes.Index(md, []byte("## Secrets rotation plan")):bytes.Index(md, []byte("## Backups"))]
	if !bytes.Contains(plan, []byte("| config `email.inboxes[0].password` |")) || bytes.Contains(plan, []byte(`\[`)) || bytes.Contains(plan, []byte(`\_`)) {
		t.Errorf("the rotation plan escapes config paths as prose:\n%s", plan)
	}
	out, err := glamour.Render(string(plan), "notty")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, `\`) {
		t.Errorf("the rendered rotation plan:\n%s", out)
	}
	if !bytes.Contains(page, []byte("config <code>email.inboxes[0].password</code>")) {
		t.Errorf("the HTML does not show the config path as code")
	}
}

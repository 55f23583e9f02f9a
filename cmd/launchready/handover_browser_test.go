package main

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// chromiumPath finds Debian's chromium. Without it the test skips on a user's clone and
// fails in CI, which installs it (.ci/run): the pack is for a founder who opens it in a
// browser and prints it, so CI must look at it the way they will.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if why := os.Getenv("LAUNCHREADY_NO_CHROMIUM"); why != "" {
		t.Skip("chromium unavailable: " + why)
	}
	if os.Getenv("CI") != "" {
		t.Fatal("CI: chromium is not installed, so the handover pack cannot be rendered; .ci/run installs Debian's chromium")
	}
	t.Skip("chromium not found: install Debian's chromium (apt-get install chromium) to render the handover pack in a real browser")
	return ""
}

// TestHandoverPackRendersInABrowser renders the lab's demo pack with headless chromium,
// to a screenshot and to a printed PDF: the screenshot must show a page (many pixels that
// are not the background), the PDF must be a PDF of more than one page's worth of bytes.
// Chromium gets its own profile folder and only the file: URL; the page has no external
// reference (checkPage), so nothing leaves the machine.
func TestHandoverPackRendersInABrowser(t *testing.T) {
	t.Parallel()
	chromium := chromiumPath(t)
	_, page := writePack(t, "demo", func(string) (string, bool) { return "", false })
	dir := t.TempDir()
	index := filepath.Join(dir, "index.html")
	if err := os.WriteFile(index, page, 0o600); err != nil {
		t.Fatal(err)
	}
	shot, pdf := filepath.Join(dir, "shot.png"), filepath.Join(dir, "pack.pdf")
	run := func(args ...string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		base := []string{"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
			"--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
			"--user-data-dir=" + filepath.Join(dir, "profile"), "--hide-scrollbars"}
		cmd := exec.CommandContext(ctx, chromium, append(append(base, args...), "file://"+index)...)
		cmd.Env = append(os.Environ(), "HOME="+dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("chromium %v: %v\n%s", args, err, out)
		}
	}
	run("--window-size=1200,1600", "--screenshot="+shot)
	run("--no-pdf-header-footer", "--print-to-pdf="+pdf)

	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	b := img.Bounds()
	bg := img.At(b.Min.X, b.Min.Y)
	br, bgc, bb, _ := bg.RGBA()
	ink := 0
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r != br || g != bgc || bl != bb {
				ink++
			}
		}
	}
	total := (b.Dx() / 2) * (b.Dy() / 2)
	if ink < total/100 {
		t.Errorf("the rendered pack is nearly blank: %d of %d sampled pixels differ from the background", ink, total)
	}
	doc, err := os.ReadFile(pdf)
	if err != nil || !bytes.HasPrefix(doc, []byte("%PDF-")) || len(doc) < 20_000 {
		t.Errorf("printing the pack to PDF gave %d bytes (%v), want a PDF of the whole pack", len(doc), err)
	}
	t.Logf("rendered: %dx%d screenshot, %d of %d sampled pixels inked; PDF %d bytes", b.Dx(), b.Dy(), ink, total, len(doc))
}

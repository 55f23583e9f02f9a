package mailauth

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/netx"
)

func readLog(t *testing.T, dir string) []SeenSelector {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, SelectorsFile))
	if err != nil {
		t.Fatal(err)
	}
	var l selectorLog
	if err := json.Unmarshal(b, &l); err != nil {
		t.Fatalf("%s: %v\n%s", SelectorsFile, err, b)
	}
	return l.Selectors
}

func findingByID(r probes.Result, id, target string) *probes.Finding {
	for i, f := range r.Findings {
		if f.ID == id && (target == "" || f.Target == target) {
			return &r.Findings[i]
		}
	}
	return nil
}

// TestSelectorsFromMessagesReachThePane verifies messages signed here (one with a 1024-bit
// key under a selector neither configured nor well-known, one for a domain the config does
// not send from), records their selectors, and runs the pane against a loopback DNS
// server: the discovered selector is checked and its weak key reported; the foreign domain
// is not asked about.
func TestSelectorsFromMessagesReachThePane(t *testing.T) {
	t.Parallel()
	weak, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	srv := newTestDNS()
	srv.add(t, goodZone()...)
	srv.add(t, `_dmarc.other.example. 300 IN TXT "v=DMARC1; p=none"`)
	srv.txt("prov7._domainkey.acme.example.", pubRecord(t, weak))
	srv.txt("x9._domainkey.other.example.", pubRecord(t, edKey))
	srv.start(t)
	n := srv.net(t)
	dir := t.TempDir()

	day1 := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	v, err := VerifyMessage(context.Background(), n, sign(t, weak, "acme.example", "prov7", inner, receivedGood), VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(v.DKIM) != 1 || v.DKIM[0].Result != "pass" {
		t.Fatalf("signature: %+v", v.DKIM)
	}
	if err := RecordSelectors(dir, "/home/ops/Downloads/welcome.eml", day1, v); err != nil {
		t.Fatal(err)
	}
	other := strings.Replace(inner, "hello@acme.example", "hello@other.example", 1)
	v2, err := VerifyMessage(context.Background(), n, sign(t, edKey, "other.example", "x9", other, receivedGood), VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// A selector seen again a day later keeps its first sighting.
	if err := RecordSelectors(dir, "other.eml", day1.Add(time.Hour), v2); err != nil {
		t.Fatal(err)
	}
	if err := RecordSelectors(dir, "reset.eml", day1.Add(24*time.Hour), v); err != nil {
		t.Fatal(err)
	}

	st, err := os.Stat(filepath.Join(dir, SelectorsFile))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
	got := readLog(t, dir)
	want := []SeenSelector{
		{Domain: "acme.example", Selector: "prov7", FirstSeen: day1, LastSeen: day1.Add(24 * time.Hour), Message: "reset.eml"},
		{Domain: "other.example", Selector: "x9", FirstSeen: day1.Add(time.Hour), LastSeen: day1.Add(time.Hour), Message: "other.eml"},
	}
	if !slices.EqualFunc(got, want, func(a, b SeenSelector) bool {
		return a.Domain == b.Domain && a.Selector == b.Selector && a.FirstSeen.Equal(b.FirstSeen) && a.LastSeen.Equal(b.LastSeen) && a.Message == b.Message
	}) {
		t.Errorf("recorded %+v\nwant %+v", got, want)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}

	e := testEnv(t, goodEmail, netx.Config{Resolvers: []string{srv.Addr}})
	e.StateDir = dir
	r := sweepEmail(t, e)["acme.example"]
	if r.Err != "" {
		t.Fatalf("err %q", r.Err)
	}
	name := "prov7._domainkey.acme.example"
	found := findingByID(r, "email.dkim-selector-found", name)
	if found == nil || found.Severity != probes.Info || !strings.Contains(found.Title, "found in a received message") ||
		!strings.Contains(found.Detail, "reset.eml on 2026-11-29") || !strings.Contains(found.Fix, "email.dkim_selectors") {
		t.Errorf("discovered selector: %+v", found)
	}
	if weakF := findingByID(r, "email.dkim-weak-key", name); weakF == nil || weakF.Severity != probes.Medium || !strings.Contains(weakF.Title, "RSA 1024") {
		t.Errorf("weak key of the discovered selector: %+v\nall: %v", weakF, ids(r))
	}
	if r.Metrics["dkim_key_bits"] != 1024 {
		t.Errorf("dkim_key_bits %v, want the discovered key's 1024", r.Metrics["dkim_key_bits"])
	}
	rep := r.Data.(*Report)
	var sources []string
	for _, k := range rep.DKIM {
		sources = append(sources, k.Selector+"/"+k.Source)
	}
	if !slices.Equal(sources, []string{"lr1/config", "prov7/message"}) {
		t.Errorf("DKIM selectors looked at: %v", sources)
	}
	if !strings.Contains(r.Summary, "prov7 rsa 1024") {
		t.Errorf("summary %q", r.Summary)
	}
	for _, f := range r.Findings {
		if strings.Contains(f.Target, "other.example") {
			t.Errorf("a selector of a domain the config does not send from reached the pane: %+v", f)
		}
	}
}

// TestMessageSelectorWithoutKey: a recorded selector whose key is gone is reported (the
// provider may still sign with it), and one that is configured is not looked at twice.
func TestMessageSelectorWithoutKey(t *testing.T) {
	t.Parallel()
	srv := newTestDNS()
	srv.add(t, goodZone()...)
	srv.start(t)
	dir := t.TempDir()
	now := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	v := &MessageVerdict{DKIM: []SignatureVerdict{
		{Domain: "ACME.example.", Selector: "Gone"}, {Domain: "acme.example", Selector: "lr1"},
		{Domain: "acme.example", Selector: "../etc"}, {Domain: "acme.example", Selector: "a b"}, {Domain: "localhost", Selector: "x"},
	}}
	if err := RecordSelectors(dir, "old.eml", now, v); err != nil {
		t.Fatal(err)
	}
	if got := readLog(t, dir); len(got) != 2 {
		t.Errorf("recorded %+v, want gone and lr1 only (the rest are not DNS names)", got)
	}
	e := testEnv(t, goodEmail, netx.Config{Resolvers: []string{srv.Addr}})
	e.StateDir = dir
	r := sweepEmail(t, e)["acme.example"]
	if got := ids(r); !slices.Equal(got, []string{"email.dkim-message-key-missing/medium", "email.mta-sts-missing/low"}) {
		t.Fatalf("findings %v (err %q)", got, r.Err)
	}
	f := findingByID(r, "email.dkim-message-key-missing", "gone._domainkey.acme.example")
	if f == nil || !strings.Contains(f.Detail, "old.eml on 2026-11-28") {
		t.Errorf("finding %+v", f)
	}
	if n := len(r.Data.(*Report).DKIM); n != 2 {
		t.Errorf("%d selectors looked at, want lr1 (config) and gone (message)", n)
	}
}

// TestCorruptSelectorsFile: the pane notes an unreadable file once (on the From domain's
// check), checks everything else as before, and the next verify replaces the file.
func TestCorruptSelectorsFile(t *testing.T) {
	t.Parallel()
	srv := newTestDNS()
	srv.add(t, goodZone()...)
	srv.add(t, `news.acme.example. 300 IN TXT "v=spf1 include:_spf.provider.example -all"`)
	srv.start(t)
	for name, body := range map[string][]byte{
		"not JSON":   []byte(`{"selectors": [{"domain": "acme.example", "sel`),
		"wrong type": []byte(`{"selectors": "lr1"}`),
		"too big":    []byte(`{"selectors": [], "pad": "` + strings.Repeat("x", maxSelectorsFile) + `"}`),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, SelectorsFile), body, 0o600); err != nil {
				t.Fatal(err)
			}
			e := testEnv(t, goodEmail+"  domains: [acme.example, news.acme.example]\n", netx.Config{Resolvers: []string{srv.Addr}})
			e.StateDir = dir
			res := sweepEmail(t, e)
			r := res["acme.example"]
			if got := ids(r); !slices.Equal(got, []string{"email.mta-sts-missing/low", "email.selectors-unreadable/info"}) || r.Err != "" {
				t.Fatalf("findings %v (err %q)", got, r.Err)
			}
			if f := findingByID(r, "email.selectors-unreadable", ""); !strings.Contains(f.Detail, SelectorsFile) || !strings.Contains(f.Fix, "Move the file aside") {
				t.Errorf("finding %+v", f)
			}
			if f := findingByID(res["news.acme.example"], "email.selectors-unreadable", ""); f != nil {
				t.Errorf("reported on every domain's check: %+v", f)
			}
			v := &MessageVerdict{DKIM: []SignatureVerdict{{Domain: "acme.example", Selector: "s7"}}}
			if err := RecordSelectors(dir, "new.eml", time.Now(), v); err != nil {
				t.Fatal(err)
			}
			if got := readLog(t, dir); len(got) != 1 || got[0].Selector != "s7" {
				t.Errorf("after verify: %+v", got)
			}
		})
	}
}

// TestSelectorsFileStaysBounded: a file with 1,000 entries (hand-edited, or from an older
// version) is read as its 100 newest, and the next record writes back 100, the new one
// among them.
func TestSelectorsFileStaysBounded(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var l selectorLog
	for i := range 1000 {
		at := base.Add(time.Duration(i) * time.Minute)
		l.Selectors = append(l.Selectors, SeenSelector{Domain: "acme.example", Selector: fmt.Sprintf("s%d", i), FirstSeen: at, LastSeen: at, Message: "m.eml"})
	}
	b, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, SelectorsFile), b, 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := ReadSelectors(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != maxSeen || got[0].Selector != "s999" || got[maxSeen-1].Selector != "s900" {
		t.Fatalf("read %d, first %s, last %s", len(got), got[0].Selector, got[len(got)-1].Selector)
	}
	v := &MessageVerdict{DKIM: []SignatureVerdict{{Domain: "acme.example", Selector: "fresh"}}}
	if err := RecordSelectors(dir, "new.eml", base.Add(2000*time.Minute), v); err != nil {
		t.Fatal(err)
	}
	after := readLog(t, dir)
	if len(after) != maxSeen || after[0].Selector != "fresh" || after[maxSeen-1].Selector != "s901" {
		t.Errorf("wrote %d, first %s, last %s", len(after), after[0].Selector, after[len(after)-1].Selector)
	}
	if none, err := ReadSelectors(t.TempDir()); err != nil || none != nil {
		t.Errorf("missing file: %v, %v", none, err)
	}
}

// FuzzReadSelectors: whatever the state file holds, the pane gets at most maxSeen pairs,
// each a DNS name it can ask about, or an error; never a crash.
func FuzzReadSelectors(f *testing.F) {
	f.Add([]byte(`{"selectors":[{"domain":"acme.example","selector":"s1","first_seen":"2026-11-28T10:00:00Z","last_seen":"2026-11-28T10:00:00Z","message":"a.eml"}]}`))
	f.Add([]byte(`{"selectors":[{"domain":"ACME.example.","selector":"../x"}]}`))
	f.Add([]byte(`{"selectors":null}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, b []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, SelectorsFile), b, 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := ReadSelectors(dir)
		if err != nil {
			return
		}
		if len(got) > maxSeen {
			t.Fatalf("%d pairs", len(got))
		}
		for _, s := range got {
			if !validSelector(s.Selector) || !validDomain(s.Domain) {
				t.Fatalf("unusable pair %+v", s)
			}
		}
	})
}

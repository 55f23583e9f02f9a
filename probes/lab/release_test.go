package lab

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// TestDemoReleaseFile: writing a release into the demo lab's release file moves
// app.acme.example's A record and breaks its home page within a poll; writing the live
// release back restores both exactly. The healthy lab has no release to take.
func TestDemoReleaseFile(t *testing.T) {
	t.Parallel()
	l := startLab(t, builtin(t, "demo"))
	c := labClient(t, l)
	appA := func() string {
		m := ask(t, l, "udp", "app.acme.example.", dns.TypeA, 0)
		if len(m.Answer) != 1 {
			return ""
		}
		return m.Answer[0].(*dns.A).A.String()
	}
	status := func() int {
		resp, _ := fetch(t, c, "GET", "https://app.acme.example/")
		return resp.StatusCode
	}
	if a, s := appA(), status(); a != "127.0.0.1" || s != 200 {
		t.Fatalf("before the deploy: app A %s, / %d", a, s)
	}
	deploy := func(v string, wantA string, wantStatus int) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(l.Dir, ReleaseFile), []byte(v+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for {
			a, s := appA(), status()
			if a == wantA && s == wantStatus {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("release %s: app A %s, / %d; want %s, %d", v, a, s, wantA, wantStatus)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	deploy("v42", "127.0.0.2", 502)
	deploy("v41", "127.0.0.1", 200)

	h := startLab(t, builtin(t, "healthy"))
	if err := os.WriteFile(filepath.Join(h.Dir, ReleaseFile), []byte("v42\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * releasePoll)
	if m := ask(t, h, "udp", "app.acme.example.", dns.TypeA, 0); len(m.Answer) != 1 || m.Answer[0].(*dns.A).A.String() != "127.0.0.1" {
		t.Errorf("the healthy lab took a release: %v", m.Answer)
	}
}

// TestSetRecordsRejectsABadRecord: a record that does not parse leaves the zones alone.
func TestSetRecordsRejectsABadRecord(t *testing.T) {
	t.Parallel()
	l := startLab(t, builtin(t, "healthy"))
	if err := l.SetRecords("acme.example", "app", "app 300 IN A not-an-address"); err == nil {
		t.Fatal("a bad record was accepted")
	}
	if err := l.SetRecords("nowhere.example", "app"); err == nil {
		t.Fatal("a zone the lab does not serve was accepted")
	}
	if m := ask(t, l, "udp", "app.acme.example.", dns.TypeA, 0); len(m.Answer) != 1 {
		t.Errorf("app's record after refused changes: %v", m.Answer)
	}
}

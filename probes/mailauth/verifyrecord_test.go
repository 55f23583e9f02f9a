package mailauth

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestVerifyRecord: the last verify outcome round-trips through the state folder, mode
// 0600, replacing the one before; names a message could forge into anything are "?"; a
// missing record is none, a corrupt one an error naming the file and the fix.
func TestVerifyRecord(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if r, err := LastVerify(dir); r != nil || err != nil {
		t.Fatalf("no record yet: %+v, %v", r, err)
	}
	at := time.Date(2026, 12, 7, 11, 0, 0, 0, time.UTC)
	v := &MessageVerdict{From: "hello@acme.example", FromDomain: "acme.example",
		DKIM:  []SignatureVerdict{{Domain: "acme.example", Selector: "lr1", Result: "pass", Aligned: true}, {Domain: "evil\nexample", Selector: "a b", Result: "permerror"}},
		SPF:   &SPFVerdict{IP: "192.0.2.10", Domain: "acme.example", Result: "pass"},
		DMARC: DMARCVerdict{Result: "pass", Disposition: "reject"}, SPFAligned: true}
	if err := RecordVerify(dir, at, &MessageVerdict{FromDomain: "old.example", DMARC: DMARCVerdict{Result: "fail"}}); err != nil {
		t.Fatal(err)
	}
	if err := RecordVerify(dir, at, v); err != nil {
		t.Fatal(err)
	}
	r, err := LastVerify(dir)
	if err != nil || r == nil {
		t.Fatalf("%+v, %v", r, err)
	}
	want := "DMARC pass (policy reject) for acme.example · DKIM pass d=acme.example s=lr1 aligned · DKIM permerror d=? s=? · SPF pass for acme.example aligned"
	if !r.Pass || r.String() != want || !r.Time.Equal(at) {
		t.Errorf("record %+v\n got %s\nwant %s", r, r, want)
	}
	st, err := os.Stat(filepath.Join(dir, VerifyFile))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, %v", st.Mode(), err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, VerifyFile))
	if strings.Contains(string(b), "hello@") || strings.Contains(string(b), "192.0.2.10") {
		t.Errorf("the record keeps more than verdicts and domains:\n%s", b)
	}
	if err := os.WriteFile(filepath.Join(dir, VerifyFile), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LastVerify(dir); err == nil || !strings.Contains(err.Error(), VerifyFile) || !strings.Contains(err.Error(), "move it aside") {
		t.Errorf("corrupt record: %v", err)
	}
	unsigned := VerifyRecord{DMARC: "fail", FromDomain: "acme.example"}
	if s := unsigned.String(); !strings.Contains(s, "DKIM none: not signed") || !strings.Contains(s, "SPF not evaluated") {
		t.Errorf("unsigned, no IP: %s", s)
	}
}

package mailauth

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/launchready/launchready/internal/atomicfile"
)

// VerifyFile is the last `launchready email verify` outcome in the state folder, so the
// handover pack's email checklist can say when a received message was last verified and
// what it showed (send-test and the round trip keep theirs beside it).
const VerifyFile = "email-verify.json"

// maxVerifyFile bounds what LastVerify reads back: a record is a few hundred bytes.
const maxVerifyFile = 1 << 20

// VerifyRecord is what a verify leaves behind: the verdicts and the From domain, never the
// message (body, subject, recipients, the From address's local part) nor anything a
// header could carry of a secret. A saved message is outside text: only names and
// results that went through the verifier's own checks are kept.
type VerifyRecord struct {
	Time       time.Time `json:"time"`
	Pass       bool      `json:"pass"` // DMARC passes: the command's exit code 0
	FromDomain string    `json:"from_domain"`
	DMARC      string    `json:"dmarc"`                  // pass, fail, none, temperror, permerror
	Policy     string    `json:"dmarc_policy,omitempty"` // what the policy asks of failing mail
	// SPF is the result for the envelope domain; "" when it could not be evaluated (no
	// connecting IP in the headers and no --ip).
	SPF        string      `json:"spf,omitempty"`
	SPFDomain  string      `json:"spf_domain,omitempty"`
	SPFAligned bool        `json:"spf_aligned"`
	DKIM       []DKIMCheck `json:"dkim"`
}

// DKIMCheck is one signature's outcome in a VerifyRecord.
type DKIMCheck struct {
	Domain   string `json:"domain"`
	Selector string `json:"selector"`
	Result   string `json:"result"`
	Aligned  bool   `json:"aligned"`
}

// RecordVerify writes v as the last verify outcome in dir, atomically, mode 0600.
// Signature names that are not DNS names come from a message anyone could have sent and
// are recorded as "?".
func RecordVerify(dir string, now time.Time, v *MessageVerdict) error {
	r := VerifyRecord{Time: now.UTC(), Pass: v.Pass(), FromDomain: nameOr(v.FromDomain), DMARC: v.DMARC.Result,
		Policy: v.DMARC.Disposition, SPFAligned: v.SPFAligned, DKIM: []DKIMCheck{}}
	if v.SPF != nil {
		r.SPF, r.SPFDomain = v.SPF.Result, nameOr(v.SPF.Domain)
	}
	for _, s := range v.DKIM {
		sel := strings.ToLower(strings.TrimSpace(s.Selector))
		if !validSelector(sel) {
			sel = "?"
		}
		r.DKIM = append(r.DKIM, DKIMCheck{Domain: nameOr(normDomain(s.Domain)), Selector: sel, Result: s.Result, Aligned: s.Aligned})
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.WriteBytes(filepath.Join(dir, VerifyFile), 0o600, append(b, '\n')); err != nil {
		return fmt.Errorf("cannot record the verify outcome in %s: %v", dir, err)
	}
	return nil
}

func nameOr(d string) string {
	if validDomain(d) {
		return d
	}
	return "?"
}

// LastVerify is the last verify outcome recorded in dir; nil (and no error) when none was.
func LastVerify(dir string) (*VerifyRecord, error) {
	p := filepath.Join(dir, VerifyFile)
	b, err := os.ReadFile(p)
	switch {
	case os.IsNotExist(err):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("cannot read the last email verify outcome %s: %v", p, err)
	case len(b) > maxVerifyFile:
		return nil, fmt.Errorf("%s is %d bytes, far more than a verify records; move it aside", p, len(b))
	}
	r := &VerifyRecord{}
	if err := json.Unmarshal(b, r); err != nil {
		return nil, fmt.Errorf("%s is not valid JSON (%v); move it aside, the next email verify writes a new one", p, err)
	}
	return r, nil
}

// String is the outcome on one line: "DMARC pass (policy reject) for acme.example · DKIM
// pass d=acme.example s=lr1 aligned · SPF pass for acme.example aligned".
func (r *VerifyRecord) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "DMARC %s", r.DMARC)
	if r.Policy != "" {
		fmt.Fprintf(&b, " (policy %s)", r.Policy)
	}
	fmt.Fprintf(&b, " for %s", r.FromDomain)
	if len(r.DKIM) == 0 {
		b.WriteString(" · DKIM none: not signed")
	}
	for _, d := range r.DKIM {
		fmt.Fprintf(&b, " · DKIM %s d=%s s=%s", d.Result, d.Domain, d.Selector)
		if d.Aligned {
			b.WriteString(" aligned")
		}
	}
	if r.SPF == "" {
		b.WriteString(" · SPF not evaluated (no sending IP)")
	} else {
		fmt.Fprintf(&b, " · SPF %s for %s", r.SPF, r.SPFDomain)
		if r.SPFAligned {
			b.WriteString(" aligned")
		}
	}
	return b.String()
}

package alert

import (
	"testing"
	"time"

	"github.com/launchready/launchready/probes"
)

// TestOneProblemTwoChecksNotifiesOnce: two sending domains inheriting one DMARC record
// both report it. The channel hears of it once and of its end once; if the first check
// stops reporting it while the second still does, the second speaks up.
func TestOneProblemTwoChecksNotifiesOnce(t *testing.T) {
	t.Parallel()
	e, _, clk, _ := engineOnly(t, hookYAML)
	dmarc := func(check string, broken bool) probes.Result {
		r := probes.Result{Check: check, Kind: "email", Pane: probes.PaneEmail, Target: check[len("email "):], Status: probes.StatusOK}
		if broken {
			r.Status = probes.StatusFail
			r.Findings = []probes.Finding{{ID: "email.dmarc-below-minimum", Pane: probes.PaneEmail, Check: check,
				Target: "_dmarc.acme.example", Severity: probes.High, Impact: probes.Onboarding, Title: "DMARC policy none is weaker than the required quarantine"}}
		}
		return r
	}
	apex, news := "email acme.example", "email news.acme.example"
	var all []Notification
	for range 2 { // fire_after 2
		all = append(all, observe(t, e, dmarc(apex, true), dmarc(news, true))...)
		clk.Add(time.Minute)
	}
	if len(all) != 1 || all[0].Kind != KindFiring || all[0].Alert.Check != apex {
		t.Fatalf("both checks failing: %v, want one firing (from %s)", kinds(all), apex)
	}
	clk.Add(2 * time.Hour) // past repeat: one reminder, not two
	if ns := observe(t, e, dmarc(apex, true), dmarc(news, true)); len(ns) != 1 || ns[0].Kind != KindRepeat {
		t.Fatalf("after the repeat interval: %v, want one repeat", kinds(ns))
	}
	// Fixed at the organisational domain: both pass, one resolution.
	clk.Add(time.Minute)
	if ns := observe(t, e, dmarc(apex, false), dmarc(news, false)); len(ns) != 1 || ns[0].Kind != KindResolved {
		t.Fatalf("fixed: %v, want one resolution", kinds(ns))
	}
	// Broken again, then only the apex is fixed: news, still failing, now fires itself.
	for range 2 {
		observe(t, e, dmarc(apex, true), dmarc(news, true))
		clk.Add(time.Minute)
	}
	ns := observe(t, e, dmarc(apex, false), dmarc(news, true))
	if len(ns) != 2 || ns[0].Kind != KindResolved || ns[1].Kind != KindFiring || ns[1].Alert.Check != news {
		t.Fatalf("apex fixed, news not: %v, want the apex resolved and news firing", kinds(ns))
	}
}

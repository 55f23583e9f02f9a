package alert

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/probes"
)

const hookYAML = `alerts:
  fire_after: 2
  resolve_after: 1
  repeat: 1h
  channels:
    - name: hook
      webhook: {url: env:HOOK_URL}
  rules:
    - {owner: sam, severity: high, channels: [hook]}
`

// engineOnly is an engine over a fresh state folder with no delivery running: the tests
// read the notifications it queues.
func engineOnly(t *testing.T, yaml string) (*Engine, *Store, *clock, string) {
	t.Helper()
	cfg, red := loadAlerts(t, yaml, map[string]string{"HOOK_URL": "http://127.0.0.1:9/hook", "MAIL_URL": "http://127.0.0.1:9/mail"})
	dir := t.TempDir()
	st, err := OpenStore(dir, red, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clk := newClock()
	return NewEngine(cfg, st, EngineOptions{Now: clk.Now, Maintenance: NewMaintenance(cfg, dir, nil)}), st, clk, dir
}

func observe(t *testing.T, e *Engine, res ...probes.Result) []Notification {
	t.Helper()
	var out []Notification
	for _, r := range res {
		ns, err := e.Observe(r)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, ns...)
	}
	return out
}

func kinds(ns []Notification) []Kind {
	out := make([]Kind, len(ns))
	for i, n := range ns {
		out[i] = n.Kind
	}
	return out
}

const api = "http api.acme.example"

func TestFireRepeatResolve(t *testing.T) {
	t.Parallel()
	e, st, clk, _ := engineOnly(t, hookYAML)
	if ns := observe(t, e, failing(api, probes.Critical)); len(ns) != 0 {
		t.Fatalf("first failure fired: %v (fire_after is 2)", kinds(ns))
	}
	clk.Add(time.Minute)
	ns := observe(t, e, failing(api, probes.Critical))
	if len(ns) != 1 || ns[0].Kind != KindFiring || ns[0].Channel != "hook" {
		t.Fatalf("second failure: %v, want one firing to hook", kinds(ns))
	}
	a := ns[0].Alert
	if a.Fails != 2 || !a.Since.Equal(newClock().Now()) || a.Finding != "http.server-error" || !slices.Equal(a.Owners, []string{"sam"}) {
		t.Errorf("firing alert: %+v", a)
	}
	// Still failing inside the repeat interval: quiet.
	clk.Add(30 * time.Minute)
	if ns := observe(t, e, failing(api, probes.Critical)); len(ns) != 0 {
		t.Fatalf("still failing within repeat sent %v", kinds(ns))
	}
	clk.Add(31 * time.Minute)
	if ns := observe(t, e, failing(api, probes.Critical)); len(ns) != 1 || ns[0].Kind != KindRepeat {
		t.Fatalf("after repeat interval: %v, want one repeat", kinds(ns))
	}
	clk.Add(time.Minute)
	ns = observe(t, e, passing(api))
	if len(ns) != 1 || ns[0].Kind != KindResolved {
		t.Fatalf("first pass: %v, want resolved (resolve_after 1)", kinds(ns))
	}
	if got := ns[0].Alert.ResolvedAt.Sub(ns[0].Alert.Since); got != 63*time.Minute {
		t.Errorf("resolved alert lasted %s, want 1h3m", got)
	}
	if open := st.Alerts(); len(open) != 0 {
		t.Errorf("resolved alert still open: %v", open)
	}
	if ns := observe(t, e, passing(api), passing(api)); len(ns) != 0 {
		t.Errorf("passing after resolve sent %v", kinds(ns))
	}
}

func TestFlappingNeverFiresOrRefires(t *testing.T) {
	t.Parallel()
	e, st, _, _ := engineOnly(t, hookYAML)
	for range 10 {
		if ns := observe(t, e, failing(api, probes.Critical), passing(api)); len(ns) != 0 {
			t.Fatalf("fail/pass flapping sent %v; fire_after 2 needs two failures in a row", kinds(ns))
		}
	}
	if open := st.Alerts(); len(open) != 0 {
		t.Fatalf("flapping left alerts open: %v", open)
	}

	// With resolve_after 2, a firing alert that flaps stays one incident: no resolve, no
	// second firing.
	e2, _, _, _ := engineOnly(t, strings.Replace(hookYAML, "resolve_after: 1", "resolve_after: 2", 1))
	ns := observe(t, e2, failing(api, probes.Critical), failing(api, probes.Critical))
	if len(ns) != 1 || ns[0].Kind != KindFiring {
		t.Fatalf("fire: %v", kinds(ns))
	}
	for range 5 {
		if ns := observe(t, e2, passing(api), failing(api, probes.Critical)); len(ns) != 0 {
			t.Fatalf("flapping firing alert sent %v", kinds(ns))
		}
	}
	if ns := observe(t, e2, passing(api), passing(api)); len(ns) != 1 || ns[0].Kind != KindResolved {
		t.Fatalf("two passes: %v, want resolved", kinds(ns))
	}
}

func TestRouting(t *testing.T) {
	t.Parallel()
	e, st, _, _ := engineOnly(t, `alerts:
  fire_after: 1
  channels:
    - name: hook
      webhook: {url: env:HOOK_URL}
    - name: payments
      webhook: {url: env:MAIL_URL}
  rules:
    - {owner: ops, severity: high, channels: [hook]}
    - {owner: pay-team, panes: [endpoints], checks: ["http api.*"], findings: ["http.*"], severity: critical, channels: [payments, hook]}
`)
	low := failing(api, probes.Medium)
	if ns := observe(t, e, low, low); len(ns) != 0 || len(st.Alerts()) != 0 {
		t.Fatalf("a medium finding matched a high rule: %v", kinds(ns))
	}
	ns := observe(t, e, failing(api, probes.Critical))
	if len(ns) != 2 {
		t.Fatalf("critical api: %d notifications, want one per channel (hook, payments)", len(ns))
	}
	if chs := []string{ns[0].Channel, ns[1].Channel}; !slices.Equal(chs, []string{"hook", "payments"}) {
		t.Errorf("channels %v", chs)
	}
	if !slices.Equal(ns[0].Alert.Owners, []string{"ops", "pay-team"}) {
		t.Errorf("owners %v", ns[0].Alert.Owners)
	}
	ns = observe(t, e, failing("http app.acme.example", probes.High))
	if len(ns) != 1 || ns[0].Channel != "hook" || !slices.Equal(ns[0].Alert.Owners, []string{"ops"}) {
		t.Errorf("high on app: %+v", ns)
	}
}

func TestCheckThatCannotRunAlertsButKeepsFindings(t *testing.T) {
	t.Parallel()
	e, st, _, _ := engineOnly(t, hookYAML)
	observe(t, e, failing(api, probes.Critical), failing(api, probes.Critical))
	broken := probes.Result{Check: api, Kind: "http", Pane: probes.PaneEndpoints, Target: "https://api.acme.example/", Status: probes.StatusError,
		Err: "lookup api.acme.example: the resolver 127.0.0.1:53 did not answer"}
	ns := observe(t, e, broken, broken)
	if len(ns) != 1 || ns[0].Alert.Finding != CheckErrorID || ns[0].Alert.Detail != broken.Err {
		t.Fatalf("two could-not-run results: %+v", ns)
	}
	open := st.Alerts()
	if len(open) != 2 {
		t.Fatalf("open alerts %d, want the 503 (untouched) and the check error", len(open))
	}
	// Running again with the 503 gone resolves both.
	ns = observe(t, e, passing(api))
	if len(ns) != 2 || ns[0].Kind != KindResolved || ns[1].Kind != KindResolved {
		t.Fatalf("pass after error: %v", kinds(ns))
	}
}

func TestMaintenanceWindows(t *testing.T) {
	t.Parallel()
	t.Run("config window holds firing until it ends", func(t *testing.T) {
		t.Parallel()
		e, _, clk, _ := engineOnly(t, hookYAML+`  maintenance:
    - checks: ["http api.*"]
      from: 2026-11-28T01:59:00Z
      until: 2026-11-28T02:30:00Z
      reason: database migration
`)
		for range 3 {
			if ns := observe(t, e, failing(api, probes.Critical)); len(ns) != 0 {
				t.Fatalf("inside the window: %v", kinds(ns))
			}
			clk.Add(time.Minute)
		}
		if ns := observe(t, e, failing("http app.acme.example", probes.Critical), failing("http app.acme.example", probes.Critical)); len(ns) != 1 {
			t.Fatalf("a check outside the window: %v, want it to fire", kinds(ns))
		}
		clk.Add(30 * time.Minute)
		ns := observe(t, e, failing(api, probes.Critical))
		if len(ns) != 1 || ns[0].Kind != KindFiring || ns[0].Alert.Fails != 4 {
			t.Fatalf("after the window: %+v, want the held alert to fire with its whole history", ns)
		}
	})
	t.Run("runbook window: recovered inside it, nobody hears", func(t *testing.T) {
		t.Parallel()
		e, st, clk, dir := engineOnly(t, hookYAML)
		p, err := StartMaintenance(dir, "runbook-deploy", Span{Panes: []string{"endpoints"}, From: clk.Now(), Until: clk.Now().Add(10 * time.Minute),
			Reason: "deploy v42", By: "runbook deploy (sam@ops-1)"})
		if err != nil {
			t.Fatal(err)
		}
		if ns := observe(t, e, failing(api, probes.Critical), failing(api, probes.Critical), failing(api, probes.Critical)); len(ns) != 0 {
			t.Fatalf("during the runbook's window: %v", kinds(ns))
		}
		if ns := observe(t, e, passing(api)); len(ns) != 0 || len(st.Alerts()) != 0 {
			t.Fatalf("recovered inside the window: %v, open %d", kinds(ns), len(st.Alerts()))
		}
		if err := EndMaintenance(p); err != nil {
			t.Fatal(err)
		}
		if ns := observe(t, e, failing(api, probes.Critical), failing(api, probes.Critical)); len(ns) != 1 {
			t.Fatalf("after EndMaintenance: %v, want firing", kinds(ns))
		}
	})
	t.Run("told before the window, told it resolved inside it", func(t *testing.T) {
		t.Parallel()
		e, _, clk, dir := engineOnly(t, hookYAML)
		if ns := observe(t, e, failing(api, probes.Critical), failing(api, probes.Critical)); len(ns) != 1 {
			t.Fatalf("fire: %v", kinds(ns))
		}
		clk.Add(2 * time.Hour) // a repeat is due, but a window opens first
		if _, err := StartMaintenance(dir, "fix", Span{Checks: []string{api}, From: clk.Now(), Until: clk.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if ns := observe(t, e, failing(api, probes.Critical)); len(ns) != 0 {
			t.Fatalf("repeat inside a window: %v", kinds(ns))
		}
		if ns := observe(t, e, passing(api)); len(ns) != 1 || ns[0].Kind != KindResolved {
			t.Fatalf("resolution inside a window: %v, want it sent", kinds(ns))
		}
	})
	t.Run("bad window files are ignored and reported", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		os.MkdirAll(filepath.Join(dir, MaintenanceDir), 0o700)
		os.WriteFile(filepath.Join(dir, MaintenanceDir, "junk.json"), []byte(`{"checks": 3}`), 0o600)
		var bad []string
		m := NewMaintenance(nil, dir, func(p string, err error) { bad = append(bad, filepath.Base(p)) })
		if m.Active(api, probes.PaneEndpoints, time.Now()) || !slices.Equal(bad, []string{"junk.json"}) {
			t.Fatalf("junk window: active or unreported (%v)", bad)
		}
		if _, err := StartMaintenance(dir, "forever", Span{}); err == nil {
			t.Fatal("a window without Until was accepted")
		}
		if _, err := StartMaintenance(dir, "../escape", Span{Until: time.Now().Add(time.Hour)}); err == nil {
			t.Fatal("a window name with a path was accepted")
		}
	})
}

func TestJournalSurvivesATornWrite(t *testing.T) {
	t.Parallel()
	e, st, _, dir := engineOnly(t, hookYAML)
	observe(t, e, failing(api, probes.Critical), failing(api, probes.Critical))
	st.Close()
	p := filepath.Join(dir, JournalName)
	f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"op":"alert","alert":{"key":"half a rec`) // the crash
	f.Close()
	st2, err := OpenStore(dir, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	open := st2.Alerts()
	if len(open) != 1 || !open[0].Firing || !open[0].Notified {
		t.Fatalf("after a torn write: %+v", open)
	}
	if q := st2.Queued("hook"); len(q) != 1 || q[0].Kind != KindFiring {
		t.Fatalf("queue after a torn write: %+v", q)
	}
}

func TestForgetRemovedChecks(t *testing.T) {
	t.Parallel()
	e, st, _, dir := engineOnly(t, hookYAML)
	observe(t, e, failing(api, probes.Critical), failing(api, probes.Critical), failing("http old.acme.example", probes.Critical))
	gone, err := e.Forget(func(c string) bool { return c == api })
	if err != nil || len(gone) != 1 || gone[0].Check != "http old.acme.example" {
		t.Fatalf("Forget: %v %v", gone, err)
	}
	st.Close()
	st2, err := OpenStore(dir, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	if open := st2.Alerts(); len(open) != 1 || open[0].Check != api {
		t.Fatalf("after restart: %+v", open)
	}
}

package lab

import (
	"errors"
	"net"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
)

func TestScenarios(t *testing.T) {
	t.Parallel()
	var names []string
	for _, sc := range Scenarios() {
		names = append(names, sc.Name)
		if sc.Description == "" || sc.Domain != "acme.example" {
			t.Errorf("%q: description %q, domain %q", sc.Name, sc.Description, sc.Domain)
		}
		if got, ok := ScenarioByName(sc.Name); !ok || got.Name != sc.Name {
			t.Errorf("ScenarioByName(%q) = %q, %v", sc.Name, got.Name, ok)
		}
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			l := startLab(t, sc)
			for _, s := range sc.Sites {
				for _, port := range []string{"443", "80"} {
					if _, ok := l.ConnectTo[s.Host+":"+port]; !ok {
						t.Errorf("no ConnectTo for %s:%s", s.Host, port)
					}
				}
				// Every site's name resolves in the lab's DNS.
				if r := ask(t, l, "udp", s.Host, dns.TypeA, 0); r.Rcode != dns.RcodeSuccess || len(r.Answer) == 0 {
					t.Errorf("%s does not resolve: %s", s.Host, dns.RcodeToString[r.Rcode])
				}
			}
		})
	}
	for _, want := range []string{"healthy", "demo"} {
		if !slices.Contains(names, want) {
			t.Errorf("no %q scenario in %v", want, names)
		}
	}
	if _, ok := ScenarioByName("nope"); ok {
		t.Error("ScenarioByName found a scenario that does not exist")
	}

	// Each call builds fresh data: one caller's edit is not another's.
	a, _ := ScenarioByName("healthy")
	a.Zones[0].Records[0] = "changed"
	a.LogLines[0] = "changed"
	a.Sites[2].HTTPS[0].Headers["X"] = "changed"
	b, _ := ScenarioByName("healthy")
	if b.Zones[0].Records[0] == "changed" || b.LogLines[0] == "changed" || b.Sites[2].HTTPS[0].Headers["X"] == "changed" {
		t.Error("Scenarios shares data between calls")
	}
}

func TestStartErrors(t *testing.T) {
	t.Parallel()
	ok := Scenario{Name: "x", Domain: "x.example"}
	for _, tc := range []struct {
		name string
		sc   Scenario
		dir  bool
		is   error
		want string
	}{
		{"no dir", ok, false, ErrNoDir, "t.TempDir"},
		{"no domain", Scenario{Name: "x"}, true, ErrNoDomain, `scenario "x"`},
		{"bad domain", Scenario{Name: "x", Domain: "a..b"}, true, nil, "not a domain name"},
		{"site without host", Scenario{Name: "x", Domain: "x.example", Sites: []Site{{}}}, true, ErrBadSite, "Host is empty"},
		{"two sites, one host", Scenario{Name: "x", Domain: "x.example", Sites: []Site{{Host: "a.x.example"}, {Host: "A.x.example."}}}, true, ErrBadSite, "second site"},
		{"route without slash", Scenario{Name: "x", Domain: "x.example", Sites: []Site{{Host: "a.x.example", HTTPS: []Route{{Path: "login"}}}}}, true, ErrBadRoute, "HTTPS"},
		{"star inside path", Scenario{Name: "x", Domain: "x.example", Sites: []Site{{Host: "a.x.example", HTTP: []Route{{Path: "/a*/b"}}}}}, true, ErrBadRoute, "only at the end"},
		{"bad status", Scenario{Name: "x", Domain: "x.example", Sites: []Site{{Host: "a.x.example", HTTPS: []Route{{Path: "/", Status: 42}}}}}, true, ErrBadRoute, "Status 42"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := ""
			if tc.dir {
				dir = t.TempDir()
			}
			l, err := Start(tc.sc, dir)
			if err == nil {
				l.Close()
				t.Fatal("Start succeeded")
			}
			if tc.is != nil && !errors.Is(err, tc.is) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%v\nwant %v mentioning %q", err, tc.is, tc.want)
			}
		})
	}
}

// ports lists every address the lab holds: listeners, closed ports and DNS.
func ports(l *Lab) []string {
	var out []string
	for _, addr := range l.ConnectTo {
		out = append(out, addr)
	}
	return append(out, l.DNSAddr)
}

func TestCloseReleasesPorts(t *testing.T) {
	t.Parallel()
	l, err := Start(builtin(t, "demo"), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, addr := range ports(l) {
		if !strings.HasPrefix(addr, "127.0.0.1:") {
			t.Errorf("%s: the lab binds 127.0.0.1 only", addr)
		}
	}
	held := ports(l)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	for _, addr := range held {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			// Another process's outgoing connection may have taken the freed port as its
			// source port (the machine may be busy); only a socket of ours is a failure.
			if ours, known := listeningHere(addr); known && !ours {
				t.Logf("TCP %s is taken by another socket, not the lab's: %v", addr, err)
				continue
			}
			t.Errorf("TCP %s still held after Close: %v", addr, err)
			continue
		}
		ln.Close()
	}
	pc, err := net.ListenPacket("udp", l.DNSAddr)
	if err != nil {
		t.Errorf("UDP %s still held after Close: %v", l.DNSAddr, err)
	} else {
		pc.Close()
	}
}

// TestCloseLeavesNoGoroutines runs alone (not parallel): it counts the
// process's goroutines before and after a lab that served HTTPS, HTTP/2,
// plain HTTP and DNS over UDP and TCP, with a request still waiting.
func TestCloseLeavesNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	func() {
		l, err := Start(builtin(t, "demo"), t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		c := labClient(t, l)
		fetch(t, c, "GET", "https://app.acme.example/")
		fetch(t, c, "GET", "http://app.acme.example/")
		ask(t, l, "udp", "app.acme.example", dns.TypeA, 0)
		ask(t, l, "tcp", "www.acme.example", dns.TypeA, 0)
		l.SetRoute("app.acme.example", true, Route{Path: "/hang", Delay: time.Hour})
		go func() { _, _ = c.Get("https://app.acme.example/hang") }()
		time.Sleep(50 * time.Millisecond)
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		c.Transport.(interface{ CloseIdleConnections() }).CloseIdleConnections()
	}()
	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if after := runtime.NumGoroutine(); after > before {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines before the lab, %d after Close:\n%s", before, after, buf[:runtime.Stack(buf, true)])
	}
}

func TestStartWithoutSitesOrZones(t *testing.T) {
	t.Parallel()
	l := startLab(t, Scenario{Name: "empty", Domain: "x.example"})
	if r := ask(t, l, "udp", "x.example", dns.TypeA, 0); r.Rcode != dns.RcodeRefused {
		t.Errorf("rcode %s, want REFUSED: no zones", dns.RcodeToString[r.Rcode])
	}
	if len(l.ConnectTo) != 0 {
		t.Errorf("ConnectTo %v, want empty", l.ConnectTo)
	}
}

// BenchmarkStart measures what `launchready demo` and every pane test pay to
// stand the demo world up and take it down.
func BenchmarkStart(b *testing.B) {
	sc := builtin(b, "demo")
	dir := b.TempDir()
	for b.Loop() {
		l, err := Start(sc, dir)
		if err != nil {
			b.Fatal(err)
		}
		if err := l.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
}

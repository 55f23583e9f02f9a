// Command benchtarget is the loopback target of scripts/bench-watch.sh: the built-in lab
// (probes/lab) serving N HTTPS sites, each on its own 127.0.0.1 port with its own
// certificate from the lab CA, and a launchready.yaml that checks every site every 10 s
// through network.connect_to, so each check opens a fresh TCP and TLS connection as a
// member's first visit does. It runs until SIGINT or SIGTERM.
//
// It is a program, not a test: `go test ./...` never starts it.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"github.com/launchready/launchready/probes/lab"
)

func main() {
	n := flag.Int("n", 100, "how many HTTPS sites")
	dir := flag.String("dir", "", "folder for the lab's files and the config (required)")
	interval := flag.String("interval", "10s", "checks.interval in the config")
	count := flag.Bool("count", false, "put a counting forwarder in front of every HTTPS site and serve the count of connections on a loopback port (announced as \"count URL\")")
	flag.Parse()
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "benchtarget: -dir is required")
		os.Exit(2)
	}
	sc := lab.Scenario{Name: "bench", Domain: "bench.example", Description: fmt.Sprintf("%d healthy HTTPS sites", *n)}
	var recs []string
	for i := range *n {
		host := fmt.Sprintf("site%03d.bench.example", i)
		recs = append(recs, fmt.Sprintf("site%03d 300 IN A 127.0.0.1", i))
		sc.Sites = append(sc.Sites, lab.Site{Host: host, HTTPS: []lab.Route{{Path: "/", Body: "<!doctype html><title>ok</title>ok\n"}}})
	}
	sc.Zones = []lab.Zone{{Origin: "bench.example", Records: recs}}
	l, err := lab.Start(sc, filepath.Join(*dir, "lab"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtarget:", err)
		os.Exit(1)
	}
	defer l.Close()
	if *count {
		c, err := startCounter(l.ConnectTo)
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchtarget:", err)
			os.Exit(1)
		}
		defer c.close()
		fmt.Println("count", c.url)
	}

	var b strings.Builder
	fmt.Fprintf(&b, "# Written by scripts/benchtarget: %d HTTPS sites on loopback.\nproduct: Bench\ndomain: bench.example\ncanonical_url: https://site000.bench.example/\nenvironment: lab\n", *n)
	fmt.Fprintf(&b, "checks: {interval: %s, timeout: 5s, concurrency: 16}\nhosts:\n", *interval)
	for _, s := range sc.Sites {
		fmt.Fprintf(&b, "  - {name: %s, role: app, expect_status: [200]}\n", s.Host)
	}
	fmt.Fprintf(&b, "network:\n  resolvers: [%q]\n  ca_file: %q\n  connect_to:\n", l.DNSAddr, l.CAFile)
	keys := make([]string, 0, len(l.ConnectTo))
	for k := range l.ConnectTo {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "    %q: %q\n", k, l.ConnectTo[k])
	}
	// Alerting is on, as on an ops box, with a channel nothing listens on: healthy sites
	// never alert, so the engine's steady-state cost is what is measured.
	b.WriteString("alerts:\n  channels:\n    - name: ops\n      webhook: {url: env:BENCH_HOOK_URL}\n  rules:\n    - {owner: ops, channels: [ops]}\n")
	cfg := filepath.Join(*dir, "launchready.yaml")
	if err := os.WriteFile(cfg, []byte(b.String()), 0o600); err != nil {
		fmt.Fprintln(os.Stderr, "benchtarget:", err)
		os.Exit(1)
	}
	fmt.Println("ready", cfg)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
}

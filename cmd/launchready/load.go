package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/internal/load"
	"github.com/launchready/launchready/internal/setup"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/endpoint"
	"github.com/launchready/launchready/probes/netx"
	"github.com/launchready/launchready/probes/perf"
)

func newLoadCmd(g *globalFlags) *cobra.Command {
	var (
		rateFlag         string
		duration, ramp   time.Duration
		yes              bool
		format, labName  string
		requestTimeout   time.Duration
		progressInterval = 5 * time.Second
	)
	cmd := &cobra.Command{
		Use:   "load [FLOW...]",
		Short: "Put the login and sign-up flows under a bounded, deliberate load, live, with a report",
		Long: `Send the flows of performance.load.flows (all, or those named) at a rate that ramps from
one request a second to --rate over --ramp, then holds it for --duration. Every second the
terminal shows the rate reached, p50/p95/p99, errors and the status mix per flow; at the
end the report says, per flow, the throughput, the percentiles, the error rate, the rate at
which p95 passed its budget (the knee), when it started failing and the first 429.

Safety: load goes only to the config's hosts. The plan is shown and must be confirmed
(--yes for scripts). performance.load.max_rate and max_duration cap the flags. A run stops
early when a flow's errors (error_threshold) or p95 (p95_budget) stay past their limit for
10 s, and at once on Ctrl+C, still writing the report. Against an environment: production
config it refuses unless performance.load.allow_production is true, --yes is given, and the
domain is typed at the prompt.
Exit codes: 0 the flows held, 1 a flow failed or the run stopped early, 2 usage, config or
refusal.`,
		Example: `  launchready load --lab --rate 20/s --duration 30s --ramp 10s   # the built-in lab
  launchready load login signup --rate 50/s --duration 2m --ramp 1m
  launchready load --yes --format md > load-report.md`,
		RunE: func(cmd *cobra.Command, args []string) error {
			rate, err := parseRate(rateFlag)
			if err != nil {
				return &exitError{exitUsage, err}
			}
			o := g.options()
			// The Endpoints pane's checks are built too: the run holds alerts for those on the
			// hosts under load, and samples the metric checks (failed jobs, queue depth).
			o.Only = []probes.Pane{probes.PanePerformance, probes.PaneEndpoints}
			if cmd.Flags().Changed("lab") {
				o.Lab = labName
			}
			var lc perf.LoadConfig
			var sessions map[string]*endpoint.Session
			o.Decode = func(env probes.Env) (err error) {
				lc, sessions, err = perf.Load(env)
				return err
			}
			s, err := setup.Open(o)
			if err != nil {
				return err
			}
			defer s.Close()
			for _, n := range s.Notes {
				fmt.Fprintln(cmd.ErrOrStderr(), "note:", n)
			}
			run := strconv.FormatInt(time.Now().Unix(), 36)
			flows, err := pickFlows(lc, sessions, args, run)
			if err != nil {
				return &exitError{exitUsage, err}
			}
			if err := withinCaps(lc, rate, ramp, duration); err != nil {
				return &exitError{exitUsage, err}
			}
			cl := s.Net.HTTPClient(netx.HTTPOptions{Timeout: requestTimeout, KeepAlive: true})
			if t, ok := cl.Transport.(*http.Transport); ok { // a pool sized for load, not for probes
				t = t.Clone()
				t.MaxIdleConnsPerHost, t.MaxConnsPerHost = 512, 0
				cl.Transport = t
			}
			plan := load.Plan{Flows: flows, Rate: rate, Ramp: ramp, Duration: duration,
				ErrorThreshold: lc.ErrorThreshold, P95Budget: lc.P95Budget, Client: cl,
				Allowed: func(h string) bool { return perf.ConfiguredHost(s.Config, h) },
				Gauges:  loadGauges(s.Checks)}
			if err := plan.Check(); err != nil {
				return &exitError{exitUsage, err}
			}
			errOut := cmd.ErrOrStderr()
			describePlan(errOut, s.Config, plan)
			if err := confirmLoad(bufio.NewReader(cmd.InOrStdin()), errOut, s.Config, lc, yes); err != nil {
				return &exitError{exitUsage, err}
			}
			release := holdAlerts(errOut, s.Log, s.StateDir, s.Lab != nil, s.Checks, plan)
			defer release()
			s.Log.Info("load run starting", "rate", rate, "ramp", ramp, "duration", duration, "flows", len(flows))
			width := terminalWidth(errOut)
			var lastPrinted time.Time
			rep, err := load.Run(cmd.Context(), plan, func(snap load.Snapshot) {
				if width > 0 { // a terminal: one line, rewritten in place
					fmt.Fprintf(errOut, "\r%-*s", width-1, snap.Line(width-1))
					return
				}
				if time.Since(lastPrinted) >= progressInterval {
					fmt.Fprintln(errOut, snap.Line(0))
					lastPrinted = time.Now()
				}
			})
			if width > 0 {
				fmt.Fprintln(errOut)
			}
			if err != nil {
				return &exitError{exitUsage, err}
			}
			s.Log.Info("load run done", "stopped_early", rep.StoppedBy, "interrupted", rep.Interrupted)
			out := cmd.OutOrStdout()
			switch format {
			case "json":
				err = rep.WriteJSON(out)
			case "md", "markdown":
				err = rep.WriteMarkdown(out)
			default:
				err = rep.WriteText(out)
			}
			if err != nil {
				return &exitError{exitUsage, fmt.Errorf("cannot write the report: %w", err)}
			}
			if s.StateDir != "" { // the console's launch bar reads it
				path := load.RecordPath(s.StateDir, s.Config.Environment == config.Lab)
				if err := load.SaveRun(path, s.Config.Domain, s.Config.Environment, rep); err != nil {
					fmt.Fprintln(errOut, "note:", err)
				}
			}
			switch {
			case rep.Interrupted:
				return &exitError{exitUsage, errors.New("interrupted: the report covers what was sent")}
			case !rep.Held():
				return &exitError{code: exitFindings}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&rateFlag, "rate", "50/s", "target rate of all flows together (N/s, N/m); capped by performance.load.max_rate")
	f.DurationVar(&duration, "duration", 2*time.Minute, "how long to hold the target rate after the ramp")
	f.DurationVar(&ramp, "ramp", time.Minute, "how long to ramp from 1/s to the target rate (0: start at it)")
	f.BoolVar(&yes, "yes", false, "start without asking (production still needs the typed domain)")
	f.StringVar(&format, "format", "text", "report format: text, json (schema launchready.load/v1) or md")
	f.DurationVar(&requestTimeout, "timeout", 10*time.Second, "how long one request may take before it counts as an error")
	f.StringVar(&labName, "lab", "demo", "run against the built-in lab with this scenario (demo, healthy); uses the example config unless --config is given")
	f.Lookup("lab").NoOptDefVal = "demo"
	return cmd
}

// parseRate reads "50/s", "50", "600/m".
func parseRate(s string) (float64, error) {
	num, unit, _ := strings.Cut(strings.TrimSpace(s), "/")
	n, err := strconv.ParseFloat(num, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("--rate %q: write requests per second as 50/s (or a minute as 600/m)", s)
	}
	switch unit {
	case "", "s", "sec":
		return n, nil
	case "m", "min":
		return n / 60, nil
	}
	return 0, fmt.Errorf("--rate %q: the unit is /s or /m", s)
}

// withinCaps refuses flags past the config's caps: they are the operator's decision, made
// calmly in the config, and a flag typed in a hurry must not outgrow them.
func withinCaps(lc perf.LoadConfig, rate float64, ramp, duration time.Duration) error {
	if rate > float64(lc.MaxRate) {
		return fmt.Errorf("--rate %.0f/s is over performance.load.max_rate (%d/s): lower --rate, or raise max_rate in the config (at most %d)", rate, lc.MaxRate, perf.CeilingRate)
	}
	if duration <= 0 || ramp < 0 {
		return fmt.Errorf("--duration %s and --ramp %s: the hold must be positive and the ramp not negative", duration, ramp)
	}
	if ramp+duration > lc.MaxDuration {
		return fmt.Errorf("--ramp %s plus --duration %s is over performance.load.max_duration (%s): shorten them, or raise max_duration (at most %s)", ramp, duration, lc.MaxDuration, perf.CeilingDuration)
	}
	return nil
}

// pickFlows turns the configured flows (all, or the named ones) into load flows. Bodies of
// sign-in flows hold the test user's password: they go on the wire and nowhere else.
func pickFlows(lc perf.LoadConfig, sessions map[string]*endpoint.Session, names []string, run string) ([]load.Flow, error) {
	var known []string
	for _, f := range lc.Flows {
		known = append(known, f.Name)
	}
	if len(known) == 0 {
		return nil, errors.New("the config has no performance.load.flows: add the homepage, login and sign-up flows (examples/launchready.yaml has them)")
	}
	for _, n := range names {
		if !slices.Contains(known, n) {
			return nil, fmt.Errorf("no flow %q in performance.load.flows; the flows are %s", n, strings.Join(known, ", "))
		}
	}
	var out []load.Flow
	for _, fc := range lc.Flows {
		if len(names) > 0 && !slices.Contains(names, fc.Name) {
			continue
		}
		f := load.Flow{Name: fc.Name, Method: strings.ToUpper(fc.Method), URL: fc.URL, Header: http.Header{"User-Agent": {"launchready load (+https://github.com/launchready/launchready)"}}}
		f.Role = flowRole(fc)
		switch {
		case fc.Session != "":
			method, u, h, body, ok := sessions[fc.Session].LoginRequest()
			if !ok {
				return nil, fmt.Errorf("flow %s: session %q has no login", fc.Name, fc.Session)
			}
			f.Method, f.URL, f.Header = method, u, h
			f.Body = func(uint64) []byte { return body }
		case fc.Body != "":
			if f.Method == "" {
				f.Method = http.MethodPost
			}
			ct := fc.ContentType
			if ct == "" {
				ct = "application/x-www-form-urlencoded"
				if b := strings.TrimSpace(fc.Body); strings.HasPrefix(b, "{") {
					ct = "application/json"
				}
			}
			f.Header.Set("Content-Type", ct)
			if fc.SignupDomain != "" {
				f.Body = load.SignupBody(fc.Body, fc.SignupDomain, run)
			} else {
				body := []byte(fc.Body)
				f.Body = func(uint64) []byte { return body }
			}
		}
		if f.Method == "" {
			f.Method = http.MethodGet
		}
		out = append(out, f)
	}
	return out, nil
}

// flowRole says whether a flow is the sign-in or the sign-up the launch bar asks about:
// by what it does (a session's sign-in, fresh sign-up addresses), else by its name.
func flowRole(fc perf.FlowConfig) string {
	name := strings.ToLower(fc.Name)
	switch {
	case fc.Session != "":
		return load.RoleLogin
	case fc.SignupDomain != "":
		return load.RoleSignup
	case strings.Contains(name, "signup") || strings.Contains(name, "sign-up") || strings.Contains(name, "register"):
		return load.RoleSignup
	case strings.Contains(name, "login") || strings.Contains(name, "sign-in") || strings.Contains(name, "signin"):
		return load.RoleLogin
	}
	return ""
}

// describePlan says what is about to happen, before anything is sent. Bodies and headers
// are not shown: a sign-in's hold the test user's password.
func describePlan(w io.Writer, cfg *config.Config, p load.Plan) {
	fmt.Fprintf(w, "Load plan for %s (environment: %s)\n", cfg.Domain, cfg.Environment)
	fmt.Fprintf(w, "  rate      ramp from 1/s to %.0f/s over %s, then hold %s (all flows together)\n", p.Rate, p.Ramp, p.Duration)
	fmt.Fprintf(w, "  requests  about %.0f in all\n", p.Rate*(p.Ramp.Seconds()/2+p.Duration.Seconds()))
	fmt.Fprintf(w, "  stops     when a flow's errors pass %.0f%% or its p95 passes %s for 10s; Ctrl+C stops at once\n", p.ErrorThreshold*100, p.P95Budget)
	for _, f := range p.Flows {
		fmt.Fprintf(w, "  flow      %-10s %s %s\n", f.Name, f.Method, f.URL)
	}
}

// confirmLoad asks before any traffic. Outside production, "yes" at the prompt or --yes.
// Production needs all three: allow_production in the config, --yes, and the domain typed.
func confirmLoad(in *bufio.Reader, out io.Writer, cfg *config.Config, lc perf.LoadConfig, yes bool) error {
	if cfg.Environment == config.Production {
		if !lc.AllowProduction {
			return fmt.Errorf("%s is a production config: load against production is off. Run it against staging or the lab, or set performance.load.allow_production: true if you mean it", cfg.File)
		}
		if !yes {
			return errors.New("load against production needs --yes as well as the typed domain")
		}
		fmt.Fprintf(out, "This sends load to PRODUCTION (%s). Type the domain to go on: ", cfg.Domain)
		line, _ := in.ReadString('\n')
		if strings.TrimSpace(line) != cfg.Domain {
			return errors.New("the domain was not typed: nothing was sent")
		}
		return nil
	}
	if yes {
		return nil
	}
	fmt.Fprint(out, "Start? Type yes to go on: ")
	line, _ := in.ReadString('\n')
	if strings.TrimSpace(strings.ToLower(line)) != "yes" {
		return errors.New("not confirmed: nothing was sent (--yes starts without asking)")
	}
	return nil
}

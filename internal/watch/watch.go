// Package watch is `launchready watch`: the runner without a terminal, on the ops box.
// It owns its state folder (a lock), runs every check on its schedule, feeds each result
// to the alert engine and to /metrics, serves /metrics and /healthz, and shuts down
// gracefully: deliveries in flight finish, everything undelivered is already journaled.
package watch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/launchready/launchready/internal/alert"
	"github.com/launchready/launchready/internal/redact"
	"github.com/launchready/launchready/probes"
)

// DefaultListen is where /metrics and /healthz are served unless --listen says otherwise:
// loopback, because the metrics name every host and check of the product.
const DefaultListen = "127.0.0.1:9109"

// Options are what the command hands to Run.
type Options struct {
	StateDir string
	// Listen is host:port for /metrics and /healthz; "" serves nothing.
	Listen  string
	Runner  *probes.Runner
	Alerts  *alert.Config // nil: no alerting
	Senders map[string]alert.Sender
	Product string
	Domain  string
	Version string
	// Interval is the runner's default interval (checks.interval), for checks that set
	// none; Stale is how long without any result makes /healthz say stalled (zero: twice
	// the longest interval plus a minute).
	Interval time.Duration
	Stale    time.Duration
	Log      *slog.Logger
	Redactor *redact.Redactor
	Now      func() time.Time
	// OnAlertChange records each alert that fired, was silenced or resolved in the
	// timeline (Session.RecordAlertChange); nil records nothing.
	OnAlertChange func(alert.Change)
	// Lock is the state folder's lock when the caller took it already (serve decides
	// from it whether it runs the engine or sits beside a watch); nil: Run takes it. Run
	// releases it either way when it returns.
	Lock *Lock
	// Ready is called once the state is open and the server listens, with the address
	// (the port is real when Listen asked for :0).
	Ready func(addr string)
}

// Run watches until ctx ends. It returns a *LockedError when another watch owns the
// state folder, and other errors when it cannot start; after a clean start it returns nil
// on shutdown.
func Run(ctx context.Context, o Options) error {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	lock := o.Lock
	var err error
	if lock == nil {
		host, _ := os.Hostname()
		if lock, err = Acquire(o.StateDir, Holder{PID: os.Getpid(), Host: host, Started: o.Now(), Version: o.Version}); err != nil {
			return err
		}
	}
	defer lock.Release()

	checks := o.Runner.Checks()
	metrics := NewMetrics(checks, o.Version)
	metrics.skipped = o.Runner.Skipped
	hl := &health{started: o.Now(), now: o.Now, checks: len(checks), stale: o.Stale}
	if hl.stale == 0 {
		hl.stale = 2*longestInterval(checks, o.Interval) + time.Minute
	}

	var (
		store *alert.Store
		eng   *alert.Engine
		disp  *alert.Dispatcher
	)
	if o.Alerts != nil {
		if store, err = alert.OpenStore(o.StateDir, o.Redactor, o.Log); err != nil {
			return err
		}
		defer store.Close()
		disp = alert.NewDispatcher(o.Alerts, store, o.Senders, alert.DispatcherOptions{Product: o.Product, Domain: o.Domain,
			StateDir: o.StateDir, Now: o.Now, Logger: o.Log, Redactor: o.Redactor})
		maint := alert.NewMaintenance(o.Alerts, o.StateDir, func(p string, err error) {
			o.Log.Warn("ignoring a maintenance window file", "file", p, "error", err)
		})
		eng = alert.NewEngine(o.Alerts, store, alert.EngineOptions{Maintenance: maint, Now: o.Now, Logger: o.Log, Notify: disp.Wake,
			OnChange: o.OnAlertChange})
		names := map[string]bool{}
		for _, c := range checks {
			names[c.Info().Name] = true
		}
		gone, err := eng.Forget(func(check string) bool { return names[check] })
		if err != nil {
			return err
		}
		for _, a := range gone {
			o.Log.Warn("dropped an open alert: its check is no longer in the config", "alert", a.String(), "firing", a.Firing)
		}
		metrics.channels, metrics.alerts = disp.Health, store.Alerts
		hl.channels = disp.Health
		if n := store.QueuedTotal(); n > 0 {
			o.Log.Info("undelivered alerts from the last run will be sent", "count", n)
		}
	}

	var srv *http.Server
	addr := ""
	if o.Listen != "" {
		ln, err := net.Listen("tcp", o.Listen)
		if err != nil {
			return fmt.Errorf("cannot serve /metrics on %s: %v; pick a free address with --listen, or --listen '' to serve nothing", o.Listen, err)
		}
		addr = ln.Addr().String()
		srv = &http.Server{Handler: newMux(metrics, hl), ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
			WriteTimeout: 30 * time.Second, IdleTimeout: time.Minute, MaxHeaderBytes: 16 << 10}
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				o.Log.Error("metrics server stopped", "error", err)
			}
		}()
	}

	// Pointers, as in the history store's queue: a buffer of 1024 whole Results would be
	// a quarter of a megabyte resident and scanned by every GC, even when empty.
	results := make(chan *probes.Result, 1024)
	o.Runner.Subscribe(func(res probes.Result) {
		metrics.Observe(res)
		hl.observe(res.Started.Add(res.Latency))
		if eng == nil {
			return
		}
		select {
		case results <- &res:
		case <-ctx.Done():
		}
	})
	o.Log.Info("watch started", "checks", len(checks), "state", o.StateDir, "listen", addr, "channels", channelNames(o.Alerts))
	if o.Ready != nil {
		o.Ready(addr)
	}

	var wg sync.WaitGroup
	wg.Go(func() { o.Runner.Run(ctx) })
	if eng != nil {
		wg.Go(func() { disp.Run(ctx) })
		wg.Go(func() { evaluate(ctx, eng, results, o.Log) })
	}
	<-ctx.Done()
	o.Log.Info("watch stopping: finishing deliveries in flight")
	if srv != nil {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		srv.Shutdown(sctx)
		cancel()
	}
	wg.Wait()
	if store != nil {
		o.Log.Info("watch stopped", "undelivered", store.QueuedTotal())
	} else {
		o.Log.Info("watch stopped")
	}
	return nil
}

// evaluate feeds results to the engine in arrival order; after shutdown it still takes
// the results already received, so nothing observed before SIGTERM is dropped.
func evaluate(ctx context.Context, eng *alert.Engine, results <-chan *probes.Result, log *slog.Logger) {
	one := func(res *probes.Result) {
		notes, err := eng.Observe(*res)
		if err != nil {
			log.Error("alert state could not be saved; this result is not alerted on", "check", res.Check, "error", err)
			return
		}
		for _, n := range notes {
			log.Info("alert queued", "kind", n.Kind, "channel", n.Channel, "alert", n.Alert.String(), "owners", n.Alert.Owners)
		}
	}
	for {
		select {
		case res := <-results:
			one(res)
		case <-ctx.Done():
			for {
				select {
				case res := <-results:
					one(res)
				default:
					return
				}
			}
		}
	}
}

func longestInterval(checks []probes.Check, def time.Duration) time.Duration {
	if def <= 0 {
		def = time.Minute
	}
	d := def
	for _, c := range checks {
		d = max(d, c.Info().Interval)
	}
	return d
}

func channelNames(c *alert.Config) []string {
	if c == nil {
		return nil
	}
	return c.ChannelNames()
}

package alert

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/launchready/launchready/internal/redact"
)

// maxBatch bounds one summary: an outage of a thousand checks still sends one message,
// of the oldest 500, and the next right after.
const maxBatch = 500

// Sender delivers a message through one channel. Errors must say what went wrong in the
// operator's words and never carry a secret (the dispatcher redacts again regardless).
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Resender is a Sender whose receiver forgets alerts unless reminded (Alertmanager): the
// dispatcher re-posts firing alerts to it every ResendEvery.
type Resender interface {
	ResendEvery() time.Duration
}

// Batcher is a Sender that always takes every queued notification in one request
// (Alertmanager groups and deduplicates itself).
type Batcher interface {
	Batches() bool
}

// Dispatcher delivers queued notifications: per channel, grouped for GroupWait, one
// summary above SummaryOver, retried with exponential backoff from Retry.Initial to
// Retry.Max, dropped after Retry.GiveUp (counted, logged). It keeps each channel's Health
// and writes the snapshot other processes read.
type Dispatcher struct {
	cfg      *Config
	store    *Store
	senders  map[string]Sender
	kinds    map[string]string
	product  string
	domain   string
	now      func() time.Time
	log      *slog.Logger
	red      *redact.Redactor
	stateDir string
	wake     map[string]chan struct{}
	hmu      sync.Mutex // serialises snapshot writes
}

// DispatcherOptions are the dispatcher's surroundings.
type DispatcherOptions struct {
	Product, Domain string
	StateDir        string // where the health snapshot goes; "" for none
	Now             func() time.Time
	Logger          *slog.Logger
	Redactor        *redact.Redactor
}

// NewDispatcher makes a dispatcher for the configured channels; senders maps channel
// names to their Sender (NewSenders builds them from the config).
func NewDispatcher(cfg *Config, store *Store, senders map[string]Sender, o DispatcherOptions) *Dispatcher {
	d := &Dispatcher{cfg: cfg, store: store, senders: senders, kinds: map[string]string{}, product: o.Product, domain: o.Domain,
		now: o.Now, log: o.Logger, red: o.Redactor, stateDir: o.StateDir, wake: map[string]chan struct{}{}}
	if d.now == nil {
		d.now = time.Now
	}
	if d.log == nil {
		d.log = slog.New(slog.DiscardHandler)
	}
	store.mu.Lock()
	for _, ch := range cfg.Channels {
		d.wake[ch.Name] = make(chan struct{}, 1)
		d.kinds[ch.Name] = ch.Kind()
		if _, ok := store.health[ch.Name]; !ok {
			store.health[ch.Name] = &Health{Channel: ch.Name, Kind: ch.Kind(), Up: true}
		}
		store.health[ch.Name].Kind = ch.Kind()
	}
	store.mu.Unlock()
	return d
}

// Wake tells the channels' workers that something was queued.
func (d *Dispatcher) Wake(channels []string) {
	for _, ch := range channels {
		if w, ok := d.wake[ch]; ok {
			select {
			case w <- struct{}{}:
			default:
			}
		}
	}
	d.writeSnapshot()
}

// Run delivers until ctx ends. On shutdown each channel finishes the delivery in flight,
// then makes one last attempt at what is queued (unless it is backing off), bounded by
// the channel's timeout; whatever is still undelivered stays in the journal for the next
// start.
func (d *Dispatcher) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for _, ch := range d.cfg.Channels {
		if _, ok := d.senders[ch.Name]; !ok {
			continue
		}
		wg.Go(func() { d.worker(ctx, ch) })
		if rs, ok := d.senders[ch.Name].(Resender); ok && rs.ResendEvery() > 0 {
			wg.Go(func() { d.resender(ctx, ch, rs.ResendEvery()) })
		}
	}
	d.writeSnapshot()
	wg.Wait()
	d.writeSnapshot()
}

func (d *Dispatcher) worker(ctx context.Context, ch Channel) {
	t := time.NewTimer(time.Hour)
	t.Stop()
	defer t.Stop()
	for {
		q := d.store.Queued(ch.Name)
		if len(q) == 0 {
			select {
			case <-ctx.Done():
				return
			case <-d.wake[ch.Name]:
				continue
			}
		}
		due := q[0].Created.Add(d.cfg.groupWait)
		if next := d.nextAttempt(ch.Name); next.After(due) {
			due = next
		}
		if wait := due.Sub(d.now()); wait > 0 {
			t.Reset(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				if !d.nextAttempt(ch.Name).After(d.now()) {
					d.attempt(ch) // last call: do not leave a grouped batch waiting for a restart
				}
				return
			case <-d.wake[ch.Name]:
				t.Stop()
				continue
			case <-t.C:
			}
		}
		d.attempt(ch)
		if ctx.Err() != nil {
			return
		}
	}
}

func (d *Dispatcher) nextAttempt(name string) time.Time {
	d.store.mu.Lock()
	defer d.store.mu.Unlock()
	return d.store.health[name].NextAttempt
}

// attempt sends what is queued for the channel once: a summary, or each notification in
// turn, stopping at the first failure.
func (d *Dispatcher) attempt(ch Channel) {
	q := d.store.Queued(ch.Name)
	q = d.dropExpired(ch.Name, q)
	if len(q) == 0 {
		return
	}
	if len(q) > maxBatch {
		q = q[:maxBatch]
	}
	var msgs [][]Notification
	b, batches := d.senders[ch.Name].(Batcher)
	if len(q) > d.cfg.summaryOver || (batches && b.Batches()) {
		msgs = [][]Notification{q}
	} else {
		for _, n := range q {
			msgs = append(msgs, []Notification{n})
		}
	}
	for _, items := range msgs {
		m := Message{Product: d.product, Domain: d.domain, ID: deliveryID(), Items: items,
			Summary: len(items) > d.cfg.summaryOver, Sent: d.now()}
		if err := d.send(ch, m); err != nil {
			return
		}
		ids := make([]string, len(items))
		for i, n := range items {
			ids[i] = n.ID
		}
		d.store.mu.Lock()
		err := d.store.commitLocked([]record{{Op: "done", Channel: ch.Name, IDs: ids, At: d.now()}}, true)
		d.store.mu.Unlock()
		if err != nil {
			d.log.Error("alert journal: a delivered notification could not be marked done; it may be sent again after a restart", "channel", ch.Name, "error", err)
		}
		d.log.Info("alert delivered", "channel", ch.Name, "notifications", len(items), "summary", m.Summary, "kind", items[0].Kind, "alert", items[0].Alert.String())
	}
}

// send makes one delivery and records the channel's health either way.
func (d *Dispatcher) send(ch Channel, m Message) error {
	ctx, cancel := context.WithTimeout(context.Background(), ch.Timeout)
	defer cancel()
	err := d.red.Error(d.senders[ch.Name].Send(ctx, m))
	now := d.now()
	d.store.mu.Lock()
	h := *d.store.health[ch.Name]
	h.LastAttempt = now
	if err == nil {
		if !h.Up {
			d.log.Info("alert channel is back", "channel", ch.Name, "down_since", h.DownSince)
		}
		h.Up, h.ConsecutiveFailures, h.LastSuccess, h.DownSince, h.NextAttempt = true, 0, now, time.Time{}, time.Time{}
		if m.Items[0].Kind != KindRefresh {
			h.Delivered += uint64(len(m.Items))
		}
	} else {
		h.ConsecutiveFailures++
		h.Failures++
		h.LastError = err.Error()
		h.NextAttempt = now.Add(backoff(d.cfg.Retry, h.ConsecutiveFailures))
		if h.ConsecutiveFailures >= d.cfg.downAfter && h.Up {
			h.Up, h.DownSince = false, now
			d.log.Error("alert channel is down", "channel", ch.Name, "failures", h.ConsecutiveFailures, "error", err)
		} else {
			d.log.Warn("alert delivery failed; will retry", "channel", ch.Name, "failures", h.ConsecutiveFailures, "retry_in", h.NextAttempt.Sub(now).Round(time.Millisecond), "error", err)
		}
	}
	cerr := d.store.commitLocked([]record{{Op: "health", Health: &h}}, false)
	d.store.mu.Unlock()
	if cerr != nil {
		d.log.Error("alert journal: cannot record channel health", "channel", ch.Name, "error", cerr)
	}
	d.writeSnapshot()
	return err
}

// backoff is Initial doubled per failure after the first, capped at Max.
func backoff(r Retry, failures int) time.Duration {
	d := r.Initial
	for i := 1; i < failures && d < r.Max; i++ {
		d *= 2
	}
	return min(d, r.Max)
}

// dropExpired gives up on notifications older than Retry.GiveUp.
func (d *Dispatcher) dropExpired(name string, q []Notification) []Notification {
	now := d.now()
	var dead []string
	keep := q[:0:0]
	for _, n := range q {
		if now.Sub(n.Created) > d.cfg.Retry.GiveUp {
			dead = append(dead, n.ID)
			d.log.Error("alert dropped: the channel did not accept it within retry.give_up", "channel", name, "kind", n.Kind, "alert", n.Alert.String(), "queued_at", n.Created)
			continue
		}
		keep = append(keep, n)
	}
	if len(dead) > 0 {
		d.store.mu.Lock()
		h := *d.store.health[name]
		h.Dropped += uint64(len(dead))
		err := d.store.commitLocked([]record{{Op: "done", Channel: name, IDs: dead}, {Op: "health", Health: &h}}, true)
		d.store.mu.Unlock()
		if err != nil {
			d.log.Error("alert journal: cannot record dropped notifications", "error", err)
		}
	}
	return keep
}

// resender keeps Alertmanager's copy of our firing alerts alive.
func (d *Dispatcher) resender(ctx context.Context, ch Channel, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		firing := d.store.Firing(ch.Name)
		if len(firing) == 0 {
			continue
		}
		now := d.now()
		items := make([]Notification, len(firing))
		for i, a := range firing {
			items[i] = Notification{ID: "refresh", Channel: ch.Name, Kind: KindRefresh, Created: now, Alert: a}
		}
		if d.send(ch, Message{Product: d.product, Domain: d.domain, ID: deliveryID(), Items: items, Sent: now}) == nil {
			select { // the channel works: anything backing off can go now
			case d.wake[ch.Name] <- struct{}{}:
			default:
			}
		}
	}
}

// Health returns every channel's health with its queue, in config order.
func (d *Dispatcher) Health() []Health {
	d.store.mu.Lock()
	defer d.store.mu.Unlock()
	out := make([]Health, 0, len(d.cfg.Channels))
	for _, ch := range d.cfg.Channels {
		h := *d.store.health[ch.Name]
		q := d.store.queue[ch.Name]
		h.Queued = len(q)
		if len(q) > 0 {
			h.OldestQueued = q[0].Created
		}
		out = append(out, h)
	}
	return out
}

func (d *Dispatcher) writeSnapshot() {
	if d.stateDir == "" {
		return
	}
	d.hmu.Lock()
	defer d.hmu.Unlock()
	hs := HealthSnapshot{Updated: d.now(), PID: os.Getpid(), Channels: d.Health()}
	for i := range hs.Channels {
		hs.Channels[i].LastError = d.red.String(hs.Channels[i].LastError)
	}
	if err := writeHealth(d.stateDir, hs); err != nil {
		d.log.Warn("cannot write the channel health snapshot", "error", err)
	}
}

func deliveryID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// ErrNoChannel is returned by Test for a channel name the config does not have.
var ErrNoChannel = errors.New("no such channel")

// Test sends a test notification through one channel now, without queueing or grouping,
// for `launchready alert test`. The error is redacted and says what to fix.
func Test(ctx context.Context, ch Channel, s Sender, product, domain string, now time.Time, red *redact.Redactor) error {
	a := Alert{Key: "launchready test", Check: "launchready alert test", Finding: "alert.test", Target: ch.Name,
		Severity: 0, Impact: "", Title: "Test alert from launchready: " + ch.Name + " works",
		Detail: fmt.Sprintf("Sent by `launchready alert test %s`. If you can read this, alerts for %s reach you here.", ch.Name, product),
		Owners: []string{"launchready"}, Channels: []string{ch.Name}, Since: now, FiredAt: now}
	m := Message{Product: product, Domain: domain, ID: deliveryID(), Sent: now,
		Items: []Notification{{ID: "test", Channel: ch.Name, Kind: KindTest, Created: now, Alert: a}}}
	ctx, cancel := context.WithTimeout(ctx, ch.Timeout)
	defer cancel()
	return red.Error(s.Send(ctx, m))
}

// Channels lists the channel names of a config, in order.
func (c *Config) ChannelNames() []string {
	out := make([]string, len(c.Channels))
	for i, ch := range c.Channels {
		out[i] = ch.Name
	}
	return slices.Clip(out)
}

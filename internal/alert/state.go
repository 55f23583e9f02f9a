package alert

import (
	"log/slog"
	"os"
	"slices"
	"time"
)

// State is the alert journal as of its last complete record: what `launchready alert
// status` shows while watch runs.
type State struct {
	Alerts []Alert
	// Queued counts undelivered notifications per channel.
	Queued map[string]int
	// Delivery is, per alert key, where the alert stands on each of its channels.
	Delivery map[string][]Delivery
}

// Delivery is where one alert stands on one of its channels. An alert's Notified only
// says a firing message was queued (what the engine needs to not queue it twice); whether
// anyone was told is whether a channel accepted one, which only this says.
type Delivery struct {
	Channel string `json:"channel"`
	// Delivered is when the channel last accepted a message about the alert; zero: never.
	Delivered time.Time `json:"delivered,omitzero"`
	// Queued counts the messages about the alert waiting for the channel, the oldest
	// queued at QueuedSince.
	Queued      int       `json:"queued"`
	QueuedSince time.Time `json:"queued_since,omitzero"`
	// Failed is the channel's last error (redacted) when its last attempt, made after
	// these messages were queued, failed; FailedAt is when.
	Failed   string    `json:"failed,omitempty"`
	FailedAt time.Time `json:"failed_at,omitzero"`
}

// Told reports whether any channel accepted a message about the alert, and the latest
// time one did.
func Told(ds []Delivery) (bool, time.Time) {
	var last time.Time
	for _, d := range ds {
		if d.Delivered.After(last) {
			last = d.Delivered
		}
	}
	return !last.IsZero(), last
}

// ReadState replays the alert journal in dir without opening it for writing (OpenStore
// compacts it, which only its owner, watch, may do). A journal watch is appending to
// reads up to its last complete record; a missing one is an empty state.
func ReadState(dir string) (State, error) {
	s := newStore(dir, nil, slog.New(slog.DiscardHandler))
	if _, err := os.Stat(dir); err != nil {
		return State{}, err
	}
	if err := s.replay(); err != nil {
		return State{}, err
	}
	st := State{Alerts: s.Alerts(), Queued: map[string]int{}, Delivery: map[string][]Delivery{}}
	for ch, q := range s.queue {
		if len(q) > 0 {
			st.Queued[ch] = len(q)
		}
	}
	for _, a := range st.Alerts {
		st.Delivery[a.Key] = s.deliveries(a)
	}
	return st, nil
}

// deliveries is where alert a stands on each channel it was routed to (and any other
// that holds or took a message about it), in the alert's channel order.
func (s *Store) deliveries(a Alert) []Delivery {
	chs := slices.Clone(a.Channels)
	for _, ch := range sortedKeys(s.queue) {
		if !slices.Contains(chs, ch) && slices.ContainsFunc(s.queue[ch], func(n Notification) bool { return n.Alert.Key == a.Key }) {
			chs = append(chs, ch)
		}
	}
	for _, ch := range sortedKeys(s.delivered[a.Key]) {
		if !slices.Contains(chs, ch) {
			chs = append(chs, ch)
		}
	}
	out := make([]Delivery, 0, len(chs))
	for _, ch := range chs {
		d := Delivery{Channel: ch, Delivered: s.delivered[a.Key][ch]}
		for _, n := range s.queue[ch] {
			if n.Alert.Key != a.Key {
				continue
			}
			if d.Queued == 0 {
				d.QueuedSince = n.Created
			}
			d.Queued++
		}
		if h := s.health[ch]; h != nil && d.Queued > 0 && h.ConsecutiveFailures > 0 && !h.LastAttempt.Before(d.QueuedSince) {
			d.Failed, d.FailedAt = h.LastError, h.LastAttempt
		}
		out = append(out, d)
	}
	return out
}

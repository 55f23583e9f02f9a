// Package alert turns check results into notifications people act on: an alert fires after
// FireAfter failing results in a row for the same check and finding, resolves after
// ResolveAfter passing ones, repeats at most every Repeat while firing, waits out
// maintenance windows, and is routed by rules (pane, severity, check, finding) to an owner
// and channels: Slack, a signed JSON webhook, email over SMTP, or Alertmanager.
//
// Delivery is grouped per channel (an outage that breaks forty checks sends one summary),
// retried with exponential backoff, and persisted: alert state and the queue of
// undelivered notifications live in an fsynced journal in the state folder, so a restart
// neither repeats an alert nor loses one. A channel that stays down is reported in its
// Health (read by /metrics and by the "alert" probe kind the console shows).
//
// Secrets (webhook URLs, HMAC keys, SMTP and Alertmanager passwords) reach only the
// request that needs them: every error, log line and stored record is redacted first.
package alert

import (
	"time"

	"github.com/launchready/launchready/probes"
)

// CheckErrorID is the finding id of the alert raised when a check could not run at all.
const CheckErrorID = "watch.check-error"

// Alert is the state of one problem: one finding (id and target) of one check. It is kept
// from the first failing result until it resolves, so counts, first-seen time and whether
// anyone was told survive a restart.
type Alert struct {
	Key      string          `json:"key"`
	Check    string          `json:"check"`
	Finding  string          `json:"finding"`
	Target   string          `json:"target"`
	Pane     probes.Pane     `json:"pane"`
	Severity probes.Severity `json:"severity"`
	Impact   probes.Impact   `json:"impact"`
	Title    string          `json:"title"`
	Detail   string          `json:"detail,omitempty"`
	Observed string          `json:"observed,omitempty"`
	Expected string          `json:"expected,omitempty"`
	Fix      string          `json:"fix,omitempty"`
	// Owners and Channels are decided when the alert fires, so its resolution goes to
	// the same people even if the rules change in between.
	Owners   []string `json:"owners,omitempty"`
	Channels []string `json:"channels,omitempty"`
	// Fails and Oks count results in a row; one resets the other.
	Fails int `json:"fails"`
	Oks   int `json:"oks"`
	// Firing is set after FireAfter failures; Notified once a firing notification is
	// queued (a window can keep a firing alert quiet), and LastSent when the latest was
	// queued: they say what the engine owes, not that anyone was told. Whether and when
	// a channel accepted a message is in the store's deliveries (State.Delivery).
	Firing     bool      `json:"firing"`
	Notified   bool      `json:"notified"`
	Since      time.Time `json:"since"`
	FiredAt    time.Time `json:"fired_at,omitzero"`
	LastSent   time.Time `json:"last_sent,omitzero"`
	ResolvedAt time.Time `json:"resolved_at,omitzero"`
}

// KeyOf names an alert: the check and the finding's own key (id and target).
func KeyOf(check, id, target string) string { return check + " | " + id + " " + target }

// Kind says why a notification is sent.
type Kind string

const (
	KindFiring   Kind = "firing"
	KindRepeat   Kind = "repeat"   // still firing, a reminder after Repeat
	KindResolved Kind = "resolved" // it passed ResolveAfter times in a row
	KindTest     Kind = "test"     // `launchready alert test`
	KindRefresh  Kind = "refresh"  // Alertmanager keep-alive of a firing alert, never queued
)

// Notification is one message owed to one channel about one alert. It is journaled before
// anything is sent and removed only once the channel accepted it.
type Notification struct {
	ID      string    `json:"id"`
	Channel string    `json:"channel"`
	Kind    Kind      `json:"kind"`
	Created time.Time `json:"created"`
	Alert   Alert     `json:"alert"`
}

// Message is what one delivery sends: one notification, or a summary of several when an
// outage fires many at once.
type Message struct {
	Product string
	Domain  string
	// ID identifies the delivery; webhooks send it as X-Launchready-Delivery so a
	// receiver can drop a retry it already accepted.
	ID      string
	Items   []Notification
	Summary bool
	Sent    time.Time
}

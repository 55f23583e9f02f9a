package alert

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/launchready/launchready/internal/atomicfile"
	"os"
	"path/filepath"
	"time"
)

// HealthFile is the snapshot of channel health watch writes in the state folder, for the
// console and `launchready check` (the "alert" probe kind) to read without the journal.
const HealthFile = "alert-channels.json"

// Health is how a channel has been doing. A channel is down after DownAfter failed
// deliveries in a row; it is up again on the first success.
type Health struct {
	Channel             string    `json:"channel"`
	Kind                string    `json:"kind"`
	Up                  bool      `json:"up"`
	ConsecutiveFailures int       `json:"consecutive_failures"`
	LastAttempt         time.Time `json:"last_attempt,omitzero"`
	LastSuccess         time.Time `json:"last_success,omitzero"`
	LastError           string    `json:"last_error,omitempty"` // redacted
	DownSince           time.Time `json:"down_since,omitzero"`
	NextAttempt         time.Time `json:"next_attempt,omitzero"`
	Delivered           uint64    `json:"delivered"` // notifications accepted by the channel
	Failures            uint64    `json:"failures"`  // failed delivery attempts
	Dropped             uint64    `json:"dropped"`   // notifications given up on (retry.give_up)
	// Queued and OldestQueued are filled when a snapshot is taken.
	Queued       int       `json:"queued"`
	OldestQueued time.Time `json:"oldest_queued,omitzero"`
}

// HealthSnapshot is the file's content.
type HealthSnapshot struct {
	Updated  time.Time `json:"updated"`
	PID      int       `json:"pid"`
	Channels []Health  `json:"channels"`
}

// ReadHealth reads the snapshot watch keeps in stateDir; os.ErrNotExist when watch has
// not written one (never ran, or no channel configured).
func ReadHealth(stateDir string) (HealthSnapshot, error) {
	var hs HealthSnapshot
	p := filepath.Join(stateDir, HealthFile)
	f, err := os.Open(p)
	if err != nil {
		return hs, err
	}
	defer f.Close()
	if err := json.NewDecoder(&limited{r: f, n: 1 << 20}).Decode(&hs); err != nil {
		return hs, fmt.Errorf("cannot read %s: %v", p, err)
	}
	return hs, nil
}

// writeHealth replaces the snapshot atomically.
func writeHealth(stateDir string, hs HealthSnapshot) error {
	if stateDir == "" {
		return errors.New("no state folder")
	}
	p := filepath.Join(stateDir, HealthFile)
	b, err := json.MarshalIndent(hs, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteBytes(p, 0o600, append(b, '\n'))
}

package alert

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/launchready/launchready/internal/redact"
)

// JournalName is the alert journal's file in the state folder.
const JournalName = "alerts.journal"

// compactAt is the journal size past which it is rewritten to just the live state. The
// live state is a few kilobytes (open alerts, undelivered notifications, channel
// health); a busy incident appends a few hundred bytes per result.
const compactAt = 1 << 20

// maxLine bounds one journal record when reading: a record is an alert or a notification,
// far below this; a longer line is damage, skipped rather than trusted.
const maxLine = 1 << 20

// record is one journal line. Replaying the lines in order rebuilds the state.
type record struct {
	Op      string        `json:"op"` // alert, drop, queue, done, delivered, health
	Alert   *Alert        `json:"alert,omitempty"`
	Key     string        `json:"key,omitempty"`
	Note    *Notification `json:"note,omitempty"`
	Channel string        `json:"channel,omitempty"`
	IDs     []string      `json:"ids,omitempty"`
	Health  *Health       `json:"health,omitempty"`
	// At is when the channel accepted the notifications a "done" record removes (zero
	// when they were given up on), or the time a "delivered" record restores.
	At time.Time `json:"at,omitzero"`
}

// Store is the alert state and the delivery queue, kept in memory and journaled to one
// append-only file of JSON lines in the state folder.
//
// Why a journal and not SQLite: the state is tiny and changes only on transitions (a
// healthy sweep writes nothing), every change must be durable before the next step acts
// on it (fsync per commit), and the watch process must stay small (28 MB RSS target).
// An append plus fsync is the cheapest durable write there is; a torn last line from a
// crash is detected and dropped on replay; compaction rewrites the file atomically
// (temp file, fsync, rename, fsync folder). When the shared history store lands, alert
// history belongs there; this journal stays the owner's working state.
type Store struct {
	mu     sync.Mutex
	dir    string
	path   string
	f      *os.File
	size   int64
	red    *redact.Redactor
	log    *slog.Logger
	alerts map[string]*Alert
	queue  map[string][]Notification // per channel, oldest first
	health map[string]*Health
	// delivered is, per open alert (by key) and channel, when the channel last accepted
	// a message about it: "told" for alert status, which the queue alone cannot say.
	delivered map[string]map[string]time.Time
	buf       bytes.Buffer
	enc       *json.Encoder
	// onHealth is called (outside the lock) when a channel's health changes, to write
	// the snapshot other processes read.
	onHealth func()
}

// OpenStore replays the journal in dir (created if missing) and opens it for appending.
func OpenStore(dir string, red *redact.Redactor, log *slog.Logger) (*Store, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("cannot create the state folder %s: %w", dir, err)
	}
	s := newStore(dir, red, log)
	s.enc = json.NewEncoder(&s.buf)
	s.enc.SetEscapeHTML(false)
	if err := s.replay(); err != nil {
		return nil, err
	}
	// Start from a compact file: a clean snapshot, and any torn tail is gone.
	if err := s.compactLocked(); err != nil {
		return nil, err
	}
	return s, nil
}

// newStore is a Store over dir's journal, empty until replayed.
func newStore(dir string, red *redact.Redactor, log *slog.Logger) *Store {
	return &Store{dir: dir, path: filepath.Join(dir, JournalName), red: red, log: log,
		alerts: map[string]*Alert{}, queue: map[string][]Notification{}, health: map[string]*Health{},
		delivered: map[string]map[string]time.Time{}}
}

func (s *Store) replay() error {
	f, err := os.Open(s.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cannot read the alert journal %s: %w", s.path, err)
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 64<<10)
	line, bad := 0, 0
	for {
		b, err := readLine(r)
		if len(b) > 0 {
			line++
			var rec record
			if jerr := json.Unmarshal(b, &rec); jerr != nil {
				bad++
				s.log.Warn("alert journal: skipped a damaged record", "file", s.path, "line", line, "error", jerr)
			} else {
				s.apply(rec)
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("cannot read the alert journal %s: %w", s.path, err)
		}
	}
	if bad > 0 {
		s.log.Warn("alert journal: damaged records skipped (a crash mid-write leaves at most one)", "count", bad)
	}
	return nil
}

// readLine reads one line, refusing (skipping) lines longer than maxLine.
func readLine(r *bufio.Reader) ([]byte, error) {
	var out []byte
	for {
		chunk, err := r.ReadSlice('\n')
		if len(out)+len(chunk) <= maxLine {
			out = append(out, chunk...)
		} else {
			out = out[:0:0]
			out = append(out, '!') // marks the line damaged; json.Unmarshal refuses it
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		return bytes.TrimSpace(out), err
	}
}

// apply changes the in-memory state by one record; replay and commit share it so the
// file and memory cannot disagree.
func (s *Store) apply(rec record) {
	switch rec.Op {
	case "alert":
		if rec.Alert != nil {
			a := *rec.Alert
			s.alerts[a.Key] = &a
		}
	case "drop":
		delete(s.alerts, rec.Key)
		delete(s.delivered, rec.Key)
	case "queue":
		if n := rec.Note; n != nil {
			q := s.queue[n.Channel]
			if !slices.ContainsFunc(q, func(o Notification) bool { return o.ID == n.ID }) {
				s.queue[n.Channel] = append(q, *n)
			}
		}
	case "done":
		s.queue[rec.Channel] = slices.DeleteFunc(s.queue[rec.Channel], func(n Notification) bool {
			done := slices.Contains(rec.IDs, n.ID)
			if done && !rec.At.IsZero() {
				s.markDelivered(n.Alert.Key, rec.Channel, rec.At)
			}
			return done
		})
		if len(s.queue[rec.Channel]) == 0 {
			delete(s.queue, rec.Channel)
		}
	case "delivered":
		s.markDelivered(rec.Key, rec.Channel, rec.At)
	case "health":
		if rec.Health != nil {
			h := *rec.Health
			s.health[h.Channel] = &h
		}
	}
}

// markDelivered notes that channel accepted a message about the open alert key at t; a
// message about an alert already dropped (a resolution) leaves nothing to note.
func (s *Store) markDelivered(key, channel string, t time.Time) {
	if s.alerts[key] == nil || t.IsZero() {
		return
	}
	m := s.delivered[key]
	if m == nil {
		m = map[string]time.Time{}
		s.delivered[key] = m
	}
	if t.After(m[channel]) {
		m[channel] = t
	}
}

// commit applies records to memory and appends them to the journal; with sync it fsyncs,
// so the caller may act (send, tell the user) knowing the state survives a crash.
// Callers hold s.mu.
func (s *Store) commitLocked(recs []record, sync bool) error {
	if len(recs) == 0 {
		return nil
	}
	s.buf.Reset()
	for _, r := range recs {
		s.apply(r)
		if err := s.enc.Encode(s.clean(r)); err != nil {
			return fmt.Errorf("alert journal: cannot encode a record: %w", err)
		}
	}
	b := s.buf.Bytes()
	n, err := s.f.Write(b)
	s.size += int64(n)
	if err != nil {
		return fmt.Errorf("cannot write the alert journal %s: %w", s.path, err)
	}
	if sync {
		if err := s.f.Sync(); err != nil {
			return fmt.Errorf("cannot sync the alert journal %s: %w", s.path, err)
		}
	}
	if s.size > compactAt {
		return s.compactLocked()
	}
	return nil
}

// clean redacts the free-text fields of a record before it is written (findings quote
// what probes saw; errors quote what servers said). Keys, owners and channel names come
// from the config and are kept as they are: keys are made redaction-proof by Key.
func (s *Store) clean(r record) record {
	if r.Alert != nil {
		a := s.redactAlert(*r.Alert)
		r.Alert = &a
	}
	if r.Note != nil {
		n := *r.Note
		n.Alert = s.redactAlert(n.Alert)
		r.Note = &n
	}
	if r.Health != nil {
		h := *r.Health
		h.LastError = s.red.String(h.LastError)
		r.Health = &h
	}
	return r
}

func (s *Store) redactAlert(a Alert) Alert {
	for _, p := range []*string{&a.Title, &a.Detail, &a.Observed, &a.Expected, &a.Fix, &a.Target} {
		*p = s.red.String(*p)
	}
	return a
}

// compactLocked rewrites the journal as the current state: temp file, fsync, rename,
// fsync the folder, so a crash at any point leaves either the old file or the new one.
func (s *Store) compactLocked() error {
	tmp := s.path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("cannot rewrite the alert journal in %s: %w", s.dir, err)
	}
	s.buf.Reset()
	for _, k := range sortedKeys(s.alerts) {
		_ = s.enc.Encode(s.clean(record{Op: "alert", Alert: s.alerts[k]}))
	}
	for _, k := range sortedKeys(s.delivered) {
		for _, ch := range sortedKeys(s.delivered[k]) {
			_ = s.enc.Encode(record{Op: "delivered", Key: k, Channel: ch, At: s.delivered[k][ch]})
		}
	}
	for _, ch := range sortedKeys(s.queue) {
		for i := range s.queue[ch] {
			_ = s.enc.Encode(s.clean(record{Op: "queue", Note: &s.queue[ch][i]}))
		}
	}
	for _, ch := range sortedKeys(s.health) {
		_ = s.enc.Encode(s.clean(record{Op: "health", Health: s.health[ch]}))
	}
	b := s.buf.Bytes()
	_, werr := f.Write(b)
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("cannot rewrite the alert journal in %s: %w", s.dir, err)
	}
	if err := os.Rename(tmp, s.path); err != nil {
		return fmt.Errorf("cannot replace the alert journal %s: %w", s.path, err)
	}
	syncDir(s.dir)
	if s.f != nil {
		s.f.Close()
	}
	s.f, err = os.OpenFile(s.path, os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("cannot open the alert journal %s: %w", s.path, err)
	}
	s.size = int64(len(b))
	return nil
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// Key is how the store names an alert: KeyOf's text, or, when that text holds anything
// the redactor would remove (a token in a target URL), its SHA-256, so the journal never
// stores the secret and the key still matches after a restart.
func (s *Store) Key(check, id, target string) string {
	k := KeyOf(check, id, target)
	if s.red.String(k) == k {
		return k
	}
	sum := sha256.Sum256([]byte(k))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// Close closes the journal file.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return nil
	}
	err := s.f.Close()
	s.f = nil
	return err
}

// Alerts returns a copy of every open alert (pending or firing), sorted by key.
func (s *Store) Alerts() []Alert {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Alert, 0, len(s.alerts))
	for _, k := range sortedKeys(s.alerts) {
		out = append(out, *s.alerts[k])
	}
	return out
}

// Queued returns a copy of the notifications waiting for a channel.
func (s *Store) Queued(channel string) []Notification {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.queue[channel])
}

// QueuedTotal counts every undelivered notification.
func (s *Store) QueuedTotal() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, q := range s.queue {
		n += len(q)
	}
	return n
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

package alert

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/launchready/launchready/internal/atomicfile"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/launchready/launchready/probes"
)

// MaintenanceDir is the folder, inside the state folder, where running runbooks (or an
// operator) drop maintenance windows as files. watch reads it before every decision.
const MaintenanceDir = "maintenance"

// Span is a maintenance window: while it is open, notifications for the checks it covers
// wait. Alert state is still kept, so whatever is still broken when it closes fires then,
// and whatever recovered inside it never sends a word. Resolutions of alerts people were
// already told about still go out.
type Span struct {
	// Checks are check names, * wildcards allowed ("http *"); Panes are panes. Both
	// empty: every check.
	Checks []string  `json:"checks,omitempty"`
	Panes  []string  `json:"panes,omitempty"`
	From   time.Time `json:"from"`
	Until  time.Time `json:"until"`
	Reason string    `json:"reason"`
	By     string    `json:"by,omitempty"` // who opened it: "runbook deploy (sam@ops-1)"
	source string    // where it came from, for logs
}

// What says what the window holds, for people: "http api.*, the endpoints pane", or
// "every check" when it names nothing.
func (sp Span) What() string {
	what := append([]string{}, sp.Checks...)
	for _, p := range sp.Panes {
		what = append(what, "the "+p+" pane")
	}
	if len(what) == 0 {
		return "every check"
	}
	return strings.Join(what, ", ")
}

func (sp Span) covers(check string, pane probes.Pane, now time.Time) bool {
	if now.Before(sp.From) || !now.Before(sp.Until) {
		return false
	}
	if len(sp.Checks) == 0 && len(sp.Panes) == 0 {
		return true
	}
	return (len(sp.Checks) > 0 && match(sp.Checks, check)) || (len(sp.Panes) > 0 && slices.Contains(sp.Panes, string(pane)))
}

// StartMaintenance opens a window for a running runbook (or a script): it writes
// STATE/maintenance/NAME.json atomically and returns its path, which EndMaintenance
// takes. A watch process on the same state folder honours it from its next result; no
// signal or socket is needed, and the file outlives neither its Until nor a crash (an
// expired window is ignored and cleaned up).
func StartMaintenance(stateDir, name string, sp Span) (string, error) {
	if name == "" || strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") {
		return "", fmt.Errorf("maintenance window name %q: use letters, digits, - and _ (it becomes a file name)", name)
	}
	if sp.Until.IsZero() || !sp.Until.After(sp.From) {
		return "", errors.New("maintenance window: Until must be set and after From; a window without an end would silence alerts forever")
	}
	for _, g := range sp.Checks {
		if _, err := path.Match(g, ""); err != nil {
			return "", fmt.Errorf("maintenance window: %q is not a check pattern", g)
		}
	}
	dir := filepath.Join(stateDir, MaintenanceDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("cannot create %s: %w", dir, err)
	}
	if sp.From.IsZero() {
		sp.From = time.Now()
	}
	b, err := json.MarshalIndent(sp, "", "  ")
	if err != nil {
		return "", err
	}
	file := filepath.Join(dir, name+".json")
	if err := atomicfile.WriteBytes(file, 0o600, append(b, '\n')); err != nil {
		return "", fmt.Errorf("cannot write the maintenance window %s: %w", file, err)
	}
	return file, nil
}

// EndMaintenance closes a window opened by StartMaintenance (a missing file is fine: it
// may have expired and been cleaned up).
func EndMaintenance(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("cannot end the maintenance window %s: %w", path, err)
	}
	return nil
}

// racyMtime is how much older than a listing the folder's mtime must be for the listing to
// stand for it: far more than any file system's timestamp tick.
const racyMtime = 2 * time.Second

// Maintenance answers "is this check in a window now?" from the config's windows and the
// files in STATE/maintenance. It rereads the folder only when it changed.
type Maintenance struct {
	dir    string
	static []Span
	mu     sync.Mutex
	files  []Span
	mtime  time.Time
	readAt time.Time // wall clock when the folder was last listed
	loaded bool
	// onError reports a window file that cannot be read (logged, never fatal).
	onError func(path string, err error)
}

// NewMaintenance builds the windows of cfg (validated by Decode) and the folder
// STATE/maintenance.
func NewMaintenance(cfg *Config, stateDir string, onError func(string, error)) *Maintenance {
	m := &Maintenance{onError: onError}
	if stateDir != "" {
		m.dir = filepath.Join(stateDir, MaintenanceDir)
	}
	if m.onError == nil {
		m.onError = func(string, error) {}
	}
	if cfg != nil {
		for i, w := range cfg.Maintenance {
			from, _ := time.Parse(time.RFC3339, w.From)
			until, _ := time.Parse(time.RFC3339, w.Until)
			m.static = append(m.static, Span{Checks: w.Checks, Panes: w.Panes, From: from, Until: until,
				Reason: w.Reason, source: fmt.Sprintf("alerts.maintenance[%d]", i)})
		}
	}
	return m
}

// Active reports whether notifications for the check wait now. A nil Maintenance has no
// windows.
func (m *Maintenance) Active(check string, pane probes.Pane, now time.Time) bool {
	_, ok := m.Covering(check, pane, now)
	return ok
}

// Covering is the window that keeps the check's notifications waiting now, if any: the
// timeline names it ("silenced by maintenance: deploy, by runbook deploy (sam@ops-1)").
func (m *Maintenance) Covering(check string, pane probes.Pane, now time.Time) (Span, bool) {
	if m == nil {
		return Span{}, false
	}
	for _, sp := range m.static {
		if sp.covers(check, pane, now) {
			return sp, true
		}
	}
	for _, sp := range m.fileSpans(now) {
		if sp.covers(check, pane, now) {
			return sp, true
		}
	}
	return Span{}, false
}

// Open lists the windows open now, for the log and the console.
func (m *Maintenance) Open(now time.Time) []Span {
	if m == nil {
		return nil
	}
	var out []Span
	for _, sp := range append(slices.Clone(m.static), m.fileSpans(now)...) {
		if !now.Before(sp.From) && now.Before(sp.Until) {
			out = append(out, sp)
		}
	}
	return out
}

func (m *Maintenance) fileSpans(now time.Time) []Span {
	if m.dir == "" {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	st, err := os.Stat(m.dir)
	if err != nil {
		m.files, m.loaded = nil, true
		return nil
	}
	// The folder's mtime moves in the kernel's timestamp ticks (a few ms): a window file
	// created in the same tick as the last listing leaves it unchanged. So the listing is
	// trusted only once the folder's mtime is safely older than the listing itself (the
	// "racy" check git makes of its index).
	if m.loaded && st.ModTime().Equal(m.mtime) && m.readAt.Sub(m.mtime) > racyMtime {
		return m.files
	}
	m.mtime, m.readAt, m.loaded = st.ModTime(), time.Now(), true
	m.files = nil
	ents, _ := os.ReadDir(m.dir)
	for _, ent := range ents {
		if ent.IsDir() || filepath.Ext(ent.Name()) != ".json" {
			continue
		}
		p := filepath.Join(m.dir, ent.Name())
		sp, err := readSpan(p)
		if err != nil {
			m.onError(p, err)
			continue
		}
		if !now.Before(sp.Until.Add(time.Hour)) {
			os.Remove(p) // long over: tidy up after a runbook that died mid-window
			continue
		}
		m.files = append(m.files, sp)
	}
	return m.files
}

func readSpan(p string) (Span, error) {
	f, err := os.Open(p)
	if err != nil {
		return Span{}, err
	}
	defer f.Close()
	var sp Span
	dec := json.NewDecoder(&limited{r: f, n: 64 << 10})
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sp); err != nil {
		return Span{}, fmt.Errorf("not a maintenance window (%v); see StartMaintenance for the format", err)
	}
	if sp.Until.IsZero() {
		return Span{}, errors.New("has no until: a window without an end is ignored")
	}
	sp.source = p
	return sp, nil
}

// limited is io.LimitReader that fails instead of truncating silently.
type limited struct {
	r interface{ Read([]byte) (int, error) }
	n int64
}

func (l *limited) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, errors.New("file is larger than 64 KiB")
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

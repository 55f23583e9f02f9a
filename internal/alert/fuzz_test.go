package alert

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/launchready/launchready/probes"
)

// FuzzMaintenanceFile: a window file is written by runbooks and people; whatever it holds,
// reading it ends in a window or an error, never a panic, and a window without an end is
// never active.
func FuzzMaintenanceFile(f *testing.F) {
	f.Add([]byte(`{"checks":["http api.*"],"from":"2026-11-28T02:00:00Z","until":"2026-11-28T03:00:00Z","reason":"deploy"}`))
	f.Add([]byte(`{"panes":["endpoints"],"until":"2026-11-28T03:00:00Z"}`))
	f.Add([]byte(`{"checks":["["]}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		os.MkdirAll(filepath.Join(dir, MaintenanceDir), 0o700)
		os.WriteFile(filepath.Join(dir, MaintenanceDir, "w.json"), data, 0o600)
		m := NewMaintenance(nil, dir, nil)
		now := time.Date(2026, 11, 28, 2, 30, 0, 0, time.UTC)
		for _, sp := range m.Open(now) {
			if sp.Until.IsZero() {
				t.Fatalf("a window without until is open: %+v", sp)
			}
		}
		m.Active("http api.acme.example", probes.PaneEndpoints, now)
	})
}

// FuzzJournalReplay: whatever the journal holds (a crash, a disk error, an edit), opening
// the store replays what it can and never panics.
func FuzzJournalReplay(f *testing.F) {
	f.Add([]byte(`{"op":"alert","alert":{"key":"k","check":"c","firing":true,"notified":true,"channels":["hook"]}}` + "\n" +
		`{"op":"queue","note":{"id":"1","channel":"hook","kind":"firing","alert":{"key":"k"}}}` + "\n" +
		`{"op":"done","channel":"hook","ids":["1"]}` + "\n" + `{"op":"drop","key":"k"}` + "\n"))
	f.Add([]byte(`{"op":"health","health":{"channel":"hook","up":false}}` + "\n" + `{"op":"al`))
	f.Add([]byte("\x00\xff\n\n{}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, JournalName), data, 0o600)
		s, err := OpenStore(dir, nil, nil)
		if err != nil {
			return
		}
		s.Alerts()
		s.QueuedTotal()
		s.Close()
		// What it rewrote must replay to the same state.
		s2, err := OpenStore(dir, nil, nil)
		if err != nil {
			t.Fatalf("the compacted journal does not reopen: %v", err)
		}
		s2.Close()
	})
}

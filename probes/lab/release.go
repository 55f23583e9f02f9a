package lab

import (
	"bytes"
	"os"
	"path/filepath"
	"time"
)

// ReleaseFile is the file in Lab.Dir a runbook step writes a release name into ("v42")
// to deploy it to the lab. A file rather than a port: the step is a shell command that
// already gets the lab's folder ($LAUNCHREADY_LAB_DIR), it reaches nothing off this
// machine, and nothing else ever writes there.
const ReleaseFile = "release"

// releasePoll is how often the lab looks at ReleaseFile: quick enough that a deploy's
// next check sees the change, cheap enough (one small read) to forget about.
const releasePoll = 250 * time.Millisecond

// Release is what deploying to the lab does. While ReleaseFile names Live (or is
// absent) the lab is as the scenario built it; any other release replaces Owner's
// records in Origin with Records and Host's route Route.Path with Route, and writing
// Live back (a rollback) restores both. It is how the demo's deploy changes a record
// and breaks an endpoint, so the timeline has a real story to tell.
type Release struct {
	Live          string
	Origin, Owner string
	Records       []string
	Host          string
	Route         Route
	// was is what the scenario had before the release: restored on rollback.
	wasRecords []string
	wasRoute   Route
}

// watchRelease applies the release file's changes until Close; a scenario without a
// Release starts nothing.
func (l *Lab) watchRelease(r *Release) {
	if r == nil {
		return
	}
	path := filepath.Join(l.Dir, ReleaseFile)
	go func() {
		t := time.NewTicker(releasePoll)
		defer t.Stop()
		applied := r.Live
		for {
			select {
			case <-l.done:
				return
			case <-t.C:
			}
			b, err := os.ReadFile(path)
			if err != nil {
				continue // not written yet: the live release
			}
			want := string(bytes.TrimSpace(b))
			if want == "" || want == applied {
				continue
			}
			l.deploy(r, want)
			applied = want
		}
	}()
}

// deploy puts release v on the lab: the scenario as built for Live, the broken release
// for anything else.
func (l *Lab) deploy(r *Release, v string) {
	records, route := r.Records, r.Route
	if v == r.Live {
		records, route = r.wasRecords, r.wasRoute
	}
	if err := l.SetRecords(r.Origin, r.Owner, records...); err != nil {
		return // the scenario's own records: validated when it was planted
	}
	l.SetRoute(r.Host, true, route)
}

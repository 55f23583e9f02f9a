// Package timeline is the incident timeline: one chronological stream of changes (not
// states) across the console's panes, and for any failure the changes that came just
// before it, so a rollback starts from evidence.
//
// Changes come from three places. Results: a Detector compares each result with the
// previous one of the same check as the history store writes it, and stores what differs
// in the store's events table. Runbook transcripts: each run's start, steps, rollback and
// outcome, with who ran it, read from the transcripts where they already are durable (a
// run in a read-only console cannot write the history database, but its transcript is
// there). Sessions: a console or watch starting and stopping, and the config's hash
// changing, written by the session itself.
package timeline

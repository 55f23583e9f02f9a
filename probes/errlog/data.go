package errlog

import (
	"time"

	"github.com/launchready/launchready/probes"
)

// Snapshot is the pane's state at one moment: Result.Data of every run, and what
// NewGroupsSince and Snapshot return. Every string in it has been redacted.
type Snapshot struct {
	// At is when the snapshot was taken; Since is when the sources started.
	At    time.Time `json:"at"`
	Since time.Time `json:"since"`
	// Sources are the log sources and what each is doing.
	Sources []SourceStatus `json:"sources"`
	// Groups are the error groups, most recently seen first.
	Groups []Group `json:"groups"`
	// NewGroups counts groups first seen within new_window.
	NewGroups int `json:"new_groups"`
	// ErrorsPerMin is the error rate over the last five minutes (fewer if watching for
	// less), counting errors as they arrived; PerMinute is the last hour, oldest first.
	ErrorsPerMin float64 `json:"errors_per_min"`
	PerMinute    []int   `json:"per_minute"`
	// Lines, Events and Errors count physical lines, entries (a stack trace is one entry)
	// and entries at an error level; Levels counts entries by level.
	Lines  int64            `json:"lines"`
	Events int64            `json:"events"`
	Errors int64            `json:"errors"`
	Levels map[string]int64 `json:"levels"`
	// EvictedGroups counts groups dropped to stay within caps.groups (least recently
	// seen first). TruncatedLines were longer than caps.line_bytes; BinaryLines were not
	// text; CutLines were stack lines past caps.event_lines.
	EvictedGroups  int64 `json:"evicted_groups"`
	TruncatedLines int64 `json:"truncated_lines"`
	BinaryLines    int64 `json:"binary_lines"`
	CutLines       int64 `json:"cut_lines"`
	// UnleveledTraces counts stack traces logged with no level at all (a recovered Go
	// panic from net/http, a bare Python traceback with a message before it); they are
	// not errors unless errors.levels lists "unleveled". The latest is kept.
	UnleveledTraces    int64   `json:"unleveled_traces"`
	LastUnleveledTrace *Sample `json:"last_unleveled_trace,omitempty"`
	// Redacted counts what was removed from kept entries, by kind (email, stripe-key...).
	Redacted map[string]int `json:"redacted"`
}

// Group is one kind of error: every occurrence with the same fingerprint.
type Group struct {
	Fingerprint string        `json:"fingerprint"`
	Title       string        `json:"title"`
	Level       string        `json:"level"`
	Impact      probes.Impact `json:"impact"`
	Count       int64         `json:"count"`
	FirstSeen   time.Time     `json:"first_seen"`
	LastSeen    time.Time     `json:"last_seen"`
	// Backfill: first read from the backlog at start, so FirstSeen is when launchready
	// read it; the sample's Time is what the log said.
	Backfill bool `json:"backfill"`
	// LastHour and PerMinute count occurrences as they arrived (the backlog is not in
	// them): PerMinute is the sparkline, 60 minutes, oldest first.
	LastHour  int      `json:"last_hour"`
	PerMinute []int    `json:"per_minute"`
	Sources   []string `json:"sources"`
	// Sample is the latest occurrence, with its stack, secrets removed.
	Sample Sample `json:"sample"`
}

// Sample is one occurrence of an error, redacted and capped (caps.sample_bytes).
type Sample struct {
	Time      string  `json:"time,omitempty"` // the log's own timestamp, as written
	Source    string  `json:"source"`
	Level     string  `json:"level"`
	Message   string  `json:"message"`
	Error     string  `json:"error,omitempty"`
	Stack     string  `json:"stack,omitempty"`
	RequestID string  `json:"request_id,omitempty"`
	Fields    []Field `json:"fields,omitempty"`
}

// Field is one other field of a structured entry.
type Field struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// SourceStatus is what one source is doing.
type SourceStatus struct {
	Name string `json:"name"`
	Kind string `json:"kind"` // file or command
	// Target is the file's path or the command (redacted).
	Target string `json:"target"`
	// State: starting, following, waiting (the file does not exist yet), restarting
	// (the command exited and waits to be started again), error, stopped.
	State string    `json:"state"`
	Since time.Time `json:"since"` // when it entered State
	// Error says what is wrong (state error), or the command's latest line on stderr.
	Error string `json:"error,omitempty"`
	// Lines read; Rotations and Truncations seen (file); Restarts and StderrLines (command).
	Lines       int64     `json:"lines"`
	LastLine    time.Time `json:"last_line,omitzero"`
	Rotations   int       `json:"rotations,omitempty"`
	Truncations int       `json:"truncations,omitempty"`
	Restarts    int       `json:"restarts,omitempty"`
	StderrLines int64     `json:"stderr_lines,omitempty"`
}

// Source states.
const (
	StateStarting   = "starting"
	StateFollowing  = "following"
	StateWaiting    = "waiting"
	StateRestarting = "restarting"
	StateError      = "error"
	StateStopped    = "stopped"
)

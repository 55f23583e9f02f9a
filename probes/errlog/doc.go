// Package errlog is the Recent errors pane: it tails the application's logs, joins
// multi-line stack traces into their entry, removes secrets and personal data, and groups
// errors by fingerprint, so 120 copies of one webhook failure are one row with a count
// and a sparkline, and opening it shows the latest stack with secrets already removed.
//
// # Sources
//
// A file is followed like tail -F (backfill of its last N lines at start; rotation by
// rename and by truncation; a file that does not exist yet). A command's stdout is
// streamed (journalctl -fu app -o json, docker logs -f app, kubectl logs -f ...); it runs
// in its own process group, is restarted with backoff when it exits, and its stderr is
// the source's error. Each source's state is in Snapshot.Sources: starting, following,
// waiting, restarting, error, stopped.
//
// # Parsing
//
// JSON lines (level/severity/lvl/priority, msg/message, error/err/exception and error
// objects, stack/stacktrace, time/ts/timestamp, request_id), logfmt, and plain text with
// level words (ERROR, [warn], error:, klog's E1128). Go panics and goroutine dumps,
// Python tracebacks (chained too), Java and Node "at" frames with "Caused by:", and Ruby
// backtraces are joined into one entry. Only the configured levels (default error and
// above) are kept; every entry is counted.
//
// # Result
//
// Findings: errors.new-group (medium; high for payments, critical or fatal levels, or
// once seen `burst` times), errors.rate (high at rate_high errors/min over five minutes,
// critical at rate_critical), errors.source-down (high, support: errors go unseen),
// errors.source-waiting (medium: the file is not there), errors.secrets-logged (medium,
// data exposure; high for a card, a private key or one of launchready's own secrets).
// Each group's evidence is its latest sample with its stack, redacted.
//
// Metrics: errors_per_min, groups, new_groups, errors, lines, evicted_groups, sources,
// sources_down, unleveled_traces. Data: a Snapshot (groups with per-minute counts for the
// last hour, samples, sources, counts by level, evictions, redactions by kind).
//
// Memory is bounded by the caps: at most caps.groups groups (least recently seen evicted,
// counted), one sample of at most caps.sample_bytes each, lines cut at caps.line_bytes.
package errlog

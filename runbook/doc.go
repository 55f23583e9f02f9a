// Package runbook walks an operator through deploys, rollbacks and secret rotations: it
// parses and validates YAML runbooks, runs their steps, waits for checks, rolls completed
// steps back, and records everything in an append-only transcript. It has no UI and never
// imports the console: a UI drives it through three seams.
//
//   - Prompter: the engine asks, on its own goroutine, and blocks for the answer (Confirm,
//     Input, Choose), like a permission service a UI grants. The CLI answers on the
//     terminal; the console answers from a dialog.
//   - Events: every Event, in order and already redacted, goes to Options.Observe (called
//     on the engine's goroutine) and Options.Events (a channel), after it is fsynced to
//     the transcript. The transcript is the same events as JSON lines.
//   - Engine.StopStep: the console's ctrl+c; cancelling the run's context is "the
//     terminal is lost": the engine detaches, a running command keeps running, and
//     Resume picks the run up.
//
// Commands run as `bash -c TEXT` under a small wrapper, in their own session and process
// group, with output to a file the engine tails and the exit status written by the wrapper
// to another file. Inputs and generated secrets reach them only as environment variables.
// A timeout or StopStep kills the whole group (SIGTERM, then SIGKILL).
//
// Conditions a check: step waits for are ConditionKinds: endpoint (a check from
// launchready.yaml healthy), dns (a record with exactly the given values) and certificate
// (valid with more than min_days left) live here; "no new error groups since the run
// started" and "smoke passes" plug in from their own packages through Env.Kinds.
//
// State lives in a Store inside the state folder: runbooks/lock (one run at a time, who
// holds it and since when; a dead holder on this host is stale), runbooks/runs/ID.jsonl
// (the transcript, 0600) and runbooks/runs/ID/ (a running command's raw output and exit
// status, 0600, removed when the run ends).
package runbook

#!/usr/bin/env bash
# bench-console.sh: what the console (`launchready` with no subcommand) costs left open all
# launch week on 100 HTTPS checks every 10 s.
#
# The same loopback target as bench-watch.sh (scripts/benchtarget: the built-in lab with 100
# HTTPS sites, each on its own 127.0.0.1 port with its own certificate), run with -count: a
# forwarder in the target's process counts the TCP connections the checks open (one fresh
# TCP+TLS connection per check), because the console keeps no per-run metric of its own.
# The console runs as `launchready --only endpoints` (the config's hosts would otherwise
# also get the DNS and Certificates panes' checks) inside a private tmux server at 120x40,
# so it has a real terminal and renders every result. After a warm-up it reads the
# console's CPU time (utime+stime from /proc/PID/stat) and resident memory (VmRSS from
# /proc/PID/status, sampled every 5 s) over the measured window, and divides the CPU by
# the connections counted in that window. Only the console process is measured: not the
# target, not tmux (as for updo, the Go TUI peer, measured the same way).
#
# Usage: scripts/bench-console.sh [SECONDS] [WARMUP] [SITES]   (default 180 30 100)
# Needs Linux (/proc), Go, tmux and curl. Sends traffic to 127.0.0.1 only. Not run by go test.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${1:-180}
WARMUP=${2:-30}
SITES=${3:-100}
TARGET_CPU_MS=0.8
TARGET_RSS_MB=40

work=$(mktemp -d)
sock="$work/tmux.sock"
pids=()
cleanup() {
  # The console first, by its pid, then the private tmux server and the target by theirs.
  if [ -n "${cpid:-}" ]; then kill "$cpid" 2>/dev/null || true; fi
  if [ -n "${tpid:-}" ]; then kill "$tpid" 2>/dev/null || true; fi
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

source scripts/benchlib.sh
bench_build
bench_target "$SITES" -count

# A private tmux server (its own socket in $work), so no one else's tmux is touched. exec:
# the pane's process is the console itself.
env -u TMUX tmux -S "$sock" -f /dev/null new-session -d -x 120 -y 40 \
  "exec env BENCH_HOOK_URL=http://127.0.0.1:9/unused TERM=tmux-256color '$work/launchready' --only endpoints --config '$bench_config' --state '$work/state' 2>'$work/console.err'"
tpid=$(tmux -S "$sock" display-message -p '#{pid}')
cpid=$(tmux -S "$sock" display-message -p '#{pane_pid}')
sleep 1
kill -0 "$cpid" 2>/dev/null || { echo "the console did not start:"; cat "$work/console.err"; exit 1; }
[ "$(cat "/proc/$cpid/comm")" = launchready ] || { echo "pane process $cpid is $(cat "/proc/$cpid/comm"), not launchready"; exit 1; }

conns() { curl -sf "$bench_count"; }

echo "console pid $cpid in tmux 120x40: $SITES HTTPS checks every 10 s; warming up ${WARMUP}s, then measuring ${DURATION}s"
bench_window "$cpid" "$WARMUP" "$DURATION" conns

# Proof that it rendered: the screen as the operator sees it.
tmux -S "$sock" capture-pane -p >"$work/screen"
echo "--- the console's screen at the end (first 12 lines) ---"
head -12 "$work/screen"
echo "---"

bench_report "counted at the target " "$TARGET_CPU_MS" "$TARGET_RSS_MB" 1
echo "(updo, the Go TUI peer, measured the same way: 2.5 ms / 74 MB)"

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

echo "building launchready and the target..."
# Built as the ops box gets it (examples/launchready-watch.service's install steps; the
# console opened over SSH there is the same binary): static, as `go build` makes on a box
# without a C compiler.
CGO_ENABLED=0 go build -o "$work/launchready" ./cmd/launchready
go build -o "$work/benchtarget" ./scripts/benchtarget

"$work/benchtarget" -count -n "$SITES" -dir "$work/target" >"$work/target.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q '^ready' "$work/target.out" 2>/dev/null && break; sleep 0.1; done
grep -q '^ready' "$work/target.out" || { echo "the target did not start:"; cat "$work/target.out"; exit 1; }
config=$(awk '/^ready/ {print $2}' "$work/target.out")
counturl=$(awk '/^count/ {print $2}' "$work/target.out")

# A private tmux server (its own socket in $work), so no one else's tmux is touched. exec:
# the pane's process is the console itself.
env -u TMUX tmux -S "$sock" -f /dev/null new-session -d -x 120 -y 40 \
  "exec env BENCH_HOOK_URL=http://127.0.0.1:9/unused TERM=tmux-256color '$work/launchready' --only endpoints --config '$config' --state '$work/state' 2>'$work/console.err'"
tpid=$(tmux -S "$sock" display-message -p '#{pid}')
cpid=$(tmux -S "$sock" display-message -p '#{pane_pid}')
sleep 1
kill -0 "$cpid" 2>/dev/null || { echo "the console did not start:"; cat "$work/console.err"; exit 1; }
[ "$(cat "/proc/$cpid/comm")" = launchready ] || { echo "pane process $cpid is $(cat "/proc/$cpid/comm"), not launchready"; exit 1; }

ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$cpid/stat"; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$cpid/status"; }
conns() { curl -sf "$counturl"; }

echo "console pid $cpid in tmux 120x40: $SITES HTTPS checks every 10 s; warming up ${WARMUP}s, then measuring ${DURATION}s"
sleep "$WARMUP"
c0=$(cpu); r0=$(conns); t0=$(date +%s.%N)
samples=()
elapsed=0
while [ "$elapsed" -lt "$DURATION" ]; do
  step=$(( DURATION - elapsed < 5 ? DURATION - elapsed : 5 ))
  sleep "$step"
  elapsed=$((elapsed + step))
  samples+=("$(rss_kb)")
done
c1=$(cpu); r1=$(conns); t1=$(date +%s.%N)

# Proof that it rendered: the screen as the operator sees it.
tmux -S "$sock" capture-pane -p >"$work/screen"
echo "--- the console's screen at the end (first 12 lines) ---"
head -12 "$work/screen"
echo "---"

printf '%s\n' "${samples[@]}" | sort -n >"$work/rss"
awk -v c0="$c0" -v c1="$c1" -v r0="$r0" -v r1="$r1" -v t0="$t0" -v t1="$t1" -v hz="$ticks" \
    -v tcpu="$TARGET_CPU_MS" -v trss="$TARGET_RSS_MB" -v sites="$SITES" -v rssfile="$work/rss" '
BEGIN {
  n = 0; sum = 0
  while ((getline v < rssfile) > 0) { rss[n++] = v; sum += v }
  cpu = (c1 - c0) / hz; checks = r1 - r0; wall = t1 - t0
  per = checks > 0 ? cpu / checks * 1000 : 0
  median = rss[int(n / 2)] / 1024; peak = rss[n - 1] / 1024; mean = sum / n / 1024
  printf "window        %.0f s\n", wall
  printf "checks        %d counted (%.1f per second; %d sites every 10 s would be %.1f)\n", checks, checks / wall, sites, sites / 10
  printf "CPU           %.2f s (%.1f%% of one core)\n", cpu, cpu / wall * 100
  printf "CPU per check %.3f ms   (target <= %.2f ms)\n", per, tcpu
  printf "RSS           median %.1f MB, mean %.1f MB, max %.1f MB   (target <= %d MB)\n", median, mean, peak, trss
  ok = checks > 0 && per <= tcpu && median <= trss && peak <= trss
  printf "result        %s\n", ok ? "within target" : "OVER target"
}'
echo "(updo, the Go TUI peer, measured the same way: 2.5 ms / 74 MB)"

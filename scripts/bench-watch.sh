#!/usr/bin/env bash
# bench-watch.sh: what `launchready watch` costs on an ops box.
#
# A loopback target (scripts/benchtarget: the built-in lab with 100 HTTPS sites, each on its
# own 127.0.0.1 port with its own certificate) and a real `launchready watch --only
# endpoints` checking every site every 10 s, a fresh TCP+TLS connection per check, alerting
# and history on. (--only endpoints: the config's hosts would otherwise also get the DNS and
# Certificates panes' checks, and the peers' figures are for HTTPS checks alone.) After a warm-up, it
# reads the watch process's CPU time (utime+stime from /proc/PID/stat) and resident memory
# (VmRSS from /proc/PID/status, sampled every 5 s) for the measured window, and counts the
# checks that ran from watch's own /metrics (launchready_probe_runs_total, kind="http").
# The target runs in its own process, so its TLS work is not counted: as for the peers
# (gatus, blackbox_exporter, updo), only the checker is measured.
#
# Usage: scripts/bench-watch.sh [SECONDS] [WARMUP] [SITES]   (default 180 30 100)
# Needs Linux (/proc), Go and curl. Sends traffic to 127.0.0.1 only. Not run by go test.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${1:-180}
WARMUP=${2:-30}
SITES=${3:-100}
TARGET_CPU_MS=0.45
TARGET_RSS_MB=28

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "building launchready and the target..."
# Built as the ops box gets it (examples/launchready-watch.service's install steps): a
# static binary, as `go build` makes on a box without a C compiler.
CGO_ENABLED=0 go build -o "$work/launchready" ./cmd/launchready
go build -o "$work/benchtarget" ./scripts/benchtarget

"$work/benchtarget" -n "$SITES" -dir "$work/target" >"$work/target.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q '^ready' "$work/target.out" 2>/dev/null && break; sleep 0.1; done
grep -q '^ready' "$work/target.out" || { echo "the target did not start:"; cat "$work/target.out"; exit 1; }
config=$(awk '/^ready/ {print $2}' "$work/target.out")

BENCH_HOOK_URL=http://127.0.0.1:9/unused "$work/launchready" watch --only endpoints --config "$config" --state "$work/state" \
  --listen 127.0.0.1:0 2>"$work/watch.err" &
wpid=$!
pids+=($wpid)
for _ in $(seq 100); do grep -q 'metrics on' "$work/watch.err" 2>/dev/null && break; sleep 0.1; done
kill -0 "$wpid" 2>/dev/null || { echo "watch did not start:"; cat "$work/watch.err"; exit 1; }
addr=$(sed -n 's|.*metrics on http://\([^/]*\)/metrics.*|\1|p' "$work/watch.err")

ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$wpid/stat"; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$wpid/status"; }
runs() { curl -sf "http://$addr/metrics" | awk '/^launchready_probe_runs_total\{/ && /kind="http"/ {s += $NF} END {print s+0}'; }

echo "watch pid $wpid: $SITES HTTPS checks every 10 s; warming up ${WARMUP}s, then measuring ${DURATION}s"
sleep "$WARMUP"
c0=$(cpu); r0=$(runs); t0=$(date +%s.%N)
samples=()
elapsed=0
while [ "$elapsed" -lt "$DURATION" ]; do
  step=$(( DURATION - elapsed < 5 ? DURATION - elapsed : 5 ))
  sleep "$step"
  elapsed=$((elapsed + step))
  samples+=("$(rss_kb)")
done
c1=$(cpu); r1=$(runs); t1=$(date +%s.%N)

printf '%s\n' "${samples[@]}" | sort -n >"$work/rss"
awk -v c0="$c0" -v c1="$c1" -v r0="$r0" -v r1="$r1" -v t0="$t0" -v t1="$t1" -v hz="$ticks" \
    -v tcpu="$TARGET_CPU_MS" -v trss="$TARGET_RSS_MB" -v rssfile="$work/rss" '
BEGIN {
  n = 0; sum = 0
  while ((getline v < rssfile) > 0) { rss[n++] = v; sum += v }
  cpu = (c1 - c0) / hz; checks = r1 - r0; wall = t1 - t0
  per = checks > 0 ? cpu / checks * 1000 : 0
  median = rss[int(n / 2)] / 1024; peak = rss[n - 1] / 1024; mean = sum / n / 1024
  printf "window        %.0f s\n", wall
  printf "checks        %d (%.1f per second)\n", checks, checks / wall
  printf "CPU           %.2f s (%.1f%% of one core)\n", cpu, cpu / wall * 100
  printf "CPU per check %.3f ms   (target <= %.2f ms)\n", per, tcpu
  printf "RSS           median %.1f MB, mean %.1f MB, max %.1f MB   (target <= %d MB)\n", median, mean, peak, trss
  ok = per <= tcpu && median <= trss
  printf "result        %s\n", ok ? "within target" : "OVER target"
}'
echo "(peers measured the same way: gatus 1.7 ms / 34 MB, blackbox_exporter 1.3 ms / 36 MB, updo 0.6 ms / 63 MB)"
kill -TERM "$wpid"

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

source scripts/benchlib.sh
bench_build
bench_target "$SITES"

BENCH_HOOK_URL=http://127.0.0.1:9/unused "$work/launchready" watch --only endpoints --config "$bench_config" --state "$work/state" \
  --listen 127.0.0.1:0 2>"$work/watch.err" &
wpid=$!
pids+=($wpid)
for _ in $(seq 100); do grep -q 'metrics on' "$work/watch.err" 2>/dev/null && break; sleep 0.1; done
kill -0 "$wpid" 2>/dev/null || { echo "watch did not start:"; cat "$work/watch.err"; exit 1; }
addr=$(sed -n 's|.*metrics on http://\([^/]*\)/metrics.*|\1|p' "$work/watch.err")

runs() { curl -sf "http://$addr/metrics" | awk '/^launchready_probe_runs_total\{/ && /kind="http"/ {s += $NF} END {print s+0}'; }

echo "watch pid $wpid: $SITES HTTPS checks every 10 s; warming up ${WARMUP}s, then measuring ${DURATION}s"
bench_window "$wpid" "$WARMUP" "$DURATION" runs
bench_report "" "$TARGET_CPU_MS" "$TARGET_RSS_MB" 0
echo "(peers measured the same way: gatus 1.7 ms / 34 MB, blackbox_exporter 1.3 ms / 36 MB, updo 0.6 ms / 63 MB)"
kill -TERM "$wpid"

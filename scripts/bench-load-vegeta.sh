#!/usr/bin/env bash
# bench-load-vegeta.sh: does `launchready load`'s generator measure p95 as the vegeta CLI
# does? Both load one loopback target (scripts/loadtarget: every answer waits a latency
# drawn uniformly from 5-25 ms, so the true p95 is 24 ms plus the loopback's own cost) at
# the same rate for the same time, and their p95s are printed side by side.
#
# Usage: scripts/bench-load-vegeta.sh [RATE] [SECONDS] [MODE]   (default 200 20 together)
#   MODE together: both at once (each at RATE, the target sees twice that), so they share
#                  the machine's state minute for minute;
#   MODE apart:    vegeta first, then the library, each alone.
# The vegeta CLI is v12.13.0, the version the library is (go install from the Go module
# proxy into a temporary GOBIN); the library runs as BenchmarkAgainstTarget in
# internal/load. Sends traffic to 127.0.0.1 only. Not run by go test.
set -euo pipefail
cd "$(dirname "$0")/.."

RATE=${1:-200}
SECONDS_=${2:-20}
MODE=${3:-together}

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "building: vegeta v12.13.0, the target, the library's bench" >&2
GOBIN="$work/bin" go install github.com/tsenart/vegeta/v12@v12.13.0
go build -o "$work/loadtarget" ./scripts/loadtarget
go test -c -o "$work/load.test" ./internal/load

"$work/loadtarget" >"$work/url" &
pids+=($!)
for _ in $(seq 50); do [ -s "$work/url" ] && break; sleep 0.1; done
URL=$(head -1 "$work/url")
echo "target $URL, $RATE/s for ${SECONDS_}s, $MODE" >&2

run_vegeta() {
  echo "GET $URL" | "$work/bin/vegeta" attack -rate="$RATE" -duration="${SECONDS_}s" -timeout=5s >"$work/vegeta.bin"
  "$work/bin/vegeta" report -type=json <"$work/vegeta.bin" >"$work/vegeta.json"
}
run_library() {
  LOAD_BENCH_URL="$URL" LOAD_BENCH_RATE="$RATE" LOAD_BENCH_SECONDS="$SECONDS_" \
    "$work/load.test" -test.run '^$' -test.bench AgainstTarget -test.benchtime 1x >"$work/library.txt"
}
if [ "$MODE" = apart ]; then
  run_vegeta
  run_library
else
  run_vegeta &
  v=$!
  run_library
  wait "$v"
fi

# vegeta: latencies in ns; the bench: p95 in µs.
v95=$(grep -o '"95th":[0-9]*' "$work/vegeta.json" | cut -d: -f2)
v50=$(grep -o '"50th":[0-9]*' "$work/vegeta.json" | cut -d: -f2)
vreq=$(grep -o '"requests":[0-9]*' "$work/vegeta.json" | head -1 | cut -d: -f2)
l95=$(grep -o '[0-9.]* p95-µs' "$work/library.txt" | cut -d' ' -f1)
l50=$(grep -o '[0-9.]* p50-µs' "$work/library.txt" | cut -d' ' -f1)
lach=$(grep -o '[0-9.]* achieved/target' "$work/library.txt" | cut -d' ' -f1)
awk -v v95="$v95" -v v50="$v50" -v vreq="$vreq" -v l95="$l95" -v l50="$l50" -v lach="$lach" -v rate="$RATE" -v secs="$SECONDS_" 'BEGIN {
  printf "vegeta CLI   p50 %7.2f ms  p95 %7.2f ms  sent %.4f of target\n", v50/1e6, v95/1e6, vreq/(rate*secs)
  printf "library      p50 %7.2f ms  p95 %7.2f ms  sent %.4f of target\n", l50/1e3, l95/1e3, lach
  printf "p95 difference %+.1f%% (library against vegeta)\n", (l95/1e3 - v95/1e6) / (v95/1e6) * 100
}'

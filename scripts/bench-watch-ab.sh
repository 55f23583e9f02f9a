#!/usr/bin/env bash
# bench-watch-ab.sh: watch's cost, old binary against new, side by side in one run.
#
# The rule for every change: it may not raise `watch`'s CPU per HTTPS check or its RSS by
# more than 5%. This machine's absolute figures drift by a tenth of a millisecond per check
# from one run to the next, so the two binaries run at once, on one loopback target
# (scripts/benchtarget, as bench-watch.sh), each its own `watch --only endpoints` with its
# own state folder, measured over the same window: the difference holds even when the
# absolute figures move.
#
# Usage: scripts/bench-watch-ab.sh BASE [SECONDS] [WARMUP] [SITES]   (default 180 30 100)
#   BASE is a git revision (main~3, a tag, a commit): the old binary is built from it in a
#   temporary worktree; the new one from the working tree.
# Needs Linux (/proc), Go, git and curl. Sends traffic to 127.0.0.1 only. Not run by go test.
set -euo pipefail
cd "$(dirname "$0")/.."

BASE=${1:?usage: scripts/bench-watch-ab.sh BASE [SECONDS] [WARMUP] [SITES]}
DURATION=${2:-180}
WARMUP=${3:-30}
SITES=${4:-100}

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  git worktree remove --force "$work/base-src" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

source scripts/benchlib.sh
bench_build
echo "building the old binary from $BASE..."
git worktree add -q --detach "$work/base-src" "$BASE"
(cd "$work/base-src" && CGO_ENABLED=0 go build -o "$work/launchready-old" ./cmd/launchready)
bench_target "$SITES"

start_watch() { # BINARY NAME: starts a watch, sets the pid and metrics address
  BENCH_HOOK_URL=http://127.0.0.1:9/unused "$1" watch --only endpoints --config "$bench_config" --state "$work/state-$2" \
    --listen 127.0.0.1:0 2>"$work/watch-$2.err" &
  pids+=($!)
  eval "pid_$2=$!"
  for _ in $(seq 100); do grep -q 'metrics on' "$work/watch-$2.err" 2>/dev/null && break; sleep 0.1; done
  grep -q 'metrics on' "$work/watch-$2.err" || { echo "$2 watch did not start:"; cat "$work/watch-$2.err"; exit 1; }
  eval "addr_$2=$(sed -n 's|.*metrics on http://\([^/]*\)/metrics.*|\1|p' "$work/watch-$2.err")"
}
start_watch "$work/launchready-old" old
start_watch "$work/launchready" new
runs() { curl -sf "http://$1/metrics" | awk '/^launchready_probe_runs_total\{/ && /kind="http"/ {s += $NF} END {print s+0}'; }
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

echo "old ($BASE) pid $pid_old and new pid $pid_new: $SITES HTTPS checks every 10 s each; warming up ${WARMUP}s, then measuring ${DURATION}s"
sleep "$WARMUP"
co0=$(cpu "$pid_old"); cn0=$(cpu "$pid_new"); ro0=$(runs "$addr_old"); rn0=$(runs "$addr_new")
elapsed=0
: >"$work/rss-old"; : >"$work/rss-new"
while [ "$elapsed" -lt "$DURATION" ]; do
  step=$(( DURATION - elapsed < 5 ? DURATION - elapsed : 5 ))
  sleep "$step"; elapsed=$((elapsed + step))
  rss "$pid_old" >>"$work/rss-old"; rss "$pid_new" >>"$work/rss-new"
done
co1=$(cpu "$pid_old"); cn1=$(cpu "$pid_new"); ro1=$(runs "$addr_old"); rn1=$(runs "$addr_new")

report() { # NAME C0 C1 R0 R1
  sort -n "$work/rss-$1" | awk -v name="$1" -v c0="$2" -v c1="$3" -v r0="$4" -v r1="$5" -v hz="$(getconf CLK_TCK)" '
    { v[n++] = $1 }
    END {
      cpu = (c1 - c0) / hz; checks = r1 - r0
      printf "%-4s %6d checks  CPU per check %.3f ms  RSS median %.1f MB, max %.1f MB\n", name, checks, checks ? cpu / checks * 1000 : 0, v[int(n/2)] / 1024, v[n-1] / 1024
      print cpu / (checks ? checks : 1) * 1000, v[int(n/2)] / 1024 > "/dev/stderr"
    }'
}
report old "$co0" "$co1" "$ro0" "$ro1" 2>"$work/old.num"
report new "$cn0" "$cn1" "$rn0" "$rn1" 2>"$work/new.num"
paste "$work/old.num" "$work/new.num" | awk '{
  dc = ($3 - $1) / $1 * 100; dm = ($4 - $2) / $2 * 100
  printf "new vs old    CPU per check %+.1f%%  RSS %+.1f%%   (rule: at most +5%% each) -> %s\n", dc, dm, (dc <= 5 && dm <= 5) ? "within" : "OVER"
}'

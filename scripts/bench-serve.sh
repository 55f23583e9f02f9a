#!/usr/bin/env bash
# bench-serve.sh: what 10 people watching `launchready serve` over SSH cost, next to one
# `launchready watch` doing the same checks alone.
#
# The same loopback target as bench-watch.sh (scripts/benchtarget: 100 HTTPS sites, each on
# its own 127.0.0.1 port with its own certificate, checked every 10 s). Two engines check it
# at the same time, each with its own state folder: `launchready watch --only endpoints`
# (no console at all) and `launchready serve --ssh 127.0.0.1:0 --only endpoints`, whose
# config adds a serve: section with one viewer key made for the run. VIEWERS consoles are
# opened on serve with the system's OpenSSH client (`ssh -tt`), each in its own window of a
# private tmux server at 120x40, so every session has a real terminal and serve renders
# every result into each of them. The host key is pinned (known_hosts from the state
# folder's key), nothing else of the user's ~/.ssh is read.
#
# After a warm-up, both processes are measured over the same window: CPU time
# (utime+stime from /proc/PID/stat), resident memory (VmRSS from /proc/PID/status, sampled
# every 5 s), and the checks each ran from its own /metrics (launchready_probe_runs_total,
# kind="http"). The difference is what the viewers cost: CPU per check, and RSS per viewer.
# Only the two launchready processes are measured: not the target, not ssh, not tmux.
#
# Usage: scripts/bench-serve.sh [SECONDS] [WARMUP] [SITES] [VIEWERS]   (default 180 30 100 10;
# VIEWERS 0 gives serve's own cost over watch, with nobody connected)
# Needs Linux (/proc), Go, curl, tmux and the OpenSSH client (ssh, ssh-keygen; on Debian or
# Ubuntu: apt-get install -y openssh-client). Sends traffic to 127.0.0.1 only. Not run by
# go test.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${1:-180}
WARMUP=${2:-30}
SITES=${3:-100}
VIEWERS=${4:-10}
# Issue 22: 10 viewers add at most 0.1 ms CPU per check and 3 MB RSS each over one engine alone.
TARGET_EXTRA_CPU_MS=0.1
TARGET_EXTRA_RSS_MB=3

for tool in ssh ssh-keygen tmux curl; do
  command -v "$tool" >/dev/null || { echo "bench-serve.sh needs $tool (ssh, ssh-keygen: apt-get install -y openssh-client)"; exit 1; }
done

work=$(mktemp -d)
sock="$work/tmux.sock"
pids=()
cleanup() {
  # The SSH clients go with the private tmux server (its own socket), then serve, watch
  # and the target by their pids.
  if [ -n "${tpid:-}" ]; then kill "$tpid" 2>/dev/null || true; fi
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

source scripts/benchlib.sh
bench_build
bench_target "$SITES"

# started NAME PID: waits for the "metrics on" line of PID's stderr ($work/NAME.err).
started() {
  for _ in $(seq 100); do grep -q 'metrics on' "$work/$1.err" 2>/dev/null && break; sleep 0.1; done
  kill -0 "$2" 2>/dev/null || { echo "$1 did not start:"; cat "$work/$1.err"; exit 1; }
  grep -q 'metrics on' "$work/$1.err" || { echo "$1 did not report its metrics address:"; cat "$work/$1.err"; exit 1; }
  sed -n 's|.*metrics on http://\([^/]*\)/metrics.*|\1|p' "$work/$1.err"
}

BENCH_HOOK_URL=http://127.0.0.1:9/unused "$work/launchready" watch --only endpoints --config "$bench_config" \
  --state "$work/watch-state" --listen 127.0.0.1:0 2>"$work/watch.err" &
wpid=$!
pids+=($wpid)
waddr=$(started watch "$wpid")

ssh-keygen -q -t ed25519 -N '' -C bench-viewer -f "$work/viewer"
cp "$bench_config" "$work/serve.yaml"
printf 'serve:\n  max_sessions: %d\n  users:\n    - name: viewer\n      role: viewer\n      keys: ["%s"]\n' \
  "$VIEWERS" "$(cat "$work/viewer.pub")" >>"$work/serve.yaml"
BENCH_HOOK_URL=http://127.0.0.1:9/unused "$work/launchready" serve --ssh 127.0.0.1:0 --only endpoints --config "$work/serve.yaml" \
  --state "$work/serve-state" --listen 127.0.0.1:0 2>"$work/serve.err" &
spid=$!
pids+=($spid)
saddr=$(started serve "$spid")
sshport=$(sed -n 's|.*console on ssh://127\.0\.0\.1:\([0-9]*\) .*|\1|p' "$work/serve.err")
[ -n "$sshport" ] || { echo "serve did not say its SSH address:"; cat "$work/serve.err"; exit 1; }
echo "[127.0.0.1]:$sshport $(ssh-keygen -y -f "$work/serve-state/ssh_host_ed25519_key")" >"$work/known_hosts"

sshcmd="ssh -tt -F /dev/null -i '$work/viewer' -p $sshport -o IdentitiesOnly=yes -o BatchMode=yes \
  -o UserKnownHostsFile='$work/known_hosts' -o StrictHostKeyChecking=yes -o LogLevel=ERROR viewer@127.0.0.1"
# VIEWERS=0 measures serve's own cost over watch's (the SSH server, the hub) with nobody
# connected: a window that only waits keeps the private tmux server up.
if [ "$VIEWERS" -gt 0 ]; then first="exec env TERM=tmux-256color $sshcmd"; else first="exec sleep 100000"; fi
env -u TMUX tmux -S "$sock" -f /dev/null new-session -d -x 120 -y 40 "$first"
tpid=$(tmux -S "$sock" display-message -p '#{pid}')
for _ in $(seq 2 "$VIEWERS"); do
  tmux -S "$sock" new-window -d "exec env TERM=tmux-256color $sshcmd"
done
for _ in $(seq 100); do
  [ "$(grep -c 'ssh session started' "$work/serve-state/launchready.log" 2>/dev/null || true)" -ge "$VIEWERS" ] && break
  sleep 0.1
done
open=$(grep -c 'ssh session started' "$work/serve-state/launchready.log" 2>/dev/null || true)
[ "${open:-0}" -ge "$VIEWERS" ] || { echo "only ${open:-0} of $VIEWERS SSH consoles opened; serve said:"; cat "$work/serve.err"; exit 1; }

runs() { curl -sf "http://$1/metrics" | awk '/^launchready_probe_runs_total\{/ && /kind="http"/ {s += $NF} END {print s+0}'; }
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

echo "watch pid $wpid alone, serve pid $spid with $VIEWERS SSH viewers at 120x40: $SITES HTTPS checks every 10 s each;"
echo "warming up ${WARMUP}s, then measuring both over the same ${DURATION}s"
sleep "$WARMUP"
wc0=$(cpu "$wpid"); sc0=$(cpu "$spid"); wr0=$(runs "$waddr"); sr0=$(runs "$saddr"); t0=$(date +%s.%N)
elapsed=0
: >"$work/watch.rss"; : >"$work/serve.rss"
while [ "$elapsed" -lt "$DURATION" ]; do
  step=$(( DURATION - elapsed < 5 ? DURATION - elapsed : 5 ))
  sleep "$step"
  elapsed=$((elapsed + step))
  rss "$wpid" >>"$work/watch.rss"
  rss "$spid" >>"$work/serve.rss"
done
wc1=$(cpu "$wpid"); sc1=$(cpu "$spid"); wr1=$(runs "$waddr"); sr1=$(runs "$saddr"); t1=$(date +%s.%N)
still=$(( VIEWERS > 0 ? $(tmux -S "$sock" list-windows 2>/dev/null | wc -l) : 0 ))

echo "--- viewer 1's screen at the end (first 8 lines) ---"
tmux -S "$sock" capture-pane -p -t :0 | head -8
echo "---"

sort -n -o "$work/watch.rss" "$work/watch.rss"; sort -n -o "$work/serve.rss" "$work/serve.rss"
# Each engine's numbers (bench_report's lines without its targets, which are watch's), then
# the difference against the viewers' targets.
cp "$work/watch.rss" "$work/rss"; c0=$wc0 c1=$wc1 r0=$wr0 r1=$wr1
echo "== watch alone"
bench_report "" 0.45 28 0 | grep -v "^result" | sed "s/   (target.*//"
cp "$work/serve.rss" "$work/rss"; c0=$sc0 c1=$sc1 r0=$sr0 r1=$sr1
echo "== serve with $still of $VIEWERS viewers still connected at the end"
bench_report "" 0.45 28 0 | grep -v "^result" | sed "s/   (target.*//"
awk -v wc="$((wc1 - wc0))" -v sc="$((sc1 - sc0))" -v wr="$((wr1 - wr0))" -v sr="$((sr1 - sr0))" \
    -v hz="$(getconf CLK_TCK)" -v n="$VIEWERS" -v still="$still" -v tcpu="$TARGET_EXTRA_CPU_MS" -v trss="$TARGET_EXTRA_RSS_MB" \
    -v wf="$work/watch.rss" -v sf="$work/serve.rss" '
  function median(f,   a, k, v) { k = 0; while ((getline v < f) > 0) a[k++] = v; close(f); return a[int(k / 2)] / 1024 }
  BEGIN {
    wper = wr > 0 ? wc / hz / wr * 1000 : 0; sper = sr > 0 ? sc / hz / sr * 1000 : 0
    dcpu = sper - wper; drss = (median(sf) - median(wf)) / (n > 0 ? n : 1)
    print "== what the viewers add"
    printf "CPU per check +%.3f ms for %d viewers   (target <= %.2f ms)\n", dcpu, n, tcpu
    printf "RSS           +%.1f MB per viewer (median against median)   (target <= %d MB)\n", drss, trss
    ok = wr > 0 && sr > 0 && still == n && dcpu <= tcpu && drss <= trss
    printf "result        %s\n", ok ? "within target" : "OVER target"
  }'

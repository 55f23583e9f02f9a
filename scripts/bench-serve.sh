#!/usr/bin/env bash
# bench-serve.sh: what 10 people watching `launchready serve` over SSH cost, next to one
# local console (`launchready`, what one person watching costs without serve) and one
# `launchready watch` (no console at all) doing the same checks, all at the same time.
#
# The same loopback target as bench-watch.sh (scripts/benchtarget: 100 HTTPS sites, each on
# its own 127.0.0.1 port with its own certificate, checked every 10 s). Every engine checks
# it at once, each with its own state folder: `launchready watch --only endpoints`, the
# console `launchready --only endpoints` in a tmux window at 120x40, and
# `launchready serve --ssh 127.0.0.1:0 --only endpoints`, whose config adds a serve:
# section with one viewer key made for the run. VIEWERS consoles are opened on serve with
# the system's OpenSSH client (`ssh -tt`), each in its own tmux window at 120x40, so every
# session has a real terminal and serve draws into each of them. The host key is pinned
# (known_hosts from the state folder's key), nothing else of the user's ~/.ssh is read.
# With BASE=REV, a second serve built from git revision REV (in a temporary worktree) runs
# beside the first with as many viewers of its own: before and after in one run.
#
# After a warm-up, every process is measured over the same window: CPU time (utime+stime
# from /proc/PID/stat), resident memory (VmRSS from /proc/PID/status, sampled every 5 s),
# and the checks each ran: watch's and serve's from their /metrics
# (launchready_probe_runs_total, kind="http"), the console's as the connections the target
# accepted less the others' checks. The issue's target is serve with its viewers against
# the console alone: CPU per check, and RSS per viewer.
# Only the launchready processes are measured: not the target, not ssh, not tmux.
#
# Usage: [BASE=REV] [PROFILE=DIR] scripts/bench-serve.sh [SECONDS] [WARMUP] [SITES] [VIEWERS]
#   (default 180 30 100 10; VIEWERS 0 gives serve's own cost with nobody connected;
#   PROFILE=DIR writes serve's CPU and heap profiles there, serve.cpu and serve.heap)
# Needs Linux (/proc), Go, git, curl, tmux and the OpenSSH client (ssh, ssh-keygen; on
# Debian or Ubuntu: apt-get install -y openssh-client). Sends traffic to 127.0.0.1 only.
# Not run by go test.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${1:-180}
WARMUP=${2:-30}
SITES=${3:-100}
VIEWERS=${4:-10}
# Issue 22: 10 viewers add at most 0.1 ms CPU per check and 3 MB RSS each over one console alone.
TARGET_EXTRA_CPU_MS=0.1
TARGET_EXTRA_RSS_MB=3

for tool in ssh ssh-keygen tmux curl; do
  command -v "$tool" >/dev/null || { echo "bench-serve.sh needs $tool (ssh, ssh-keygen: apt-get install -y openssh-client)"; exit 1; }
done

work=$(mktemp -d)
sock="$work/tmux.sock"
pids=()
cleanup() {
  # The console and the SSH clients go with the private tmux server (its own socket), then
  # serve, watch and the target by their pids.
  if [ -n "${cpid:-}" ]; then kill "$cpid" 2>/dev/null || true; fi
  if [ -n "${tpid:-}" ]; then kill "$tpid" 2>/dev/null || true; fi
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "${BASE:-}" ]; then git worktree remove --force "$work/base-src" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

source scripts/benchlib.sh
bench_build
if [ -n "${BASE:-}" ]; then
  echo "building serve from $BASE..."
  git worktree add -q --detach "$work/base-src" "$BASE"
  (cd "$work/base-src" && CGO_ENABLED=0 go build -o "$work/launchready-base" ./cmd/launchready)
fi
bench_target "$SITES" -count

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

# The console alone, in the private tmux server's first window (which keeps the server up).
env -u TMUX tmux -S "$sock" -f /dev/null new-session -d -x 120 -y 40 \
  "exec env BENCH_HOOK_URL=http://127.0.0.1:9/unused TERM=tmux-256color '$work/launchready' --only endpoints --config '$bench_config' --state '$work/console-state' 2>'$work/console.err'"
tpid=$(tmux -S "$sock" display-message -p '#{pid}')
cpid=$(tmux -S "$sock" display-message -p '#{pane_pid}')
sleep 1
kill -0 "$cpid" 2>/dev/null || { echo "the console did not start:"; cat "$work/console.err"; exit 1; }
[ "$(cat "/proc/$cpid/comm")" = launchready ] || { echo "pane process $cpid is $(cat "/proc/$cpid/comm"), not launchready"; exit 1; }

ssh-keygen -q -t ed25519 -N '' -C bench-viewer -f "$work/viewer"
cp "$bench_config" "$work/serve.yaml"
printf 'serve:\n  max_sessions: %d\n  users:\n    - name: viewer\n      role: viewer\n      keys: ["%s"]\n' \
  "$((VIEWERS > 0 ? VIEWERS : 1))" "$(cat "$work/viewer.pub")" >>"$work/serve.yaml"

# start_serve NAME BINARY: a serve and VIEWERS SSH consoles on it, each in a tmux window;
# sets NAME_pid and NAME_addr.
start_serve() {
  local name=$1 bin=$2 prof=() sshport sshcmd
  if [ -n "${PROFILE:-}" ]; then mkdir -p "$PROFILE"; prof=(--cpuprofile "$PROFILE/$name.cpu" --memprofile "$PROFILE/$name.heap"); fi
  BENCH_HOOK_URL=http://127.0.0.1:9/unused "$bin" "${prof[@]}" serve --ssh 127.0.0.1:0 --only endpoints --config "$work/serve.yaml" \
    --state "$work/$name-state" --listen 127.0.0.1:0 2>"$work/$name.err" &
  pids+=($!)
  eval "${name}_pid=$!"
  eval "${name}_addr=$(started "$name" $!)"
  sshport=$(sed -n 's|.*console on ssh://127\.0\.0\.1:\([0-9]*\) .*|\1|p' "$work/$name.err")
  [ -n "$sshport" ] || { echo "$name did not say its SSH address:"; cat "$work/$name.err"; exit 1; }
  echo "[127.0.0.1]:$sshport $(ssh-keygen -y -f "$work/$name-state/ssh_host_ed25519_key")" >>"$work/known_hosts"
  sshcmd="ssh -tt -F /dev/null -i '$work/viewer' -p $sshport -o IdentitiesOnly=yes -o BatchMode=yes \
    -o UserKnownHostsFile='$work/known_hosts' -o StrictHostKeyChecking=yes -o LogLevel=ERROR viewer@127.0.0.1"
  for _ in $(seq 1 "$VIEWERS"); do
    tmux -S "$sock" new-window -d -n "$name" "exec env TERM=tmux-256color $sshcmd"
  done
  for _ in $(seq 100); do
    [ "$(grep -c 'ssh session started' "$work/$name-state/launchready.log" 2>/dev/null || true)" -ge "$VIEWERS" ] && break
    sleep 0.1
  done
  local open
  open=$(grep -c 'ssh session started' "$work/$name-state/launchready.log" 2>/dev/null || true)
  [ "${open:-0}" -ge "$VIEWERS" ] || { echo "only ${open:-0} of $VIEWERS SSH consoles opened on $name; it said:"; cat "$work/$name.err"; exit 1; }
}
names=(serve)
start_serve serve "$work/launchready"
if [ -n "${BASE:-}" ]; then names+=(base); start_serve base "$work/launchready-base"; fi

runs() { curl -sf "http://$1/metrics" | awk '/^launchready_probe_runs_total\{/ && /kind="http"/ {s += $NF} END {print s+0}'; }
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
conns() { curl -sf "$bench_count"; }

# snap N: every process's CPU and checks now, into the variables *_cN and *_rN.
snap() {
  local n=$1 all=0 v
  eval "watch_c$n=$(cpu "$wpid")"; v=$(runs "$waddr"); eval "watch_r$n=$v"; all=$((all + v))
  eval "console_c$n=$(cpu "$cpid")"
  for nm in "${names[@]}"; do
    eval "${nm}_c$n=$(cpu "$(eval echo "\$${nm}_pid")")"
    v=$(runs "$(eval echo "\$${nm}_addr")"); eval "${nm}_r$n=$v"; all=$((all + v))
  done
  eval "console_r$n=$(( $(conns) - all ))"
}

echo "watch pid $wpid, console pid $cpid at 120x40, ${names[*]} with $VIEWERS SSH viewers each at 120x40${BASE:+ (base: $BASE)};"
echo "$SITES HTTPS checks every 10 s each; warming up ${WARMUP}s, then measuring all over the same ${DURATION}s"
sleep "$WARMUP"
snap 0; t0=$(date +%s.%N)
elapsed=0
all=(watch console "${names[@]}")
for nm in "${all[@]}"; do : >"$work/$nm.rss"; done
while [ "$elapsed" -lt "$DURATION" ]; do
  step=$(( DURATION - elapsed < 5 ? DURATION - elapsed : 5 ))
  sleep "$step"
  elapsed=$((elapsed + step))
  rss "$wpid" >>"$work/watch.rss"
  rss "$cpid" >>"$work/console.rss"
  for nm in "${names[@]}"; do rss "$(eval echo "\$${nm}_pid")" >>"$work/$nm.rss"; done
done
snap 1; t1=$(date +%s.%N)
for nm in "${names[@]}"; do
  eval "${nm}_still=$(tmux -S "$sock" list-windows -F '#{window_name}' 2>/dev/null | grep -cx "$nm" || true)"
done

echo "--- serve's first viewer's screen at the end (first 8 lines) ---"
tmux -S "$sock" capture-pane -p -t :1 | head -8
echo "---"

for nm in "${all[@]}"; do
  sort -n -o "$work/$nm.rss" "$work/$nm.rss"
  cp "$work/$nm.rss" "$work/rss"
  c0=$(eval echo "\$${nm}_c0"); c1=$(eval echo "\$${nm}_c1"); r0=$(eval echo "\$${nm}_r0"); r1=$(eval echo "\$${nm}_r1")
  case $nm in
    watch) echo "== watch alone (no console)" ;;
    console) echo "== console alone (checks: the target's connections less the others')" ;;
    *) echo "== $nm${BASE:+ ($( [ "$nm" = base ] && echo "$BASE" || echo "working tree"))} with $(eval echo "\$${nm}_still") of $VIEWERS viewers still connected at the end" ;;
  esac
  bench_report "" 0.45 28 0 | grep -v "^result" | sed "s/   (target.*//"
  eval "${nm}_per=$(awk -v c="$((c1 - c0))" -v r="$((r1 - r0))" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.4f", (r > 0 ? c / hz / r * 1000 : 0)}')"
  eval "${nm}_med=$(awk '{a[n++] = $1} END {printf "%.2f", a[int(n / 2)] / 1024}' "$work/$nm.rss")"
done
ok=1
for nm in "${names[@]}"; do
  awk -v name="$nm" -v sp="$(eval echo "\$${nm}_per")" -v cp="$console_per" -v wp="$watch_per" \
      -v sm="$(eval echo "\$${nm}_med")" -v cm="$console_med" -v wm="$watch_med" -v n="$VIEWERS" \
      -v still="$(eval echo "\$${nm}_still")" -v tcpu="$TARGET_EXTRA_CPU_MS" -v trss="$TARGET_EXTRA_RSS_MB" '
  BEGIN {
    d = n > 0 ? n : 1
    printf "== what %s'"'"'s %d viewers add\n", name, n
    printf "over the console alone: CPU per check %+.3f ms (target <= %.2f ms), RSS %+.1f MB per viewer (target <= %d MB)\n", sp - cp, tcpu, (sm - cm) / d, trss
    printf "over watch alone:       CPU per check %+.3f ms, RSS %+.1f MB per viewer\n", sp - wp, (sm - wm) / d
    ok = still == n && sp - cp <= tcpu && (sm - cm) / d <= trss
    printf "result        %s\n", ok ? "within target" : "OVER target"
    exit !ok
  }' || ok=0
done
[ "$ok" = 1 ]

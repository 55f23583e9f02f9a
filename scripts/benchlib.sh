# benchlib.sh: what bench-watch.sh and bench-console.sh share, sourced by both: building
# the binaries, starting the loopback target, the measured window and the report. Each
# script owns only what differs: how it starts the process measured and how it counts
# the checks that process ran.
#
# Expects $work (a scratch folder) and the array pids (processes to kill on exit).

# bench_build: launchready built as the ops box gets it (examples/launchready-watch.service's
# install steps; the console opened over SSH there is the same binary): static, as `go
# build` makes on a box without a C compiler. The target is built as usual.
bench_build() {
  echo "building launchready and the target..."
  CGO_ENABLED=0 go build -o "$work/launchready" ./cmd/launchready
  go build -o "$work/benchtarget" ./scripts/benchtarget
}

# bench_target SITES [ARGS...]: starts scripts/benchtarget with SITES HTTPS sites and sets
# bench_config (the launchready.yaml it wrote) and, with -count, bench_count (the URL
# serving the number of connections it accepted).
bench_target() {
  local sites=$1
  shift
  "$work/benchtarget" "$@" -n "$sites" -dir "$work/target" >"$work/target.out" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do grep -q '^ready' "$work/target.out" 2>/dev/null && break; sleep 0.1; done
  grep -q '^ready' "$work/target.out" || { echo "the target did not start:"; cat "$work/target.out"; exit 1; }
  bench_config=$(awk '/^ready/ {print $2}' "$work/target.out")
  bench_count=$(awk '/^count/ {print $2}' "$work/target.out")
}

# bench_window PID WARMUP DURATION COUNT_CMD: waits out the warm-up, then measures PID's
# CPU (utime+stime from /proc/PID/stat) and checks (COUNT_CMD, a function printing a running
# total) over DURATION seconds, sampling its VmRSS every 5 s into $work/rss (sorted). Sets
# c0 c1 r0 r1 t0 t1.
bench_window() {
  local pid=$1 warmup=$2 duration=$3 count=$4 elapsed=0 step
  local samples=()
  sleep "$warmup"
  c0=$(awk '{print $14 + $15}' "/proc/$pid/stat"); r0=$($count); t0=$(date +%s.%N)
  while [ "$elapsed" -lt "$duration" ]; do
    step=$(( duration - elapsed < 5 ? duration - elapsed : 5 ))
    sleep "$step"
    elapsed=$((elapsed + step))
    samples+=("$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")")
  done
  c1=$(awk '{print $14 + $15}' "/proc/$pid/stat"); r1=$($count); t1=$(date +%s.%N)
  printf '%s\n' "${samples[@]}" | sort -n >"$work/rss"
}

# bench_report CHECKS_NOTE TARGET_CPU_MS TARGET_RSS_MB PEAK_TOO: the numbers of the last
# window against the targets. CHECKS_NOTE follows the check count ("counted"); with
# PEAK_TOO=1 the highest RSS sample must be within target as well as the median.
bench_report() {
  awk -v c0="$c0" -v c1="$c1" -v r0="$r0" -v r1="$r1" -v t0="$t0" -v t1="$t1" -v hz="$(getconf CLK_TCK)" \
      -v note="$1" -v tcpu="$2" -v trss="$3" -v peaktoo="$4" -v rssfile="$work/rss" '
  BEGIN {
    n = 0; sum = 0
    while ((getline v < rssfile) > 0) { rss[n++] = v; sum += v }
    cpu = (c1 - c0) / hz; checks = r1 - r0; wall = t1 - t0
    per = checks > 0 ? cpu / checks * 1000 : 0
    median = rss[int(n / 2)] / 1024; peak = rss[n - 1] / 1024; mean = sum / n / 1024
    printf "window        %.0f s\n", wall
    printf "checks        %d %s(%.1f per second)\n", checks, note, checks / wall
    printf "CPU           %.2f s (%.1f%% of one core)\n", cpu, cpu / wall * 100
    printf "CPU per check %.3f ms   (target <= %.2f ms)\n", per, tcpu
    printf "RSS           median %.1f MB, mean %.1f MB, max %.1f MB   (target <= %d MB)\n", median, mean, peak, trss
    ok = checks > 0 && per <= tcpu && median <= trss && (!peaktoo || peak <= trss)
    printf "result        %s\n", ok ? "within target" : "OVER target"
  }'
}

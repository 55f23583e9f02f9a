#!/usr/bin/env bash
# bench-secrets.sh: `launchready secrets scan` against gitleaks' own CLI on the same
# generated repository (COMMITS commits, default 2000, each changing a few source files;
# a handful carry a planted fake key). Like for like: ours scans the history and the
# working tree in one run, so it is compared with gitleaks' `git` (history) plus its `dir`
# (the working tree) run one after the other; `gitleaks git` alone is shown too. The runs
# alternate (theirs, ours) so a busy machine slows both alike; the load average is printed.
#
# Usage: scripts/bench-secrets.sh [COMMITS] [RUNS]   (default 2000 5)
#        BEFORE=/path/to/older/launchready scripts/bench-secrets.sh   also times an older build
# Needs Go and git. No network beyond the Go module proxy for building gitleaks' CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
COMMITS=${1:-2000}
RUNS=${2:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build -o "$work/launchready" ./cmd/launchready
go build -o "$work/gitleaks" github.com/zricethezav/gitleaks/v8

repo="$work/repo"
git init -q -b main "$repo"
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.invalid GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.invalid
mkdir -p "$repo/src"
for i in $(seq 1 "$COMMITS"); do
  f="$repo/src/mod$((i % 50)).js"
  printf 'export function f%d(a, b) { const apiUrl = "/api/v1/items/" + a; return fetch(apiUrl, {method: "POST", body: JSON.stringify({b, n: %d})}) }\n' "$i" "$i" >> "$f"
  if (( i % 400 == 0 )); then
    printf 'const k%d = "%s%s%s";\n' "$i" "sk_" "live_" "51Bench$(printf '%04d' "$i")Qx7Rz2Tm9Kp4Wn8" >> "$f"
  fi
  git -C "$repo" add -A
  git -C "$repo" commit -q -m "change $i"
done

best() { sort -n | head -1; }
time_of() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N); echo "$e - $s" | bc; }
ours=(); git_only=(); theirs=(); before=()
for r in $(seq 1 "$RUNS"); do
  g=$(time_of "$work/gitleaks" git --no-banner --exit-code 0 "$repo")
  d=$(time_of "$work/gitleaks" dir --no-banner --exit-code 0 "$repo")
  git_only+=("$g")
  theirs+=("$(echo "$g + $d" | bc)")
  ours+=("$(time_of "$work/launchready" secrets scan --state "$work/state" "$repo")")
  if [[ -n "${BEFORE:-}" ]]; then before+=("$(time_of "$BEFORE" secrets scan --state "$work/state" "$repo")"); fi
done
med() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
g=$(printf '%s\n' "${git_only[@]}" | best)
t=$(printf '%s\n' "${theirs[@]}" | best)
o=$(printf '%s\n' "${ours[@]}" | best)
echo "repository: $COMMITS commits; best (median) of $RUNS alternating runs; load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)"
echo "gitleaks git (history only):                ${g}s ($(printf '%s\n' "${git_only[@]}" | med)s)"
echo "gitleaks git + gitleaks dir (history+tree): ${t}s ($(printf '%s\n' "${theirs[@]}" | med)s)"
echo "launchready secrets scan (history+tree):    ${o}s ($(printf '%s\n' "${ours[@]}" | med)s)"
if [[ -n "${BEFORE:-}" ]]; then
  echo "older build ($BEFORE):  $(printf '%s\n' "${before[@]}" | best)s ($(printf '%s\n' "${before[@]}" | med)s)"
fi
echo "ratio, like for like (ours / git+dir): $(echo "scale=2; $o / $t" | bc)"
"$work/gitleaks" git --no-banner --exit-code 0 --report-format json --report-path "$work/gl.json" "$repo" >/dev/null 2>&1 || true
echo "findings: gitleaks git $(grep -c '"RuleID"' "$work/gl.json"), launchready $("$work/launchready" secrets scan --state "$work/state" --format json "$repo" | grep -c '"rule"')"

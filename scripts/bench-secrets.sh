#!/usr/bin/env bash
# bench-secrets.sh: `launchready secrets scan` against gitleaks' own CLI on the same
# generated repository (COMMITS commits, default 2000, each changing a few source files;
# a handful carry a planted fake key), history only on both sides (--since the empty
# tree is not possible, so ours runs with the working tree too and that is reported).
#
# Usage: scripts/bench-secrets.sh [COMMITS] [RUNS]   (default 2000 3)
# Needs Go and git. No network beyond the Go module proxy for building gitleaks' CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
COMMITS=${1:-2000}
RUNS=${2:-3}
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
ours=(); theirs=()
for r in $(seq 1 "$RUNS"); do
  theirs+=("$(time_of "$work/gitleaks" git --no-banner --exit-code 0 "$repo")")
  ours+=("$(time_of "$work/launchready" secrets scan --state "$work/state" "$repo")")
done
g=$(printf '%s\n' "${theirs[@]}" | best)
o=$(printf '%s\n' "${ours[@]}" | best)
echo "repository: $COMMITS commits; best of $RUNS runs"
echo "gitleaks git (history):                 ${g}s"
echo "launchready secrets scan (history+tree): ${o}s"
echo "ratio: $(echo "scale=2; $o / $g" | bc)"
"$work/gitleaks" git --no-banner --exit-code 0 --report-format json --report-path "$work/gl.json" "$repo" >/dev/null 2>&1 || true
echo "findings: gitleaks $(grep -c '"RuleID"' "$work/gl.json"), launchready $("$work/launchready" secrets scan --state "$work/state" --format json "$repo" | grep -c '"rule"')"

#!/usr/bin/env bash
# Monorepo benchmark: `apidiff check --record` (first run, archives a baseline) and `apidiff
# check` (second run) on N generated specs across every format, for several N, to show cost
# grows linearly. Prints a Markdown table. usage: scripts/bench-monorepo.sh [BIN] [N...]
set -euo pipefail
BIN=${1:-${CARGO_TARGET_DIR:-target}/release/apidiff}; shift || true
SIZES=${*:-250 500 1000}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
echo "| specs | check --record (baseline) | peak RSS | check (no change) | peak RSS |"
echo "|---|---|---|---|---|"
for n in $SIZES; do
  d="$WORK/m$n"; python3 "$HERE/gen-monorepo.py" "$n" "$d" >/dev/null
  (cd "$d" && git init -q && git add -A && git -c user.name=bench -c user.email=b@e commit -qm init)
  r=$(cd "$d" && /usr/bin/time -f "%e %M" "$BIN" check --record 2>&1 >/dev/null | tail -1)
  c=$(cd "$d" && /usr/bin/time -f "%e %M" "$BIN" check 2>&1 >/dev/null | tail -1)
  set -- $r; rw=$1; rm_=$2; set -- $c
  echo "| $n | ${rw} s | $((rm_ / 1024)) MiB | $1 s | $(($2 / 1024)) MiB |"
done

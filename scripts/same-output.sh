#!/usr/bin/env bash
# Two builds give the same reports: `diff --format json` and `--format text` on the GitHub REST
# 22 ↔ 23 pair (the tests' downloaded assets) and the corpus's OpenAPI pairs, both directions
# where they are far apart; `generated_at` lines are dropped, exit codes must match.
#
#   scripts/same-output.sh REFERENCE_BINARY NEW_BINARY
set -uo pipefail
REF=${1:?reference binary}
NEW=${2:?new binary}
HERE=$(cd "$(dirname "$0")/.." && pwd)
C="$HERE/../shared/corpus/openapi"
A="$HOME/.cache/apidiff-test-assets"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
pairs=(
    "$A/github-rest-22.0.0.json $A/github-rest-23.0.0.json"
    "$A/github-rest-23.0.0.json $A/github-rest-22.0.0.json"
    "$C/github-rest-16.0.0.json $C/github-rest-16.6.0.json"
    "$C/github-rest-16.6.0.json $C/github-rest-16.0.0.json"
    "$C/figma-0.10.0.yaml $C/figma-0.30.0.yaml"
    "$C/kubernetes-1.10.swagger.json $C/kubernetes-1.11.swagger.json"
    "$C/kubernetes-1.11.swagger.json $C/kubernetes-1.10.swagger.json"
    "$C/kubernetes-oas3-1.1.1.json $C/kubernetes-oas3-1.3.12.json"
)
bad=0
for pair in "${pairs[@]}"; do
    read -r old new <<<"$pair"
    for format in json text; do
        "$REF" diff --format "$format" "$old" "$new" 2>&1 | grep -v generated_at >"$WORK/ref"
        r1=${PIPESTATUS[0]}
        "$NEW" diff --format "$format" "$old" "$new" 2>&1 | grep -v generated_at >"$WORK/new"
        r2=${PIPESTATUS[0]}
        if cmp -s "$WORK/ref" "$WORK/new" && [ "$r1" = "$r2" ]; then
            echo "same $format $(basename "$old") -> $(basename "$new") (exit $r1)"
        else
            echo "DIFFERENT $format $(basename "$old") -> $(basename "$new") (exit $r1 / $r2)"
            bad=1
        fi
    done
done
exit $bad

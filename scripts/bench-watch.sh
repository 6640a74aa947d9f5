#!/usr/bin/env bash
# `watch --once` over N unchanged live sources (scripts/gen-live-sources.py: 350 KB OpenAPI YAML
# each), wall time and peak RSS from /usr/bin/time -v, for a new binary and a reference binary in
# the same run. Sources are served two ways: `file://` (the new binary only: the reference has no
# file:// sources) and HTTP from `python3 -m http.server` (both; it answers If-Modified-Since
# with 304). Each binary's baseline poll comes first, then RUNS unchanged polls.
#
#   scripts/bench-watch.sh NEW_BIN REF_BIN WORK_DIR "200 1000" [RUNS]
set -euo pipefail
NEW=${1:?new binary}
REF=${2:?reference binary}
WORK=${3:?work dir}
SIZES=${4:-"200 1000"}
RUNS=${5:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$WORK"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 "$PORT" --directory "$WORK" >/dev/null 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
sleep 1

measure() { # LABEL DIR BIN
    local label=$1 dir=$2 bin=$3
    for r in $(seq "$RUNS"); do
        (cd "$dir" && /usr/bin/time -v "$bin" watch --once --no-alerts >/dev/null 2>"$WORK/time.txt") || true
        local wall rss
        wall=$(grep "Elapsed (wall clock)" "$WORK/time.txt" | awk '{print $NF}')
        rss=$(grep "Maximum resident set size" "$WORK/time.txt" | awk '{print $NF}')
        local unchanged
        unchanged=$(grep -c ": unchanged$" "$WORK/time.txt" || true)
        echo "$label run $r: wall $wall, peak RSS $((rss / 1024)) MB, unchanged $unchanged"
    done
}

for n in $SIZES; do
    [ -d "$WORK/b$n/sources" ] || python3 "$HERE/gen-live-sources.py" "$WORK/b$n" "$n"
    for kind in file http-new http-ref; do
        dir="$WORK/$kind-$n"
        rm -rf "$dir" && mkdir -p "$dir"
        case $kind in
            file) cp "$WORK/b$n/apidiff.yaml" "$dir/" ;;
            *) sed "s#file://$WORK/b$n/sources/#http://127.0.0.1:$PORT/b$n/sources/#" "$WORK/b$n/apidiff.yaml" >"$dir/apidiff.yaml" ;;
        esac
        bin=$NEW
        [ "$kind" = http-ref ] && bin=$REF
        (cd "$dir" && "$bin" watch --once --no-alerts >/dev/null 2>&1) || true
        measure "$kind n=$n" "$dir" "$bin"
        rm -rf "$dir/.apidiff"
    done
done

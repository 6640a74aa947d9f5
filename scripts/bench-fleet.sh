#!/usr/bin/env bash
# The history benchmark of issue #29: `apidiff serve` over 100,000 Postgres entries, one binary
# after the other on identical data (each in a schema of its own, so each applies its own
# migrations). Prints, per binary: the first page's latency (the first request after start, then
# the median of 20 more), and `GET /history` throughput and latency percentiles from wrk, for the
# same query repeated and for a distinct query per request.
#
#   scripts/bench-fleet.sh PG_URL NAME=BINARY [NAME=BINARY ...]
#
# PG_URL is a database URL without `?schema=` (scripts/services.sh prints one). Needs curl, wrk
# (Debian's `wrk`) and psql from the PostgreSQL the services use.
set -euo pipefail
PG=${1:?usage: bench-fleet.sh PG_URL NAME=BINARY...}
shift
N=${APIDIFF_BENCH_ENTRIES:-100000}
DURATION=${APIDIFF_BENCH_SECONDS:-10}
CONNECTIONS=${APIDIFF_BENCH_CONNECTIONS:-32}
export PGOPTIONS="--client-min-messages=warning"
PSQL=$(ls /usr/lib/postgresql/*/bin/psql | sort -V | tail -1)
export APIDIFF_JWT_SECRET=bench-secret-0123456789abcdef-0123456789
WORK=$(mktemp -d /tmp/apidiff-bench-fleet.XXXXXX)
PIDS=()
trap 'for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"' EXIT

# A distinct `until` per request: every request misses any per-query cache.
cat >"$WORK/distinct.lua" <<'LUA'
counter = 0
request = function()
  counter = counter + 1
  local path = string.format("/api/api-diff/history?until=2025-01-01T23:%02d:%02d.%03dZ", math.floor(counter / 60000) % 60, math.floor(counter / 1000) % 60, counter % 1000)
  return wrk.format("GET", path)
end
LUA

bulk() { # schema
    "$PSQL" -q "$PG" -v ON_ERROR_STOP=1 <<SQL
SET search_path TO $1;
INSERT INTO modules (name, first_seen) SELECT 'm' || i, '2025-01-01T00:00:00.000Z' FROM generate_series(0, 9) i;
INSERT INTO spec_blobs (hash, bytes, size) VALUES ('h0', '\x7b7d', 2);
INSERT INTO diffs (id, key, time, module, spec, format, snapshot, previous, deploy, author, message, risk, breaking, warnings, infos, run, raw)
SELECT id, 'records/entries/' || id || '.json', t, m, 'a.yaml', 'openapi', 'h0', NULL, 'd' || (g / 10), 'dev', 'change ' || g, 'low', b, w, 0, 'r',
       convert_to(json_build_object('version', 1, 'id', id, 'time', t, 'module', m, 'spec', 'a.yaml', 'format', 'openapi',
           'snapshot', 'h0', 'previous', NULL, 'deploy', 'd' || (g / 10), 'author', 'dev', 'message', 'change ' || g, 'risk', 'low',
           'counts', json_build_object('breaking', b, 'warning', w, 'info', 0), 'changes', '[]'::json,
           'dependants', '[]'::json, 'run', 'r')::text, 'UTF8')
FROM (SELECT g, md5(g::text) AS id, 'm' || (g % 10) AS m, (g % 7 = 0)::int AS b, (g % 5 = 0)::int AS w,
             to_char(timestamp '2025-01-01' + (g / 3) * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS t
      FROM generate_series(1, $N) g) s;
ANALYZE diffs;
SQL
}

for spec in "$@"; do
    name=${spec%%=*}
    bin=${spec#*=}
    schema="bench_fleet_${name//[^a-zA-Z0-9]/_}_$$"
    store="$PG?schema=$schema"
    root="$WORK/$name"
    mkdir -p "$root"
    "$PSQL" -q "$PG" -c "CREATE SCHEMA IF NOT EXISTS $schema" >/dev/null
    # The binary creates its own tables (its migrations), then the entries go in.
    "$bin" serve --listen 127.0.0.1:0 --store "$store" --root "$root" 2>"$WORK/$name.boot" &
    boot=$!
    for _ in $(seq 100); do grep -q "listening on" "$WORK/$name.boot" && break; sleep 0.1; done
    kill "$boot"; wait "$boot" 2>/dev/null || true
    bulk "$schema"
    "$bin" serve --listen 127.0.0.1:0 --store "$store" --root "$root" 2>"$WORK/$name.log" &
    PIDS+=($!)
    for _ in $(seq 300); do grep -q "listening on" "$WORK/$name.log" && break; sleep 0.1; done
    addr=$(grep -o 'listening on http://[0-9.:]*' "$WORK/$name.log" | sed 's|listening on http://||')
    token=$("$bin" token --role viewer --subject bench)
    url="http://$addr/api/api-diff/history"
    first=$(curl -fsS -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $token" "$url")
    warm=$(for _ in $(seq 20); do curl -fsS -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $token" "$url"; done | sort -n | sed -n 10p)
    items=$(curl -fsS -H "Authorization: Bearer $token" "$url" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')
    echo "## $name ($bin)"
    echo "first page: first request ${first}s, median of 20 more ${warm}s ($items items)"
    echo "--- wrk, same query, $CONNECTIONS connections, ${DURATION}s"
    wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "Authorization: Bearer $token" "$url" | grep -E 'Requests/sec|50%|90%|99%|Non-2xx|Socket errors'
    echo "--- wrk, a distinct query per request"
    wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$WORK/distinct.lua" -H "Authorization: Bearer $token" "http://$addr" | grep -E 'Requests/sec|50%|90%|99%|Non-2xx|Socket errors'
    kill "${PIDS[-1]}" 2>/dev/null || true
    wait "${PIDS[-1]}" 2>/dev/null || true
    "$PSQL" -q "$PG" -c "DROP SCHEMA $schema CASCADE" >/dev/null
done

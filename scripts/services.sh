#!/usr/bin/env bash
# Starts (and stops) the real services the store tests use: a throwaway PostgreSQL cluster and
# an S3-compatible server (moto), both on loopback high ports.
#
#   scripts/services.sh start STATE_DIR   # prints `export ...` lines for the test environment
#   scripts/services.sh stop STATE_DIR    # stops whatever `start` left running in STATE_DIR
#
# scripts/test does: eval "$(scripts/services.sh start "$STATE")"; trap '... stop "$STATE"' EXIT
# Ports: APIDIFF_PG_PORT (25432) and APIDIFF_S3_PORT (29000), below the kernel's ephemeral
# range so client connections never squat on them; a busy one falls back to a free port.
# Progress goes to stderr.
set -euo pipefail
cmd=${1:?usage: services.sh start|stop STATE_DIR}
STATE=${2:?usage: services.sh start|stop STATE_DIR}
PGPORT=${APIDIFF_PG_PORT:-25432}
S3PORT=${APIDIFF_S3_PORT:-29000}
VENV=${APIDIFF_VENV:-$HOME/.cache/apidiff-services-venv}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)

as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop() {
    if [ -f "$STATE/moto.pid" ]; then
        kill "$(cat "$STATE/moto.pid")" 2>/dev/null || true
        rm -f "$STATE/moto.pid"
    fi
    if [ -n "$PGBIN" ] && [ -f "$STATE/pg/data/postmaster.pid" ]; then
        as_postgres "$PGBIN/pg_ctl" -D "$STATE/pg/data" -m fast stop >/dev/null 2>&1 || true
    fi
}

# The port if it can be bound now, else one the kernel picks. (A port is also busy when an
# outgoing connection happens to use it as its local port, hence a real bind, not a probe.)
free_port() {
    python3 - "$1" <<'PY'
import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    s.close()
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
PY
}

wait_port() {
    for _ in $(seq 200); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "services.sh: port $1 never opened" >&2
    return 1
}

start() {
    PGPORT=$(free_port "$PGPORT")
    S3PORT=$(free_port "$S3PORT")
    mkdir -p "$STATE"
    chmod 755 "$STATE" # mktemp -d makes 0700 folders that user postgres cannot enter
    # PostgreSQL from Debian's packages.
    if [ -z "$PGBIN" ]; then
        echo "services.sh: installing postgresql" >&2
        apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
        PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    fi
    rm -rf "$STATE/pg"
    if [ "$(id -u)" = 0 ]; then install -d -o postgres -g postgres -m 700 "$STATE/pg"; else install -d -m 700 "$STATE/pg"; fi
    as_postgres "$PGBIN/initdb" -D "$STATE/pg/data" -A trust -U postgres --no-sync -E UTF8 >/dev/null
    as_postgres "$PGBIN/pg_ctl" -D "$STATE/pg/data" -l "$STATE/pg/log" -w -t 30 \
        -o "-p $PGPORT -k $STATE/pg -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null
    as_postgres "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres apidiff_test
    echo "services.sh: PostgreSQL up on 127.0.0.1:$PGPORT" >&2

    # S3: moto[server] from PyPI in a cached venv.
    if [ ! -x "$VENV/bin/moto_server" ]; then
        echo "services.sh: installing moto[server] into $VENV" >&2
        python3 -m venv "$VENV" >&2
        "$VENV/bin/pip" install -q 'moto[server]==5.2.5' >&2
    fi
    "$VENV/bin/moto_server" -H 127.0.0.1 -p "$S3PORT" >"$STATE/moto.log" 2>&1 &
    echo $! >"$STATE/moto.pid"
    wait_port "$S3PORT"
    curl -fsS -X PUT "http://127.0.0.1:$S3PORT/apidiff-test" >/dev/null
    echo "services.sh: S3 (moto) up on 127.0.0.1:$S3PORT, bucket apidiff-test" >&2

    cat <<ENV
export APIDIFF_TEST_PG_URL=postgres://postgres@127.0.0.1:$PGPORT/apidiff_test
export APIDIFF_TEST_PG_BIN=$PGBIN
export APIDIFF_TEST_PG_DATA=$STATE/pg/data
export APIDIFF_TEST_PG_PORT=$PGPORT
export APIDIFF_TEST_S3_ENDPOINT=http://127.0.0.1:$S3PORT
export APIDIFF_TEST_S3_BUCKET=apidiff-test
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1
ENV
}

case "$cmd" in
    start) start ;;
    stop) stop ;;
    *) echo "usage: services.sh start|stop STATE_DIR" >&2; exit 2 ;;
esac

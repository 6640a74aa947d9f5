#!/usr/bin/env bash
# Running services for the live-source tests (tests/live.rs), two versions of each: a FastAPI app
# (uvicorn), a GraphQL server (graphql-core; version 2 behind a bearer token) and a gRPC server
# with reflection (grpcio, grpcio-reflection, grpcio-tools), plus a gRPC server without
# reflection, and TLS twins of the first FastAPI app and the first gRPC server (https://, grpcs://)
# with a test CA made here by the openssl CLI. Meant to be `source`d (by scripts/test or a developer shell): exports
# APIDIFF_TEST_LIVE_* and appends the server PIDs to APIDIFF_SERVICE_PIDS, which an EXIT trap
# (installed here unless the caller set APIDIFF_SERVICE_TRAP=0) kills. Ports: free loopback ports.
set -euo pipefail
APIDIFF_LIVE_VENV="${APIDIFF_LIVE_VENV:-$HOME/.cache/apidiff-live-venv}"
if ! "$APIDIFF_LIVE_VENV/bin/python" -c 'import fastapi, uvicorn, graphql, grpc, grpc_reflection, grpc_tools, opentelemetry.sdk, opentelemetry.exporter.otlp.proto.http, opentelemetry.instrumentation.fastapi, opentelemetry.instrumentation.grpc' 2>/dev/null; then
    echo "services-live.sh: installing the live test services into $APIDIFF_LIVE_VENV" >&2
    python3 -m venv "$APIDIFF_LIVE_VENV" >&2
    "$APIDIFF_LIVE_VENV/bin/pip" install -q 'fastapi==0.163.2' 'uvicorn==0.54.0' 'graphql-core==3.3.2' \
        'grpcio==1.85.1' 'grpcio-reflection==1.85.1' 'grpcio-tools==1.85.1' \
        'opentelemetry-sdk==1.45.2' 'opentelemetry-exporter-otlp-proto-http==1.45.2' 'opentelemetry-instrumentation-fastapi==0.66b2' \
        'opentelemetry-instrumentation-grpc==0.66b2' >&2
fi
APIDIFF_LIVE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../tests/live" && pwd)"
APIDIFF_LIVE_STATE="$(mktemp -d /tmp/apidiff-live.XXXX)"
APIDIFF_SERVICE_PIDS="${APIDIFF_SERVICE_PIDS:-}"
APIDIFF_TEST_LIVE_TOKEN="live-test-token-$RANDOM"
apidiff_live_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
apidiff_live_start() { # NAME PORT COMMAND...
    local name=$1 port=$2
    shift 2
    "$@" >"$APIDIFF_LIVE_STATE/$name.log" 2>&1 &
    APIDIFF_SERVICE_PIDS="$APIDIFF_SERVICE_PIDS $!"
    APIDIFF_LIVE_PORTS="${APIDIFF_LIVE_PORTS:-} $port"
}
PY="$APIDIFF_LIVE_VENV/bin/python"
# A throwaway CA and a leaf for 127.0.0.1/localhost (rustls wants v3 extensions on both).
C="$APIDIFF_LIVE_STATE"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$C/ca.key" -out "$C/ca.crt" -days 2 \
    -subj "/CN=apidiff live test CA" -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$C/leaf.key" -out "$C/leaf.csr" -subj "/CN=localhost" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n' >"$C/leaf.ext"
openssl x509 -req -in "$C/leaf.csr" -CA "$C/ca.crt" -CAkey "$C/ca.key" -CAcreateserial -out "$C/leaf.crt" -days 2 -extfile "$C/leaf.ext" 2>/dev/null
declare -A P
for n in rest1 rest2 gql1 gql2 grpc1 grpc2 grpc0 rests grpcs nginx; do P[$n]=$(apidiff_live_port); done
apidiff_live_start rest1 "${P[rest1]}" "$PY" -m uvicorn --app-dir "$APIDIFF_LIVE_DIR" --host 127.0.0.1 --port "${P[rest1]}" --log-level warning rest_v1:app
apidiff_live_start rest2 "${P[rest2]}" "$PY" -m uvicorn --app-dir "$APIDIFF_LIVE_DIR" --host 127.0.0.1 --port "${P[rest2]}" --log-level warning rest_v2:app
apidiff_live_start gql1 "${P[gql1]}" "$PY" "$APIDIFF_LIVE_DIR/graphql_server.py" "$APIDIFF_LIVE_DIR/schema_v1.graphql" "${P[gql1]}"
apidiff_live_start gql2 "${P[gql2]}" "$PY" "$APIDIFF_LIVE_DIR/graphql_server.py" "$APIDIFF_LIVE_DIR/schema_v2.graphql" "${P[gql2]}" "$APIDIFF_TEST_LIVE_TOKEN"
apidiff_live_start grpc1 "${P[grpc1]}" "$PY" "$APIDIFF_LIVE_DIR/grpc_server.py" "$APIDIFF_LIVE_DIR/shop_v1.proto" "${P[grpc1]}"
apidiff_live_start grpc2 "${P[grpc2]}" "$PY" "$APIDIFF_LIVE_DIR/grpc_server.py" "$APIDIFF_LIVE_DIR/shop_v2.proto" "${P[grpc2]}"
apidiff_live_start grpc0 "${P[grpc0]}" "$PY" "$APIDIFF_LIVE_DIR/grpc_server.py" "$APIDIFF_LIVE_DIR/shop_v1.proto" "${P[grpc0]}" --no-reflection
apidiff_live_start rests "${P[rests]}" "$PY" -m uvicorn --app-dir "$APIDIFF_LIVE_DIR" --host 127.0.0.1 --port "${P[rests]}" --log-level warning \
    --ssl-certfile "$C/leaf.crt" --ssl-keyfile "$C/leaf.key" rest_v1:app
apidiff_live_start grpcs "${P[grpcs]}" "$PY" "$APIDIFF_LIVE_DIR/grpc_server.py" "$APIDIFF_LIVE_DIR/shop_v1.proto" "${P[grpcs]}" --tls "$C/leaf.crt" "$C/leaf.key"
# nginx (Debian package, scripts/deps.sh) in front of rest1, writing its own access logs:
# combined, and JSON in nginx's escape=json style with the client header (tests/usage_live.rs).
mkdir -p "$C/nginx"
cat >"$C/nginx/nginx.conf" <<NGINX
daemon off;
worker_processes 1;
pid $C/nginx/nginx.pid;
error_log $C/nginx/error.log;
events { worker_connections 64; }
http {
    client_body_temp_path $C/nginx/body; proxy_temp_path $C/nginx/proxy;
    fastcgi_temp_path $C/nginx/fastcgi; uwsgi_temp_path $C/nginx/uwsgi; scgi_temp_path $C/nginx/scgi;
    log_format apidiff_json escape=json '{"time_iso8601":"\$time_iso8601","remote_addr":"\$remote_addr","request":"\$request","status":\$status,"http_host":"\$host","http_user_agent":"\$http_user_agent","http_x_client_name":"\$http_x_client_name"}';
    access_log $C/nginx/access.log combined;
    access_log $C/nginx/access.json apidiff_json;
    server {
        listen 127.0.0.1:${P[nginx]};
        location / { proxy_pass http://127.0.0.1:${P[rest1]}; }
    }
}
NGINX
apidiff_live_start nginx "${P[nginx]}" nginx -p "$C/nginx" -c "$C/nginx/nginx.conf"
export APIDIFF_SERVICE_PIDS
if [ "${APIDIFF_SERVICE_TRAP:-1}" = 1 ]; then
    # shellcheck disable=SC2064,SC2086
    trap "kill $APIDIFF_SERVICE_PIDS 2>/dev/null || true; rm -rf '$APIDIFF_LIVE_STATE'" EXIT
fi
for port in $APIDIFF_LIVE_PORTS; do
    ok=0
    for _ in $(seq 300); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && { ok=1; break; }; sleep 0.1; done
    [ $ok = 1 ] || { echo "services-live.sh: port $port never opened (see $APIDIFF_LIVE_STATE/*.log)" >&2; return 1 2>/dev/null || exit 1; }
done
export APIDIFF_TEST_LIVE_PYTHON="$PY" APIDIFF_TEST_LIVE_DIR="$APIDIFF_LIVE_DIR" APIDIFF_TEST_LIVE_TOKEN \
    APIDIFF_TEST_LIVE_REST_V1="http://127.0.0.1:${P[rest1]}/openapi.json" \
    APIDIFF_TEST_LIVE_REST_V2="http://127.0.0.1:${P[rest2]}/openapi.json" \
    APIDIFF_TEST_LIVE_GQL_V1="graphql+http://127.0.0.1:${P[gql1]}/graphql" \
    APIDIFF_TEST_LIVE_GQL_V2="graphql+http://127.0.0.1:${P[gql2]}/graphql" \
    APIDIFF_TEST_LIVE_GRPC_V1="grpc://127.0.0.1:${P[grpc1]}" \
    APIDIFF_TEST_LIVE_GRPC_V2="grpc://127.0.0.1:${P[grpc2]}" \
    APIDIFF_TEST_LIVE_GRPC_NO_REFLECTION="grpc://127.0.0.1:${P[grpc0]}" \
    APIDIFF_TEST_LIVE_HTTPS_V1="https://127.0.0.1:${P[rests]}/openapi.json" \
    APIDIFF_TEST_LIVE_GRPCS_V1="grpcs://127.0.0.1:${P[grpcs]}" \
    APIDIFF_TEST_LIVE_CA="$C/ca.crt" \
    APIDIFF_TEST_NGINX="http://127.0.0.1:${P[nginx]}" APIDIFF_TEST_NGINX_LOG="$C/nginx/access.log" \
    APIDIFF_TEST_NGINX_JSON_LOG="$C/nginx/access.json"
echo "services-live.sh: live test services up (logs in $APIDIFF_LIVE_STATE)" >&2

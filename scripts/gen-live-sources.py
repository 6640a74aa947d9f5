#!/usr/bin/env python3
"""Generates N live sources for `apidiff watch`: N OpenAPI YAML files of about SIZE KB each
(default 350) under DIR/sources/, and DIR/apidiff.yaml listing them as `file://` live sources,
ten modules of N/10 sources. `--change K` rewrites the first K files (one more path each), so a
poll after it has K changed and N-K unchanged sources.

    python3 scripts/gen-live-sources.py DIR N [--size KB] [--change K]
"""
import argparse
import os


def spec(i: int, size_kb: int, extra: bool) -> str:
    out = [f"openapi: 3.0.3\ninfo:\n  title: service {i}\n  version: 1.0.{i}\npaths:\n"]
    n = 0
    total = len(out[0])
    while total < size_kb * 1024:
        chunk = (
            f"  /items{n}/{{id}}:\n"
            f"    get:\n"
            f"      operationId: getItem{n}\n"
            f"      parameters:\n"
            f"        - {{name: id, in: path, required: true, schema: {{type: string}}}}\n"
            f"        - {{name: expand, in: query, schema: {{type: boolean}}}}\n"
            f"      responses:\n"
            f"        '200':\n"
            f"          description: item {n} of service {i}\n"
            f"          content:\n"
            f"            application/json:\n"
            f"              schema:\n"
            f"                type: object\n"
            f"                properties:\n"
            f"                  id: {{type: string}}\n"
            f"                  name: {{type: string, maxLength: 200}}\n"
            f"                  count: {{type: integer, minimum: 0}}\n"
            f"                  tags: {{type: array, items: {{type: string}}}}\n"
        )
        out.append(chunk)
        total += len(chunk)
        n += 1
    if extra:
        out.append("  /added:\n    get:\n      responses:\n        '200':\n          description: new\n")
    return "".join(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("n", type=int)
    ap.add_argument("--size", type=int, default=350, help="approximate size of each file, KB")
    ap.add_argument("--change", type=int, default=0, help="rewrite the first K files with one more path")
    a = ap.parse_args()
    root = os.path.abspath(a.dir)
    src = os.path.join(root, "sources")
    os.makedirs(src, exist_ok=True)
    if a.change:
        for i in range(a.change):
            with open(os.path.join(src, f"s{i:05d}.yaml"), "w") as f:
                f.write(spec(i, a.size, True))
        return
    for i in range(a.n):
        with open(os.path.join(src, f"s{i:05d}.yaml"), "w") as f:
            f.write(spec(i, a.size, False))
    modules = []
    per = max(1, a.n // 10)
    for m in range(0, a.n, per):
        live = "".join(f"      - file://{src}/s{i:05d}.yaml\n" for i in range(m, min(a.n, m + per)))
        modules.append(f"  - name: m{m // per}\n    live:\n{live}")
    with open(os.path.join(root, "apidiff.yaml"), "w") as f:
        f.write("modules:\n" + "".join(modules))


if __name__ == "__main__":
    main()

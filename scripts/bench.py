#!/usr/bin/env python3
"""Benchmarks apidiff on the real specs in ../shared/corpus (see its README) and prints a
Markdown table of median wall time and peak memory over N runs, next to reference figures
measured in the same run: Python's json.load of the same two files (the floor for JSON
inputs) and, when installed, GraphQL Inspector on the GraphQL pair.

usage: scripts/bench.py [--runs N] [--bin PATH] [--corpus DIR] [--inspector PATH]
"""
import argparse, os, statistics, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

PAIRS = [
    ("GitHub REST 16.0 → 16.6 (OpenAPI 3.0 JSON, 11.5 MB)", "openapi/github-rest-16.0.0.json", "openapi/github-rest-16.6.0.json", True),
    ("GitHub REST 16.0 against itself (no change)", "openapi/github-rest-16.0.0.json", "openapi/github-rest-16.0.0.json", True),
    ("Kubernetes 1.10 → 1.11 (Swagger 2.0 JSON)", "openapi/kubernetes-1.10.swagger.json", "openapi/kubernetes-1.11.swagger.json", True),
    ("Figma 0.10 → 0.30 (OpenAPI 3.1 YAML)", "openapi/figma-0.10.0.yaml", "openapi/figma-0.30.0.yaml", False),
    ("GitHub GraphQL 14.0 → 14.58 (SDL, 1376 types)", "graphql/github-14.0.0.graphql", "graphql/github-14.58.0.graphql", False),
    ("Slack RTM AsyncAPI 2.3 → 2.6", "asyncapi/slack-rtm-2.3.0.yml", "asyncapi/slack-rtm-2.6.0.yml", False),
    ("Streetlights AsyncAPI 3.0 → 3.1", "asyncapi/streetlights-mqtt-3.0.0.yml", "asyncapi/streetlights-mqtt-3.1.0.yml", False),
    ("React types 18.3 → 19.2 (.d.ts)", "typescript/react-18.3.31.d.ts", "typescript/react-19.2.18.d.ts", False),
    ("Pub/Sub protobuf 4.0 → 6.0 (multi-file)", "protobuf/pubsub-4.0.0/google/pubsub/v1/pubsub.proto", "protobuf/pubsub-6.0.1/google/pubsub/v1/pubsub.proto", False),
]


def measure_rss(cmd, runs, cwd=None):
    """Like `measure`, but peak RSS per run via os.wait4 (RUSAGE_CHILDREN is a running max)."""
    walls, peaks = [], []
    for _ in range(runs):
        start = time.perf_counter()
        p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        walls.append(time.perf_counter() - start)
        peaks.append(ru.ru_maxrss / 1024)
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            sys.exit(f"{' '.join(cmd)} failed with exit code {code}")
    return statistics.median(walls), statistics.median(peaks)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--bin", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "apidiff"))
    ap.add_argument("--corpus", default=os.path.join(ROOT, "..", "shared", "corpus"))
    ap.add_argument("--inspector", default=None, help="path to graphql-inspector's CLI")
    a = ap.parse_args()
    corpus = os.path.abspath(a.corpus)
    print(f"machine: {os.cpu_count()} cores; runs per row: {a.runs} (median); binary: release build\n")
    print("| pair | apidiff wall | apidiff peak RSS | reference (same run) |")
    print("|---|---|---|---|")
    for name, old, new, json_floor in PAIRS:
        o, n = os.path.join(corpus, old), os.path.join(corpus, new)
        if not (os.path.exists(o) and os.path.exists(n)):
            print(f"| {name} | missing from corpus | | |")
            continue
        cmd = [a.bin, "diff", o, n, "--format", "json"]
        wall, peak = measure_rss(cmd, a.runs)
        ref = ""
        if json_floor:
            pw, pp = measure_rss([sys.executable, "-c", f"import json; json.load(open({o!r})); json.load(open({n!r}))"], a.runs)
            ref = f"python3 json.load of both files: {pw:.3f} s, {pp:.0f} MiB (apidiff/floor = {wall / pw:.2f}x)"
        if old.startswith("graphql/") and a.inspector:
            iw, ip = measure_rss([a.inspector, "diff", o, n], max(1, min(a.runs, 3)))
            ref = f"graphql-inspector diff: {iw:.3f} s, {ip:.0f} MiB (apidiff is {iw / wall:.1f}x faster)"
        print(f"| {name} | {wall:.3f} s | {peak:.0f} MiB | {ref} |")


if __name__ == "__main__":
    main()

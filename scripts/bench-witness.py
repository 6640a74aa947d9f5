#!/usr/bin/env python3
"""Witness cost (#26): `diff --format json --witness on` against `--witness off`, strictly
interleaved (the order rotates every round), for each binary and pair given.

    scripts/bench-witness.py --runs 10 --bin /tmp/apidiff-new --bin /tmp/apidiff-ref \
        --pair corpus/openapi/github-rest-16.0.0.json corpus/openapi/github-rest-16.6.0.json

Prints, per binary, pair and mode: wall median / min (perf_counter) and CPU median (user + sys
from wait4), then the on/off ratios, and the load average before and after."""
import argparse, os, statistics, subprocess, time


def run(cmd):
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, ru = os.wait4(p.pid, 0)
    return time.perf_counter() - t, ru.ru_utime + ru.ru_stime


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--bin", action="append", required=True)
    ap.add_argument("--pair", nargs=2, action="append", required=True)
    a = ap.parse_args()
    configs = [(b, tuple(p), m) for b in a.bin for p in a.pair for m in ("on", "off")]
    cmd = lambda c: [c[0], "diff", c[1][0], c[1][1], "--format", "json", "--witness", c[2]]
    print("load before:", open("/proc/loadavg").read().split()[:3])
    for c in configs:
        for _ in range(a.warmup):
            run(cmd(c))
    got = {c: [] for c in configs}
    for r in range(a.runs):
        k = r % len(configs)
        for c in configs[k:] + configs[:k]:
            got[c].append(run(cmd(c)))
    print("load after:", open("/proc/loadavg").read().split()[:3])
    for c in configs:
        wall = sorted(w for w, _ in got[c])
        cpu = statistics.median(u for _, u in got[c])
        print(f"{os.path.basename(c[0])} {os.path.basename(c[1][0])} -> {os.path.basename(c[1][1])} witness {c[2]}: "
              f"wall median {statistics.median(wall) * 1000:.0f} ms, min {wall[0] * 1000:.0f} ms, CPU median {cpu * 1000:.0f} ms")
    for b in a.bin:
        for p in a.pair:
            on, off = got[(b, tuple(p), "on")], got[(b, tuple(p), "off")]
            mw = statistics.median(w for w, _ in on) / statistics.median(w for w, _ in off) - 1
            mc = statistics.median(u for _, u in on) / statistics.median(u for _, u in off) - 1
            print(f"{os.path.basename(b)} {os.path.basename(p[1])}: witness on vs off {mw:+.1%} wall, {mc:+.1%} CPU")


if __name__ == "__main__":
    main()

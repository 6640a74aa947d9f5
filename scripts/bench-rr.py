#!/usr/bin/env python3
"""Round-robin wall-time benchmark of `apidiff diff --format json OLD NEW` for several binaries.

Each round runs every binary once, in a shuffled order, so a slow minute of the machine falls on
all of them alike. Wall time by `perf_counter`, user and system CPU by `wait4`; three warm-up
runs per binary first. A binary given as `PATH+off` runs with `--witness off`.

    scripts/bench-rr.py ROUNDS BINARY [BINARY ...]

OLD and NEW default to the GitHub REST 22.0.0 and 23.0.0 descriptions the tests download
(`~/.cache/apidiff-test-assets`); set APIDIFF_BENCH_OLD and APIDIFF_BENCH_NEW to others.
"""
import os
import random
import statistics
import subprocess
import sys
import time

ASSETS = os.path.expanduser("~/.cache/apidiff-test-assets")
OLD = os.environ.get("APIDIFF_BENCH_OLD", f"{ASSETS}/github-rest-22.0.0.json")
NEW = os.environ.get("APIDIFF_BENCH_NEW", f"{ASSETS}/github-rest-23.0.0.json")


def command(binary):
    path, _, flag = binary.partition("+")
    extra = ["--witness", "off"] if flag == "off" else []
    return [path, "diff", "--format", "json", OLD, NEW, *extra]


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    rounds, binaries = int(sys.argv[1]), sys.argv[2:]
    wall = {b: [] for b in binaries}
    user = {b: [] for b in binaries}
    system = {b: [] for b in binaries}
    devnull = os.open(os.devnull, os.O_WRONLY)
    for b in binaries:
        for _ in range(3):
            subprocess.run(command(b), stdout=devnull, stderr=devnull, check=False)
    for _ in range(rounds):
        order = binaries[:]
        random.shuffle(order)
        for b in order:
            start = time.perf_counter()
            p = subprocess.Popen(command(b), stdout=devnull, stderr=devnull)
            _, _, usage = os.wait4(p.pid, 0)
            wall[b].append(time.perf_counter() - start)
            user[b].append(usage.ru_utime)
            system[b].append(usage.ru_stime)
    for b in binaries:
        t = sorted(wall[b])
        print(
            f"{b:28s} median {statistics.median(t) * 1000:6.1f} ms  p25 {t[len(t) // 4] * 1000:6.1f}  "
            f"min {t[0] * 1000:6.1f}  user {statistics.median(user[b]) * 1000:4.0f}  "
            f"sys {statistics.median(system[b]) * 1000:3.0f}  (n={len(t)})"
        )


if __name__ == "__main__":
    main()

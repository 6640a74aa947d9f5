#!/usr/bin/env python3
"""Times `apidiff diff -f json` on the GitHub REST pair with and without usage evidence for every
operation (`--usage-from`, a store written by scripts/usage-batch.py), strictly interleaved, and
the reference binary without usage in the same run. Prints mean / median / min wall and median
user CPU per case, and checks that the verdicts without usage are the reference's.

usage: scripts/bench-usage.py BIN REFERENCE_BIN [--runs N] [--corpus DIR] [--store DIR]
"""
import argparse, json, os, resource, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timed(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode not in (0, 1):
        sys.exit(f"{cmd}: exit {p.returncode}: {p.stderr.decode()[:500]}")
    return wall, after.ru_utime - before.ru_utime, p.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bin")
    ap.add_argument("reference")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--corpus", default=os.path.join(ROOT, "..", "shared", "corpus"))
    ap.add_argument("--store")
    a = ap.parse_args()
    old = os.path.join(a.corpus, "openapi/github-rest-16.0.0.json")
    new = os.path.join(a.corpus, "openapi/github-rest-16.6.0.json")
    store = a.store or tempfile.mkdtemp(prefix="usage-store-")
    if not a.store:
        subprocess.run([sys.executable, os.path.join(ROOT, "scripts/usage-batch.py"), new, store, "--module", "github"], check=True)
    cwd = tempfile.mkdtemp(prefix="bench-usage-")  # no apidiff.yaml: the default policy
    base = ["diff", old, new, "-f", "json"]
    cases = {
        "with usage": [a.bin] + base + ["--usage-from", store, "--module", "github"],
        "without usage": [a.bin] + base,
        "reference, without usage": [a.reference] + base,
    }
    results = {k: ([], []) for k in cases}
    outputs = {}
    names = list(cases)
    os.chdir(cwd)
    for i in range(a.runs + 2):
        order = names[i % 3:] + names[: i % 3]
        for k in order:
            wall, user, out = timed(cases[k])
            if i >= 2:  # two warm-up rounds
                results[k][0].append(wall * 1000)
                results[k][1].append(user * 1000)
            outputs[k] = out
    for k in names:
        w, u = results[k]
        print(f"| {k} | {statistics.mean(w):.0f} / {statistics.median(w):.0f} / {min(w):.0f} ms | user median {statistics.median(u):.0f} ms |")
    mw = statistics.median(results["with usage"][0]) / statistics.median(results["without usage"][0]) - 1
    mu = statistics.median(results["with usage"][1]) / statistics.median(results["without usage"][1]) - 1
    print(f"with vs without usage: median wall {mw:+.1%}, median user CPU {mu:+.1%}")
    def verdicts(out):
        v = json.loads(out)
        return [(c["id"], c.get("operation"), c["severity"]) for c in v["changes"]], v["summary"]
    (wo, ws), (ro, rs) = verdicts(outputs["without usage"]), verdicts(outputs["reference, without usage"])
    (uo, us) = verdicts(outputs["with usage"])
    print(f"without usage: {ws}; reference: {rs}; same changes: {wo == ro}")
    print(f"with usage: {us}; changes carrying usage: {sum(1 for c in json.loads(outputs['with usage'])['changes'] if 'usage' in c)}")


if __name__ == "__main__":
    main()

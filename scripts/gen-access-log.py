#!/usr/bin/env python3
"""Writes N lines of nginx combined-format access log against the GitHub-REST-like operations
of the usage benchmark (BENCHMARKS.md, round 5, usage ingest): a fixed seed, so the same N gives
the same file. Usage: gen-access-log.py N OUT"""
import random
import sys

n, out = int(sys.argv[1]), sys.argv[2]
rng = random.Random(27)
paths = [
    ("GET", "/repos/{o}/{r}"), ("GET", "/repos/{o}/{r}/issues?state=open&per_page=50"), ("POST", "/repos/{o}/{r}/issues"),
    ("GET", "/repos/{o}/{r}/issues/{n}"), ("PATCH", "/repos/{o}/{r}/issues/{n}"), ("GET", "/users/{o}"), ("GET", "/user"),
    ("GET", "/repos/{o}/{r}/pulls/{n}/files?page=2"), ("DELETE", "/repos/{o}/{r}/labels/bug"), ("GET", "/internal/metrics/{n}"),
]
agents = ["gh-cli/2.40.0", "octokit-rest.js/20.0.1", "Mozilla/5.0 (X11; Linux x86_64)", "terraform-provider-github/6.0", "-"]
months = ["Nov", "Dec"]
with open(out, "w") as f:
    for i in range(n):
        m, p = rng.choice(paths)
        p = p.replace("{o}", f"org{rng.randrange(200)}").replace("{r}", f"repo{rng.randrange(50)}").replace("{n}", str(rng.randrange(1, 10000)))
        day, sec = 1 + (i * 30 // n), i % 86400
        ip = f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        f.write(f'{ip} - - [{day:02d}/{months[1]}/2026:{sec // 3600:02d}:{sec // 60 % 60:02d}:{sec % 60:02d} +0000] "{m} {p} HTTP/1.1" 200 {rng.randrange(100, 9000)} "-" "{rng.choice(agents)}"\n')

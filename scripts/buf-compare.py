#!/usr/bin/env python3
"""Differential check of apidiff's protobuf rules against `buf breaking`, on real releases of the
googleapis tree (npm `google-proto-files`), package by package across consecutive releases.

Installs npm `@bufbuild/buf` and the releases into a cache folder once, then for each pair of
consecutive releases and each package (a folder of .proto files) present in both:

  buf:     buf build OLD --path PKG -o IMG; buf breaking NEW --against IMG --path PKG
  apidiff: apidiff diff OLD/PKG NEW/PKG --base-include OLD --revision-include NEW

both under one buf category (PACKAGE by default), and compares the findings as a multiset of
(buf rule, file). apidiff's own rules that buf has no counterpart for (HTTP annotations,
additions) are counted apart. `--tree` also compares the two whole trees in one run of each tool
and times both (same machine, same run).

Prints one line per disagreement and a summary; exits 1 when a disagreement is not listed in
buf_explained (each case says why; docs/decisions.md explains them at length).

Usage: scripts/buf-compare.py [--apidiff BIN] [--releases 2.0.0,3.0.0,...] [--packages a/b/v1,...|--all]
                              [--category PACKAGE] [--tree] [--cache DIR] [--json OUT]
"""

import argparse
import collections
import json
import os
import re
import subprocess
import sys
import time

BUF_VERSION = "1.75.0"
RELEASES = ["2.0.0", "3.0.0", "4.0.0", "5.0.0", "6.0.1"]
# Google API packages with services, spread over the tree (the packages of the earlier study).
PACKAGES = [
    "google/pubsub/v1",
    "google/spanner/v1",
    "google/spanner/admin/database/v1",
    "google/spanner/admin/instance/v1",
    "google/storage/v2",
    "google/firestore/v1",
    "google/datastore/v1",
    "google/bigtable/v2",
    "google/bigtable/admin/v2",
    "google/logging/v2",
    "google/monitoring/v3",
    "google/iam/v1",
    "google/longrunning",
    "google/cloud/tasks/v2",
    "google/cloud/kms/v1",
    "google/cloud/secretmanager/v1",
    "google/cloud/speech/v1",
    "google/cloud/translate/v3",
    "google/cloud/vision/v1",
    "google/cloud/language/v1",
    "google/cloud/bigquery/storage/v1",
    "google/container/v1",
    "google/api/servicecontrol/v1",
]

# Differences that are understood, each with a test on one finding and the reason; every one is
# written up in docs/decisions.md ("Protobuf trees compared as buf does"). They are counted apart,
# never as agreement.
def buf_explained(f, pkg):
    """Why a buf finding has no apidiff counterpart by design, or None."""
    msg = f.get("message", "")
    if f["type"] == "PACKAGE_NO_DELETE" and not f["path"]:
        m = re.search(r'package "([^"]+)"', msg)
        if m and m.group(1).replace(".", "/") != pkg:
            # buf compares every package of the image, imports included: a dependency the package
            # no longer imports reads as a deleted package. apidiff compares the package's own files.
            return "buf: an import no longer imported reads as a deleted package"
    if f["type"] in ("PACKAGE_MESSAGE_NO_DELETE", "MESSAGE_NO_DELETE"):
        m = re.search(r'message "([^"]+)"', msg)
        if m and "." in m.group(1) and m.group(1).endswith("Entry"):
            # The synthesised entry of a map field inside a deleted message: apidiff reports the
            # outermost deleted definition once.
            return "buf: the map entry of a deleted message is reported again"
    return None


def sh(cmd, cwd=None, check=True):
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    if check and p.returncode not in (0, 1, 100):
        raise RuntimeError(f"{' '.join(cmd)} (in {cwd}): exit {p.returncode}\n{p.stderr[-2000:]}")
    return p


def install(cache, releases):
    """buf and the releases, each fetched once from the npm registry."""
    os.makedirs(cache, exist_ok=True)
    buf_dir = os.path.join(cache, "buf")
    buf = os.path.join(buf_dir, "node_modules", ".bin", "buf")
    if not os.access(buf, os.X_OK):
        os.makedirs(buf_dir, exist_ok=True)
        sh(["npm", "install", "-q", "--no-update-notifier", "--no-audit", "--no-fund", f"@bufbuild/buf@{BUF_VERSION}"], cwd=buf_dir)
    roots = {}
    for v in releases:
        d = os.path.join(cache, f"gpf-{v}")
        if not os.path.isdir(os.path.join(d, "package", "google")):
            os.makedirs(d, exist_ok=True)
            sh(["npm", "pack", "-q", "--no-update-notifier", f"google-proto-files@{v}"], cwd=d)
            sh(["tar", "--no-same-owner", "-xzf", f"google-proto-files-{v}.tgz"], cwd=d)
        roots[v] = os.path.join(d, "package")
    return buf, roots


def packages_of(root):
    """Every folder holding .proto files (the well-known types excepted), relative to `root`."""
    out = set()
    for d, _, files in os.walk(root):
        rel = os.path.relpath(d, root).replace(os.sep, "/")
        if any(f.endswith(".proto") for f in files) and not rel.startswith("google/protobuf") and rel != ".":
            out.add(rel)
    return out


def buf_rule_map(apidiff):
    """apidiff rule id -> buf rule name, read from each rule's summary `(buf NAME)`."""
    rules = json.loads(sh([apidiff, "rules", "-f", "json"]).stdout)
    out = {}
    for r in rules:
        m = re.search(r"\(buf ([A-Z_]+)\)", r.get("summary", ""))
        if r.get("format") == "protobuf" and m:
            out[r["id"]] = m.group(1)
    return out


def buf_config(category):
    return json.dumps({"version": "v2", "breaking": {"use": [category]}})


def run_buf(buf, old, new, pkg, category, images):
    img = os.path.join(images, pkg.replace("/", "_") + ".binpb")
    if not os.path.exists(img):
        b = sh([buf, "build", "--path", pkg, "-o", img], cwd=old, check=False)
        if b.returncode != 0:
            return None, None, b.stderr.strip().splitlines()[:3]
    p = sh([buf, "breaking", ".", "--against", img, "--path", pkg, "--error-format", "json", "--config", buf_config(category)], cwd=new, check=False)
    found, explained = collections.Counter(), collections.Counter()
    for line in p.stdout.splitlines():
        if not line.startswith("{"):
            continue
        f = json.loads(line)
        f.setdefault("path", "")
        # `--path` against an image still reports the imported well-known types the tree vendors:
        # only the package's files (its folder, as `--path` selects them) are compared.
        if f["path"] and not f["path"].startswith(pkg + "/"):
            continue
        why = buf_explained(f, pkg)
        if why:
            explained[why] += 1
        else:
            found[(f["type"], f["path"])] += 1
    if p.returncode not in (0, 100):
        return None, None, p.stderr.strip().splitlines()[:3]
    return found, explained, []


def run_apidiff(apidiff, old, new, pkg, category, rule_map, strip):
    """`strip` maps a side's display prefix to nothing, so files read as import names."""
    cmd = [apidiff, "diff", os.path.join(old, pkg), os.path.join(new, pkg), "--base-include", old, "--revision-include", new,
           "--proto-category", category, "-f", "json", "--fail-on", "never"]
    p = sh(cmd, check=False)
    if p.returncode not in (0, 1):
        return None, None, p.stderr.strip().splitlines()[:3]
    report = json.loads(p.stdout)
    found, own = collections.Counter(), collections.Counter()
    for c in report["changes"]:
        loc = c.get("revision") or c.get("base")
        file = loc["file"] if loc else ""
        for prefix in strip:
            if file.startswith(prefix):
                file = file[len(prefix) :]
        if file and not file.startswith(pkg + "/"):
            # A change in an imported file that the package uses: apidiff reports it (the API's
            # clients see it), buf's `--path` looks at the package's own files only.
            if c["severity"] != "info":
                own["dependency: " + c["id"]] += 1
        elif c["id"] in rule_map:
            found[(rule_map[c["id"]], file)] += 1
        elif c["severity"] != "info":
            own[c["id"]] += 1
    return found, own, []


def compare_pair(args, buf, roots, rule_map, old_v, new_v, pkgs):
    old, new = roots[old_v], roots[new_v]
    images = os.path.join(args.cache, "images", old_v)
    os.makedirs(images, exist_ok=True)
    rows = []
    for pkg in pkgs:
        bf, bexp, berr = run_buf(buf, old, new, pkg, args.category, images)
        af, own, aerr = run_apidiff(args.apidiff, old, new, pkg, args.category, rule_map, [old + "/", new + "/"])
        rows.append({"pair": f"{old_v}->{new_v}", "package": pkg, "buf": bf, "apidiff": af, "apidiff_only_rules": own, "buf_explained": bexp,
                     "buf_error": berr, "apidiff_error": aerr})
    return rows


def whole_tree(args, buf, roots, rule_map, old_v, new_v):
    """Both tools on the two whole trees, timed (the vendored well-known types left out of both)."""
    old, new = roots[old_v], roots[new_v]
    cfg = json.dumps({"version": "v2", "modules": [{"path": ".", "excludes": ["google/protobuf"]}], "breaking": {"use": [args.category]}})
    img = os.path.join(args.cache, "images", f"tree-{old_v}.binpb")
    t0 = time.monotonic()
    b = sh([buf, "build", "--config", cfg, "-o", img], cwd=old, check=False)
    t_build = time.monotonic() - t0
    t0 = time.monotonic()
    p = sh([buf, "breaking", ".", "--against", img, "--config", cfg, "--error-format", "json"], cwd=new, check=False)
    t_buf = time.monotonic() - t0 + t_build
    buf_n = sum(1 for line in p.stdout.splitlines() if line.startswith("{"))
    buf_err = (b.stderr + p.stderr).strip().splitlines()[:3] if b.returncode or p.returncode not in (0, 100) else []
    t0 = time.monotonic()
    a = sh([args.apidiff, "diff", old, new, "--proto-category", args.category, "-f", "json", "--fail-on", "never"], check=False)
    t_apidiff = time.monotonic() - t0
    api_n = None
    if a.returncode in (0, 1):
        api_n = sum(1 for c in json.loads(a.stdout)["changes"] if c["id"] in rule_map)
    return {"pair": f"{old_v}->{new_v}", "buf_seconds": round(t_buf, 1), "buf_findings": buf_n, "buf_error": buf_err,
            "apidiff_seconds": round(t_apidiff, 1), "apidiff_findings": api_n,
            "apidiff_error": a.stderr.strip().splitlines()[:3] if a.returncode not in (0, 1) else []}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--apidiff", default=os.environ.get("APIDIFF_BIN", "target/debug/apidiff"))
    ap.add_argument("--cache", default=os.path.expanduser("~/.cache/apidiff-buf-compare"))
    ap.add_argument("--releases", default=",".join(RELEASES))
    ap.add_argument("--packages", default=",".join(PACKAGES))
    ap.add_argument("--all", action="store_true", help="every package folder present in both releases of a pair")
    ap.add_argument("--category", default="PACKAGE")
    ap.add_argument("--tree", action="store_true", help="also compare and time the whole trees")
    ap.add_argument("--json", help="write every row here")
    args = ap.parse_args()
    args.apidiff = os.path.abspath(args.apidiff)
    releases = args.releases.split(",")
    buf, roots = install(args.cache, releases)
    rule_map = buf_rule_map(args.apidiff)
    totals, only, explained = collections.Counter(), collections.Counter(), collections.Counter()
    unexplained = 0
    out_rows, trees = [], []
    for old_v, new_v in zip(releases, releases[1:]):
        both = packages_of(roots[old_v]) & packages_of(roots[new_v])
        pkgs = sorted(both) if args.all else [p for p in args.packages.split(",") if p in both]
        for row in compare_pair(args, buf, roots, rule_map, old_v, new_v, pkgs):
            out_rows.append(row)
            where = f"{row['pair']} {row['package']}"
            if row["buf_error"] or row["apidiff_error"]:
                totals["errors"] += 1
                # A package neither tool can build is not a disagreement; one that only one builds is.
                if bool(row["buf_error"]) != bool(row["apidiff_error"]):
                    unexplained += 1
                    print(f"DISAGREE {where}: buf error {row['buf_error']} / apidiff error {row['apidiff_error']}")
                continue
            totals["packages"] += 1
            b, a = row["buf"], row["apidiff"]
            totals["agree"] += sum((b & a).values())
            totals["buf_findings"] += sum(b.values())
            totals["apidiff_findings"] += sum(a.values())
            for k, n in row["apidiff_only_rules"].items():
                only[k] += n
            for k, n in row["buf_explained"].items():
                explained[k] += n
            for key in sorted(set(b) | set(a)):
                if b[key] == a[key]:
                    continue
                rule, file = key
                unexplained += 1
                print(f"DISAGREE {where}: {rule} {file}: buf {b[key]}, apidiff {a[key]}")
        if args.tree:
            t = whole_tree(args, buf, roots, rule_map, old_v, new_v)
            trees.append(t)
            print(f"TREE {t['pair']}: buf {t['buf_seconds']} s, {t['buf_findings']} findings {t['buf_error'] or ''}; "
                  f"apidiff {t['apidiff_seconds']} s, {t['apidiff_findings']} findings {t['apidiff_error'] or ''}")
    print(f"packages compared: {totals['packages']} (errors in both tools: {totals['errors']}); buf findings: {totals['buf_findings']}, "
          f"apidiff findings: {totals['apidiff_findings']}, agreed: {totals['agree']}, unexplained disagreements: {unexplained}")
    for k, n in sorted(explained.items()):
        print(f"  explained, buf only: {n} x {k}")
    for k, n in sorted(only.items()):
        print(f"  apidiff only (no buf rule, or outside buf's --path): {n} x {k}")
    if args.json:
        def plain(r):
            return {k: ({f"{x[0]} {x[1]}" if isinstance(x, tuple) else x: n for x, n in v.items()} if isinstance(v, collections.Counter) else v)
                    for k, v in r.items()}
        with open(args.json, "w") as f:
            json.dump({"rows": [plain(r) for r in out_rows], "trees": trees}, f, indent=1)
    sys.exit(1 if unexplained else 0)


if __name__ == "__main__":
    main()

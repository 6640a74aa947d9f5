#!/usr/bin/env python3
"""Writes a folder store holding one usage batch with evidence for every operation of an
OpenAPI description (JSON or YAML when PyYAML is present), as `apidiff usage ingest` would:
daily counts per (operation, client) over the window, for benchmarks of usage-aware `diff`.

usage: scripts/usage-batch.py SPEC STORE_DIR [--module NAME] [--clients N] [--days N] [--every N] [--today YYYY-MM-DD]

The counts are deterministic (derived from a hash of the operation), so two runs write the same
batch; some operations get no requests at all, so both verdicts (softened, kept) are exercised.
"""
import argparse, datetime, hashlib, json, os

METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def load(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        return json.loads(text)
    except ValueError:
        import yaml  # only for YAML descriptions
        return yaml.safe_load(text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("spec")
    ap.add_argument("store")
    ap.add_argument("--module", default="api")
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--every", type=int, default=7, help="one daily count every N days of the window")
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--today", default=datetime.date.today().isoformat())
    a = ap.parse_args()
    spec = load(a.spec)
    today = datetime.date.fromisoformat(a.today)
    counts = []
    for path, item in sorted((spec.get("paths") or {}).items()):
        for method in sorted(k for k in (item or {}) if k in METHODS):
            h = int(hashlib.sha256(f"{method} {path}".encode()).hexdigest()[:8], 16)
            if h % 5 == 0:
                continue  # never called
            for d in range(0, a.days, a.every):
                day = (today - datetime.timedelta(days=d)).isoformat()
                for c in range(1 + h % a.clients):
                    counts.append({
                        "module": a.module,
                        "element": {"kind": "operation", "method": method.upper(), "path": path},
                        "client": f"client-{c}",
                        "day": day,
                        "requests": 1 + (h >> (c % 16)) % 997,
                        "last_seen": f"{day}T12:00:00Z",
                    })
    body = {"version": 1, "time": f"{a.today}T00:00:00Z", "evidence": "synthetic", "counts": counts}
    batch_id = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:32]
    body["id"] = batch_id
    os.makedirs(os.path.join(a.store, "records", "usage"), exist_ok=True)
    for d in ("objects/sha256", "tmp"):
        os.makedirs(os.path.join(a.store, d), exist_ok=True)
    marker = os.path.join(a.store, "apidiff-store.json")
    if not os.path.exists(marker):
        with open(marker, "w") as f:
            f.write('{"layout": 1}\n')
    with open(os.path.join(a.store, "records", "usage", f"{batch_id}.json"), "w") as f:
        json.dump(body, f)
    print(f"{len(counts)} daily counts for module {a.module} in {a.store}")


if __name__ == "__main__":
    main()

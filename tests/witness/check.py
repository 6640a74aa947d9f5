"""Checks apidiff's witnesses with Python's jsonschema, a validator apidiff did not write.

Reads a JSON list of jobs from argv[1]; each names a spec file (YAML or JSON, already converted
to JSON by the test), the draft (4 or 2020), a pointer and an instance, and whether apidiff says
the schema there accepts it. OpenAPI 3.0 and Swagger 2.0 `nullable`/`x-nullable` are folded into
`type` first. Formats are checked with jsonschema's FormatChecker (apidiff asserts a few of
them); a verdict resting on a format it cannot check is skipped. Prints one line per disagreement; exit 1 when there is any.
"""
import json
import sys

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT202012


def fold_nullable(node):
    if isinstance(node, dict):
        if (node.get("nullable") is True or node.get("x-nullable") is True) and isinstance(node.get("type"), str):
            node["type"] = [node["type"], "null"]
        for v in node.values():
            fold_nullable(v)
    elif isinstance(node, list):
        for v in node:
            fold_nullable(v)


def main():
    jobs = json.load(open(sys.argv[1], encoding="utf-8"))
    checker = jsonschema.FormatChecker()
    bad = []
    skipped = 0
    for job in jobs:
        # A verdict that rests on a format this jsonschema cannot check (date-time without
        # rfc3339-validator, OpenAPI's int32/int64) is not a question it can answer.
        if any(f not in checker.checkers for f in job["formats"]):
            skipped += 1
            continue
        doc = json.loads(job["document"])
        draft4 = job["draft"] == 4
        if draft4:
            fold_nullable(doc)
        spec = DRAFT4 if draft4 else DRAFT202012
        registry = Registry().with_resource("urn:doc", Resource(contents=doc, specification=spec))
        cls = jsonschema.Draft4Validator if draft4 else jsonschema.Draft202012Validator
        schema = {"$ref": "urn:doc#" + job["pointer"]}
        if not draft4:
            schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        validator = cls(schema, registry=registry, format_checker=checker)
        errors = list(validator.iter_errors(job["instance"]))
        accepts = not errors
        if accepts != job["accepts"]:
            why = "; ".join(e.message[:200] for e in errors) or "it accepts"
            bad.append(f"{job['case']} {job['rule']} {job['side']}: apidiff says accepts={job['accepts']}, jsonschema says {why} (instance {json.dumps(job['instance'])[:200]})")
    for line in bad:
        print(line)
    print(f"checked {len(jobs) - skipped} verdicts, {len(bad)} disagree", file=sys.stderr)
    sys.exit(1 if bad else 0)


main()

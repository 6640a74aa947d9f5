"""Checks apidiff's GraphQL witnesses with graphql-core, a validator apidiff did not write.

Reads a JSON list of jobs from argv[1]; each has both schemas' SDL, the witness kind, the
operation and its variables, and (for a response witness) the response. Each schema is built
with `build_schema` (the API schema: elements marked `@inaccessible` left out). An operation
witness must pass `validate` against the base and fail against the revision. A response witness's
operation must pass both, and executing it over the response's data must succeed on the revision
(with the same data) and fail on the base. Prints one line per disagreement; exit 1 when any.
"""
import json
import sys

from graphql import build_ast_schema, execute_sync, parse, validate
from graphql.language import Visitor, visit
from graphql.language.visitor import REMOVE


class DropInaccessible(Visitor):
    def _drop(self, node, *_):
        if any(d.name.value == "inaccessible" for d in (node.directives or [])):
            return REMOVE
        return None

    enter_field_definition = _drop
    enter_object_type_definition = _drop
    enter_interface_type_definition = _drop
    enter_object_type_extension = _drop


def schema(sdl):
    return build_ast_schema(visit(parse(sdl), DropInaccessible()), assume_valid_sdl=True)


def main():
    jobs = json.load(open(sys.argv[1], encoding="utf-8"))
    bad = []
    for job in jobs:
        where = f"{job['case']} {job['rule']}"
        base, rev = schema(job["base"]), schema(job["revision"])
        doc = parse(job["query"])
        eb, er = validate(base, doc), validate(rev, doc)
        if job["kind"] == "operation":
            if eb:
                bad.append(f"{where}: the base rejects it: {eb[0].message}")
            if not er:
                bad.append(f"{where}: the revision accepts it")
            continue
        if eb or er:
            bad.append(f"{where}: a response witness's operation must validate on both: {(eb or er)[0].message}")
            continue
        data = job["response"]["data"]
        rb = execute_sync(base, doc, root_value=data, variable_values=job["variables"])
        rr = execute_sync(rev, doc, root_value=data, variable_values=job["variables"])
        if not rb.errors:
            bad.append(f"{where}: the base's types allow the response {json.dumps(data)}")
        if rr.errors or rr.data != data:
            bad.append(f"{where}: the revision does not answer {json.dumps(data)}: {rr.errors} {rr.data}")
    for line in bad:
        print(line)
    print(f"checked {len(jobs)} witnesses, {len(bad)} disagree", file=sys.stderr)
    sys.exit(1 if bad else 0)


main()

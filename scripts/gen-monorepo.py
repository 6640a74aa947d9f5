#!/usr/bin/env python3
"""Generate a monorepo of N API specs across formats, grouped into modules, for benchmarks.

Usage: scripts/gen-monorepo.py N DIR [--seed S]

Each module is a folder `services/<team>-<k>/` holding one spec; formats rotate through
OpenAPI YAML (with a $ref'd components file), OpenAPI JSON, GraphQL, AsyncAPI, protobuf (with an
imported common file per module) and TypeScript declarations. Also writes an `apidiff.yaml`
declaring every module with owners and a few dependencies, and a node_modules/ folder that
discovery must skip. Deterministic for a given seed.
"""
import json
import os
import random
import sys

FORMATS = ["openapi-yaml", "openapi-json", "graphql", "asyncapi", "proto", "dts"]


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def openapi_yaml(name, n_ops):
    paths = "".join(
        f"  /{name}/items{i}/{{id}}:\n    get:\n      operationId: get{i}\n"
        f"      parameters:\n        - {{name: id, in: path, required: true, schema: {{type: string}}}}\n"
        f"      responses:\n        '200':\n          description: ok\n          content:\n"
        f"            application/json:\n              schema: {{$ref: 'components.yaml#/Item'}}\n"
        for i in range(n_ops)
    )
    return f"openapi: 3.0.3\ninfo:\n  title: {name}\n  version: '1.0.0'\npaths:\n{paths}"


COMPONENTS = "Item:\n  type: object\n  required: [id]\n  properties:\n    id: {type: string}\n    name: {type: string}\n    tags: {type: array, items: {type: string}}\n"


def openapi_json(name, n_ops):
    paths = {
        f"/{name}/things{i}": {
            "post": {
                "operationId": f"create{i}",
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
                "responses": {"201": {"description": "created"}},
            }
        }
        for i in range(n_ops)
    }
    doc = {
        "openapi": "3.1.0",
        "info": {"title": name, "version": "1.0.0"},
        "paths": paths,
        "components": {"schemas": {"Thing": {"type": "object", "properties": {"id": {"type": "string"}, "size": {"type": ["integer", "null"]}}}}},
    }
    return json.dumps(doc, indent=2) + "\n"


def graphql(name, n_ops):
    fields = "".join(f"  item{i}(id: ID!): Item\n" for i in range(n_ops))
    return f"type Query {{\n{fields}}}\n\ntype Item {{\n  id: ID!\n  name: String\n  owner: User\n}}\n\ntype User {{\n  id: ID!\n  email: String!\n}}\n"


def asyncapi(name, n_ops):
    channels = "".join(
        f"  {name}.event{i}:\n    subscribe:\n      message:\n        payload:\n          type: object\n          properties:\n            id: {{type: string}}\n"
        for i in range(n_ops)
    )
    return f"asyncapi: '2.6.0'\ninfo:\n  title: {name}\n  version: '1.0.0'\nchannels:\n{channels}"


def proto(name, pkg, n_ops, folder):
    rpcs = "".join(f"  rpc Get{i}(Get{i}Request) returns (common.Item);\n" for i in range(n_ops))
    msgs = "".join(f"message Get{i}Request {{\n  string id = 1;\n  int32 page = 2;\n}}\n" for i in range(n_ops))
    return (
        f'syntax = "proto3";\npackage {pkg};\nimport "{folder}/common.proto";\n\nservice {name.title().replace("-", "")}Service {{\n{rpcs}}}\n\n{msgs}'
    )


def proto_common():
    return 'syntax = "proto3";\npackage common;\n\nmessage Item {\n  string id = 1;\n  string name = 2;\n}\n'


def dts(name, n_ops):
    fns = "".join(f"export declare function get{i}(id: string): Promise<Item>;\n" for i in range(n_ops))
    return f"export interface Item {{\n  id: string;\n  name?: string;\n}}\n{fns}"


def main():
    if len(sys.argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    n = int(sys.argv[1])
    out = sys.argv[2]
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 1
    rng = random.Random(seed)
    teams = ["payments", "users", "orders", "search", "billing", "catalog", "shipping", "auth"]
    modules = []
    for k in range(n):
        fmt = FORMATS[k % len(FORMATS)]
        name = f"{teams[k % len(teams)]}-{k}"
        folder = f"services/{name}"
        ops = rng.randint(2, 12)
        if fmt == "openapi-yaml":
            write(f"{out}/{folder}/openapi.yaml", openapi_yaml(name, ops))
            write(f"{out}/{folder}/components.yaml", COMPONENTS)
            glob = f"{folder}/openapi.yaml"
        elif fmt == "openapi-json":
            write(f"{out}/{folder}/openapi.json", openapi_json(name, ops))
            glob = f"{folder}/openapi.json"
        elif fmt == "graphql":
            write(f"{out}/{folder}/schema.graphql", graphql(name, ops))
            glob = f"{folder}/schema.graphql"
        elif fmt == "asyncapi":
            write(f"{out}/{folder}/asyncapi.yaml", asyncapi(name, ops))
            glob = f"{folder}/asyncapi.yaml"
        elif fmt == "proto":
            write(f"{out}/{folder}/service.proto", proto(name, f"svc{k}", ops, folder))
            write(f"{out}/{folder}/common.proto", proto_common())
            glob = f"{folder}/service.proto"
        else:
            write(f"{out}/{folder}/index.d.ts", dts(name, ops))
            glob = f"{folder}/index.d.ts"
        deps = []
        if k > 0 and rng.random() < 0.3:
            dep = rng.randrange(0, k)
            deps.append(modules[dep]["name"])
        modules.append({"name": name, "specs": [glob], "owners": [f"@{teams[k % len(teams)]}-team"], "depends_on": deps})
    lines = ["modules:"]
    for m in modules:
        lines.append(f"  - name: {m['name']}")
        lines.append(f"    specs: ['{m['specs'][0]}']")
        lines.append(f"    owners: ['{m['owners'][0]}']")
        if m["depends_on"]:
            lines.append(f"    depends_on: [{', '.join(m['depends_on'])}]")
    write(f"{out}/apidiff.yaml", "\n".join(lines) + "\n")
    write(f"{out}/node_modules/some-package/openapi.yaml", "openapi: 3.0.0\ninfo: {title: vendored, version: '1'}\npaths: {}\n")
    write(f"{out}/.gitignore", ".apidiff/tmp/\n")
    print(f"wrote {n} specs in {n} modules under {out}")


if __name__ == "__main__":
    main()

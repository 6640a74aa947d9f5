#!/usr/bin/env python3
"""Writes an OpenAPI 3.0 document whose one schema is an object with N properties, to measure
how `apidiff diff` scales with the width of an object (issue #13: 100,000 properties in ≤ 1 s).

usage: scripts/gen-wide-object.py [--properties N] [--change K] [--yaml] OUT

--change K gives property pK the type `integer` instead of `string` (the realistic case: one
property changed). The default output is JSON (~3 MB for 100,000 properties).

Reproduce the BENCHMARKS rows:
    scripts/gen-wide-object.py /tmp/wide.json
    scripts/gen-wide-object.py --change 50000 /tmp/wide-1.json
    hyperfine -N -w 1 -r 5 'apidiff diff /tmp/wide.json /tmp/wide.json' \
        'apidiff diff /tmp/wide.json /tmp/wide-1.json'
"""
import argparse, json


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--properties", type=int, default=100_000)
    ap.add_argument("--change", type=int, default=None, help="property index whose type becomes integer")
    ap.add_argument("--yaml", action="store_true", help="write YAML (block style) instead of JSON")
    ap.add_argument("out")
    a = ap.parse_args()
    props = {}
    for i in range(a.properties):
        props[f"p{i}"] = {"type": "integer" if i == a.change else "string"}
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "wide", "version": "1.0.0"},
        "paths": {
            "/wide": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Wide"}}},
                        }
                    }
                }
            }
        },
        "components": {"schemas": {"Wide": {"type": "object", "properties": props}}},
    }
    with open(a.out, "w") as f:
        if a.yaml:
            f.write('openapi: "3.0.3"\ninfo: {title: wide, version: "1.0.0"}\n')
            f.write("paths:\n  /wide:\n    get:\n      responses:\n        '200':\n")
            f.write("          description: ok\n          content:\n            application/json:\n")
            f.write("              schema: {$ref: '#/components/schemas/Wide'}\n")
            f.write("components:\n  schemas:\n    Wide:\n      type: object\n      properties:\n")
            for k, v in props.items():
                f.write(f"        {k}: {{type: {v['type']}}}\n")
        else:
            json.dump(doc, f)


if __name__ == "__main__":
    main()

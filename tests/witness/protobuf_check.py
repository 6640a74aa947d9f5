"""Checks apidiff's protobuf witnesses with the protobuf Python runtime, which apidiff did not write.

Reads a JSON list of jobs from argv[1]; each names each side's files (compiled here with
grpc_tools.protoc) and the witness instance. Wire bytes are
parsed with each side's message class and shown with `MessageToDict(preserving_proto_field_name)`;
proto JSON is parsed with `ParseDict`; an enum value name is looked up in the enum; a read of an
empty message compares the field's default. A symbol or gRPC method must resolve in the base's
descriptor pool and not in the revision's. Prints one line per disagreement; exit 1 when any.
"""
import json
import os
import sys
import tempfile

import grpc_tools
from grpc_tools import protoc

from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory


PACKAGES = {}


def pool(side):
    """Compiles one side (`root`, its `files`, extra `includes`) with grpc_tools.protoc."""
    out = os.path.join(tempfile.mkdtemp(), "set.binpb")
    wkt = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    args = ["protoc", "-I" + side["root"], *("-I" + i for i in side["includes"]), "-I" + wkt,
            "--include_imports", "--descriptor_set_out=" + out, *side["files"]]
    if protoc.main(args) != 0:
        raise SystemExit(f"protoc failed on {side}")
    fds = descriptor_pb2.FileDescriptorSet.FromString(open(out, "rb").read())
    p = descriptor_pool.DescriptorPool()
    for f in fds.file:
        p.Add(f)
    PACKAGES[id(p)] = {f.package for f in fds.file}
    return p


def cls(p, name):
    return message_factory.GetMessageClass(p.FindMessageTypeByName(name))


def decode(p, inst):
    m = cls(p, inst["message"])()
    try:
        if "json" in inst:
            json_format.ParseDict(inst["json"], m)
        else:
            m.ParseFromString(bytes.fromhex(inst["hex"]))
            if not m.IsInitialized():
                return None
    except Exception:  # noqa: BLE001 - any refusal is "decodes to nothing"
        return None
    if "read" in inst:
        v = getattr(m, inst["read"])
        return str(v).lower() if isinstance(v, bool) else str(v)
    return json.loads(json.dumps(json_format.MessageToDict(m, preserving_proto_field_name=True)))


def resolves(p, name):
    if name in PACKAGES[id(p)]:
        return True
    for find in (p.FindMessageTypeByName, p.FindEnumTypeByName, p.FindServiceByName, p.FindFieldByName,
                 p.FindExtensionByName, p.FindFileByName, p.FindMethodByName):
        try:
            find(name)
            return True
        except KeyError:
            continue
    return False


def same(a, b):
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True) or (
        isinstance(a, (int, float)) and isinstance(b, (int, float)) and float(a) == float(b))


def main():
    jobs = json.load(open(sys.argv[1], encoding="utf-8"))
    bad = []
    for job in jobs:
        where = f"{job['case']} {job['rule']}"
        pb, pr = pool(job["base"]), pool(job["revision"])
        inst = job["instance"]
        if "enum" in inst:
            got = [getattr(p.FindEnumTypeByName(inst["enum"]).values_by_name.get(inst["json"]), "number", None) for p in (pb, pr)]
            want = [inst["base"], inst["revision"]]
        elif "symbol" in inst or "grpc" in inst:
            name = inst.get("symbol") or inst["grpc"].strip("/").replace("/", ".")
            got, want = [resolves(pb, name), resolves(pr, name)], [True, False]
        elif "read" in inst:
            got = [decode(pb, inst), decode(pr, inst)]
            want = [inst["base"], inst["revision"]]
            want = [w if w is not None else g for w, g in zip(want, got)]
        else:
            got = [decode(pb, inst), decode(pr, inst)]
            want = [inst["base"], inst["revision"]]
        if not all(same(g, w) for g, w in zip(got, want)):
            bad.append(f"{where}: apidiff says base/revision give {want}, the runtime gives {got} ({json.dumps(inst)[:300]})")
    for line in bad:
        print(line)
    print(f"checked {len(jobs)} witnesses, {len(bad)} disagree", file=sys.stderr)
    sys.exit(1 if bad else 0)


main()

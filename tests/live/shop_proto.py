"""Compiles a .proto of the test services with grpcio-tools into a temporary folder and imports its
generated module (`shop_pb2`), which registers its descriptors. Shared by grpc_server.py and
otel_grpc_export.py (both run from this folder, so it is on their import path)."""
import importlib
import os
import shutil
import sys
import tempfile

from grpc_tools import protoc


def load(proto):
    """The `shop_pb2` module of `proto` (copied as shop.proto); exits when protoc fails."""
    out = tempfile.mkdtemp()
    shutil.copy(proto, os.path.join(out, "shop.proto"))
    if protoc.main(["protoc", f"-I{out}", f"--python_out={out}", os.path.join(out, "shop.proto")]) != 0:
        sys.exit("protoc failed")
    sys.path.insert(0, out)
    return importlib.import_module("shop_pb2")

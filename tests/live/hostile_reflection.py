"""A hostile gRPC reflection server for tests/outbound.rs (issue #24, item 6).

Speaks grpc.reflection v1 and v1alpha with hand-encoded protobuf, in one of three shapes:
  many  2,000 services whose files sit on a 64-deep dependency chain, each answer carrying
        the requested file with its whole chain (the shape that took apidiff to 5.8 GB);
  fat   1,000 services, each answer carrying the whole 64-deep chain;
  deep  5 services on a 64-deep chain, each answer carrying only the file asked for;
  big   1,000 services, each file carrying a message with a 100 KB name (100 MB in one answer, over
        the 50 MB download budget of one source).
Prints its port on stdout, then serves until killed.
"""

import sys
from concurrent import futures

import grpc

SHAPE = sys.argv[1]
SERVICES = {"many": 2000, "fat": 1000, "deep": 5, "big": 1000}[SHAPE]
DEPTH = 64


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field(number, payload):
    if isinstance(payload, str):
        payload = payload.encode()
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def fields(raw):
    """The length-delimited fields of a message, as (number, bytes)."""
    i, out = 0, []
    while i < len(raw):
        key, shift = 0, 0
        while True:
            b = raw[i]
            i += 1
            key |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                break
        number, wire = key >> 3, key & 7
        if wire != 2:
            return out
        length, shift = 0, 0
        while True:
            b = raw[i]
            i += 1
            length |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                break
        out.append((number, raw[i : i + length]))
        i += length
    return out


def chain_file(level):
    deps = field(3, f"chain/level{level + 1}.proto") if level + 1 < DEPTH else b""
    return field(1, f"chain/level{level}.proto") + field(2, "chain") + deps


def service_file(n):
    svc = field(1, f"S{n}")
    big = field(4, field(1, "M" * 100_000)) if SHAPE == "big" else b""
    return field(1, f"svc/s{n}.proto") + field(2, "hostile") + field(3, "chain/level0.proto") + big + field(6, svc)


CHAIN = [chain_file(level) for level in range(DEPTH)]


def files_answer(files):
    return field(4, b"".join(field(1, f) for f in files))


def respond(raw):
    asked = dict(fields(raw))
    if 7 in asked:
        listed = b"".join(field(1, field(1, f"hostile.S{n}")) for n in range(SERVICES))
        return field(6, listed)
    if 4 in asked:
        n = int(asked[4].decode().rsplit("S", 1)[1])
        if SHAPE in ("deep", "big"):
            return files_answer([service_file(n)])
        return files_answer([service_file(n)] + CHAIN)
    if 3 in asked:
        name = asked[3].decode()
        level = int(name.rsplit("level", 1)[1].split(".")[0])
        return files_answer([CHAIN[level]])
    return field(7, b"\x08\x05" + field(2, "not found"))


def info(requests, context):
    for raw in requests:
        yield respond(raw)


class Reflection(grpc.GenericRpcHandler):
    def service(self, details):
        if details.method.endswith("/ServerReflectionInfo"):
            return grpc.stream_stream_rpc_method_handler(info)
        return None


server = grpc.server(
    futures.ThreadPoolExecutor(max_workers=4),
    options=[("grpc.max_send_message_length", 512 << 20), ("grpc.max_receive_message_length", 512 << 20)],
)
server.add_generic_rpc_handlers((Reflection(),))
port = server.add_insecure_port("127.0.0.1:0")
server.start()
print(port, flush=True)
server.wait_for_termination()

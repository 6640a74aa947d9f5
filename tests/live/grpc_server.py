"""A gRPC server with server reflection (grpcio-reflection), for a .proto compiled at start.

usage: grpc_server.py FILE.proto PORT [--no-reflection] [--tls CERT KEY]
The .proto is compiled with grpcio-tools into a temporary folder and imported, which registers
its descriptors; reflection serves them. No method handlers are needed for reflection. With
--tls the server speaks TLS (grpcs://) with that certificate chain and key."""
import sys
import time
from concurrent import futures

import grpc
from grpc_reflection.v1alpha import reflection

import shop_proto

proto, port = sys.argv[1], int(sys.argv[2])
pb = shop_proto.load(proto)
server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
if "--no-reflection" not in sys.argv:
    names = [s.full_name for s in pb.DESCRIPTOR.services_by_name.values()] + [reflection.SERVICE_NAME]
    reflection.enable_server_reflection(names, server)
if "--tls" in sys.argv:
    i = sys.argv.index("--tls")
    with open(sys.argv[i + 1], "rb") as c, open(sys.argv[i + 2], "rb") as k:
        creds = grpc.ssl_server_credentials([(k.read(), c.read())])
    server.add_secure_port(f"127.0.0.1:{port}", creds)
else:
    server.add_insecure_port(f"127.0.0.1:{port}")
server.start()
try:
    while True:
        time.sleep(3600)
except KeyboardInterrupt:
    pass

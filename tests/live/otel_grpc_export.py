"""The gRPC test service (the .proto grpc_server.py serves) with method handlers, instrumented with
the OpenTelemetry Python SDK (opentelemetry-instrumentation-grpc's server interceptor): serves on
a free port, makes the calls given on the command line with a real grpcio client, and exports the
server spans (`rpc.service`, `rpc.method`) over OTLP/HTTP protobuf to ENDPOINT with a bearer
token. Usage: otel_grpc_export.py FILE.proto ENDPOINT TOKEN METHOD [METHOD ...]"""
import sys
from concurrent import futures

import grpc
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.grpc import server_interceptor
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor

import shop_proto

proto, endpoint, token = sys.argv[1:4]
calls = sys.argv[4:]
pb = shop_proto.load(proto)
service = pb.DESCRIPTOR.services_by_name["Orders"]

provider = TracerProvider()
provider.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter(endpoint=endpoint, headers={"authorization": f"Bearer {token}"})))


def handler(method):
    out_type = pb.Order

    def call(request, context):
        return out_type(id=request.id, total=42)

    return grpc.unary_unary_rpc_method_handler(
        call, request_deserializer=pb.GetOrderRequest.FromString, response_serializer=out_type.SerializeToString
    )


handlers = {m.name: handler(m) for m in service.methods}
server = grpc.server(futures.ThreadPoolExecutor(max_workers=2), interceptors=[server_interceptor(tracer_provider=provider)])
server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(service.full_name, handlers),))
port = server.add_insecure_port("127.0.0.1:0")
server.start()
with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
    for method in calls:
        stub = channel.unary_unary(
            f"/{service.full_name}/{method}",
            request_serializer=pb.GetOrderRequest.SerializeToString,
            response_deserializer=pb.Order.FromString,
        )
        stub(pb.GetOrderRequest(id="o-1"), timeout=10)
server.stop(None)
if not provider.force_flush(10_000):
    sys.exit("spans were not exported")

"""The FastAPI test service (rest_v1) instrumented with the OpenTelemetry Python SDK: serves on a
free port, takes the requests given on the command line (METHOD PATH ...) with an
`x-client-name` header, and exports the server spans over OTLP/HTTP protobuf to ENDPOINT with a
bearer token. Usage: otel_export.py ENDPOINT TOKEN CLIENT METHOD PATH [METHOD PATH ...]"""
import os
import socket
import sys
import threading
import time
import urllib.error
import urllib.request

os.environ["OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_SERVER_REQUEST"] = "x-client-name"
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import uvicorn  # noqa: E402
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter  # noqa: E402
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor  # noqa: E402
from opentelemetry.sdk.trace import TracerProvider  # noqa: E402
from opentelemetry.sdk.trace.export import SimpleSpanProcessor  # noqa: E402

from rest_v1 import app  # noqa: E402

endpoint, token, client = sys.argv[1:4]
calls = list(zip(sys.argv[4::2], sys.argv[5::2]))
provider = TracerProvider()
provider.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter(endpoint=endpoint, headers={"authorization": f"Bearer {token}"})))
FastAPIInstrumentor.instrument_app(app, tracer_provider=provider)

s = socket.socket()
s.bind(("127.0.0.1", 0))
port = s.getsockname()[1]
s.close()
server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
thread = threading.Thread(target=server.run, daemon=True)
thread.start()
for _ in range(200):
    if server.started:
        break
    time.sleep(0.05)
for method, path in calls:
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method, headers={"x-client-name": client, "user-agent": "otel-test/1"})
    try:
        urllib.request.urlopen(req, timeout=10).read()
    except urllib.error.HTTPError:
        pass  # a 404 is traffic too (an undocumented endpoint)
if not provider.force_flush(10_000):
    sys.exit("spans were not exported")
server.should_exit = True
thread.join(10)
print(f"served {len(calls)} requests and exported their spans")

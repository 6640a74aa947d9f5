"""A GraphQL server answering introspection (graphql-core over http.server).

usage: graphql_server.py SCHEMA.graphql PORT [BEARER_TOKEN]
With a token, requests without `Authorization: Bearer TOKEN` get 401."""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from graphql import build_schema, graphql_sync

schema = build_schema(open(sys.argv[1]).read())
port = int(sys.argv[2])
token = sys.argv[3] if len(sys.argv) > 3 else None


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, query):
        if token and self.headers.get("Authorization") != f"Bearer {token}":
            self.send_response(401)
            self.end_headers()
            return
        result = graphql_sync(schema, query)
        body = json.dumps({"data": result.data, "errors": [str(e) for e in result.errors or []] or None}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        self.answer(json.loads(self.rfile.read(length))["query"])

    def do_GET(self):
        self.answer(parse_qs(urlparse(self.path).query).get("query", [""])[0])


ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()

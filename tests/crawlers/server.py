"""A local HTTP server for recorded-style responses: loopback, a free port, a thread.

Routes match a path and, optionally, some query parameters; each route holds a sequence of
responses served in turn (the last one repeats), so a test can serve a 429 then the page.
Requests are recorded, headers included.
"""

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Reply:
    body: bytes = b""
    status: int = 200
    headers: dict = field(default_factory=dict)


@dataclass
class Route:
    path: str
    query: dict
    replies: list[Reply]
    served: int = 0

    def matches(self, path: str, query: dict) -> bool:
        return path == self.path and all(query.get(k, [None])[0] == str(v) for k, v in self.query.items())

    def next_reply(self) -> Reply:
        reply = self.replies[min(self.served, len(self.replies) - 1)]
        self.served += 1
        return reply


class FixtureServer:
    def __init__(self):
        self.routes: list[Route] = []
        self.requests: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                server.requests.append({"path": parts.path, "query": query, "headers": dict(self.headers)})
                route = next((r for r in reversed(server.routes) if r.matches(parts.path, query)), None)
                reply = route.next_reply() if route else Reply(b"not found", 404)
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def add(self, path: str, *replies: Reply | bytes, query: dict | None = None) -> Route:
        route = Route(path, query or {}, [r if isinstance(r, Reply) else Reply(r) for r in replies])
        self.routes.append(route)
        return route

    def requests_to(self, path: str) -> list[dict]:
        return [r for r in self.requests if r["path"] == path]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

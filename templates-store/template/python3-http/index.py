#!/usr/bin/env python3
"""Runtime for the python3-http template.

The of-watchdog (mode=http) starts this server once and forwards every request to it;
`faas local-run` starts it directly. It uses the standard library only (http.server), so the
function runs without installing anything.

Handler contract: handle(event, context) -> dict with statusCode, body and headers.
"""
import json
import os
import re
import sys
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
# `faas local-run` installs the function's requirements here (pip --target) when it has any.
DEPS = os.path.join(HERE, ".deps")
if os.path.isdir(DEPS):
    sys.path.insert(0, DEPS)

from function import handler  # noqa: E402

ALLOWED_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


class Query:
    """The query string as a multidict: query["k"] is the first value, getlist("k") all."""

    def __init__(self, pairs):
        self._pairs = pairs

    def __getitem__(self, key):
        for k, v in self._pairs:
            if k == key:
                return v
        raise KeyError(key)

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def getlist(self, key):
        return [v for k, v in self._pairs if k == key]

    def __contains__(self, key):
        return any(k == key for k, _ in self._pairs)

    def keys(self):
        return list(dict.fromkeys(k for k, _ in self._pairs))

    def items(self):
        return [(k, self[k]) for k in self.keys()]

    def to_dict(self):
        return dict(self.items())

    def __iter__(self):
        return iter(self.keys())

    def __len__(self):
        return len(self.keys())

    def __repr__(self):
        return "Query(%r)" % (self._pairs,)


class Event:
    def __init__(self, body, headers, method, query, path):
        self.body = body
        self.headers = headers
        self.method = method
        self.query = query
        self.path = path


class Context:
    def __init__(self):
        self.hostname = os.getenv("HOSTNAME", "localhost")

    def secret(self, name):
        """The value of a secret made with `faas secret create NAME` and listed under the
        function's `secrets:` in stack.yaml (one trailing newline is dropped)."""
        return read_secret(name)


SECRET_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def read_secret(name):
    # Secrets are files in $OPENFAAS_SECRETS_PATH (the local runtime) or /var/openfaas/secrets
    # (in a container); read on every call, so an updated secret is seen without a restart.
    if not isinstance(name, str) or not SECRET_NAME.match(name):
        raise ValueError("invalid secret name: %r" % (name,))
    folder = os.getenv("OPENFAAS_SECRETS_PATH") or "/var/openfaas/secrets"
    try:
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            value = f.read()
    except FileNotFoundError:
        raise LookupError(
            'secret %s not found in %s: create it with "faas secret create %s" and list it '
            'under "secrets:" in stack.yaml' % (name, folder, name)
        ) from None
    if value.endswith("\r\n"):
        return value[:-2]
    return value[:-1] if value.endswith("\n") else value


def encode_body(body, headers):
    """Bytes and the default Content-Type for a handler's body value."""
    if body is None:
        return b"", "text/html; charset=utf-8"
    if isinstance(body, (dict, list)):
        return json.dumps(body).encode("utf-8"), "application/json"
    if isinstance(body, (bytes, bytearray)):
        return bytes(body), "application/octet-stream"
    return str(body).encode("utf-8"), "text/html; charset=utf-8"


def header_pairs(headers):
    if headers is None:
        return []
    if isinstance(headers, dict):
        return list(headers.items())
    return [tuple(pair) for pair in headers]


def to_response(result):
    """(status, [(name, value)], bytes) for whatever the handler returned."""
    if result is None:
        return 200, [("Content-Type", "text/html; charset=utf-8")], b""
    if isinstance(result, dict):
        status = int(result.get("statusCode", 200))
        headers = header_pairs(result.get("headers"))
        body, content_type = encode_body(result.get("body"), headers)
    elif isinstance(result, tuple):
        # Flask style: (body, status) or (body, status, headers)
        status = int(result[1]) if len(result) > 1 else 200
        headers = header_pairs(result[2]) if len(result) > 2 else []
        body, content_type = encode_body(result[0], headers)
    else:
        status, headers = 200, []
        body, content_type = encode_body(result, headers)
    if not any(name.lower() == "content-type" for name, _ in headers):
        headers.append(("Content-Type", content_type))
    return status, headers, body


class FunctionRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "python3-http"

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        sys.stderr.write("%s\n" % (format % args))

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            # the watchdog streams request bodies chunked
            chunks = []
            while True:
                size_line = self.rfile.readline().split(b";", 1)[0].strip()
                size = int(size_line or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def respond(self, status, headers, body):
        self.send_response(status)
        for name, value in headers:
            if name.lower() != "content-length":
                self.send_header(name, str(value))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def call_function(self):
        body = self.read_body()
        parts = urlsplit(self.path)
        query = Query(parse_qsl(parts.query, keep_blank_values=True))
        event = Event(body, self.headers, self.command, query, parts.path)
        try:
            result = handler.handle(event, Context())
            status, headers, payload = to_response(result)
        except Exception:  # the function's own error: log it and answer 500
            traceback.print_exc()
            status, headers, payload = 500, [("Content-Type", "text/html; charset=utf-8")], b"Internal Server Error"
        self.respond(status, headers, payload)

    def do_OPTIONS(self):
        self.read_body()
        self.respond(200, [("Allow", ", ".join(ALLOWED_METHODS))], b"")

    def not_allowed(self):
        self.read_body()
        self.respond(405, [("Allow", ", ".join(ALLOWED_METHODS)), ("Content-Type", "text/plain; charset=utf-8")], b"Method Not Allowed")

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = call_function

    def __getattr__(self, name):
        # http.server answers 501 for a method with no do_X; the upstream template says 405
        if name.startswith("do_"):
            return self.not_allowed
        raise AttributeError(name)


def main():
    port = int(os.getenv("http_port", "5000"))
    server = ThreadingHTTPServer(("127.0.0.1", port), FunctionRequestHandler)
    server.daemon_threads = True
    print("python3-http function listening on 127.0.0.1:%d" % port, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    import signal

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    main()

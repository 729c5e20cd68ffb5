#!/usr/bin/env python3
"""A loopback HTTP(S) server for the HTTPClient tests: standard library only, threaded.

Usage: httpserver.py [--tls CERT KEY]

Binds 127.0.0.1 on a free port and prints that port alone on the first line of stdout. It exits when
its standard input closes (the test process owns the pipe, so a crashed test run never leaves it behind)
and never serves anything but loopback. Every endless or slow path is bounded in bytes and time.

Paths (query parameters in brackets):
  /file?size=N[&norange=1][&drop=K]   N deterministic bytes (byte i is i % 251) with Range support;
                                      norange ignores Range and answers 200; drop closes the connection
                                      once absolute offset K is reached (resumes starting past K finish)
  /endless                            streams 64 KiB chunks with no length (at most 2 GiB or 60 s)
  /endless-declared                   announces Content-Length 10 GB, then streams like /endless
  /stall?after=N&length=M             announces M bytes, sends N, then goes silent (at most 10 s)
  /sleep?seconds=S                    waits S seconds before answering (at most 10 s)
  /status?code=C[&retry_after=V]      answers C with a short text body and an optional Retry-After
  /gzip[?size=N]                      N bytes of text, gzip-encoded when the request accepts gzip
  /gzip-bomb?size=N                   N zero bytes, always gzip-encoded (tiny on the wire)
  /echo                               any method: JSON of the method, path, headers and base64 body
  /redirect?to=URL[&code=C]           answers C (302) with Location: URL
  /loop                               redirects to itself, forever
  /multi                              two X-Multi headers and a Set-Cookie pair
"""

import base64
import gzip
import json
import os
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

CHUNK = 64 * 1024
ENDLESS_MAX_BYTES = 2 * 1024 * 1024 * 1024
ENDLESS_MAX_SECONDS = 60
PATTERN = bytes(i % 251 for i in range(251 * 512))  # repeats every 251 bytes; sliced at any offset


def pattern_bytes(start, end):
    """Bytes [start, end) of the deterministic file content (byte i is i % 251)."""
    out = bytearray()
    pos = start
    while pos < end:
        offset = pos % 251
        take = min(end - pos, len(PATTERN) - offset)
        out += PATTERN[offset:offset + take]
        pos += take
    return bytes(out)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "stampwatch-test"

    def log_message(self, format, *args):  # keep the test output clean
        pass

    # --- helpers -----------------------------------------------------------------------------------
    def query(self):
        parts = urlsplit(self.path)
        return parts.path, {k: v[-1] for k, v in parse_qs(parts.query).items()}

    def send_body(self, code, body, content_type="application/octet-stream", extra=()):
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    # --- dispatch ----------------------------------------------------------------------------------
    def do_GET(self):
        self.dispatch()

    def do_HEAD(self):
        self.dispatch()

    def do_POST(self):
        self.dispatch()

    def do_PUT(self):
        self.dispatch()

    def do_DELETE(self):
        self.dispatch()

    def dispatch(self):
        path, q = self.query()
        route = {
            "/file": self.file,
            "/endless": self.endless,
            "/endless-declared": self.endless,
            "/stall": self.stall,
            "/sleep": self.sleep,
            "/status": self.status,
            "/gzip": self.gzip,
            "/gzip-bomb": self.gzip_bomb,
            "/echo": self.echo,
            "/redirect": self.redirect,
            "/loop": self.loop,
            "/multi": self.multi,
        }.get(path)
        if route is None:
            self.send_body(404, b"no such path\n", "text/plain")
            return
        try:
            route(path, q)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            self.close_connection = True  # the client hung up on purpose (limits, timeouts)

    # --- paths -------------------------------------------------------------------------------------
    def file(self, path, q):
        size = int(q.get("size", "100000"))
        drop = int(q["drop"]) if "drop" in q else None
        start, end, code = 0, size, 200
        header = self.headers.get("Range")
        if header and "norange" not in q and header.startswith("bytes="):
            first, _, last = header[len("bytes="):].partition("-")
            start = int(first)
            if start >= size:
                self.send_body(416, b"", extra=[("Content-Range", "bytes */%d" % size)])
                return
            end = min(size, int(last) + 1) if last else size
            code = 206
        self.send_response(code)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(end - start))
        self.send_header("Accept-Ranges", "none" if "norange" in q else "bytes")
        if code == 206:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, end - 1, size))
        self.end_headers()
        if self.command == "HEAD":
            return
        if drop is not None and start < drop < end:
            self.wfile.write(pattern_bytes(start, drop))
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        pos = start
        while pos < end:
            nxt = min(end, pos + CHUNK)
            self.wfile.write(pattern_bytes(pos, nxt))
            pos = nxt

    def endless(self, path, q):
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        if path == "/endless-declared":
            self.send_header("Content-Length", str(10 * 1000 * 1000 * 1000))
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        chunk = b"\xab" * CHUNK
        sent, deadline = 0, time.monotonic() + ENDLESS_MAX_SECONDS
        while sent < ENDLESS_MAX_BYTES and time.monotonic() < deadline:
            self.wfile.write(chunk)
            sent += len(chunk)

    def stall(self, path, q):
        after = int(q.get("after", "1000"))
        length = int(q.get("length", "1000000"))
        self.send_response(200)
        self.send_header("Content-Length", str(length))
        self.end_headers()
        self.wfile.write(pattern_bytes(0, after))
        self.wfile.flush()
        time.sleep(10)
        self.close_connection = True

    def sleep(self, path, q):
        time.sleep(min(10.0, float(q.get("seconds", "5"))))
        self.send_body(200, b"late\n", "text/plain")

    def status(self, path, q):
        code = int(q.get("code", "500"))
        extra = [("Retry-After", q["retry_after"])] if "retry_after" in q else []
        self.send_body(code, ("status %d\n" % code).encode(), "text/plain", extra)

    def gzip(self, path, q):
        size = int(q.get("size", "100000"))
        line = b"stampwatch compresses well on a 2G link\n"
        body = (line * (size // len(line) + 1))[:size]
        extra = [("Vary", "Accept-Encoding")]
        if "gzip" in (self.headers.get("Accept-Encoding") or ""):
            body = gzip.compress(body)
            extra.append(("Content-Encoding", "gzip"))
        self.send_body(200, body, "text/plain", extra)

    def gzip_bomb(self, path, q):
        size = int(q.get("size", str(64 * 1024 * 1024)))
        self.send_body(200, gzip.compress(bytes(size)), "application/octet-stream",
                       [("Content-Encoding", "gzip")])

    def echo(self, path, q):
        body = self.read_body()
        doc = {
            "method": self.command,
            "path": self.path,
            "headers": [[k, v] for k, v in self.headers.items()],
            "body": base64.b64encode(body).decode(),
        }
        self.send_body(200, json.dumps(doc).encode(), "application/json")

    def redirect(self, path, q):
        code = int(q.get("code", "302"))
        self.send_body(code, b"moved\n", "text/plain", [("Location", q.get("to", "/file"))])

    def loop(self, path, q):
        self.send_body(302, b"again\n", "text/plain", [("Location", "/loop")])

    def multi(self, path, q):
        self.send_body(200, b"ok\n", "text/plain", [
            ("X-Multi", "one"), ("X-Multi", "two"),
            ("Set-Cookie", "a=1; Path=/"), ("Set-Cookie", "b=2; Path=/"),
        ])


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        if os.environ.get("HTTPSERVER_DEBUG"):
            super().handle_error(request, client_address)


def main():
    server = Server(("127.0.0.1", 0), Handler)
    if len(sys.argv) == 4 and sys.argv[1] == "--tls":
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[2], sys.argv[3])
        # The handshake runs in the handler thread (first read), so one failing client never blocks accept.
        server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    elif len(sys.argv) != 1:
        sys.exit("usage: httpserver.py [--tls CERT KEY]")
    print(server.server_address[1], flush=True)

    def exit_when_stdin_closes():
        sys.stdin.buffer.read()
        os._exit(0)

    threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()

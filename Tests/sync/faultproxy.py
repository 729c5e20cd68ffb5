#!/usr/bin/env python3
"""A fault-injecting HTTP/1.1 proxy on loopback, between the console's sync and a real hub.

Each request from the client is read whole, then one fault is drawn for it (seeded, weighted) and applied:

  pass               forward, answer
  drop_after_send    forward, wait for the hub's answer (it has committed), then reset the client connection
  reset_mid_body     send only the first half of the request body to the hub, then reset both connections
  truncate_response  forward, send the client only the first half of the answer, then close
  stall              answer nothing for --stall-seconds (longer than the client's timeout), then close
  status_503         answer 503 with Retry-After (the hub never sees the request)
  status_429         answer 429 with Retry-After
  duplicate          forward the request twice (the second is a replay the hub must refuse); answer with either
  throttle           forward at --rate bytes/s in both directions (2G: about 6250 B/s = 50 kbit/s)
  forge_receipt      forward, then alter one hex digit of the receipt's signature in the answer

With --rate R every connection is throttled to R bytes/s in each direction, whatever the fault (the bench).

Usage: faultproxy.py --upstream-port P [--port 0] [--seed N] [--faults pass=5,stall=1,...] [--rate B/s] [--each-first]
Prints "listening PORT" on stdout. Commands on stdin, one per line:
  upstream PORT      send later requests to another hub port (after a restart)
  faults SPEC        new weights (e.g. "pass=1")
  stats              print a JSON object of counts per fault on stdout
  quit
Only the standard library is used.
"""
import argparse
import asyncio
import gzip
import json
import random
import socket
import struct
import sys
import time

FAULTS = ["pass", "drop_after_send", "reset_mid_body", "truncate_response", "stall", "status_503", "status_429",
          "duplicate", "throttle", "forge_receipt"]


class Proxy:
    def __init__(self, args):
        self.upstream_port = args.upstream_port
        self.rng = random.Random(args.seed)
        self.weights = parse_faults(args.faults)
        self.stall_seconds = args.stall_seconds
        self.rate = args.rate
        self.global_rate = args.global_rate
        self.retry_after = args.retry_after
        self.stats = {f: 0 for f in FAULTS}
        self.stats["upstream_down"] = 0
        self.bytes_to_client = 0
        self.bytes_from_client = 0
        # --each-first: every fault with a weight is applied once (in a seeded order) before the random draws.
        self.queue = [n for n in FAULTS if self.weights.get(n, 0) > 0] if args.each_first else []
        self.rng.shuffle(self.queue)

    def draw(self):
        if self.queue:
            return self.queue.pop()
        names = [n for n in FAULTS if self.weights.get(n, 0) > 0]
        if not names:
            return "pass"
        return self.rng.choices(names, weights=[self.weights[n] for n in names])[0]

    async def handle(self, reader, writer):
        try:
            while True:
                request = await read_message(reader, self.global_rate)
                if request is None:
                    break
                self.bytes_from_client += len(request.raw)
                fault = self.draw()
                self.stats[fault] += 1
                keep = await self.apply(fault, request, writer)
                if not keep:
                    break
        except (ConnectionError, asyncio.IncompleteReadError, OSError):
            pass
        finally:
            try:
                writer.close()
            except Exception:
                pass

    async def apply(self, fault, request, writer):
        if fault in ("status_503", "status_429"):
            code = 503 if fault == "status_503" else 429
            body = json.dumps({"type": "urn:stampwatch:problem:proxy", "title": "busy", "status": code,
                               "detail": "injected by the fault proxy"}).encode()
            head = (f"HTTP/1.1 {code} Busy\r\nContent-Type: application/problem+json\r\nRetry-After: {self.retry_after}\r\n"
                    f"Content-Length: {len(body)}\r\n\r\n").encode()
            await self.send(writer, head + body)
            return True
        if fault == "stall":
            await asyncio.sleep(self.stall_seconds)
            return False
        if fault == "reset_mid_body":
            cut = len(request.head) + max(0, len(request.body) // 2)
            try:
                r, w = await asyncio.open_connection("127.0.0.1", self.upstream_port)
                w.write(request.raw[:cut])
                await w.drain()
                reset(w)
            except OSError:
                pass
            reset(writer)
            return False
        if fault == "throttle":
            await asyncio.sleep(len(request.raw) / self.rate)  # the upload at 2G speed
        response = await self.forward(request)
        if response is None:
            self.stats["upstream_down"] += 1
            reset(writer)
            return False
        if fault == "duplicate":
            second = await self.forward(request)
            if second is not None and self.rng.random() < 0.5:
                response = second
        if fault == "drop_after_send":
            reset(writer)
            return False
        if fault == "truncate_response":
            await self.send(writer, response[: max(1, len(response) // 2)])
            writer.close()
            return False
        if fault == "forge_receipt":
            response = forge(response)
        if fault == "throttle":
            await self.send(writer, response, rate=self.rate)
        else:
            await self.send(writer, response)
        return True

    async def forward(self, request):
        """Sends the request on a fresh upstream connection; returns the whole response, or None."""
        try:
            r, w = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except OSError:
            return None
        try:
            w.write(request.raw)
            await w.drain()
            response = await read_message(r, None, is_response=True)
            return None if response is None else response.raw
        except (ConnectionError, asyncio.IncompleteReadError, OSError):
            return None
        finally:
            w.close()

    async def send(self, writer, data, rate=None):
        rate = rate or self.global_rate
        self.bytes_to_client += len(data)
        if not rate:
            writer.write(data)
            await writer.drain()
            return
        chunk = max(1, int(rate / 20))
        for i in range(0, len(data), chunk):
            writer.write(data[i:i + chunk])
            await writer.drain()
            await asyncio.sleep(len(data[i:i + chunk]) / rate)


class Message:
    def __init__(self, head, body):
        self.head = head
        self.body = body
        self.raw = head + body


async def read_message(reader, rate, is_response=False):
    """One HTTP/1.1 message (head + body by Content-Length, chunked, or until close for a response)."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as e:
        if e.partial:
            raise
        return None
    if rate:
        await asyncio.sleep(len(head) / rate)
    lines = head.decode("latin-1").split("\r\n")
    fields = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            fields[k.strip().lower()] = v.strip()
    status = int(lines[0].split()[1]) if is_response else None
    if is_response and (status in (204, 304) or 100 <= status < 200):
        return Message(head, b"")
    if "content-length" in fields:
        n = int(fields["content-length"])
        body = b""
        while len(body) < n:
            part = await reader.read(min(65536, n - len(body)))
            if not part:
                raise asyncio.IncompleteReadError(body, n)
            body += part
            if rate:
                await asyncio.sleep(len(part) / rate)
        return Message(head, body)
    if fields.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while True:
            size_line = await reader.readuntil(b"\r\n")
            body += size_line
            size = int(size_line.split(b";")[0].strip(), 16)
            data = await reader.readexactly(size + 2)
            body += data
            if size == 0:
                break
        return Message(head, body)
    if is_response:
        return Message(head, await reader.read())
    return Message(head, b"")


def reset(writer):
    """Closes with RST (SO_LINGER 0), as a dropped mobile link looks to the other side."""
    try:
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()
    except Exception:
        pass


def forge(response):
    """Flips one hex digit of the receipt's signature ("sig":"…"), decoding and re-encoding a gzip body."""
    split = response.find(b"\r\n\r\n") + 4
    head, body = response[:split], response[split:]
    gzipped = b"content-encoding: gzip" in head.lower()
    if gzipped:
        body = gzip.decompress(body)
    key = b'"sig":"'
    i = body.find(key)
    if i < 0:
        return response
    j = i + len(key)
    body = body[:j] + (b"0" if body[j:j + 1] != b"0" else b"1") + body[j + 1:]
    if gzipped:
        body = gzip.compress(body)
    lines = [l for l in head.decode("latin-1").split("\r\n") if l and not l.lower().startswith("content-length:")]
    return ("\r\n".join(lines) + f"\r\nContent-Length: {len(body)}\r\n\r\n").encode("latin-1") + body


def parse_faults(spec):
    weights = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        name, _, w = part.partition("=")
        if name not in FAULTS:
            raise SystemExit(f"unknown fault {name}; known: {', '.join(FAULTS)}")
        weights[name] = float(w or 1)
    return weights


async def commands(proxy, server):
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while True:
        line = await reader.readline()
        if not line:
            break
        words = line.decode().split()
        if not words:
            continue
        if words[0] == "upstream":
            proxy.upstream_port = int(words[1])
        elif words[0] == "faults":
            proxy.weights = parse_faults(words[1] if len(words) > 1 else "")
        elif words[0] == "stats":
            out = dict(proxy.stats)
            out["bytes_to_client"] = proxy.bytes_to_client
            out["bytes_from_client"] = proxy.bytes_from_client
            print(json.dumps(out), flush=True)
        elif words[0] == "quit":
            break
    server.close()


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--upstream-port", type=int, required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--faults", default="pass=1")
    p.add_argument("--stall-seconds", type=float, default=10)
    p.add_argument("--rate", type=float, default=6250, help="bytes/s of the throttle fault")
    p.add_argument("--global-rate", type=float, default=0, help="throttle every connection to this many bytes/s")
    p.add_argument("--retry-after", default="1")
    p.add_argument("--each-first", action="store_true", help="apply every weighted fault once before drawing at random")
    args = p.parse_args()
    proxy = Proxy(args)
    server = await asyncio.start_server(proxy.handle, "127.0.0.1", args.port)
    port = server.sockets[0].getsockname()[1]
    print(f"listening {port}", flush=True)
    async with server:
        await commands(proxy, server)


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass

"""Cross-checks a repository written by Stampwatch's publisher (module TUFRepository) with
python-tuf's own client, tuf.ngclient.Updater: refresh, then look up and download targets.

    check_published.py REPO [--client DIR] [--trusted-root FILE] [--http] [--download NAME ...]

REPO is the publisher's repository directory (REPO/metadata, REPO/targets). The client keeps its
trusted metadata in DIR/metadata (DIR/targets for downloads), so successive runs with the same
--client behave like one device syncing again: a new DIR starts from --trusted-root (default
REPO/metadata/1.root.json) and follows the whole root chain. --http serves REPO with python's
http.server on 127.0.0.1 and fetches over HTTP with python-tuf's default fetcher; without it a
small fetcher reads file:// URLs.

Prints one JSON object on stdout:
    {"ok": true, "trusted": {"root": 3, "timestamp": 5, "snapshot": 2, "targets": 2},
     "downloads": {"a.txt": {"length": 6, "sha256": "…"}}}
or {"ok": false, "error": "ExceptionName: message"} with exit status 1. Exit status 2: bad usage.
python-tuf reads the system clock: publish with the real time to check a repository here.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import http.server
import json
import os
import shutil
import sys
import tempfile
import threading
from urllib.parse import quote, unquote

from tuf.api import exceptions
from tuf.api.metadata import Metadata
from tuf.ngclient import Updater
from tuf.ngclient.fetcher import FetcherInterface


class FileFetcher(FetcherInterface):
    """Reads file:// URLs; a missing file is a 404, as the updater expects."""

    def _fetch(self, url: str):
        path = unquote(url[len("file://"):])
        if not os.path.isfile(path):
            raise exceptions.DownloadHTTPError(f"not found: {path}", 404)
        with open(path, "rb") as f:
            while chunk := f.read(65536):
                yield chunk


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


def trusted_versions(metadata_dir: str) -> dict[str, int | None]:
    out: dict[str, int | None] = {}
    for role in ("root", "timestamp", "snapshot", "targets"):
        p = os.path.join(metadata_dir, role + ".json")
        out[role] = Metadata.from_file(p).signed.version if os.path.exists(p) else None
    return out


def run(repo: str, client: str, trusted_root: str, downloads: list[str], use_http: bool) -> dict:
    md = os.path.join(client, "metadata")
    tg = os.path.join(client, "targets")
    os.makedirs(md, exist_ok=True)
    os.makedirs(tg, exist_ok=True)
    if not os.path.exists(os.path.join(md, "root.json")):
        shutil.copy(trusted_root, os.path.join(md, "root.json"))

    server = None
    try:
        if use_http:
            handler = functools.partial(QuietHandler, directory=os.path.abspath(repo))
            server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            base = f"http://127.0.0.1:{server.server_address[1]}"
            fetcher = None
        else:
            base = "file://" + quote(os.path.abspath(repo))
            fetcher = FileFetcher()
        updater = Updater(md, base + "/metadata/", tg, base + "/targets/", fetcher=fetcher, bootstrap=None)
        try:
            updater.refresh()
            got = {}
            for name in downloads:
                info = updater.get_targetinfo(name)
                if info is None:
                    raise LookupError(f"target {name} is not listed")
                path = updater.download_target(info, os.path.join(tg, hashlib.sha256(name.encode()).hexdigest()))
                with open(path, "rb") as f:
                    data = f.read()
                got[name] = {"length": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        except Exception as e:  # noqa: BLE001 - every failure is reported, not raised
            return {"ok": False, "error": f"{type(e).__name__}: {e}", "trusted": trusted_versions(md)}
        return {"ok": True, "trusted": trusted_versions(md), "downloads": got}
    finally:
        if server is not None:
            server.shutdown()
            server.server_close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("repo")
    ap.add_argument("--client", help="the client's directory, kept between runs (default: a temporary one)")
    ap.add_argument("--trusted-root", help="the root the client starts from (default REPO/metadata/1.root.json)")
    ap.add_argument("--download", action="append", default=[], metavar="NAME")
    ap.add_argument("--http", action="store_true", help="serve REPO on 127.0.0.1 and fetch over HTTP")
    args = ap.parse_args()
    trusted_root = args.trusted_root or os.path.join(args.repo, "metadata", "1.root.json")
    if not os.path.isfile(trusted_root):
        print(f"check_published.py: no trusted root at {trusted_root}", file=sys.stderr)
        return 2
    if args.client:
        result = run(args.repo, args.client, trusted_root, args.download, args.http)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            result = run(args.repo, tmp, trusted_root, args.download, args.http)
    print(json.dumps(result, sort_keys=True))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())

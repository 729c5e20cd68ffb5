"""A small TUF repository builder for tests: metadata as plain dicts, signed with
securesystemslib signers, written out as the files a repository serves.

Metadata is built as dicts (not through python-tuf's Metadata classes) so that scenarios can
also produce what python-tuf would refuse to build: duplicate key ids, unknown key types,
missing fields, wrong types. Signatures are over securesystemslib's canonical JSON of "signed",
exactly as TUF specifies.

Typical use:

    repo = Repo(now)                      # root v1, timestamp/snapshot/targets v1
    repo.add_target("targets", "a.txt", b"hello")
    repo.write(out_dir)                   # out_dir/metadata/... and out_dir/targets/...
    repo.bump("targets", "snapshot", "timestamp")
    repo.write(out_dir2)                  # the next state of the same repository
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime, timedelta, timezone
from typing import Any, Callable
from urllib.parse import quote

from securesystemslib.formats import encode_canonical
from securesystemslib.signer import CryptoSigner

TOP_LEVEL = ["root", "timestamp", "snapshot", "targets"]
SPEC_VERSION = "1.0.31"

# Default lifetimes, as a real repository would use them.
DEFAULT_EXPIRY = {
    "root": timedelta(days=365),
    "timestamp": timedelta(days=1),
    "snapshot": timedelta(days=7),
    "targets": timedelta(days=30),
}


def new_signer(kind: str = "ed25519") -> CryptoSigner:
    if kind == "ed25519":
        return CryptoSigner.generate_ed25519()
    if kind == "ecdsa":
        return CryptoSigner.generate_ecdsa()
    if kind == "rsa":
        return CryptoSigner.generate_rsa()
    raise ValueError(kind)


def keyid(signer: CryptoSigner) -> str:
    return signer.public_key.keyid


def key_dict(signer: CryptoSigner) -> dict[str, Any]:
    return signer.public_key.to_dict()


def iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def sign(signed: dict[str, Any], signers: list[CryptoSigner]) -> dict[str, Any]:
    """The envelope {"signatures": [...], "signed": signed}, one signature per signer."""
    payload = encode_canonical(signed).encode()
    sigs = [{"keyid": keyid(s), "sig": s.sign(payload).signature} for s in signers]
    return {"signatures": sigs, "signed": signed}


def dump(envelope: dict[str, Any]) -> bytes:
    # Indented and ASCII-escaped on purpose: the client must verify the canonical form of the
    # parsed value, not the bytes as written.
    return json.dumps(envelope, indent=1).encode()


class Repo:
    """One repository whose state evolves; `write` publishes the current state to a directory."""

    def __init__(self, now: datetime, consistent: bool = False, key_kinds: dict[str, str] | None = None,
                 root_edit: Callable[[dict[str, Any]], None] | None = None) -> None:
        self.now = now
        self.consistent = consistent
        kinds = key_kinds or {}
        self.signers: dict[str, list[CryptoSigner]] = {r: [new_signer(kinds.get(r, "ed25519"))] for r in TOP_LEVEL}
        # Edits every published root's signed dict before signing (e.g. add an unusual key).
        self.root_edit = root_edit
        # Edits a role's envelope after signing (role -> fn(envelope)), e.g. to add signatures.
        self.sig_edit: dict[str, Callable[[dict[str, Any]], None]] = {}
        self.thresholds: dict[str, int] = {r: 1 for r in TOP_LEVEL}
        self.versions: dict[str, int] = {r: 1 for r in TOP_LEVEL}
        self.expires: dict[str, datetime] = {r: now + DEFAULT_EXPIRY[r] for r in TOP_LEVEL}
        # List meta lengths and hashes in timestamp and snapshot.
        self.meta_hashes = False
        # Delegated roles: parent -> list of role dicts (name, paths|path_hash_prefixes, terminating,
        # threshold); the keys are those of self.signers[name].
        self.delegations: dict[str, list[dict[str, Any]]] = {}
        self.succinct: dict[str, dict[str, Any]] = {}
        # role -> {target path: content}
        self.targets: dict[str, dict[str, bytes]] = {"targets": {}}
        # role -> {target path: hashes override} (e.g. other algorithms)
        self.target_hash_algorithms: dict[str, list[str]] = {}
        # Hooks that edit a signed dict (role -> fn(dict)) just before it is signed.
        self.hooks: dict[str, Callable[[dict[str, Any]], None]] = {}
        # Who signs a role, if not its own signers (role -> list of signers).
        self.sign_with: dict[str, list[CryptoSigner]] = {}
        self.root_history: list[tuple[int, bytes]] = []
        self.publish_root(first=True)

    # -- roles and keys ----------------------------------------------------------------------

    def role_version(self, role: str) -> int:
        return self.versions.setdefault(role, 1)

    def bump(self, *roles: str) -> None:
        for role in roles:
            if role == "root":
                raise ValueError("use publish_root")
            self.versions[role] = self.role_version(role) + 1

    def add_target(self, role: str, path: str, content: bytes) -> None:
        self.targets.setdefault(role, {})[path] = content

    def delegate(self, parent: str, name: str, *, paths: list[str] | None = None,
                 path_hash_prefixes: list[str] | None = None, terminating: bool = False,
                 key_kind: str = "ed25519", threshold: int = 1) -> None:
        role: dict[str, Any] = {"name": name, "terminating": terminating, "threshold": threshold}
        if paths is not None:
            role["paths"] = paths
        if path_hash_prefixes is not None:
            role["path_hash_prefixes"] = path_hash_prefixes
        self.delegations.setdefault(parent, []).append(role)
        self.signers.setdefault(name, [new_signer(key_kind)])
        self.targets.setdefault(name, {})
        self.versions.setdefault(name, 1)
        self.expires.setdefault(name, self.now + DEFAULT_EXPIRY["targets"])

    def delegate_succinct(self, parent: str, prefix: str, bit_length: int) -> list[str]:
        """Hash-bin delegation (TAP 15); returns the bin names. All bins share one key."""
        signer = new_signer()
        self.succinct[parent] = {"name_prefix": prefix, "bit_length": bit_length, "threshold": 1,
                                 "keyid": keyid(signer), "key": key_dict(signer)}
        width = len(f"{2 ** bit_length - 1:x}")
        names = [f"{prefix}-{i:0{width}x}" for i in range(2 ** bit_length)]
        for name in names:
            self.signers[name] = [signer]
            self.targets.setdefault(name, {})
            self.versions.setdefault(name, 1)
            self.expires.setdefault(name, self.now + DEFAULT_EXPIRY["targets"])
        return names

    @staticmethod
    def succinct_bin(prefix: str, bit_length: int, path: str) -> str:
        h = hashlib.sha256(path.encode()).digest()[:4]
        n = int.from_bytes(h, "big") >> (32 - bit_length)
        width = len(f"{2 ** bit_length - 1:x}")
        return f"{prefix}-{n:0{width}x}"

    def rotate(self, role: str, key_kind: str = "ed25519") -> None:
        self.signers[role] = [new_signer(key_kind)]

    # -- root --------------------------------------------------------------------------------

    def root_signed(self) -> dict[str, Any]:
        keys: dict[str, Any] = {}
        roles: dict[str, Any] = {}
        for role in TOP_LEVEL:
            for s in self.signers[role]:
                keys[keyid(s)] = key_dict(s)
            roles[role] = {"keyids": [keyid(s) for s in self.signers[role]],
                           "threshold": self.thresholds[role]}
        return {"_type": "root", "spec_version": SPEC_VERSION, "version": self.versions["root"],
                "expires": iso(self.expires["root"]), "consistent_snapshot": self.consistent,
                "keys": keys, "roles": roles}

    def publish_root(self, first: bool = False, signers: list[CryptoSigner] | None = None,
                     edit: Callable[[dict[str, Any]], None] | None = None) -> None:
        """Publishes the next root version, signed by the previous root keys and the new ones
        (or by exactly `signers`)."""
        previous = self.root_signers_of_last if not first else []
        if not first:
            self.versions["root"] += 1
        signed = self.root_signed()
        if self.root_edit:
            self.root_edit(signed)
        if edit:
            edit(signed)
        if signers is None:
            signers = list(previous)
            for s in self.signers["root"]:
                if keyid(s) not in {keyid(p) for p in signers}:
                    signers.append(s)
        envelope = sign(signed, signers)
        if "root" in self.sig_edit:
            self.sig_edit["root"](envelope)
        self.root_history.append((self.versions["root"], dump(envelope)))
        self.root_signers_of_last = list(self.signers["root"])

    def initial_root(self) -> bytes:
        return self.root_history[0][1]

    # -- publishing --------------------------------------------------------------------------

    def _hashes(self, data: bytes, algorithms: list[str]) -> dict[str, str]:
        out = {}
        for a in algorithms:
            if a in hashlib.algorithms_available:
                out[a] = hashlib.new(a, data).hexdigest()
            else:  # an algorithm nobody computes: a made-up digest
                out[a] = hashlib.sha256(a.encode() + data).hexdigest()
        return out

    def _targets_signed(self, role: str) -> dict[str, Any]:
        targets = {}
        for path, content in self.targets.get(role, {}).items():
            algorithms = self.target_hash_algorithms.get(path, ["sha256"])
            targets[path] = {"length": len(content), "hashes": self._hashes(content, algorithms)}
        signed: dict[str, Any] = {"_type": "targets", "spec_version": SPEC_VERSION,
                                  "version": self.role_version(role), "expires": iso(self.expires[role]),
                                  "targets": targets}
        if role in self.delegations:
            keys = {}
            roles = []
            for d in self.delegations[role]:
                for s in self.signers[d["name"]]:
                    keys[keyid(s)] = key_dict(s)
                entry = dict(d)
                entry["keyids"] = [keyid(s) for s in self.signers[d["name"]]]
                roles.append(entry)
            signed["delegations"] = {"keys": keys, "roles": roles}
        elif role in self.succinct:
            s = self.succinct[role]
            signed["delegations"] = {"keys": {s["keyid"]: s["key"]}, "succinct_roles": {
                "keyids": [s["keyid"]], "threshold": s["threshold"],
                "bit_length": s["bit_length"], "name_prefix": s["name_prefix"]}}
        return signed

    def targets_roles(self) -> list[str]:
        return list(self.targets.keys())

    def render(self) -> dict[str, bytes]:
        """The current metadata: role -> file bytes (roots are in root_history)."""
        files: dict[str, bytes] = {}
        meta: dict[str, Any] = {}
        for role in self.targets_roles():
            signed = self._targets_signed(role)
            if role in self.hooks:
                self.hooks[role](signed)
            files[role] = data = self._signed_bytes(role, signed)
            meta[f"{role}.json"] = self._meta(role, data)
        snapshot = {"_type": "snapshot", "spec_version": SPEC_VERSION, "version": self.versions["snapshot"],
                    "expires": iso(self.expires["snapshot"]), "meta": meta}
        if "snapshot" in self.hooks:
            self.hooks["snapshot"](snapshot)
        files["snapshot"] = self._signed_bytes("snapshot", snapshot)
        timestamp = {"_type": "timestamp", "spec_version": SPEC_VERSION, "version": self.versions["timestamp"],
                     "expires": iso(self.expires["timestamp"]),
                     "meta": {"snapshot.json": self._meta("snapshot", files["snapshot"])}}
        if "timestamp" in self.hooks:
            self.hooks["timestamp"](timestamp)
        files["timestamp"] = self._signed_bytes("timestamp", timestamp)
        return files

    def _signed_bytes(self, role: str, signed: dict[str, Any]) -> bytes:
        envelope = sign(signed, self.sign_with.get(role, self.signers[role]))
        if role in self.sig_edit:
            self.sig_edit[role](envelope)
        return dump(envelope)

    def _meta(self, role: str, data: bytes) -> dict[str, Any]:
        m: dict[str, Any] = {"version": self.role_version(role)}
        if self.meta_hashes:
            m["length"] = len(data)
            m["hashes"] = {"sha256": hashlib.sha256(data).hexdigest()}
        return m

    @staticmethod
    def metadata_file(directory: str, url_name: str) -> str:
        """Where a static file server (or FileTransport) finds the URL path `url_name`: the
        percent-decoded name, relative to the metadata directory."""
        from urllib.parse import unquote
        return os.path.join(directory, unquote(url_name))

    def write(self, out: str) -> dict[str, bytes]:
        """Writes the current state under out/metadata and out/targets; returns the rendered
        metadata (role -> bytes) so that scenarios can tamper with files afterwards."""
        md = os.path.join(out, "metadata")
        tg = os.path.join(out, "targets")
        os.makedirs(md, exist_ok=True)
        os.makedirs(tg, exist_ok=True)
        for version, data in self.root_history:
            write_file(os.path.join(md, f"{version}.root.json"), data)
        write_file(os.path.join(md, "root.json"), self.root_history[-1][1])
        files = self.render()
        write_file(os.path.join(md, "timestamp.json"), files["timestamp"])
        for role, data in files.items():
            if role == "timestamp":
                continue
            encoded = quote(role, "")
            name = f"{self.role_version(role)}.{encoded}.json" if self.consistent else f"{encoded}.json"
            write_file(self.metadata_file(md, name), data)
        for role in self.targets_roles():
            for path, content in self.targets[role].items():
                if self.consistent:
                    digest = self._hashes(content, self.target_hash_algorithms.get(path, ["sha256"]))
                    head, _, tail = path.rpartition("/")
                    for h in digest.values():
                        write_file(os.path.join(tg, (head + "/" if head else "") + f"{h}.{tail}"), content)
                else:
                    write_file(os.path.join(tg, path), content)
        return files


def write_file(path: str, data: bytes) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def now_utc() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)

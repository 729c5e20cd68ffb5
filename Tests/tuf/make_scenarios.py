#!/usr/bin/env python3
"""Generates the TUF repositories the Swift TUFClient tests run against, and a manifest of what a
correct client must do with each of them.

    make_scenarios.py OUT_DIR [--now EPOCH] [--check-with-python-tuf]

OUT_DIR/manifest.json lists every scenario: the trusted root to start from, then steps, each a
repository state (STEP/metadata, STEP/targets) that the client refreshes against in order with one
metadata directory, with the expected outcome (ok/fail, the kind of error), the versions the
client must then hold, and target downloads with their outcome.

With --check-with-python-tuf every step is also run through python-tuf's ngclient (an independent
implementation of the same workflow) and the outcome compared: the expectations are then those of
the reference client, except where a scenario says why this client deliberately differs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

sys.dont_write_bytecode = True  # keep Tests/tuf free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tufrepo import Repo, iso, key_dict, keyid, new_signer, now_utc, write_file  # noqa: E402

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


class Scenario:
    def __init__(self, out: str, name: str, description: str, repo: Repo, python_tuf: str | None = None) -> None:
        self.out = out
        self.name = name
        self.repo = repo
        self.steps: list[dict[str, Any]] = []
        self.previous: dict[str, bytes] = {}
        self.entry: dict[str, Any] = {"description": description, "initial_root": f"{name}/initial_root.json",
                                      "steps": self.steps}
        if python_tuf:
            # Why python-tuf's outcome differs from this client's on purpose.
            self.entry["python_tuf_differs"] = python_tuf
        write_file(os.path.join(out, name, "initial_root.json"), repo.initial_root())

    def step(self, expect: str, error: str | list[str] | None = None, trusted: dict[str, int | None] | None = None,
             downloads: list[tuple] = (), tamper: Callable[[str, str, dict[str, bytes], dict[str, bytes]], None] | None = None,
             python_tuf: str | None = None) -> dict[str, bytes]:
        rel = f"{self.name}/step{len(self.steps)}"
        path = os.path.join(self.out, rel)
        files = self.repo.write(path)
        if tamper:
            tamper(os.path.join(path, "metadata"), os.path.join(path, "targets"), files, self.previous)
        step: dict[str, Any] = {"dir": rel, "expect": expect, "trusted": trusted or {}}
        if error:
            step["error"] = [error] if isinstance(error, str) else error
        if python_tuf:
            step["python_tuf"] = python_tuf
        step["downloads"] = [
            {"path": d[0], "expect": d[1], **({"role": d[2]} if d[1] == "ok" and len(d) > 2 else {}),
             **({"error": [d[2]] if isinstance(d[2], str) else d[2]} if d[1] == "fail" and len(d) > 2 else {})}
            for d in downloads]
        self.steps.append(step)
        self.previous = files
        return files


def md_path(md: str, name: str) -> str:
    return os.path.join(md, name)


def replace(md: str, name: str, data: bytes) -> None:
    write_file(md_path(md, name), data)


def read(md: str, name: str) -> bytes:
    with open(md_path(md, name), "rb") as f:
        return f.read()


def same_length_change(data: bytes) -> bytes:
    """Changes whitespace only: same JSON value (so signatures stay valid), other bytes."""
    i = data.index(b"\n")
    return data[:i] + b"\r" + data[i + 1:]


def build(out: str, now: datetime) -> dict[str, Any]:
    scenarios: dict[str, Any] = {}

    def scenario(name: str, description: str, repo: Repo, python_tuf: str | None = None) -> Scenario:
        s = Scenario(out, name, description, repo, python_tuf)
        scenarios[name] = s.entry
        return s

    top4 = lambda r, t, s, g: {"root": r, "timestamp": t, "snapshot": s, "targets": g}  # noqa: E731

    # --- the happy paths -----------------------------------------------------------------------
    for consistent in (False, True):
        r = Repo(now, consistent=consistent)
        r.meta_hashes = consistent
        r.add_target("targets", "files/a.txt", b"alpha\n")
        r.add_target("targets", "dir/sub/b.bin", bytes(range(256)) * 4)
        r.add_target("targets", "empty", b"")
        name = "clean_consistent" if consistent else "clean"
        s = scenario(name, "a fresh repository: refresh and download" +
                     (" (consistent snapshots: only VERSION.ROLE.json and HASH.NAME exist)" if consistent else ""), r)
        s.step("ok", trusted=top4(1, 1, 1, 1),
               downloads=[("files/a.txt", "ok", "targets"), ("dir/sub/b.bin", "ok", "targets"), ("empty", "ok", "targets"),
                          ("missing.txt", "fail", "targetNotFound"), ("files", "fail", "targetNotFound")])
        r.add_target("targets", "files/a.txt", b"alpha, second edition\n")
        r.bump("targets", "snapshot", "timestamp")
        s.step("ok", trusted=top4(1, 2, 2, 2), downloads=[("files/a.txt", "ok", "targets")])

    def edit_keytype(signed: dict[str, Any]) -> None:
        # securesystemslib also writes P-256 keys with keytype "ecdsa-sha2-nistp256".
        for kid in signed["roles"]["targets"]["keyids"]:
            signed["keys"][kid]["keytype"] = "ecdsa-sha2-nistp256"

    r = Repo(now, key_kinds={"root": "rsa", "timestamp": "ecdsa", "snapshot": "rsa", "targets": "ecdsa"},
             root_edit=edit_keytype)
    r.delegate("targets", "rsa-role", paths=["r/*"], key_kind="rsa")
    r.delegate("targets", "ecdsa-role", paths=["e/*"], key_kind="ecdsa")
    r.add_target("rsa-role", "r/file", b"signed by RSA-PSS")
    r.add_target("ecdsa-role", "e/file", b"signed by ECDSA P-256")
    s = scenario("key_types", "every supported key type: RSA-PSS root and snapshot, ECDSA timestamp, "
                 "ECDSA targets under keytype ecdsa-sha2-nistp256, RSA and ECDSA delegations", r)
    s.step("ok", trusted=top4(1, 1, 1, 1), downloads=[("r/file", "ok", "rsa-role"), ("e/file", "ok", "ecdsa-role")])

    def unicode_fields(signed: dict[str, Any]) -> None:
        signed["custom-field"] = "välue ✓ \u2028 \"quoted\" \\ back"
        kid = signed["roles"]["root"]["keyids"][0]
        signed["keys"][kid]["extra-field"] = {"b": 2, "a": [1, None, True], "ü": "ß"}
        signed["roles"]["root"]["another-field"] = "value"

    r = Repo(now, root_edit=unicode_fields)
    r.add_target("targets", "custom.txt", b"c")
    r.hooks["targets"] = lambda d: d["targets"]["custom.txt"].update({"custom": {"nämé": [1, 2, {"x": None}]}})
    s = scenario("custom_fields", "unknown fields (with non-ASCII text) are part of what is signed and are kept", r)
    s.step("ok", trusted=top4(1, 1, 1, 1), downloads=[("custom.txt", "ok", "targets")])

    # --- root rotation -------------------------------------------------------------------------
    r = Repo(now)
    s = scenario("root_rotation", "root rotates its own key (v2), the timestamp key (v3), then goes to two root "
                 "keys with threshold 2 (v4); each version is signed by the old and the new root keys", r)
    s.step("ok", trusted=top4(1, 1, 1, 1))
    r.rotate("root")
    r.publish_root()
    r.rotate("timestamp")
    r.publish_root()
    r.signers["root"].append(new_signer("ecdsa"))
    r.thresholds["root"] = 2
    r.publish_root()
    r.bump("timestamp")
    s.step("ok", trusted=top4(4, 2, 1, 1))

    r = Repo(now)
    r.rotate("root")
    r.publish_root(signers=list(r.signers["root"]))
    s = scenario("root_rotation_without_old_keys", "root v2 is signed by its new key only, not by the trusted root's key", r)
    s.step("fail", "thresholdNotMet", trusted={"root": 1, "timestamp": None})

    r = Repo(now)
    old = list(r.signers["root"])
    r.rotate("root")
    r.publish_root(signers=old)
    s = scenario("root_rotation_without_new_keys", "root v2 is signed by the old root key only, not by its own new key", r)
    s.step("fail", "thresholdNotMet", trusted={"root": 1, "timestamp": None})

    r = Repo(now)
    r.publish_root()
    r.publish_root()

    def skip_version(md: str, tg: str, files: dict[str, bytes], prev: dict[str, bytes]) -> None:
        replace(md, "2.root.json", read(md, "3.root.json"))
        os.remove(md_path(md, "3.root.json"))

    s = scenario("root_version_skipped", "2.root.json holds a validly signed root version 3", r)
    s.step("fail", "versionMismatch", trusted={"root": 1, "timestamp": None}, tamper=skip_version)

    r = Repo(now)
    r.publish_root()
    s = scenario("root_rollback", "2.root.json holds root version 1 again (replayed)", r)
    s.step("fail", "versionMismatch", trusted={"root": 1},
           tamper=lambda md, tg, f, p: replace(md, "2.root.json", r.initial_root()))

    r = Repo(now)
    r.publish_root()
    s = scenario("root_too_large", "2.root.json is larger than the 512000-byte limit for root metadata", r)
    s.step("fail", "download.lengthExceeded", trusted={"root": 1},
           tamper=lambda md, tg, f, p: replace(md, "2.root.json", read(md, "2.root.json") + b" " * 520_000))

    r = Repo(now)
    r.publish_root(edit=lambda d: d.__setitem__("_type", "timestamp"))
    s = scenario("root_wrong_type", "2.root.json is signed by the root keys but its _type is timestamp", r)
    s.step("fail", "wrongType", trusted={"root": 1})

    r = Repo(now)
    r.expires["root"] = now - DAY
    r.publish_root()
    r.expires["root"] = now + 365 * DAY
    r.publish_root()
    s = scenario("root_intermediate_expired", "root v2 has expired but v3 has not: only the final root's expiry counts", r)
    s.step("ok", trusted=top4(3, 1, 1, 1))

    r = Repo(now)
    r.expires["root"] = now - DAY
    r.publish_root()
    s = scenario("root_final_expired", "the newest root (v2) has expired: freeze; v2 is still trusted for the next rotation", r)
    s.step("fail", "expired", trusted={"root": 2, "timestamp": None})

    # --- rollback ----------------------------------------------------------------------------------
    r = Repo(now)
    r.bump("timestamp")
    s = scenario("timestamp_rollback", "timestamp goes from version 2 back to 1", r)
    s.step("ok", trusted={"timestamp": 2})
    r.versions["timestamp"] = 1
    s.step("fail", "rollback", trusted={"timestamp": 2})

    r = Repo(now)
    s = scenario("timestamp_same_version", "a timestamp with the trusted version but other content is ignored, "
                 "and the trusted one is kept byte for byte", r)
    s.step("ok", trusted=top4(1, 1, 1, 1))
    r.hooks["timestamp"] = lambda d: d["meta"]["snapshot.json"].__setitem__("version", 100)
    s.step("ok", trusted=top4(1, 1, 1, 1))

    r = Repo(now)
    r.bump("snapshot", "timestamp")
    s = scenario("snapshot_rollback", "a new timestamp lists snapshot version 1 after version 2 was trusted", r)
    s.step("ok", trusted={"timestamp": 2, "snapshot": 2})
    r.versions["snapshot"] = 1
    r.bump("timestamp")
    s.step("fail", "rollback", trusted={"timestamp": 2, "snapshot": 2})

    r = Repo(now)
    r.meta_hashes = True
    r.bump("targets", "snapshot", "timestamp")
    s = scenario("targets_rollback", "a new snapshot lists targets version 1 after version 2 was trusted", r)
    s.step("ok", trusted={"snapshot": 2, "targets": 2})
    r.versions["targets"] = 1
    r.bump("snapshot", "timestamp")
    s.step("fail", "rollback", trusted={"timestamp": 3, "snapshot": 2, "targets": 2})

    r = Repo(now)
    r.delegate("targets", "role-a", paths=["a/*"])
    r.bump("role-a", "snapshot", "timestamp")
    s = scenario("delegated_rollback", "a new snapshot lists delegated role-a version 1 after version 2", r)
    s.step("ok", trusted={"snapshot": 2})
    r.versions["role-a"] = 1
    r.bump("snapshot", "timestamp")
    s.step("fail", "rollback", trusted={"snapshot": 2})

    r = Repo(now)
    r.delegate("targets", "role-a", paths=["a/*"])
    s = scenario("snapshot_removes_role", "a new snapshot no longer lists role-a.json", r)
    s.step("ok", trusted={"snapshot": 1})
    r.hooks["snapshot"] = lambda d: d["meta"].pop("role-a.json")
    r.bump("snapshot", "timestamp")
    s.step("fail", "removedFromSnapshot", trusted={"snapshot": 1})

    # --- freeze --------------------------------------------------------------------------------------
    for role, trusted in (("timestamp", {"timestamp": None, "snapshot": None}),
                          ("snapshot", {"timestamp": 1, "snapshot": None}),
                          ("targets", {"timestamp": 1, "snapshot": 1, "targets": None})):
        r = Repo(now)
        r.expires[role] = now - HOUR
        s = scenario(f"freeze_{role}", f"{role} expired an hour before the update started", r)
        s.step("fail", "expired", trusted=trusted)

    r = Repo(now)
    r.delegate("targets", "role-a", paths=["a/*"])
    r.add_target("role-a", "a/x.txt", b"x")
    r.expires["role-a"] = now - HOUR
    s = scenario("freeze_delegated", "delegated role-a expired: refresh succeeds, its targets cannot be looked up", r)
    s.step("ok", trusted=top4(1, 1, 1, 1), downloads=[("a/x.txt", "fail", "expired")])

    # --- mix and match, version and hash consistency -------------------------------------------------
    r = Repo(now)
    s = scenario("mix_and_match_snapshot", "timestamp v2 names snapshot v2, but the server returns the old snapshot v1", r)
    s.step("ok", trusted=top4(1, 1, 1, 1))
    r.bump("targets", "snapshot", "timestamp")
    s.step("fail", "versionMismatch", trusted={"timestamp": 2, "snapshot": 1, "targets": 1},
           tamper=lambda md, tg, f, p: replace(md, "snapshot.json", p["snapshot"]))

    r = Repo(now)
    s = scenario("mix_and_match_targets", "snapshot v2 names targets v2, but the server returns the old targets v1", r)
    s.step("ok", trusted=top4(1, 1, 1, 1))
    r.bump("targets", "snapshot", "timestamp")
    s.step("fail", "versionMismatch", trusted={"timestamp": 2, "snapshot": 2, "targets": 1},
           tamper=lambda md, tg, f, p: replace(md, "targets.json", p["targets"]))

    r = Repo(now)
    r.meta_hashes = True
    s = scenario("mix_and_match_hashed", "as mix_and_match_snapshot with lengths and hashes listed in timestamp", r)
    s.step("ok", trusted=top4(1, 1, 1, 1))
    r.bump("targets", "snapshot", "timestamp")
    s.step("fail", ["lengthMismatch", "hashMismatch", "download.lengthExceeded"], trusted={"snapshot": 1},
           tamper=lambda md, tg, f, p: replace(md, "snapshot.json", p["snapshot"]))

    r = Repo(now)
    r.hooks["timestamp"] = lambda d: d["meta"]["snapshot.json"].__setitem__("version", 1)
    r.bump("snapshot")
    s = scenario("snapshot_version_mismatch", "snapshot is version 2 but timestamp names version 1", r)
    s.step("fail", "versionMismatch", trusted={"root": 1, "timestamp": 1, "snapshot": None})

    r = Repo(now)
    r.hooks["snapshot"] = lambda d: d["meta"]["targets.json"].__setitem__("version", 1)
    r.bump("targets")
    s = scenario("targets_version_mismatch", "targets is version 2 but snapshot names version 1", r)
    s.step("fail", "versionMismatch", trusted={"snapshot": 1, "targets": None})

    for role, what in (("snapshot", "timestamp"), ("targets", "snapshot")):
        r = Repo(now)
        r.meta_hashes = True
        s = scenario(f"{role}_hash_mismatch", f"{role}.json differs (whitespace only, same length) from the hash in {what}", r)
        s.step("fail", "hashMismatch", trusted={role: None},
               tamper=lambda md, tg, f, p, role=role: replace(md, f"{role}.json", same_length_change(f[role])))

    r = Repo(now)
    r.meta_hashes = True
    s = scenario("snapshot_too_long", "snapshot.json is one byte longer than the length in timestamp", r)
    s.step("fail", "download.lengthExceeded", trusted={"snapshot": None},
           tamper=lambda md, tg, f, p: replace(md, "snapshot.json", f["snapshot"] + b"\n"))

    r = Repo(now)
    r.meta_hashes = True
    s = scenario("snapshot_too_short", "snapshot.json is one byte shorter than the length in timestamp", r)
    s.step("fail", "lengthMismatch", trusted={"snapshot": None},
           tamper=lambda md, tg, f, p: replace(md, "snapshot.json", f["snapshot"].replace(b"\n ", b"\n", 1)))

    # --- endless data and missing files --------------------------------------------------------------
    r = Repo(now)
    s = scenario("endless_timestamp", "timestamp.json is 40 kB (limit 16384 bytes)", r)
    s.step("fail", "download.lengthExceeded", trusted={"timestamp": None},
           tamper=lambda md, tg, f, p: replace(md, "timestamp.json", f["timestamp"] + b" " * 40_000))

    r = Repo(now)
    s = scenario("endless_snapshot", "snapshot.json is 2.1 MB and timestamp lists no length (default limit 2000000 bytes)", r)
    s.step("fail", "download.lengthExceeded", trusted={"snapshot": None},
           tamper=lambda md, tg, f, p: replace(md, "snapshot.json", f["snapshot"] + b" " * 2_100_000))

    for role in ("timestamp", "snapshot", "targets"):
        r = Repo(now)
        s = scenario(f"missing_{role}", f"the repository has no {role}.json", r)
        s.step("fail", "download.notFound", trusted={role: None},
               tamper=lambda md, tg, f, p, role=role: os.remove(md_path(md, f"{role}.json")))

    # --- target files ----------------------------------------------------------------------------------
    r = Repo(now)
    for name in ("same-length.bin", "longer.bin", "shorter.bin", "missing.bin", "good.bin"):
        r.add_target("targets", name, b"0123456789")
    for name, algorithms in (("sha512-only.bin", ["sha512"]), ("both.bin", ["sha256", "sha512"]),
                             ("blake3-only.bin", ["blake3"]), ("sha512-wrong.bin", ["sha256", "sha512"]),
                             ("blake3-and-sha256.bin", ["blake3", "sha256"])):
        r.add_target("targets", name, name.encode())
        r.target_hash_algorithms[name] = algorithms
    r.hooks["targets"] = lambda d: d["targets"]["sha512-wrong.bin"]["hashes"].__setitem__("sha512", "00" * 64)

    def tamper_targets(md: str, tg: str, f: dict[str, bytes], p: dict[str, bytes]) -> None:
        write_file(os.path.join(tg, "same-length.bin"), b"9876543210")
        write_file(os.path.join(tg, "longer.bin"), b"0123456789" * 100_000)
        write_file(os.path.join(tg, "shorter.bin"), b"012345678")
        os.remove(os.path.join(tg, "missing.bin"))

    s = scenario("target_files", "target files checked against their listed length and hashes", r,
                 python_tuf="python-tuf computes any hashlib algorithm, this client only sha256 and sha512 "
                            "(a listed algorithm it cannot compute is skipped when a supported one is listed)")
    s.step("ok", trusted=top4(1, 1, 1, 1), tamper=tamper_targets, downloads=[
        ("good.bin", "ok", "targets"), ("same-length.bin", "fail", "hashMismatch"),
        ("longer.bin", "fail", "download.lengthExceeded"), ("shorter.bin", "fail", "lengthMismatch"),
        ("missing.bin", "fail", "download.notFound"), ("sha512-only.bin", "ok", "targets"), ("both.bin", "ok", "targets"),
        ("blake3-only.bin", "fail", "noSupportedHash"), ("sha512-wrong.bin", "fail", "hashMismatch"),
        ("blake3-and-sha256.bin", "ok", "targets")])

    # --- wrong metadata type, malformed metadata -----------------------------------------------------
    r = Repo(now)
    s = scenario("wrong_type_snapshot", "snapshot.json holds the targets metadata", r)
    s.step("fail", "wrongType", trusted={"snapshot": None},
           tamper=lambda md, tg, f, p: replace(md, "snapshot.json", f["targets"]))

    r = Repo(now)
    s = scenario("wrong_type_timestamp", "timestamp.json holds the snapshot metadata", r)
    s.step("fail", "wrongType", trusted={"timestamp": None},
           tamper=lambda md, tg, f, p: replace(md, "timestamp.json", f["snapshot"]))

    r = Repo(now)
    s = scenario("malformed_json", "snapshot.json is cut short", r)
    s.step("fail", "malformedJSON", trusted={"snapshot": None},
           tamper=lambda md, tg, f, p: replace(md, "snapshot.json", f["snapshot"][:150]))

    for name, role, edit, description in (
            ("missing_version", "timestamp", lambda d: d.pop("version"), "timestamp has no version field"),
            ("bad_expires", "snapshot", lambda d: d.__setitem__("expires", "2030-01-01"), "snapshot expires is not a full UTC time"),
            ("string_version", "targets", lambda d: d.__setitem__("version", "1"), "targets version is a string"),
            ("missing_snapshot_meta", "timestamp", lambda d: d["meta"].pop("snapshot.json"), "timestamp lists no snapshot.json"),
            ("negative_length", "targets", lambda d: d["targets"]["t"].__setitem__("length", -1), "a target has length -1")):
        r = Repo(now)
        r.add_target("targets", "t", b"t")
        r.hooks[role] = edit
        s = scenario(f"malformed_{name}", description + " (and is correctly signed)", r)
        s.step("fail", "malformedMetadata", trusted={role: None})

    r = Repo(now)
    r.hooks["targets"] = lambda d: d.__setitem__("spec_version", "2.0.0")
    s = scenario("unsupported_spec_version", "targets declares spec_version 2.0.0", r)
    s.step("fail", "unsupportedSpecVersion", trusted={"targets": None})

    # --- signatures and thresholds -------------------------------------------------------------------
    def two_snapshot_keys(r: Repo) -> None:
        r.signers["snapshot"].append(new_signer())
        r.thresholds["snapshot"] = 2
        r.publish_root()

    r = Repo(now)
    two_snapshot_keys(r)
    r.sign_with["snapshot"] = r.signers["snapshot"][:1]
    s = scenario("threshold_not_met", "snapshot needs 2 of 2 keys and carries 1 signature", r)
    s.step("fail", "thresholdNotMet", trusted={"root": 2, "timestamp": 1, "snapshot": None})

    r = Repo(now)
    two_snapshot_keys(r)
    r.sign_with["snapshot"] = [r.signers["snapshot"][0], r.signers["snapshot"][0]]
    s = scenario("duplicate_signatures", "snapshot needs 2 keys and carries two signatures by the same key", r)
    s.step("fail", "malformedMetadata", trusted={"snapshot": None})

    # TUF spec, metadata format: "The keyid MUST be unique in the signatures array". Refused even
    # when one of the two would meet the threshold (tuf-conformance test_duplicate_sig_keyids).
    r = Repo(now)
    r.sig_edit["snapshot"] = lambda e: e["signatures"].append(dict(e["signatures"][0]))
    s = scenario("duplicate_signature_keyids", "snapshot (threshold 1) carries its one valid signature twice", r)
    s.step("fail", "malformedMetadata", trusted={"root": 1, "timestamp": 1, "snapshot": None})

    r = Repo(now)
    fake = "f" * 64

    def duplicate_key(signed: dict[str, Any]) -> None:
        kid = signed["roles"]["snapshot"]["keyids"][0]
        signed["keys"][fake] = dict(signed["keys"][kid])
        signed["roles"]["snapshot"] = {"keyids": [kid, fake], "threshold": 2}

    def copy_signature(envelope: dict[str, Any]) -> None:
        envelope["signatures"].append({"keyid": fake, "sig": envelope["signatures"][0]["sig"]})

    r.publish_root(edit=duplicate_key)
    r.sig_edit["snapshot"] = copy_signature
    s = scenario("duplicate_keys", "root lists the snapshot key under two key ids (threshold 2) and snapshot is "
                 "signed under both", r,
                 python_tuf="python-tuf counts key ids, so one key listed twice meets a threshold of 2; this client counts keys")
    s.step("fail", "thresholdNotMet", trusted={"root": 2, "snapshot": None}, python_tuf="ok")

    r = Repo(now)

    def duplicate_keyid(signed: dict[str, Any]) -> None:
        kid = signed["roles"]["snapshot"]["keyids"][0]
        signed["roles"]["snapshot"] = {"keyids": [kid, kid], "threshold": 2}

    r.publish_root(edit=duplicate_keyid)
    s = scenario("duplicate_keyids_in_role", "root v2 lists the same key id twice for snapshot", r)
    s.step("fail", "malformedMetadata", trusted={"root": 1})

    r = Repo(now)
    r.sig_edit["targets"] = lambda e: e["signatures"].insert(0, {"keyid": "ab" * 32, "sig": "00" * 64})
    s = scenario("unknown_signer_ignored", "targets carries an extra signature by an unknown key id, and a valid one", r)
    s.step("ok", trusted=top4(1, 1, 1, 1))

    r = Repo(now)
    r.sig_edit["targets"] = lambda e: e["signatures"].insert(0, {"keyid": e["signatures"][0]["keyid"], "sig": "00" * 64})
    s = scenario("invalid_and_valid_signature_by_one_key", "targets carries a bad and a good signature by its key", r)
    s.step("fail", "malformedMetadata", trusted={"root": 1, "timestamp": 1, "snapshot": 1, "targets": None})

    r = Repo(now)
    r.signers["targets"].append(new_signer("ecdsa"))
    r.thresholds["targets"] = 2
    r.publish_root()

    def corrupt_second(e: dict[str, Any]) -> None:
        sig = e["signatures"][1]["sig"]
        e["signatures"][1]["sig"] = sig[:20] + ("0" if sig[20] != "0" else "1") + sig[21:]

    r.sig_edit["targets"] = corrupt_second
    s = scenario("invalid_signature", "targets needs 2 of 2 keys and one of the two signatures is corrupted", r)
    s.step("fail", "thresholdNotMet", trusted={"targets": None})

    r = Repo(now)
    r.sign_with["targets"] = r.signers["snapshot"]
    s = scenario("signed_by_wrong_role", "targets is signed by the snapshot key", r)
    s.step("fail", "thresholdNotMet", trusted={"targets": None})

    unknown = "beef" * 16

    def add_unknown_key(only: bool) -> Callable[[dict[str, Any]], None]:
        def edit(signed: dict[str, Any]) -> None:
            signed["keys"][unknown] = {"keytype": "sphincs-plus", "scheme": "sphincs-shake-256f", "keyval": {"public": "abcd"}}
            ids = signed["roles"]["targets"]["keyids"]
            signed["roles"]["targets"]["keyids"] = [unknown] if only else ids + [unknown]
        return edit

    r = Repo(now)
    r.publish_root(edit=add_unknown_key(only=False))
    s = scenario("unknown_key_type_ignored", "root lists a key of an unknown type for targets, next to a usable key", r,
                 python_tuf="python-tuf refuses the whole root; this client keeps the key as unusable")
    s.step("ok", trusted=top4(2, 1, 1, 1), python_tuf="fail")

    r = Repo(now)
    r.publish_root(edit=add_unknown_key(only=True))
    s = scenario("unknown_key_type_only", "targets may only be signed by a key of an unknown type", r,
                 python_tuf="python-tuf refuses the root v2 already (and keeps root v1)")
    s.step("fail", "thresholdNotMet", trusted={"root": 2, "targets": None}, python_tuf="fail")

    # --- delegations ---------------------------------------------------------------------------------
    r = Repo(now, consistent=True)
    r.delegate("targets", "role-a", paths=["a/*"], terminating=True)
    r.delegate("targets", "role-b", paths=["a/*", "b/*"])
    prefix = hashlib.sha256(b"h/file.txt").hexdigest()[:3]
    r.delegate("targets", "role-c", path_hash_prefixes=[prefix])
    r.delegate("targets", "role-e", paths=["b/*"])
    r.delegate("role-a", "role-d", paths=["a/d*"])
    r.delegate("role-d", "role-a", paths=["a/*"])  # a cycle back to role-a
    r.delegate("role-b", "role-f", paths=["b/[!x]*.txt"])
    r.add_target("targets", "top.txt", b"top")
    r.add_target("role-a", "a/x.txt", b"from a")
    r.add_target("role-a", "a/sub/z.txt", b"a lists it, but a/* does not cover a/sub/")
    r.add_target("role-b", "a/only-b.txt", b"hidden behind terminating role-a")
    r.add_target("role-b", "b/y.txt", b"from b")
    r.add_target("role-b", "b/both.txt", b"b comes first")
    r.add_target("role-e", "b/both.txt", b"e comes second")
    r.add_target("role-e", "b/e-only.txt", b"from e")
    r.add_target("role-c", "h/file.txt", b"hash-bin")
    r.add_target("role-d", "a/dd.txt", b"from d, via a")
    r.add_target("role-f", "b/f.txt", b"from f, via b")
    r.add_target("role-f", "b/x.txt", b"f lists it, but [!x] excludes it")
    s = scenario("delegations", "a delegation graph: terminating role, path patterns, hash prefixes, order of "
                 "trust, a cycle (consistent snapshots)", r)
    s.step("ok", trusted=top4(1, 1, 1, 1), downloads=[
        ("top.txt", "ok", "targets"), ("a/x.txt", "ok", "role-a"), ("a/sub/z.txt", "fail", "targetNotFound"),
        ("a/only-b.txt", "fail", "targetNotFound"), ("b/y.txt", "ok", "role-b"), ("b/both.txt", "ok", "role-b"),
        ("b/e-only.txt", "ok", "role-e"), ("h/file.txt", "ok", "role-c"), ("a/dd.txt", "ok", "role-d"),
        ("a/dz.txt", "fail", "targetNotFound"), ("b/f.txt", "ok", "role-f"), ("b/x.txt", "fail", "targetNotFound")])

    r = Repo(now)
    r.delegate("targets", "role-a", paths=["a/*"])
    r.add_target("role-a", "a/x.txt", b"x")
    r.sign_with["role-a"] = r.signers["targets"]
    s = scenario("delegated_wrong_key", "role-a is signed by the top-level targets key instead of its own", r)
    s.step("ok", trusted=top4(1, 1, 1, 1), downloads=[("a/x.txt", "fail", "thresholdNotMet")])

    r = Repo(now, consistent=True)
    r.delegate("targets", "../evil", paths=["u/*"])
    r.delegate("targets", "sp ace?#%", paths=["v/*"])
    r.add_target("../evil", "u/x.txt", b"u")
    r.add_target("sp ace?#%", "v/y.txt", b"v")
    s = scenario("unusual_role_names", "role names with / .. space ? # %: quoted in URLs and file names", r)
    s.step("ok", trusted={"../evil": 1, "sp ace?#%": 1}, downloads=[("u/x.txt", "ok", "../evil"), ("v/y.txt", "ok", "sp ace?#%")])

    r = Repo(now)
    bins = r.delegate_succinct("targets", "bin", 3)
    for path in ("s/one.txt", "s/two.txt", "other/three"):
        r.add_target(Repo.succinct_bin("bin", 3, path), path, path.encode())
    wrong_bin = next(b for b in bins if b != Repo.succinct_bin("bin", 3, "s/misplaced.txt"))
    r.add_target(wrong_bin, "s/misplaced.txt", b"in a bin that is not responsible for it")
    s = scenario("succinct_delegations", "hash-bin delegation to 8 bins (TAP 15 succinct_roles)", r)
    s.step("ok", trusted=top4(1, 1, 1, 1), downloads=[
        ("s/one.txt", "ok", Repo.succinct_bin("bin", 3, "s/one.txt")),
        ("s/two.txt", "ok", Repo.succinct_bin("bin", 3, "s/two.txt")),
        ("other/three", "ok", Repo.succinct_bin("bin", 3, "other/three")),
        ("s/misplaced.txt", "fail", "targetNotFound")])

    # --- fast-forward attack recovery ----------------------------------------------------------------
    r = Repo(now)
    r.versions["timestamp"] = 100
    s = scenario("fast_forward_timestamp", "timestamp was pushed to v100; the timestamp key is rotated and timestamp restarts at v1", r)
    s.step("ok", trusted={"timestamp": 100})
    r.rotate("timestamp")
    r.publish_root()
    r.versions["timestamp"] = 1
    s.step("ok", trusted={"root": 2, "timestamp": 1})

    r = Repo(now)
    r.versions["timestamp"] = 100
    s = scenario("fast_forward_without_rotation", "timestamp was pushed to v100 and goes back to v1 without a key rotation", r)
    s.step("ok", trusted={"timestamp": 100})
    r.versions["timestamp"] = 1
    s.step("fail", "rollback", trusted={"timestamp": 100})

    r = Repo(now)
    r.versions["targets"] = 100
    r.bump("snapshot", "timestamp")
    s = scenario("fast_forward_targets", "targets was pushed to v100; the snapshot key is rotated and targets restarts at v2", r)
    s.step("ok", trusted={"targets": 100})
    r.rotate("snapshot")
    r.publish_root()
    r.versions["targets"] = 2
    r.bump("snapshot", "timestamp")
    s.step("ok", trusted={"root": 2, "targets": 2})

    r = Repo(now)
    r.versions["snapshot"] = 99999
    r.bump("timestamp")
    s = scenario("fast_forward_snapshot", "snapshot was pushed to v99999; snapshot and timestamp keys are rotated and snapshot restarts at v1", r)
    s.step("ok", trusted={"snapshot": 99999})
    r.rotate("snapshot")
    r.rotate("timestamp")
    r.publish_root()
    r.versions["snapshot"] = 1
    r.bump("timestamp")
    s.step("ok", trusted={"root": 2, "snapshot": 1})

    return scenarios


# --- cross-check with python-tuf -----------------------------------------------------------------------

def check_with_python_tuf(out: str, manifest: dict[str, Any]) -> list[str]:
    import tempfile
    from urllib.parse import quote, unquote

    from tuf.api import exceptions
    from tuf.api.metadata import Metadata
    from tuf.ngclient import Updater
    from tuf.ngclient.fetcher import FetcherInterface

    class FileFetcher(FetcherInterface):
        def _fetch(self, url: str):
            path = unquote(url[len("file://"):])
            if not os.path.isfile(path):
                raise exceptions.DownloadHTTPError(f"not found: {path}", 404)
            with open(path, "rb") as f:
                while chunk := f.read(65536):
                    yield chunk

    def error_ok(e: Exception) -> str:
        return f"{type(e).__name__}: {e}"

    problems = []
    for name, sc in manifest["scenarios"].items():
        with tempfile.TemporaryDirectory() as tmp:
            md = os.path.join(tmp, "md")
            tgt = os.path.join(tmp, "tg")
            os.makedirs(md)
            shutil.copy(os.path.join(out, sc["initial_root"]), os.path.join(md, "root.json"))
            for i, step in enumerate(sc["steps"]):
                base = "file://" + quote(os.path.abspath(os.path.join(out, step["dir"])))
                expected = step.get("python_tuf", step["expect"])
                shutil.rmtree(tgt, ignore_errors=True)
                os.makedirs(tgt)
                outcome, detail = "ok", ""
                try:
                    updater = Updater(md, base + "/metadata", tgt, base + "/targets", fetcher=FileFetcher(), bootstrap=None)
                    updater.refresh()
                except Exception as e:  # noqa: BLE001
                    outcome, detail = "fail", error_ok(e)
                if outcome != expected:
                    problems.append(f"{name} step {i}: python-tuf refresh {outcome} ({detail}), expected {expected}")
                if outcome == "ok" and "python_tuf_differs" not in sc:
                    for d in step["downloads"]:
                        got = "ok"
                        try:
                            info = updater.get_targetinfo(d["path"])
                            if info is None:
                                got = "fail"
                            else:
                                updater.download_target(info)
                        except Exception:  # noqa: BLE001
                            got = "fail"
                        if got != d["expect"]:
                            problems.append(f"{name} step {i}: python-tuf download {d['path']} {got}, expected {d['expect']}")
                if "python_tuf_differs" not in sc:
                    for role, version in step["trusted"].items():
                        p = os.path.join(md, quote(role, "") + ".json")
                        have = Metadata.from_file(p).signed.version if os.path.exists(p) else None
                        if have != version:
                            problems.append(f"{name} step {i}: python-tuf holds {role} {have}, expected {version}")
    return problems


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--now", type=int, help="the update start time the scenarios are built around (epoch seconds)")
    ap.add_argument("--check-with-python-tuf", action="store_true")
    args = ap.parse_args()
    now = datetime.fromtimestamp(args.now, timezone.utc) if args.now is not None else now_utc()
    shutil.rmtree(args.out, ignore_errors=True)
    os.makedirs(args.out)
    manifest = {"now": int(now.timestamp()), "now_iso": iso(now), "scenarios": build(args.out, now)}
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, ensure_ascii=False)
    if args.check_with_python_tuf:
        problems = check_with_python_tuf(args.out, manifest)
        for p in problems:
            print("python-tuf disagrees:", p, file=sys.stderr)
        if problems:
            return 1
        print(f"python-tuf agrees on {len(manifest['scenarios'])} scenarios", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Independent reference implementation of stamp code version 1 ("TS1").

Written from the format description only; shares no code with the Swift side.
It exists to prove that the Swift implementation follows the written format.

    TS1:<Base45(CBOR(COSE_Sign1))>   (RFC 9285, RFC 8949, RFC 9052)

    COSE_Sign1   = [protected bstr{1: -7|-8 (, 4: kid)}, unprotected {(4: kid)},
                    payload bstr(CBOR(COSE_Encrypt0)), signature bstr]   (tag 18 optional)
    Sig_structure = ["Signature1", protected (as transmitted), h'', payload]
    COSE_Encrypt0 = [protected bstr{1: 3}, unprotected {4: data kid, 5: IV(12)},
                    ciphertext||tag(16)]                                 (tag 16 optional)
    Enc_structure = ["Encrypt0", protected (as transmitted), h'']  (the AES-256-GCM AAD)
    plaintext     = {1 uid, 2 product, 3 facility, 4 machine, 5 manufactured (uint epoch s),
                     ?6 shift, 7 market, 8 series, ?9 operator}, unknown keys ignored

Commands (see --help of each):
    keys   --out DIR [--alg ES256|EdDSA] [--kid-bytes 8] [--append]
    mint   --keys DIR (--payload JSON | --payload-file FILE) [--tagged]
           [--kid-in protected|unprotected] [--extra KEY=VALUE ...]
           [--signer-kid HEX] [--data-kid HEX] [--iv HEX]
    verify --keyring FILE [--data-keys FILE] CODE...   (no CODE or "-": one code per stdin line)

verify prints one JSON line per code and exits 0 only if every code is ok.
`error` is "<stage>: <detail>", the stage being one of
    prefix, base45, cbor, cose, signer-key, signature, encrypt0, data-key, decrypt, plaintext, payload
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import os
import re
import sys
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path

import base45
import cbor2
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, utils
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "TS1:"

TAG_SIGN1 = 18
TAG_ENCRYPT0 = 16

H_ALG = 1
H_KID = 4
H_IV = 5

ALG_ES256 = -7
ALG_EDDSA = -8
ALG_A256GCM = 3

ALG_BY_NAME = {"ES256": ALG_ES256, "EdDSA": ALG_EDDSA}
NAME_BY_ALG = {v: k for k, v in ALG_BY_NAME.items()}

UID_MAX = 50

# (key, name, type, required); type "text" or "uint"
FIELDS = [
    (1, "uid", "text", True),
    (2, "product", "text", True),
    (3, "facility", "text", True),
    (4, "machine", "text", True),
    (5, "manufactured", "uint", True),
    (6, "shift", "text", False),
    (7, "market", "text", True),
    (8, "series", "text", True),
    (9, "operator", "text", False),
]
KEY_BY_NAME = {name: key for key, name, _, _ in FIELDS}

OUTPUT_FIELDS = [name for _, name, _, _ in FIELDS]


class TS1Error(Exception):
    """A verification failure at one stage."""

    def __init__(self, stage: str, detail: str):
        super().__init__(f"{stage}: {detail}")
        self.stage = stage
        self.detail = detail


# ---------------------------------------------------------------------------
# CBOR
# ---------------------------------------------------------------------------

def _raw_tag(tag: int):
    return lambda value, immutable: cbor2.CBORTag(tag, value)


# cbor2 turns some tags (0, 1, 2 bignum, 28/29 sharing, 55799, ...) into Python values
# by default. A format checker must see them as they are, so every tag number that
# cbor2 knows is overridden to come back as a plain CBORTag.
_RAW_TAGS = {t: _raw_tag(t) for t in list(range(0, 1100)) + [1004, 55799]}


def cbor_decode(data: bytes, stage: str):
    """Decode exactly one well-formed CBOR data item; trailing bytes are an error.

    Duplicate map keys are rejected (RFC 8949 §5.6, RFC 9052 §3)."""
    if not isinstance(data, (bytes, bytearray)):
        raise TS1Error(stage, "not a byte string")
    fp = io.BytesIO(bytes(data))
    dec = cbor2.CBORDecoder(fp, semantic_decoders=_RAW_TAGS, allow_duplicate_keys=False)
    try:
        value = dec.decode()
    except cbor2.CBORDecodeEOF:
        raise TS1Error(stage, "truncated CBOR") from None
    except (cbor2.CBORDecodeError, ValueError, TypeError, RecursionError) as e:
        raise TS1Error(stage, f"invalid CBOR: {e}") from None
    try:
        dec.decode()
    except cbor2.CBORDecodeEOF:
        return value
    except (cbor2.CBORDecodeError, ValueError, TypeError, RecursionError):
        pass
    raise TS1Error(stage, "trailing bytes after CBOR item")


def cbor_encode(obj) -> bytes:
    return cbor2.dumps(obj)


def is_array(v) -> bool:
    return isinstance(v, (list, tuple))


def is_map(v) -> bool:
    return isinstance(v, Mapping)


def is_bstr(v) -> bool:
    return isinstance(v, (bytes, bytearray))


def is_uint(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def sig_structure(protected: bytes, payload: bytes) -> bytes:
    return cbor_encode(["Signature1", bytes(protected), b"", bytes(payload)])


def enc_structure(protected: bytes) -> bytes:
    return cbor_encode(["Encrypt0", bytes(protected), b""])


# ---------------------------------------------------------------------------
# Time helpers
# ---------------------------------------------------------------------------

def rfc3339(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def rfc3339_dt(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_rfc3339(s: str) -> datetime:
    if not isinstance(s, str) or not re.fullmatch(
        r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})", s
    ):
        raise ValueError(f"not an RFC 3339 date-time: {s!r}")
    dt = datetime.fromisoformat(s.replace("z", "Z").replace("t", "T").replace("Z", "+00:00"))
    return dt


# ---------------------------------------------------------------------------
# Keys and keyring
# ---------------------------------------------------------------------------

class SigningKey:
    def __init__(self, kid: bytes, alg: str, public_key, entry: dict | None = None):
        self.kid = kid
        self.alg = alg
        self.public_key = public_key
        self.entry = entry or {}


class DataKey:
    def __init__(self, kid: bytes, key: bytes):
        self.kid = kid
        self.key = key


def _kid(hexstr) -> bytes:
    if not isinstance(hexstr, str):
        raise ValueError("kid must be a hex string")
    return bytes.fromhex(hexstr)


def load_public_key(pem: str, alg: str):
    key = serialization.load_pem_public_key(pem.encode())
    if alg == "ES256":
        if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
            raise ValueError("ES256 key is not a P-256 public key")
    elif alg == "EdDSA":
        if not isinstance(key, ed25519.Ed25519PublicKey):
            raise ValueError("EdDSA key is not an Ed25519 public key")
    else:
        raise ValueError(f"unknown signing alg {alg!r}")
    return key


def load_data_key_entry(entry: dict) -> DataKey:
    alg = entry.get("alg", "A256GCM")
    if alg != "A256GCM":
        raise ValueError(f"unknown data key alg {alg!r}")
    key = base64.b64decode(entry["key"], validate=True)
    if len(key) != 32:
        raise ValueError("data key is not 32 bytes")
    return DataKey(_kid(entry["kid"]), key)


def load_keyring(path: str | os.PathLike, extra_data_keys: str | None = None):
    doc = json.loads(Path(path).read_text())
    signing = []
    for e in doc.get("signing_keys") or []:
        signing.append(SigningKey(_kid(e["kid"]), e["alg"],
                                  load_public_key(e["public_key_pem"], e["alg"]), e))
    data = [load_data_key_entry(e) for e in doc.get("data_keys") or []]
    if extra_data_keys:
        data += [load_data_key_entry(e) for e in json.loads(Path(extra_data_keys).read_text())]
    return signing, data


# ---------------------------------------------------------------------------
# Verify
# ---------------------------------------------------------------------------

def _verify_signature(key: SigningKey, alg: int, tbs: bytes, sig: bytes) -> None:
    if len(sig) != 64:
        raise TS1Error("signature", f"signature is {len(sig)} bytes, expected 64")
    try:
        if alg == ALG_ES256:
            r = int.from_bytes(sig[:32], "big")
            s = int.from_bytes(sig[32:], "big")
            key.public_key.verify(utils.encode_dss_signature(r, s), tbs, ec.ECDSA(hashes.SHA256()))
        else:
            key.public_key.verify(sig, tbs)
    except (InvalidSignature, ValueError):
        raise TS1Error("signature", "signature does not verify") from None


def _untag(value, tag: int, stage: str):
    if isinstance(value, cbor2.CBORTag):
        if value.tag != tag:
            raise TS1Error(stage, f"unexpected CBOR tag {value.tag}")
        value = value.value
    return value


def _header_map(protected, stage: str) -> dict:
    if not is_bstr(protected):
        raise TS1Error(stage, "protected header is not a bstr")
    if len(protected) == 0:
        return {}
    m = cbor_decode(protected, stage)
    if not is_map(m):
        raise TS1Error(stage, "protected header is not a map")
    return dict(m)


def verify_code(code: str, signing_keys, data_keys) -> dict:
    """Verify one code. Returns the decoded fields; raises TS1Error on the first failure.

    The dict always has signer_kid/data_kid as hex once they are known (also set on the
    exception as .partial)."""
    partial: dict = {}
    try:
        return _verify(code, signing_keys, data_keys, partial)
    except TS1Error as e:
        e.partial = partial
        raise


def _verify(code: str, signing_keys, data_keys, partial: dict) -> dict:
    # 1. prefix
    if not isinstance(code, str) or not code.startswith(PREFIX):
        raise TS1Error("prefix", "code does not start with 'TS1:'")
    body = code[len(PREFIX):]

    # 2. Base45 (RFC 9285: only the 45 characters; no stripping of anything)
    if any(c not in base45.BASE45_CHARSET for c in body):
        raise TS1Error("base45", "character outside the Base45 alphabet")
    if body == "":
        raise TS1Error("base45", "empty")
    try:
        raw = base45.b45decode(body.encode("ascii"))
    except ValueError as e:
        raise TS1Error("base45", str(e)) from None

    # 3. CBOR
    msg = cbor_decode(raw, "cbor")

    # 4. COSE_Sign1 structure
    msg = _untag(msg, TAG_SIGN1, "cose")
    if not is_array(msg) or len(msg) != 4:
        raise TS1Error("cose", "COSE_Sign1 is not a 4-element array")
    protected, unprotected, payload, signature = msg
    if not is_bstr(protected):
        raise TS1Error("cose", "protected header is not a bstr")
    if not is_map(unprotected):
        raise TS1Error("cose", "unprotected header is not a map")
    if not is_bstr(payload):
        raise TS1Error("cose", "payload is not a bstr")
    if not is_bstr(signature):
        raise TS1Error("cose", "signature is not a bstr")
    phdr = _header_map(protected, "cose")
    if H_ALG not in phdr:
        raise TS1Error("cose", "no alg in protected header")
    alg = phdr[H_ALG]
    if not is_int(alg) or alg not in NAME_BY_ALG:
        raise TS1Error("cose", f"unsupported alg {alg!r}")
    if H_KID in phdr:
        kid = phdr[H_KID]
    elif H_KID in unprotected:
        kid = unprotected[H_KID]
    else:
        raise TS1Error("cose", "no kid in either header")
    if not is_bstr(kid):
        raise TS1Error("cose", "kid is not a bstr")
    kid = bytes(kid)
    partial["signer_kid"] = kid.hex()

    # 5. signer key and signature
    key = next((k for k in signing_keys if k.kid == kid), None)
    if key is None:
        raise TS1Error("signer-key", f"unknown signer kid {kid.hex()}")
    if ALG_BY_NAME.get(key.alg) != alg:
        raise TS1Error("signer-key", f"alg {NAME_BY_ALG[alg]} does not match key alg {key.alg}")
    _verify_signature(key, alg, sig_structure(protected, payload), bytes(signature))

    # 6. COSE_Encrypt0
    enc = cbor_decode(bytes(payload), "encrypt0")
    enc = _untag(enc, TAG_ENCRYPT0, "encrypt0")
    if not is_array(enc) or len(enc) != 3:
        raise TS1Error("encrypt0", "COSE_Encrypt0 is not a 3-element array")
    eprot, eunprot, ciphertext = enc
    if not is_bstr(eprot):
        raise TS1Error("encrypt0", "protected header is not a bstr")
    if not is_map(eunprot):
        raise TS1Error("encrypt0", "unprotected header is not a map")
    if not is_bstr(ciphertext):
        raise TS1Error("encrypt0", "ciphertext is not a bstr")
    ehdr = _header_map(eprot, "encrypt0")
    if ehdr.get(H_ALG) != ALG_A256GCM or isinstance(ehdr.get(H_ALG), bool):
        raise TS1Error("encrypt0", f"alg is {ehdr.get(H_ALG)!r}, expected 3 (A256GCM)")
    dkid = eunprot.get(H_KID)
    if not is_bstr(dkid):
        raise TS1Error("encrypt0", "data kid (4) missing or not a bstr")
    dkid = bytes(dkid)
    partial["data_kid"] = dkid.hex()
    iv = eunprot.get(H_IV)
    if not is_bstr(iv) or len(iv) != 12:
        raise TS1Error("encrypt0", "IV (5) missing or not a 12-byte bstr")
    if len(ciphertext) < 16:
        raise TS1Error("encrypt0", "ciphertext shorter than the GCM tag")

    # 7. data key and decryption
    dkey = next((k for k in data_keys if k.kid == dkid), None)
    if dkey is None:
        raise TS1Error("data-key", f"unknown data kid {dkid.hex()}")
    try:
        plaintext = AESGCM(dkey.key).decrypt(bytes(iv), bytes(ciphertext), enc_structure(eprot))
    except InvalidTag:
        raise TS1Error("decrypt", "AES-GCM authentication failed") from None

    # 8. plaintext map and fields
    pt = cbor_decode(plaintext, "plaintext")
    if not is_map(pt):
        raise TS1Error("plaintext", "plaintext is not a map")
    for k in pt:
        if not is_uint(k):
            raise TS1Error("plaintext", f"map key {k!r} is not an unsigned integer")
    out = {}
    for key_no, name, typ, required in FIELDS:
        if key_no not in pt:
            if required:
                raise TS1Error("payload", f"missing required field {key_no} ({name})")
            out[name] = None
            continue
        v = pt[key_no]
        if typ == "text" and not isinstance(v, str):
            raise TS1Error("payload", f"field {key_no} ({name}) is not text")
        if typ == "uint" and not is_uint(v):
            raise TS1Error("payload", f"field {key_no} ({name}) is not an unsigned integer")
        out[name] = v
    if len(out["uid"]) > UID_MAX:
        raise TS1Error("payload", f"uid longer than {UID_MAX} characters")
    try:
        out["manufactured"] = rfc3339(out["manufactured"])
    except (OverflowError, ValueError, OSError):
        raise TS1Error("payload", "manufactured out of the representable range") from None
    out["signer_kid"] = kid.hex()
    out["data_kid"] = dkid.hex()
    return out


def verify_result(code: str, signing_keys, data_keys) -> dict:
    """The JSON-line object for one code."""
    res = {"input": code, "ok": False, "error": None}
    for name in OUTPUT_FIELDS:
        res[name] = None
    res["signer_kid"] = None
    res["data_kid"] = None
    try:
        fields = verify_code(code, signing_keys, data_keys)
    except TS1Error as e:
        res["error"] = str(e)
        res.update(getattr(e, "partial", {}))
        return res
    res["ok"] = True
    res.update(fields)
    return res


# ---------------------------------------------------------------------------
# Mint
# ---------------------------------------------------------------------------

def sign(private_key, alg: int, tbs: bytes) -> bytes:
    if alg == ALG_ES256:
        der = private_key.sign(tbs, ec.ECDSA(hashes.SHA256()))
        r, s = utils.decode_dss_signature(der)
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")
    return private_key.sign(tbs)


def build_plaintext(payload: dict, extra: list[tuple[int, object]] | None = None) -> dict:
    """Payload JSON object → plaintext CBOR map. No validation beyond conversions, so
    deliberately bad codes (wrong types, missing fields) can be minted for negative tests.
    A null or absent field is left out."""
    m: dict = {}
    for name, value in payload.items():
        if name not in KEY_BY_NAME:
            raise ValueError(f"unknown payload field {name!r}")
        if value is None:
            continue
        if name == "manufactured" and isinstance(value, str):
            dt = parse_rfc3339(value)
            if dt.microsecond:
                raise ValueError("manufactured has fractional seconds")
            value = int(dt.timestamp())
        m[KEY_BY_NAME[name]] = value
    for k, v in extra or []:
        m[k] = v
    return m


def mint_code(plaintext: dict, *, alg: int, signer_private_key, signer_kid: bytes,
              data_key: bytes, data_kid: bytes, tagged: bool = False,
              kid_in: str = "protected", iv: bytes | None = None) -> str:
    # COSE_Encrypt0
    eprot = cbor_encode({H_ALG: ALG_A256GCM})
    iv = iv if iv is not None else os.urandom(12)
    ct = AESGCM(data_key).encrypt(iv, cbor_encode(plaintext), enc_structure(eprot))
    enc = cbor_encode([eprot, {H_KID: data_kid, H_IV: iv}, ct])

    # COSE_Sign1
    phdr = {H_ALG: alg}
    uhdr = {}
    if kid_in == "protected":
        phdr[H_KID] = signer_kid
    else:
        uhdr[H_KID] = signer_kid
    prot = cbor_encode(phdr)
    sig = sign(signer_private_key, alg, sig_structure(prot, enc))
    msg = [prot, uhdr, enc, sig]
    if tagged:
        msg = cbor2.CBORTag(TAG_SIGN1, msg)
    return PREFIX + base45.b45encode(cbor_encode(msg)).decode("ascii")


class KeyDir:
    """A directory written by `keys`."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.keyring = json.loads((self.path / "keyring.json").read_text())

    def signer(self, kid_hex: str | None = None):
        for e in self.keyring.get("signing_keys") or []:
            if kid_hex is not None and e["kid"].lower() != kid_hex.lower():
                continue
            pem = self.path / f"signing-{e['kid'].lower()}.pem"
            if not pem.exists():
                if kid_hex is not None:
                    raise SystemExit(f"no private key file {pem}")
                continue
            key = serialization.load_pem_private_key(pem.read_bytes(), password=None)
            return ALG_BY_NAME[e["alg"]], key, bytes.fromhex(e["kid"])
        raise SystemExit(f"no signing key{' ' + kid_hex if kid_hex else ''} with a private key in {self.path}")

    def data_key(self, kid_hex: str | None = None):
        entries = list(self.keyring.get("data_keys") or [])
        dk_file = self.path / "data-keys.json"
        if dk_file.exists():
            entries += json.loads(dk_file.read_text())
        for e in entries:
            if kid_hex is None or e["kid"].lower() == kid_hex.lower():
                dk = load_data_key_entry(e)
                return dk.key, dk.kid
        raise SystemExit(f"no data key{' ' + kid_hex if kid_hex else ''} in {self.path}")


# ---------------------------------------------------------------------------
# Key generation
# ---------------------------------------------------------------------------

def generate_keys(out: str | os.PathLike, alg: str = "ES256", kid_bytes: int = 8,
                  append: bool = False, now: datetime | None = None) -> dict:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    now = (now or datetime.now(timezone.utc)).replace(microsecond=0)
    if alg == "ES256":
        priv = ec.generate_private_key(ec.SECP256R1())
    elif alg == "EdDSA":
        priv = ed25519.Ed25519PrivateKey.generate()
    else:
        raise SystemExit(f"unknown alg {alg}")
    skid = os.urandom(kid_bytes).hex()
    dkid = os.urandom(kid_bytes).hex()
    dkey = base64.b64encode(AESGCM.generate_key(bit_length=256)).decode("ascii")

    pem = priv.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())
    pem_path = out / f"signing-{skid}.pem"
    pem_path.write_bytes(pem)
    os.chmod(pem_path, 0o600)
    pub_pem = priv.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")

    keyring_path = out / "keyring.json"
    dk_path = out / "data-keys.json"
    if append and keyring_path.exists():
        keyring = json.loads(keyring_path.read_text())
        keyring.setdefault("signing_keys", [])
        keyring.setdefault("data_keys", [])
    else:
        keyring = {"signing_keys": [], "data_keys": []}
    data_keys = json.loads(dk_path.read_text()) if append and dk_path.exists() else []

    nb = rfc3339_dt(now - timedelta(days=1))
    na = rfc3339_dt(now + timedelta(days=3650))
    keyring["signing_keys"].append({
        "kid": skid, "alg": alg, "public_key_pem": pub_pem, "issuer": "ts1ref test issuer",
        "not_before": nb, "not_after": na, "revoked_at": None,
    })
    keyring["data_keys"].append({"kid": dkid, "alg": "A256GCM", "key": dkey,
                                 "not_before": nb, "not_after": na})
    data_keys.append({"kid": dkid, "key": dkey})
    keyring_path.write_text(json.dumps(keyring, indent=2) + "\n")
    dk_path.write_text(json.dumps(data_keys, indent=2) + "\n")
    return {"signer_kid": skid, "data_kid": dkid, "alg": alg,
            "private_key": str(pem_path), "keyring": str(keyring_path), "data_keys": str(dk_path)}


# ---------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------

def _parse_extra(s: str) -> tuple[int, object]:
    k, sep, v = s.partition("=")
    if not sep or not k.isdigit():
        raise argparse.ArgumentTypeError(f"--extra wants KEY=VALUE with an unsigned integer KEY: {s!r}")
    try:
        value = json.loads(v)
    except ValueError:
        value = v
    return int(k), value


def cmd_keys(a) -> int:
    info = generate_keys(a.out, a.alg, a.kid_bytes, a.append)
    print(json.dumps(info))
    return 0


def cmd_mint(a) -> int:
    kd = KeyDir(a.keys)
    alg, priv, skid = kd.signer(a.signer_kid)
    dkey, dkid = kd.data_key(a.data_kid)
    if a.payload_file:
        payloads = json.loads(Path(a.payload_file).read_text())
        if not isinstance(payloads, list):
            raise SystemExit("--payload-file must hold a JSON array of objects")
    else:
        payloads = [json.loads(a.payload)]
    iv = bytes.fromhex(a.iv) if a.iv else None
    if iv is not None and len(payloads) > 1:
        raise SystemExit("--iv with more than one payload would reuse a GCM nonce")
    for p in payloads:
        if not isinstance(p, dict):
            raise SystemExit("a payload must be a JSON object")
        pt = build_plaintext(p, a.extra)
        print(mint_code(pt, alg=alg, signer_private_key=priv, signer_kid=skid, data_key=dkey,
                        data_kid=dkid, tagged=a.tagged, kid_in=a.kid_in, iv=iv))
    return 0


def cmd_verify(a) -> int:
    signing, data = load_keyring(a.keyring, a.data_keys)
    codes = list(a.codes)
    if not codes or codes == ["-"]:
        codes = [line.rstrip("\r\n") for line in sys.stdin if line.strip()]
    all_ok = True
    for code in codes:
        res = verify_result(code, signing, data)
        all_ok &= res["ok"]
        print(json.dumps(res, ensure_ascii=False), flush=True)
    return 0 if all_ok else 1


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="ts1ref.py", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)

    k = sub.add_parser("keys", help="generate a signing key, a data key and keyring.json")
    k.add_argument("--out", required=True, metavar="DIR")
    k.add_argument("--alg", choices=["ES256", "EdDSA"], default="ES256")
    k.add_argument("--kid-bytes", type=int, default=8)
    k.add_argument("--append", action="store_true",
                   help="add to an existing keyring.json/data-keys.json instead of replacing them")
    k.set_defaults(func=cmd_keys)

    m = sub.add_parser("mint", help="print TS1 codes")
    m.add_argument("--keys", required=True, metavar="DIR")
    src = m.add_mutually_exclusive_group(required=True)
    src.add_argument("--payload", metavar="JSON", help="one JSON object")
    src.add_argument("--payload-file", metavar="FILE", help="a JSON array of objects; one code per line")
    m.add_argument("--tagged", action="store_true", help="wrap COSE_Sign1 in CBOR tag 18")
    m.add_argument("--kid-in", choices=["protected", "unprotected"], default="protected")
    m.add_argument("--extra", action="append", type=_parse_extra, default=[], metavar="KEY=VALUE",
                   help="add plaintext key KEY; VALUE is JSON if it parses, else text")
    m.add_argument("--signer-kid", metavar="HEX")
    m.add_argument("--data-kid", metavar="HEX")
    m.add_argument("--iv", metavar="HEX", help="fixed 12-byte IV (tests only)")
    m.set_defaults(func=cmd_mint)

    v = sub.add_parser("verify", help="verify codes, one JSON line each")
    v.add_argument("--keyring", required=True, metavar="FILE")
    v.add_argument("--data-keys", metavar="FILE", help='extra data keys: [{"kid":..., "key": base64}]')
    v.add_argument("codes", nargs="*", metavar="CODE")
    v.set_defaults(func=cmd_verify)

    a = p.parse_args(argv)
    return a.func(a)


if __name__ == "__main__":
    sys.exit(main())

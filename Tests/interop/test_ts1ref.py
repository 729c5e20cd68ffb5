"""Self-test of the independent TS1 reference implementation (ts1ref.py).

Run: .venv/bin/python -m pytest Tests/interop
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import base45
import cbor2
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import ts1ref  # noqa: E402

SCRIPT = HERE / "ts1ref.py"

PAYLOAD = {
    "uid": "MZ-0000000001-ABCDEFGH",
    "product": "05601234567892",
    "facility": "FAC-MAPUTO-01",
    "machine": "LINE-3",
    "manufactured": "2025-03-14T09:26:53Z",
    "shift": "B",
    "market": "MZ-MPM",
    "series": "S2025A",
    "operator": "OP-4711",
}
MANUFACTURED_EPOCH = 1741944413


def run(*args, stdin=None):
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)],
                          capture_output=True, text=True, input=stdin, timeout=60)


def verify_cli(keydir: Path, *codes, extra=()):
    r = run("verify", "--keyring", keydir / "keyring.json", *extra, *codes)
    lines = [json.loads(line) for line in r.stdout.splitlines()]
    return r.returncode, lines


def cose(code: str):
    """Decode a code's outer CBOR (tags kept)."""
    return ts1ref.cbor_decode(base45.b45decode(code[4:].encode()), "t")


def encode_code(obj) -> str:
    return "TS1:" + base45.b45encode(cbor2.dumps(obj)).decode()


@pytest.fixture(scope="module", params=["ES256", "EdDSA"])
def keydir(request, tmp_path_factory):
    d = tmp_path_factory.mktemp(f"keys-{request.param}")
    r = run("keys", "--out", d, "--alg", request.param)
    assert r.returncode == 0, r.stderr
    return d


@pytest.fixture(scope="module")
def ring(keydir):
    return ts1ref.load_keyring(keydir / "keyring.json")


def mint_signed(keydir: Path, plaintext=None, *, enc_mutator=None, sign1_mutator=None,
                aad=None, raw_plaintext: bytes | None = None) -> str:
    """Mint with hooks for building codes that are validly signed but wrong inside."""
    kd = ts1ref.KeyDir(keydir)
    alg, priv, skid = kd.signer()
    dkey, dkid = kd.data_key()
    eprot = cbor2.dumps({1: 3})
    iv = os.urandom(12)
    pt = raw_plaintext if raw_plaintext is not None else cbor2.dumps(
        plaintext if plaintext is not None else ts1ref.build_plaintext(PAYLOAD))
    ct = AESGCM(dkey).encrypt(iv, pt, aad if aad is not None else ts1ref.enc_structure(eprot))
    enc = [eprot, {4: dkid, 5: iv}, ct]
    if enc_mutator:
        enc = enc_mutator(enc)
    encb = enc if isinstance(enc, bytes) else cbor2.dumps(enc)
    prot = cbor2.dumps({1: alg, 4: skid})
    msg = [prot, {}, encb, ts1ref.sign(priv, alg, ts1ref.sig_structure(prot, encb))]
    if sign1_mutator:
        msg = sign1_mutator(msg)
    return encode_code(msg)


# ---------------------------------------------------------------------------
# Known answers from the RFCs (independent of anything this file mints)
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("raw,text", [(b"AB", "BB8"), (b"Hello!!", "%69 VD92EX0"),
                                      (b"base-45", "UJCLQE7W581"), (b"ietf!", "QED8WEX0")])
def test_base45_rfc9285_vectors(raw, text):
    assert base45.b45encode(raw).decode() == text
    assert base45.b45decode(text.encode()) == raw


@pytest.mark.parametrize("bad", ["GGW", "ZZZZ", "bb8", "BB8\n", "B"])
def test_base45_rejects(bad, ring):
    r = ts1ref.verify_result("TS1:" + bad, *ring)
    assert not r["ok"] and r["error"].startswith("base45:"), r


def test_structures_byte_exact():
    assert ts1ref.sig_structure(bytes.fromhex("a10126"), b"\x01").hex() == \
        "84" "6a5369676e617475726531" "43a10126" "40" "4101"
    assert ts1ref.enc_structure(bytes.fromhex("a10103")).hex() == \
        "83" "68456e637279707430" "43a10103" "40"


def rfc9052_c21_keyring():
    # RFC 9052 Appendix C.7.1, key '11' (P-256)
    x = int("bac5b11cad8f99f9c72b05cf4b9e26d244dc189f745228255a219a86d6a09eff", 16)
    y = int("20138bf82dc1b6d562be0fa54ab7804a3a64b6d72ccfed6b6fb6ed28bbfc117e", 16)
    pub = ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
    return [ts1ref.SigningKey(b"11", "ES256", pub)], []


RFC9052_C21_SIG = bytes.fromhex(
    "8eb33e4ca31d1c465ab05aac34cc6b23d58fef5c083106c4d25a91aef0b0117e"
    "2af9a291aa32e14ab834dc56ed2a223444547e01f11d3b0916e5a4c345cacb36")


@pytest.mark.parametrize("tagged", [True, False])
def test_rfc9052_c21_sign1_signature_verifies(tagged):
    """RFC 9052 C.2.1 (ES256, kid in the unprotected header): the signature must pass,
    so the first failure is the payload not being a COSE_Encrypt0."""
    msg = [bytes.fromhex("a10126"), {4: b"11"}, b"This is the content.", RFC9052_C21_SIG]
    code = encode_code(cbor2.CBORTag(18, msg) if tagged else msg)
    r = ts1ref.verify_result(code, *rfc9052_c21_keyring())
    assert r["error"].startswith("encrypt0:"), r
    assert r["signer_kid"] == b"11".hex()
    bad = bytearray(RFC9052_C21_SIG)
    bad[10] ^= 1
    msg[3] = bytes(bad)
    r = ts1ref.verify_result(encode_code(msg), *rfc9052_c21_keyring())
    assert r["error"].startswith("signature:"), r


# ---------------------------------------------------------------------------
# Round trips through the CLI
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("tagged", [False, True])
@pytest.mark.parametrize("kid_in", ["protected", "unprotected"])
def test_round_trip(keydir, tagged, kid_in):
    args = ["mint", "--keys", keydir, "--payload", json.dumps(PAYLOAD), "--kid-in", kid_in]
    if tagged:
        args.append("--tagged")
    r = run(*args)
    assert r.returncode == 0, r.stderr
    code = r.stdout.strip()
    assert code.startswith("TS1:") and "\n" not in code

    outer = cose(code)
    assert isinstance(outer, cbor2.CBORTag) == tagged
    msg = outer.value if tagged else outer
    prot = cbor2.loads(msg[0])
    keyring = json.loads((keydir / "keyring.json").read_text())
    skid = bytes.fromhex(keyring["signing_keys"][0]["kid"])
    assert prot[1] == ts1ref.ALG_BY_NAME[keyring["signing_keys"][0]["alg"]]
    if kid_in == "protected":
        assert prot[4] == skid and 4 not in msg[1]
    else:
        assert 4 not in prot and msg[1][4] == skid
    assert len(msg[3]) == 64

    rc, [res] = verify_cli(keydir, code)
    assert rc == 0 and res["ok"] and res["error"] is None, res
    expect = dict(PAYLOAD, input=code, ok=True, error=None,
                  signer_kid=skid.hex(), data_kid=keyring["data_keys"][0]["kid"])
    assert res == expect


def test_manufactured_epoch_and_optional_fields(keydir, ring):
    p = {k: v for k, v in PAYLOAD.items() if k not in ("shift", "operator")}
    p["manufactured"] = MANUFACTURED_EPOCH
    r = run("mint", "--keys", keydir, "--payload", json.dumps(p))
    assert r.returncode == 0, r.stderr
    res = ts1ref.verify_result(r.stdout.strip(), *ring)
    assert res["ok"], res
    assert res["manufactured"] == PAYLOAD["manufactured"]
    assert res["shift"] is None and res["operator"] is None


def test_unknown_payload_keys_ignored(keydir, ring):
    r = run("mint", "--keys", keydir, "--payload", json.dumps(PAYLOAD),
            "--extra", "42=hello", "--extra", "1000=7", "--extra", '10=[1,{"a":2}]')
    assert r.returncode == 0, r.stderr
    code = r.stdout.strip()
    res = ts1ref.verify_result(code, *ring)
    assert res["ok"], res
    assert res["uid"] == PAYLOAD["uid"]


def test_payload_file_and_stdin(keydir, tmp_path):
    items = [dict(PAYLOAD, uid=f"UID-{i}") for i in range(3)]
    f = tmp_path / "p.json"
    f.write_text(json.dumps(items))
    r = run("mint", "--keys", keydir, "--payload-file", f)
    assert r.returncode == 0, r.stderr
    codes = r.stdout.splitlines()  # Base45 has a space: never split on whitespace
    assert len(codes) == 3 and len(set(codes)) == 3
    r = run("verify", "--keyring", keydir / "keyring.json", stdin="\n".join(codes) + "\n")
    assert r.returncode == 0, r.stderr
    assert [json.loads(x)["uid"] for x in r.stdout.splitlines()] == ["UID-0", "UID-1", "UID-2"]


def test_data_keys_file(keydir, tmp_path):
    code = run("mint", "--keys", keydir, "--payload", json.dumps(PAYLOAD)).stdout.strip()
    keyring = json.loads((keydir / "keyring.json").read_text())
    keyring["data_keys"] = []
    kr = tmp_path / "kr.json"
    kr.write_text(json.dumps(keyring))
    r = run("verify", "--keyring", kr, code)
    assert r.returncode == 1 and json.loads(r.stdout)["error"].startswith("data-key:")
    r = run("verify", "--keyring", kr, "--data-keys", keydir / "data-keys.json", code)
    assert r.returncode == 0, r.stdout


def test_two_algorithms_in_one_keyring(tmp_path):
    assert run("keys", "--out", tmp_path, "--alg", "ES256").returncode == 0
    assert run("keys", "--out", tmp_path, "--alg", "EdDSA", "--append").returncode == 0
    keyring = json.loads((tmp_path / "keyring.json").read_text())
    assert [k["alg"] for k in keyring["signing_keys"]] == ["ES256", "EdDSA"]
    assert keyring["signing_keys"][0]["revoked_at"] is None
    codes = []
    for sk, dk in zip(keyring["signing_keys"], keyring["data_keys"]):
        r = run("mint", "--keys", tmp_path, "--payload", json.dumps(PAYLOAD),
                "--signer-kid", sk["kid"], "--data-kid", dk["kid"])
        assert r.returncode == 0, r.stderr
        codes.append(r.stdout.strip())
    rc, res = verify_cli(tmp_path, *codes)
    assert rc == 0
    assert [(x["signer_kid"], x["data_kid"]) for x in res] == \
        [(k["kid"], d["kid"]) for k, d in zip(keyring["signing_keys"], keyring["data_keys"])]


# ---------------------------------------------------------------------------
# Tampering and malformed codes
# ---------------------------------------------------------------------------

def _first_error(code, ring):
    r = ts1ref.verify_result(code, *ring)
    assert not r["ok"]
    return r["error"]


def test_tampered_text_fails(keydir, ring):
    code = run("mint", "--keys", keydir, "--payload", json.dumps(PAYLOAD)).stdout.strip()
    alphabet = base45.BASE45_CHARSET
    for pos in range(4, len(code)):
        repl = alphabet[(alphabet.index(code[pos]) + 1) % 45]
        assert not ts1ref.verify_result(code[:pos] + repl + code[pos + 1:], *ring)["ok"], pos
    rc, [res] = verify_cli(keydir, code[:-3] + ("0" if code[-3] != "0" else "1") + code[-2:])
    assert rc == 1 and not res["ok"] and res["error"]


def test_every_signed_byte_matters(keydir, ring):
    code = run("mint", "--keys", keydir, "--payload", json.dumps(PAYLOAD)).stdout.strip()
    msg = cose(code)
    for idx in (0, 2, 3):  # protected, payload, signature
        for pos in (0, len(msg[idx]) // 2, len(msg[idx]) - 1):
            b = bytearray(msg[idx])
            b[pos] ^= 0x01
            m = list(msg)
            m[idx] = bytes(b)
            assert not ts1ref.verify_result(encode_code(m), *ring)["ok"]
    m = list(msg)
    m[3] = msg[3][:-1] + bytes([msg[3][-1] ^ 1])
    assert _first_error(encode_code(m), ring).startswith("signature:")


def test_wrong_prefix_and_garbage(ring):
    assert _first_error("TS2:ABC", ring).startswith("prefix:")
    assert _first_error("ts1:ABC", ring).startswith("prefix:")
    assert _first_error("TS1:" + base45.b45encode(b"\xff").decode(), ring).startswith("cbor:")
    assert _first_error(encode_code([1, 2, 3]), ring).startswith("cose:")
    assert _first_error(encode_code(cbor2.CBORTag(98, [b"", {}, b"", b""])), ring).startswith("cose:")


def test_trailing_bytes_rejected(keydir, ring):
    code = run("mint", "--keys", keydir, "--payload", json.dumps(PAYLOAD)).stdout.strip()
    raw = base45.b45decode(code[4:].encode()) + b"\x00"
    assert _first_error("TS1:" + base45.b45encode(raw).decode(), ring).startswith("cbor:")


def test_unknown_signer(keydir, ring, tmp_path):
    other = tmp_path / "other"
    run("keys", "--out", other)
    code = run("mint", "--keys", other, "--payload", json.dumps(PAYLOAD)).stdout.strip()
    assert _first_error(code, ring).startswith("signer-key:")


def test_kid_swapped_to_other_key_fails_signature(keydir, ring, tmp_path):
    """Same kid, different key material: must fail on the signature."""
    other = tmp_path / "other2"
    alg = json.loads((keydir / "keyring.json").read_text())["signing_keys"][0]["alg"]
    run("keys", "--out", other, "--alg", alg)
    kr = json.loads((other / "keyring.json").read_text())
    mine = json.loads((keydir / "keyring.json").read_text())
    kr["signing_keys"][0]["kid"] = mine["signing_keys"][0]["kid"]
    kr["data_keys"] = mine["data_keys"]
    (other / "kr.json").write_text(json.dumps(kr))
    code = run("mint", "--keys", keydir, "--payload", json.dumps(PAYLOAD)).stdout.strip()
    assert _first_error(code, ts1ref.load_keyring(other / "kr.json")).startswith("signature:")


def test_ciphertext_or_aad_tampered_but_signed(keydir, ring):
    def flip_ct(enc):
        enc[2] = enc[2][:-1] + bytes([enc[2][-1] ^ 1])
        return enc
    assert _first_error(mint_signed(keydir, enc_mutator=flip_ct), ring).startswith("decrypt:")
    # AAD must be the Enc_structure, not e.g. empty
    assert _first_error(mint_signed(keydir, aad=b""), ring).startswith("decrypt:")
    # IV changed after encryption
    def new_iv(enc):
        enc[1][5] = os.urandom(12)
        return enc
    assert _first_error(mint_signed(keydir, enc_mutator=new_iv), ring).startswith("decrypt:")


def test_encrypt0_tag16_accepted_and_structure_checked(keydir, ring):
    assert ts1ref.verify_result(
        mint_signed(keydir, enc_mutator=lambda e: cbor2.CBORTag(16, e)), *ring)["ok"]
    assert _first_error(mint_signed(keydir, enc_mutator=lambda e: cbor2.CBORTag(17, e)),
                        ring).startswith("encrypt0:")

    def short_iv(enc):
        enc[1][5] = enc[1][5][:8]
        return enc
    assert _first_error(mint_signed(keydir, enc_mutator=short_iv), ring).startswith("encrypt0:")

    def wrong_alg(enc):
        enc[0] = cbor2.dumps({1: 1})  # A128GCM
        return enc
    assert _first_error(mint_signed(keydir, enc_mutator=wrong_alg), ring).startswith("encrypt0:")

    def unknown_dkid(enc):
        enc[1][4] = b"\x00" * 8
        return enc
    assert _first_error(mint_signed(keydir, enc_mutator=unknown_dkid), ring).startswith("data-key:")


def test_sign1_header_checks(keydir, ring):
    def no_kid(m):
        m[0] = cbor2.dumps({1: cbor2.loads(m[0])[1]})
        return m
    assert _first_error(mint_signed(keydir, sign1_mutator=no_kid), ring).startswith("cose:")

    def bad_alg(m):
        m[0] = cbor2.dumps({1: -35, 4: cbor2.loads(m[0])[4]})
        return m
    assert _first_error(mint_signed(keydir, sign1_mutator=bad_alg), ring).startswith("cose:")

    def other_alg(m):
        h = cbor2.loads(m[0])
        m[0] = cbor2.dumps({1: -8 if h[1] == -7 else -7, 4: h[4]})
        return m
    assert _first_error(mint_signed(keydir, sign1_mutator=other_alg), ring).startswith("signer-key:")

    def protected_reencoded(m):
        # same map, different bytes (non-preferred length encoding): signature must break
        h = cbor2.loads(m[0])
        m[0] = b"\xb8\x02" + cbor2.dumps(1) + cbor2.dumps(h[1]) + cbor2.dumps(4) + cbor2.dumps(h[4])
        return m
    assert _first_error(mint_signed(keydir, sign1_mutator=protected_reencoded),
                        ring).startswith("signature:")


@pytest.mark.parametrize("change,stage", [
    ({"uid": None}, "payload"),
    ({"product": None}, "payload"),
    ({"manufactured": None}, "payload"),
    ({"market": None}, "payload"),
    ({"series": None}, "payload"),
    ({"uid": "X" * 51}, "payload"),
    ({"uid": 12345}, "payload"),
    ({"shift": 2}, "payload"),
    ({"operator": b"OP"}, "payload"),
    ({"manufactured": "2025-03-14T09:26:53Z"}, "payload"),   # text, not uint
    ({"manufactured": -1}, "payload"),
    ({"manufactured": 1.5}, "payload"),
    ({"manufactured": True}, "payload"),
])
def test_payload_field_errors(keydir, ring, change, stage):
    pt = ts1ref.build_plaintext(PAYLOAD)
    for name, value in change.items():
        key = ts1ref.KEY_BY_NAME[name]
        if value is None:
            pt.pop(key)
        else:
            pt[key] = value
    assert _first_error(mint_signed(keydir, pt), ring).startswith(stage + ":")


def test_uid_limit_is_characters(keydir, ring):
    pt = ts1ref.build_plaintext(PAYLOAD)
    pt[1] = "é" * 50  # 100 UTF-8 bytes, 50 characters
    assert ts1ref.verify_result(mint_signed(keydir, pt), *ring)["ok"]


def test_plaintext_shape_errors(keydir, ring):
    assert _first_error(mint_signed(keydir, raw_plaintext=cbor2.dumps([1, 2])),
                        ring).startswith("plaintext:")
    pt = ts1ref.build_plaintext(PAYLOAD)
    pt["x"] = 1
    assert _first_error(mint_signed(keydir, pt), ring).startswith("plaintext:")
    assert _first_error(mint_signed(keydir, raw_plaintext=cbor2.dumps({1: "a"}) + b"\x00"),
                        ring).startswith("plaintext:")
    # duplicate key 1
    dup = b"\xa2" + cbor2.dumps(1) + cbor2.dumps("a") + cbor2.dumps(1) + cbor2.dumps("b")
    assert _first_error(mint_signed(keydir, raw_plaintext=dup), ring).startswith("plaintext:")


def test_verify_exit_code_mixed(keydir):
    good = run("mint", "--keys", keydir, "--payload", json.dumps(PAYLOAD)).stdout.strip()
    rc, res = verify_cli(keydir, good, "TS1:", "nope")
    assert rc == 1
    assert [r["ok"] for r in res] == [True, False, False]
    assert res[2]["error"].startswith("prefix:")
    assert set(res[1]) == set(res[0])

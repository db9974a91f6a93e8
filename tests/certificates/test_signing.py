"""Ed25519 signing key handling, signatures and their verification."""

from __future__ import annotations

import base64
import hashlib
import os
import stat
from concurrent.futures import ThreadPoolExecutor

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from training.certificates.signing import (
    KeyFileError,
    load_or_create_private_key,
    private_key_from_pem,
    public_key_fingerprint,
    public_key_from_pem,
    public_key_pem,
    sign,
    verify,
)


def raw_public(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(
        encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw
    )


def test_creates_key_file_with_private_mode(tmp_path):
    path = tmp_path / "keys" / "nested" / "signing.pem"
    key = load_or_create_private_key(path)
    assert path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    again = load_or_create_private_key(path)
    assert raw_public(again) == raw_public(key)
    assert sorted(p.name for p in path.parent.iterdir()) == ["signing.pem"]  # no temp files


def test_concurrent_first_run_agrees_on_one_key(tmp_path):
    path = tmp_path / "signing.pem"
    with ThreadPoolExecutor(max_workers=8) as pool:
        keys = list(pool.map(lambda _: load_or_create_private_key(path), range(16)))
    assert len({raw_public(k) for k in keys}) == 1
    assert raw_public(private_key_from_pem(path.read_bytes())) == raw_public(keys[0])
    assert [p.name for p in tmp_path.iterdir()] == ["signing.pem"]


@pytest.mark.parametrize("content", [b"", b"garbage", b"-----BEGIN PRIVATE KEY-----\nAAAA\n"])
def test_corrupt_key_file_raises_and_is_kept(tmp_path, content):
    path = tmp_path / "signing.pem"
    path.write_bytes(content)
    with pytest.raises(KeyFileError, match="corrupt"):
        load_or_create_private_key(path)
    assert path.read_bytes() == content  # never silently replaced


def test_wrong_key_type_is_refused(tmp_path):
    ec_pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    with pytest.raises(ValueError, match="Ed25519"):
        private_key_from_pem(ec_pem)
    path = tmp_path / "signing.pem"
    path.write_bytes(ec_pem)
    with pytest.raises(KeyFileError):
        load_or_create_private_key(path)


def test_private_key_pem_round_trip():
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    assert raw_public(private_key_from_pem(pem)) == raw_public(key)
    with pytest.raises(ValueError):
        private_key_from_pem(b"not a pem")


def test_public_key_pem_and_fingerprint():
    key = Ed25519PrivateKey.generate()
    pem = public_key_pem(key)
    assert pem.startswith(b"-----BEGIN PUBLIC KEY-----")
    public = public_key_from_pem(pem)
    fingerprint = public_key_fingerprint(public)
    assert fingerprint == hashlib.sha256(raw_public(key)).hexdigest()
    assert fingerprint == public_key_fingerprint(key.public_key())
    assert len(fingerprint) == 64
    with pytest.raises(ValueError):
        public_key_from_pem(b"-----BEGIN PUBLIC KEY-----\nxx\n-----END PUBLIC KEY-----\n")


def test_sign_and_verify():
    key = Ed25519PrivateKey.generate()
    payload = '{"serial":"DN-2026-000123","trainee_name":"Zoë"}'.encode()
    signature = sign(key, payload)
    assert len(signature) == 86 and "=" not in signature
    assert set(signature) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert sign(key, payload) == signature  # Ed25519 is deterministic
    assert verify(key.public_key(), payload, signature)
    assert verify(key.public_key(), bytearray(payload), signature)
    assert not verify(key.public_key(), payload + b" ", signature)
    assert not verify(Ed25519PrivateKey.generate().public_key(), payload, signature)


def test_verify_never_raises_on_malformed_signatures():
    key = Ed25519PrivateKey.generate()
    payload = b"payload"
    good = sign(key, payload)
    raw = base64.urlsafe_b64decode(good + "==")
    flipped = ("B" if good[10] == "A" else "A").join((good[:10], good[11:]))
    # same 64 bytes, but the unused low bits of the final character set: not canonical
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    non_canonical = good[:-1] + alphabet[alphabet.index(good[-1]) | 1]
    assert base64.urlsafe_b64decode(non_canonical + "==") == raw
    bad = [
        "",
        "abc",
        good + "==",
        good + "A",
        good[:-1],
        flipped,
        non_canonical,
        base64.b64encode(raw).decode(),  # standard alphabet, padded
        good[:-1] + "é",
        None,
        12,
        good.encode(),
    ]
    for signature in bad:
        assert verify(key.public_key(), payload, signature) is False, signature
    assert verify(key.public_key(), "payload", good) is False  # str payload: not bytes
    assert verify(None, payload, good) is False  # type: ignore[arg-type]


def test_key_file_never_world_readable_even_with_permissive_umask(tmp_path):
    old = os.umask(0)
    try:
        path = tmp_path / "k.pem"
        load_or_create_private_key(path)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

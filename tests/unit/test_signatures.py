"""Signatures are checked by libsodium (``adapters.identity.signed_by``) and, in the auditor's standalone verifier,
by RFC 8032 in pure Python: both must hold a signature debtreg made, and refuse any other."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.identity import Signer, signed_by
from adapters.offline_verifier import ed25519_verify

SIGNER = Signer.generate("tests")
OTHER = Signer.generate("another")


def both(public_key: str, message: bytes, signature: str) -> tuple[bool, bool]:
    """What the registry's check and the standalone verifier's say of one signature."""
    try:
        standalone = ed25519_verify(bytes.fromhex(public_key), message, bytes.fromhex(signature))
    except ValueError:
        standalone = False
    return signed_by(public_key, message, signature), standalone


@settings(max_examples=40, deadline=None)
@given(message=st.binary(max_size=300), bit=st.integers(min_value=0, max_value=511))
def test_a_signature_holds_for_its_message_and_key_alone(message: bytes, bit: int) -> None:
    signature = SIGNER.sign(message)
    assert both(SIGNER.public_key, message, signature) == (True, True)
    flipped = bytearray(bytes.fromhex(signature))
    flipped[bit // 8] ^= 1 << bit % 8
    assert both(SIGNER.public_key, message, flipped.hex()) == (False, False)
    assert both(OTHER.public_key, message, signature) == (False, False)
    assert both(SIGNER.public_key, message + b"\0", signature) == (False, False)


@pytest.mark.parametrize(("public_key", "signature"), [
    (SIGNER.public_key[:-2], SIGNER.sign(b"m")),  # a key a byte short
    (SIGNER.public_key, SIGNER.sign(b"m")[:-2]),  # a signature a byte short
    (SIGNER.public_key + "00", SIGNER.sign(b"m")),
    ("not hex", SIGNER.sign(b"m")),
    (SIGNER.public_key, "zz" * 64),
    ("", ""),
])
def test_a_malformed_key_or_signature_is_refused_not_raised(public_key: str, signature: str) -> None:
    assert signed_by(public_key, b"m", signature) is False

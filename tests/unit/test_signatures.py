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


# RFC 8032, section 7.1, tests 1 and 2: a key's seed, its public key, a message and the signature every Ed25519
# implementation makes of it (the scheme is deterministic)
VECTORS = [
    ("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
    ("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
]


@pytest.mark.parametrize(("seed", "public_key", "message", "signature"), VECTORS)
def test_an_identity_signs_as_rfc_8032_says_whichever_library_signs(tmp_path, seed, public_key, message, signature):
    """A key file holds the key's seed: the identity it loads has RFC 8032's public key and signs as RFC 8032 does,
    so heads signed before and after a change of library are the same bytes."""
    key_file = tmp_path / "identity.key"
    key_file.write_text(f'{{"debtreg_identity": 1, "name": "rfc", "private_key": "{seed}"}}')
    signer = Signer.load(key_file)
    assert signer.public_key == public_key
    assert signer.sign(bytes.fromhex(message)) == signature
    again = tmp_path / "again.key"
    signer.save(again)
    assert Signer.load(again).sign(b"m") == signer.sign(b"m") and seed not in repr(signer)

"""Who records: named identities with a role and an Ed25519 key.

An identity's private key lives in a key file on its holder's machine, never in
the store; the store keeps its public key, registered (and signed) by an
administrator. Every recorded batch is signed with the recording identity's key,
so whoever can write the tables but holds no key cannot append an entry that
verifies. Roles: an auditor reads; treasury records; an administrator also loads
journals and manages identities.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from adapters.settings import DEFAULT_KEY_FILE, IDENTITY_VARIABLE, ROLES  # noqa: F401 - where the command line looks
from domain.errors import RegistryError

AUDITOR, TREASURY, ADMINISTRATOR, REVOKED = "auditor", "treasury", "administrator", "revoked"
RECORDERS = (TREASURY, ADMINISTRATOR)
assert ROLES == (AUDITOR, TREASURY, ADMINISTRATOR)


class NotAllowed(RegistryError):
    rule = "an identity does only what its role allows"


class BadKeyFile(RegistryError):
    rule = "a key file is the one debtreg wrote for an identity"


@dataclass(frozen=True)
class Signer:
    """An identity able to sign: its name and private key (the 32-byte Ed25519 seed its key file holds). Signed by
    libsodium, as signatures are checked: Ed25519 is deterministic (RFC 8032), so any library signs the same bytes,
    and libsodium signs in two thirds of OpenSSL's time (a load signs a head per entry)."""

    name: str
    seed: bytes = field(repr=False)

    @classmethod
    def generate(cls, name: str) -> Signer:
        return cls(name, os.urandom(32))

    @cached_property
    def _keys(self) -> tuple[bytes, bytes]:
        # imported here, as in sign: the command line's help needs none of it
        from nacl.bindings import crypto_sign_seed_keypair

        return crypto_sign_seed_keypair(self.seed)

    @property
    def public_key(self) -> str:
        return self._keys[0].hex()

    def sign(self, message: bytes) -> str:
        from nacl.bindings import crypto_sign

        return crypto_sign(message, self._keys[1])[:64].hex()  # the signature, without the message after it

    def save(self, path: Path) -> None:
        """Write the key file, readable by its owner only; an existing file is never overwritten."""
        content = json.dumps({"debtreg_identity": 1, "name": self.name, "private_key": self.seed.hex()}, indent=2)
        if path.is_dir():
            raise BadKeyFile(f"{path} is a folder: give the key file's path, e.g. {path / 'identity.key'}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:  # (a file where its folder would be, too)
            raise BadKeyFile(f"cannot write the key file {path}: {error.strerror} ({path.parent})") from None
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise BadKeyFile(f"{path} exists already; a key file is never overwritten: choose another path") from None
        except OSError as error:
            raise BadKeyFile(f"cannot write the key file {path}: {error.strerror}") from None
        with os.fdopen(descriptor, "w") as handle:
            handle.write(content + "\n")

    @classmethod
    def load(cls, path: Path) -> Signer:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            seed = bytes.fromhex(data["private_key"])
            if len(seed) != 32:
                raise ValueError("an Ed25519 seed is 32 bytes")
            return cls(data["name"], seed)
        except OSError as error:
            raise BadKeyFile(f"cannot read the key file {path}: {error.strerror}") from None
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            raise BadKeyFile(f"{path} is not a debtreg key file (made by `debtreg identity add`)") from None


def token_of(signer: Signer) -> str:
    """The API bearer token standing for ``signer``: derived from its private key (so only its key file's holder,
    and a server given that key file, can make it), revealing nothing of the key."""
    return hmac.new(signer.seed, b"debtreg-api-token-v1", hashlib.sha256).hexdigest()


def signed_by(public_key: str, message: bytes, signature: str) -> bool:
    """Whether ``signature`` (hex) is ``public_key``'s (hex) Ed25519 signature of ``message``. Checked by libsodium:
    in half the time OpenSSL takes (57 against 112 us here), and `verify` checks one signature an entry."""
    from nacl.bindings import crypto_sign_open  # imported here: the command line's help needs none of it
    from nacl.exceptions import CryptoError

    try:
        key, signed = bytes.fromhex(public_key), bytes.fromhex(signature)
        if len(key) != 32 or len(signed) != 64:
            return False
        crypto_sign_open(signed + message, key)
    except (CryptoError, ValueError, TypeError):
        return False
    return True


def first_administrator() -> Signer:
    """The identity a registry's first load acts as when none is given: named after the login running it. Its
    key is kept in the default key file when the load enrols it (``keep_in_default_key_file``)."""
    import getpass

    return Signer.generate(getpass.getuser() or "administrator")


def keep_in_default_key_file(signer: Signer) -> None:
    """Write ``signer``'s key to the default key file, which the next command acts as."""
    signer.save(DEFAULT_KEY_FILE)


def configured_signer(path: str | None) -> Signer | None:
    """The identity the command line acts as: ``--identity`` (or ``$DEBTREG_IDENTITY``), else the key file
    ``debtreg identity init`` writes by default, if there is one; else none."""
    if path:
        return Signer.load(Path(path).expanduser())
    return Signer.load(DEFAULT_KEY_FILE) if DEFAULT_KEY_FILE.exists() else None

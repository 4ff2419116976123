"""Check a debtreg proof alone: this file, Python 3.11 and nothing else (copy it anywhere).

debtreg keeps each agreement's entries as a Merkle tree (RFC 6962, as Certificate
Transparency does) and every recorded batch is signed with the recording
identity's Ed25519 key. An auditor given

- an inclusion proof (``debtreg proof barnes-1995:21 > proof.json``) checks that
  the entry it carries is the one at that position of the agreement's log whose
  signed tree head it names, without seeing any other entry;
- a consistency proof (``debtreg consistency barnes-1995 --from-size 30 > c.json``)
  checks that the later tree head extends the earlier one: nothing recorded
  before was changed or removed.

Run ``python offline_verifier.py proof.json --trust KEY`` where KEY is the public
key (64 hex digits) of the identity you trust: the signer of the tree head, or
the administrator who registered it (the bundle carries the registration).
Exit status 0 means every check passed; 1 names the first that failed.

The hashing: a leaf is SHA-256(0x00 || entry), a node SHA-256(0x01 || left ||
right), the entry being b"debtreg-entry-v1\\0" + stream + b"\\0" + version +
b"\\0" + topic + b"\\0" + the event exactly as stored.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
from collections.abc import Sequence

# ----------------------------------------------------------------- Merkle trees (RFC 6962)


def entry_bytes(stream: str, version: int, topic: str, state: bytes) -> bytes:
    """What a leaf commits to: an event exactly as stored, with its stream and place in it."""
    return b"debtreg-entry-v1\0" + f"{stream}\0{version}\0{topic}\0".encode() + state


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n > 1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def root(leaves: Sequence[bytes]) -> bytes:
    """The Merkle Tree Hash of a list of leaf hashes (the hash of nothing for an empty tree)."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = _split(len(leaves))
    return node_hash(root(leaves[:k]), root(leaves[k:]))


def inclusion_path(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """The audit path of leaf ``index`` in the tree of ``leaves`` (RFC 6962, 2.1.1)."""
    if len(leaves) <= 1:
        return []
    k = _split(len(leaves))
    if index < k:
        return inclusion_path(index, leaves[:k]) + [root(leaves[k:])]
    return inclusion_path(index - k, leaves[k:]) + [root(leaves[:k])]


def consistency_proof(m: int, leaves: Sequence[bytes]) -> list[bytes]:
    """The proof that the tree of the first ``m`` leaves is a prefix of the tree of ``leaves`` (RFC 6962, 2.1.2)."""

    def subproof(m: int, leaves: Sequence[bytes], whole: bool) -> list[bytes]:
        n = len(leaves)
        if m == n:
            return [] if whole else [root(leaves)]
        k = _split(n)
        if m <= k:
            return subproof(m, leaves[:k], whole) + [root(leaves[k:])]
        return subproof(m - k, leaves[k:], False) + [root(leaves[:k])]

    return subproof(m, leaves, True) if 0 < m < len(leaves) else []


def verify_inclusion(leaf: bytes, index: int, size: int, path: Sequence[bytes], expected_root: bytes) -> bool:
    """Whether ``leaf`` is at ``index`` of the tree of ``size`` leaves with root ``expected_root`` (RFC 9162, 2.1.3.2)."""
    if index >= size:
        return False
    fn, sn, found = index, size - 1, leaf
    for sibling in path:
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            found = node_hash(sibling, found)
            if fn % 2 == 0:
                while fn % 2 == 0 and fn != 0:
                    fn, sn = fn >> 1, sn >> 1
        else:
            found = node_hash(found, sibling)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and found == expected_root


def verify_consistency(m: int, n: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]) -> bool:
    """Whether the tree of ``n`` leaves with ``new_root`` extends the tree of ``m`` with ``old_root`` (RFC 9162, 2.1.4.2)."""
    if m == n:
        return old_root == new_root and not proof
    if m == 0 or m > n:
        return m == 0 and not proof
    path = list(proof)
    if m & (m - 1) == 0:  # m a power of two: the old root is the first node
        path = [old_root, *path]
    if not path:
        return False
    fn, sn = m - 1, n - 1
    while fn % 2 == 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while fn % 2 == 0 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == old_root and sr == new_root


# --------------------------------------------------------------------- signed statements


def head_message(head: dict) -> bytes:
    """What a tree head's signature covers."""
    fields = (head["stream"], str(head["size"]), head["root"], head["recorded_at"], head["signer"], head["public_key"])
    return b"debtreg-head-v1\0" + "\0".join(fields).encode()


def identity_message(identity: dict) -> bytes:
    """What an identity's registration covers: who, in what role, with which key, added when and by whom."""
    fields = (identity["name"], identity["role"], identity["public_key"], identity["added_at"], identity["added_by"])
    return b"debtreg-identity-v1\0" + "\0".join(fields).encode()


# ------------------------------------------------------------ Ed25519 verification (RFC 8032)

_P = 2**255 - 19
_L = 2**252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, _P - 2, _P) % _P
_I = pow(2, (_P - 1) // 4, _P)


def _recover_x(y: int, sign: int) -> int | None:
    if y >= _P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P)
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P != 0:
        x = x * _I % _P
    if (x * x - x2) % _P != 0:
        return None
    if (x & 1) != sign:
        x = _P - x
    return x


_GY = 4 * pow(5, _P - 2, _P) % _P
_G = (_recover_x(_GY, 0), _GY, 1, _recover_x(_GY, 0) * _GY % _P)  # type: ignore[operator]


def _add(p: tuple, q: tuple) -> tuple:
    a = (p[1] - p[0]) * (q[1] - q[0]) % _P
    b = (p[1] + p[0]) * (q[1] + q[0]) % _P
    c = 2 * p[3] * q[3] * _D % _P
    d = 2 * p[2] * q[2] % _P
    e, f, g, h = b - a, d - c, d + c, b + a
    return e * f % _P, g * h % _P, f * g % _P, e * h % _P


def _multiply(s: int, p: tuple) -> tuple:
    q = (0, 1, 1, 0)
    while s > 0:
        if s & 1:
            q = _add(q, p)
        p = _add(p, p)
        s >>= 1
    return q


def _equal(p: tuple, q: tuple) -> bool:
    return (p[0] * q[2] - q[0] * p[2]) % _P == 0 and (p[1] * q[2] - q[1] * p[2]) % _P == 0


def _decompress(data: bytes) -> tuple | None:
    if len(data) != 32:
        return None
    y = int.from_bytes(data, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    x = _recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % _P)


def ed25519_verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """Whether ``signature`` is ``public_key``'s Ed25519 signature of ``message`` (RFC 8032, 5.1.7)."""
    if len(signature) != 64:
        return False
    a, r = _decompress(public_key), _decompress(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if a is None or r is None or s >= _L:
        return False
    h = int.from_bytes(hashlib.sha512(signature[:32] + public_key + message).digest(), "little") % _L
    return _equal(_multiply(s, _G), _add(r, _multiply(h, a)))


# ------------------------------------------------------------------------------ bundles


class Failed(Exception):
    """A check that did not pass, in words."""


def check_head(head: dict, trusted: str, identity: dict | None) -> None:
    """The head is signed by the key trusted, or by an identity the key trusted registered."""
    if not ed25519_verify(bytes.fromhex(head["public_key"]), head_message(head), bytes.fromhex(head["signature"])):
        raise Failed(f"the tree head of size {head['size']} is not signed by the key it names")
    if head["public_key"] == trusted:
        return
    if identity is None or identity["public_key"] != head["public_key"] or identity["name"] != head["signer"]:
        raise Failed(f"the tree head is signed by {head['signer']}, whose key is not the one trusted and whose registration is not given")
    if identity["role"] not in ("treasury", "administrator"):
        raise Failed(f"{identity['name']} is registered as {identity['role']}, who does not record")
    if identity["signed_by"] != trusted:
        raise Failed(f"{identity['name']} was registered by a key other than the one trusted")
    if not ed25519_verify(bytes.fromhex(trusted), identity_message(identity), bytes.fromhex(identity["signature"])):
        raise Failed(f"the registration of {identity['name']} is not signed by the key trusted")


def check_bundle(bundle: dict, trusted: str) -> str:
    """Every check a bundle allows; what was shown, or ``Failed``."""
    kind = bundle.get("format")
    if kind == "debtreg-inclusion-v1":
        head, entry = bundle["head"], bundle["entry"]
        check_head(head, trusted, bundle.get("identity"))
        leaf = leaf_hash(entry_bytes(entry["stream"], entry["version"], entry["topic"], base64.b64decode(entry["state"])))
        path = [bytes.fromhex(h) for h in bundle["audit_path"]]
        if not verify_inclusion(leaf, entry["version"] - 1, head["size"], path, bytes.fromhex(head["root"])):
            raise Failed(f"entry {entry['version']} is not in the tree of size {head['size']} with that root")
        return (f"entry {entry['version']} of {head.get('key', head['stream'])} is in its log of {head['size']} entries,"
                f" signed by {head['signer']} at {head['recorded_at']}")
    if kind == "debtreg-consistency-v1":
        old, new = bundle["old"], bundle["new"]
        if old["stream"] != new["stream"]:
            raise Failed("the two tree heads are of different logs")
        check_head(old, trusted, bundle.get("old_identity"))
        check_head(new, trusted, bundle.get("new_identity"))
        proof = [bytes.fromhex(h) for h in bundle["proof"]]
        if not verify_consistency(old["size"], new["size"], bytes.fromhex(old["root"]), bytes.fromhex(new["root"]), proof):
            raise Failed(f"the log of size {new['size']} does not extend the log of size {old['size']}: it was rewritten")
        return f"the log of {new.get('key', new['stream'])} at {new['size']} entries extends it at {old['size']}"
    raise Failed(f"not a debtreg proof bundle (format {kind!r})")


class Untrusted(Exception):
    """The key to trust, as given, is not one."""


def trusted_key(given: str) -> str:
    """The public key given to ``--trust``: its 64 hex digits, or a file holding them (``debtreg verify --trust``
    reads it so too)."""
    key = given.strip().lower()
    if len(key) != 64:
        try:
            with open(given, encoding="utf-8") as handle:
                key = handle.read().strip().lower()
        except (OSError, UnicodeDecodeError):
            raise Untrusted(f"{given!r} is neither a public key (64 hex digits) nor a file holding one") from None
    if len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
        raise Untrusted(f"{given!r} does not give a public key: 64 hex digits, as `debtreg identity list` shows them")
    return key


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check a debtreg inclusion or consistency proof, offline.")
    parser.add_argument("bundle", help="the proof, as debtreg printed it (JSON file)")
    parser.add_argument("--trust", required=True, help="the public key you trust: 64 hex digits, or a file holding them")
    args = parser.parse_args(argv)
    try:
        with open(args.bundle, encoding="utf-8") as handle:
            bundle = json.load(handle)
        trusted = trusted_key(args.trust)
        print(f"ok: {check_bundle(bundle, trusted)}")
        return 0
    except Failed as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    except Untrusted as problem:
        print(f"cannot check {args.bundle}: --trust {problem}", file=sys.stderr)
        return 2
    except (OSError, ValueError, KeyError, TypeError) as error:
        print(f"cannot check {args.bundle}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

"""The ledger's ids and signing bytes, as @cairn/core makes them (packages/core/src/ids.ts, merkle.ts).

Every id is SHA-256 over domain-separated canonical bytes: ``cairn/v1/<type>\\n`` followed by the
RFC 8785 text of ``{"payload": ..., "signer": ...}`` for an event, so one fact has one id in
TypeScript and in Python. Merkle roots are RFC 6962 (leaf ``0x00``, node ``0x01``).
"""
from __future__ import annotations

import hashlib
import re

from .canonical import CanonicalJsonError, canonicalize, canonical_bytes

__all__ = [
    "signing_bytes",
    "event_id",
    "contributor_id",
    "content_id",
    "merkle_leaf_hash",
    "merkle_node_hash",
    "merkle_root",
]

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9._-]*$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def _check_name(field: str, name) -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"{field}: {name!r} is not a name ([A-Za-z][A-Za-z0-9._-]*)")
    return name


def signing_bytes(event_type: str, payload, signer: str) -> bytes:
    """What an event's signature covers and its id hashes."""
    _check_name("type", event_type)
    if not isinstance(signer, str) or not _HEX64.match(signer):
        raise ValueError("signer: a contributor id is 64 lowercase hex characters")
    try:
        text = canonicalize(payload)
    except CanonicalJsonError as e:
        raise CanonicalJsonError(e.path.replace("$", "$.payload", 1), e.reason) from None
    return f'cairn/v1/{event_type}\n{{"payload":{text},"signer":"{signer}"}}'.encode("utf-8")


def event_id(event_type: str, payload, signer: str) -> str:
    """Lowercase hex SHA-256 of the signing bytes (for a CF: its cfId)."""
    return hashlib.sha256(signing_bytes(event_type, payload, signer)).hexdigest()


def contributor_id(public_key: bytes) -> str:
    """SHA-256 of ``cairn/v1/contributor\\n`` and the contributor's initial 32-byte public key."""
    if len(public_key) != 32:
        raise ValueError("publicKey: an Ed25519 public key is 32 bytes")
    return hashlib.sha256(b"cairn/v1/contributor\n" + bytes(public_key)).hexdigest()


def content_id(kind: str, value) -> str:
    """Id of a non-event thing (manifest, dataset version ...)."""
    _check_name("kind", kind)
    return hashlib.sha256(f"cairn/v1/{kind}\n".encode("utf-8") + canonical_bytes(value)).hexdigest()


def merkle_leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + bytes(data)).digest()


def merkle_node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def merkle_root(leaves) -> bytes:
    """RFC 6962 Merkle Tree Hash of raw leaves; SHA-256 of nothing for an empty list.

    Built level by level with an unpaired last node carried up, which is the RFC's split at the
    largest power of two below n.
    """
    level = [merkle_leaf_hash(x) for x in leaves]
    if not level:
        return hashlib.sha256(b"").digest()
    while len(level) > 1:
        nxt = [merkle_node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]

"""A contributor's signing key, loaded from the keyring file ``cairn keys new`` writes.

The file is ``<store>/signers/<name>.json`` (or ``$CAIRN_KEYS/<name>.json``), mode 0600:
``{"name", "contributorId", "secretKey" (64 hex, the RFC 8032 seed), "publicKey", ...}``.
Loading checks that the secret key really gives the recorded public key, so a damaged or
mismatched file is refused here instead of producing signatures the server rejects.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field

from . import ed25519
from .ids import contributor_id

__all__ = ["SigningKey", "KeyFileError", "load_key"]

_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class KeyFileError(ValueError):
    """A key file that cannot be used; ``field`` names what is wrong and ``reason`` why."""

    def __init__(self, path: str, field: str, reason: str):
        super().__init__(f"{path}: {field}: {reason}")
        self.path = path
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class SigningKey:
    """A contributor id and the secret key it signs with now (the id stays the same after rotations)."""

    contributor_id: str
    secret_key: bytes = field(repr=False)
    name: str = ""

    @property
    def public_key(self) -> bytes:
        return ed25519.public_key(self.secret_key)

    def sign(self, message: bytes) -> bytes:
        return ed25519.sign(self.secret_key, message)

    @classmethod
    def from_seed(cls, secret_key: bytes, contributor: str = "", name: str = "") -> "SigningKey":
        """A key from its 32-byte seed; the contributor id defaults to the one its public key founds."""
        public = ed25519.public_key(bytes(secret_key))
        return cls(contributor or contributor_id(public), bytes(secret_key), name)


def load_key(source, name: str = "") -> SigningKey:
    """Load a signer from a key file path, or from a keyring folder and a signer name.

    ``load_key("store/signers/alice.json")`` or ``load_key("store/signers", "alice")``.
    """
    path = os.fspath(source)
    if name:
        if not re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", name):
            raise KeyFileError(path, "name", "letters, digits, . _ - (at most 64)")
        path = os.path.join(path, f"{name}.json")
    try:
        with open(path, "r", encoding="utf-8") as f:
            entry = json.load(f)
    except FileNotFoundError:
        raise KeyFileError(path, "file", "no such key file (cairn keys new NAME writes one)") from None
    except (OSError, ValueError) as e:
        raise KeyFileError(path, "file", f"not a readable JSON key file ({e})") from None
    if not isinstance(entry, dict):
        raise KeyFileError(path, "file", "expected a JSON object")
    for key in ("contributorId", "secretKey", "publicKey"):
        if not isinstance(entry.get(key), str) or not _HEX64.match(entry[key]):
            raise KeyFileError(path, key, "expected 64 lowercase hex characters")
    secret = bytes.fromhex(entry["secretKey"])
    if ed25519.public_key(secret).hex() != entry["publicKey"]:
        raise KeyFileError(path, "secretKey", "does not give the file's publicKey")
    if entry.get("revoked") is True:
        raise KeyFileError(path, "revoked", "this signer's key is revoked; it can sign nothing new")
    return SigningKey(entry["contributorId"], secret, str(entry.get("name", "")))

"""Ed25519 (RFC 8032, section 5.1), pure Python, for machines without the ``cryptography`` package.

Written from the RFC's text: points in extended homogeneous coordinates (section 5.1.4),
encoding and decoding (5.1.2, 5.1.3), key generation (5.1.5), signing (5.1.6) and verification
(5.1.7, the cofactorless equation [S]B = R + [k]A, with S < L and canonical encodings required).
It is not constant-time: it signs a training job's own requests and events, where timing is not
observable by another party on the same machine in any way the job would not already expose.
When ``cryptography`` is importable, :func:`sign` and :func:`public_key` use it instead.
"""
from __future__ import annotations

import hashlib

__all__ = ["public_key", "sign", "verify", "backend"]

P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = (-121665 * pow(121666, P - 2, P)) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)


def _inv(x: int) -> int:
    return pow(x, P - 2, P)


def _recover_x(y: int, sign: int):
    if y >= P:
        return None
    x2 = (y * y - 1) * _inv(D * y * y + 1) % P
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P != 0:
        x = x * SQRT_M1 % P
    if (x * x - x2) % P != 0:
        return None
    if (x & 1) != sign:
        x = P - x
    return x


_GY = 4 * _inv(5) % P
_GX = _recover_x(_GY, 0)
BASE = (_GX, _GY, 1, _GX * _GY % P)
IDENTITY = (0, 1, 1, 0)


def _add(p, q):
    # RFC 8032 5.1.4, "add-2008-hwcd-3".
    a = (p[1] - p[0]) * (q[1] - q[0]) % P
    b = (p[1] + p[0]) * (q[1] + q[0]) % P
    c = 2 * p[3] * q[3] * D % P
    d = 2 * p[2] * q[2] % P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def _double(p):
    # RFC 8032 5.1.4, "dbl-2008-hwcd".
    a = p[0] * p[0] % P
    b = p[1] * p[1] % P
    c = 2 * p[2] * p[2] % P
    h = a + b
    e = h - (p[0] + p[1]) ** 2
    g = a - b
    f = c + g
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def _mul(k: int, p):
    q = IDENTITY
    while k > 0:
        if k & 1:
            q = _add(q, p)
        p = _double(p)
        k >>= 1
    return q


def _equal(p, q) -> bool:
    return (p[0] * q[2] - q[0] * p[2]) % P == 0 and (p[1] * q[2] - q[1] * p[2]) % P == 0


def _encode(p) -> bytes:
    zinv = _inv(p[2])
    x, y = p[0] * zinv % P, p[1] * zinv % P
    return int.to_bytes(y | ((x & 1) << 255), 32, "little")


def _decode(s: bytes):
    if len(s) != 32:
        return None
    y = int.from_bytes(s, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    x = _recover_x(y, sign)
    if x is None:
        return None
    return (x, y, 1, x * y % P)


def _sha512_int(*parts: bytes) -> int:
    return int.from_bytes(hashlib.sha512(b"".join(parts)).digest(), "little")


def _expand(seed: bytes):
    if not isinstance(seed, (bytes, bytearray)) or len(seed) != 32:
        raise ValueError("an Ed25519 secret key (RFC 8032 seed) is 32 bytes")
    h = hashlib.sha512(bytes(seed)).digest()
    a = int.from_bytes(h[:32], "little")
    a &= (1 << 254) - 8
    a |= 1 << 254
    return a, h[32:]


def _pure_public_key(seed: bytes) -> bytes:
    a, _ = _expand(seed)
    return _encode(_mul(a, BASE))


def _pure_sign(seed: bytes, message: bytes) -> bytes:
    a, prefix = _expand(seed)
    public = _encode(_mul(a, BASE))
    r = _sha512_int(prefix, message) % L
    big_r = _encode(_mul(r, BASE))
    k = _sha512_int(big_r, public, message) % L
    s = (r + k * a) % L
    return big_r + int.to_bytes(s, 32, "little")


def _pure_verify(public: bytes, message: bytes, signature: bytes) -> bool:
    if len(public) != 32 or len(signature) != 64:
        return False
    a = _decode(public)
    r = _decode(signature[:32])
    if a is None or r is None:
        return False
    s = int.from_bytes(signature[32:], "little")
    if s >= L:
        return False
    k = _sha512_int(signature[:32], public, message) % L
    return _equal(_mul(s, BASE), _add(r, _mul(k, a)))


try:  # pragma: no cover - depends on the machine
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
    from cryptography.hazmat.primitives import serialization
    from cryptography.exceptions import InvalidSignature

    def _lib_public_key(seed: bytes) -> bytes:
        _expand(seed)  # the same refusal of a wrong-sized key as the pure path
        return Ed25519PrivateKey.from_private_bytes(bytes(seed)).public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )

    def _lib_sign(seed: bytes, message: bytes) -> bytes:
        _expand(seed)
        return Ed25519PrivateKey.from_private_bytes(bytes(seed)).sign(bytes(message))

    def _lib_verify(public: bytes, message: bytes, signature: bytes) -> bool:
        if len(public) != 32 or len(signature) != 64:
            return False
        try:
            Ed25519PublicKey.from_public_bytes(bytes(public)).verify(bytes(signature), bytes(message))
            return True
        except (InvalidSignature, ValueError):
            return False

    backend = "cryptography"
    public_key, sign, verify = _lib_public_key, _lib_sign, _lib_verify
except ImportError:  # pragma: no cover - depends on the machine
    backend = "pure-python"
    public_key, sign, verify = _pure_public_key, _pure_sign, _pure_verify


"""HTTP Message Signatures (RFC 9421) in the one profile ``cairn serve`` verifies.

    Signature-Input: sig1=("@method" "@authority" "@path" "@query");created=<unix s>;
                     nonce="<base64url of 16 random bytes>";keyid="<contributor id>";alg="ed25519"
    Signature: sig1=:<base64 Ed25519 signature>:

A request with a body also covers ``content-digest`` (RFC 9530, sha-256), listed last. The
signature base is RFC 9421 section 2.5: one ``"<name>": <value>`` line per covered component,
then ``"@signature-params": <the inner list after "sig1=">``, joined by a newline, with none
after the last line.
"""
from __future__ import annotations

import base64
import hashlib
import os
import time
from typing import Iterable, Mapping, Optional, Sequence, Tuple
from urllib.parse import urlsplit

__all__ = ["LABEL", "signature_params", "signature_base", "content_digest", "request_components", "sign_request"]

LABEL = "sig1"
REQUEST_COMPONENTS = ("@method", "@authority", "@path", "@query")


def _sf_string(value: str) -> str:
    # RFC 8941 sf-string: printable ASCII, with " and \ escaped.
    if any(not (0x20 <= ord(c) <= 0x7E) for c in value):
        raise ValueError(f"signature parameter {value!r}: only printable ASCII can be a structured-field string")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def signature_params(components: Sequence[str], params: Iterable[Tuple[str, object]]) -> str:
    """The inner list, e.g. ``("@method" "@path");created=1618884473;keyid="k"`` (integers bare, strings quoted)."""
    inner = "(" + " ".join(_sf_string(c) for c in components) + ")"
    for name, value in params:
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise ValueError(f"signature parameter {name}: expected an integer or a string")
        inner += f";{name}=" + (str(value) if isinstance(value, int) else _sf_string(value))
    return inner


def signature_base(covered: Sequence[Tuple[str, str]], params: str) -> bytes:
    """RFC 9421 section 2.5: the bytes the signature covers."""
    lines = []
    for name, value in covered:
        if "\n" in value or "\r" in value:
            raise ValueError(f"component {name}: a value cannot contain a line break")
        lines.append(f'"{name}": {value}')
    lines.append(f'"@signature-params": {params}')
    return "\n".join(lines).encode("utf-8")


def content_digest(body: bytes) -> str:
    """RFC 9530 Content-Digest with sha-256."""
    return "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode("ascii") + ":"


def request_components(method: str, url: str) -> Tuple[Tuple[str, str], ...]:
    """The derived components of a request to ``url`` as sent (path and query raw, not re-encoded)."""
    parts = urlsplit(url)
    if not parts.netloc:
        raise ValueError(f"url {url!r}: expected an absolute URL")
    return (
        ("@method", method.upper()),
        ("@authority", parts.netloc.lower()),
        ("@path", parts.path or "/"),
        ("@query", "?" + parts.query),
    )


def sign_request(
    method: str,
    url: str,
    key,
    body: Optional[bytes] = None,
    created: Optional[int] = None,
    nonce: Optional[str] = None,
) -> Mapping[str, str]:
    """The headers that sign a request with ``key`` (a :class:`cairn.keys.SigningKey`)."""
    covered = list(request_components(method, url))
    headers = {}
    if body is not None:
        headers["Content-Digest"] = content_digest(body)
        covered.append(("content-digest", headers["Content-Digest"]))
    params = signature_params(
        [name for name, _ in covered],
        [
            ("created", int(time.time()) if created is None else created),
            ("nonce", nonce or base64.urlsafe_b64encode(os.urandom(16)).rstrip(b"=").decode("ascii")),
            ("keyid", key.contributor_id),
            ("alg", "ed25519"),
        ],
    )
    signature = key.sign(signature_base(covered, params))
    headers["Signature-Input"] = f"{LABEL}={params}"
    headers["Signature"] = f"{LABEL}=:" + base64.b64encode(signature).decode("ascii") + ":"
    return headers

"""RFC 8785 canonical JSON, written to match @cairn/core's ``canonicalize`` byte for byte.

RFC 8785 serialises numbers as ECMAScript's Number#toString and strings as JSON.stringify;
Python's ``json`` differs on both (``1e+16`` against ``10000000000000000``, key order by code
point against UTF-16 code units), so both are written out here. What core refuses is refused
here too, with the JSON path of the value: non-finite numbers, integers beyond 2^53 that are
below 10^21 (their digits would be read back as a different integer elsewhere), lone
surrogates, and anything that is not plain JSON.
"""
from __future__ import annotations

import math
import re
from decimal import Decimal

__all__ = ["CanonicalJsonError", "canonicalize", "canonical_bytes", "es_number"]

MAX_SAFE_INTEGER = 2**53 - 1
_IDENT = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


class CanonicalJsonError(ValueError):
    """A value with no canonical form; ``path`` names it (``$.payload.size``), ``reason`` says why."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def _child(path: str, key: str) -> str:
    return f"{path}.{key}" if _IDENT.match(key) else f"{path}[{_string(key, path)}]"


def _has_lone_surrogate(s: str) -> bool:
    # A Python str holds code points; a surrogate code point in it has no UTF-8 form.
    return any(0xD800 <= ord(c) <= 0xDFFF for c in s)


def _string(s: str, path: str) -> str:
    if _has_lone_surrogate(s):
        raise CanonicalJsonError(path, "string contains a lone surrogate")
    out = ['"']
    for c in s:
        if c in _ESCAPES:
            out.append(_ESCAPES[c])
        elif ord(c) < 0x20:
            out.append("\\u%04x" % ord(c))
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


def es_number(x: float) -> str:
    """ECMAScript Number#toString of a finite double (ECMA-262 Number::toString, radix 10)."""
    if x == 0:
        return "0"
    if x < 0:
        return "-" + es_number(-x)
    # repr is the shortest string that reads back as x, which is the digit string ECMAScript picks.
    sign, digits, exponent = Decimal(repr(x)).as_tuple()
    ds = "".join(map(str, digits)).rstrip("0")
    exponent += len(digits) - len(ds)
    k = len(ds)
    n = exponent + k
    if k <= n <= 21:
        return ds + "0" * (n - k)
    if 0 < n <= 21:
        return ds[:n] + "." + ds[n:]
    if -6 < n <= 0:
        return "0." + "0" * (-n) + ds
    e = n - 1
    exp = ("+" if e >= 0 else "-") + str(abs(e))
    return (ds if k == 1 else ds[0] + "." + ds[1:]) + "e" + exp


def _number(value, path: str) -> str:
    if isinstance(value, int):
        if abs(value) <= MAX_SAFE_INTEGER:
            return str(value)
        if abs(value) < 10**21:
            raise CanonicalJsonError(path, f"integer {value} is beyond 2^53 and cannot be represented exactly")
        as_float = float(value)
        if int(as_float) != value:
            raise CanonicalJsonError(path, f"integer {value} has no exact double")
        return es_number(as_float)
    if not math.isfinite(value):
        raise CanonicalJsonError(path, f"non-finite number {value}")
    if value.is_integer() and MAX_SAFE_INTEGER < abs(value) < 1e21:
        raise CanonicalJsonError(path, f"integer {es_number(value)} is beyond 2^53 and cannot be represented exactly")
    return es_number(value)


def _write(value, path: str, out: list) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, (int, float)):
        out.append(_number(value, path))
    elif isinstance(value, str):
        out.append(_string(value, path))
    elif isinstance(value, (list, tuple)):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _write(item, f"{path}[{i}]", out)
        out.append("]")
    elif isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise CanonicalJsonError(path, f"property name {key!r} is not a string")
        out.append("{")
        # RFC 8785 3.2.3: property names sorted by their UTF-16 code units.
        for i, key in enumerate(sorted(value, key=lambda k: k.encode("utf-16-be", "surrogatepass"))):
            child = _child(path, key) if not _has_lone_surrogate(key) else path
            if _has_lone_surrogate(key):
                raise CanonicalJsonError(child, "property name contains a lone surrogate")
            if i:
                out.append(",")
            out.append(_string(key, child))
            out.append(":")
            _write(value[key], child, out)
        out.append("}")
    else:
        raise CanonicalJsonError(path, f"{type(value).__name__} is not JSON")


def canonicalize(value) -> str:
    """The RFC 8785 canonical text of ``value``; raises :class:`CanonicalJsonError` when it has none."""
    out: list = []
    _write(value, "$", out)
    return "".join(out)


def canonical_bytes(value) -> bytes:
    return canonicalize(value).encode("utf-8")

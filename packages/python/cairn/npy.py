"""Gradient artifacts as the attribution projection reads them: a 2-D little-endian float32 .npy.

With numpy the array is written by ``numpy.save``; without it, rows of numbers are written here
in the same .npy 1.0 layout (the header numpy writes, padded to 64 bytes), so the content hash,
which names the artifact in the log, is the same either way.
"""
from __future__ import annotations

import ast
import os
import struct
from typing import Tuple

__all__ = ["NpyError", "npy_bytes", "npy_shape"]

MAGIC = b"\x93NUMPY"
_GROWTH_DIGITS = 21  # numpy leaves room in the header for the first axis to grow to 21 digits


class NpyError(ValueError):
    def __init__(self, field: str, reason: str):
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def _header(shape: Tuple[int, ...]) -> bytes:
    text = "{'descr': '<f4', 'fortran_order': False, 'shape': %r, }" % (tuple(shape),)
    text += " " * (_GROWTH_DIGITS - len(repr(shape[0])))
    pad = 64 - ((len(MAGIC) + 2 + 2 + len(text) + 1) % 64)
    text += " " * (pad % 64) + "\n"
    return MAGIC + b"\x01\x00" + struct.pack("<H", len(text)) + text.encode("latin1")


def npy_bytes(matrix, one_dimensional: bool = False) -> bytes:
    """The .npy bytes of a rows × dims matrix (a numpy array, rows of numbers, or an .npy path).

    ``one_dimensional``: a vector of per-row weights, shape (n,).
    """
    if isinstance(matrix, (str, os.PathLike)):
        with open(matrix, "rb") as f:
            data = f.read()
        npy_shape(data)
        return data
    try:
        import numpy as np
    except ImportError:
        np = None
    if np is not None and isinstance(matrix, np.ndarray):
        import io

        array = np.ascontiguousarray(matrix, dtype="<f4")
        if array.ndim != (1 if one_dimensional else 2):
            raise NpyError("shape", f"expected {'a vector' if one_dimensional else 'a 2-D matrix'}, got shape {array.shape}")
        buffer = io.BytesIO()
        np.save(buffer, array, allow_pickle=False)
        return buffer.getvalue()
    rows = [float(x) for x in matrix] if one_dimensional else [[float(x) for x in row] for row in matrix]
    if one_dimensional:
        if not rows:
            raise NpyError("shape", "expected at least one value")
        return _header((len(rows),)) + struct.pack(f"<{len(rows)}f", *rows)
    if not rows or not rows[0]:
        raise NpyError("shape", "expected at least one row and one column")
    dims = len(rows[0])
    for i, row in enumerate(rows):
        if len(row) != dims:
            raise NpyError(f"rows[{i}]", f"expected {dims} values like row 0, got {len(row)}")
    flat = [x for row in rows for x in row]
    return _header((len(rows), dims)) + struct.pack(f"<{len(flat)}f", *flat)


def npy_shape(data: bytes) -> Tuple[int, ...]:
    """The shape of a complete little-endian float32 C-order .npy; refuses anything else."""
    if data[:6] != MAGIC or len(data) < 10:
        raise NpyError("magic", "not an .npy file")
    major = data[6]
    if major == 1:
        hlen, start = struct.unpack("<H", data[8:10])[0], 10
    elif major in (2, 3):
        hlen, start = struct.unpack("<I", data[8:12])[0], 12
    else:
        raise NpyError("version", f"unknown .npy version {major}")
    try:
        header = ast.literal_eval(data[start : start + hlen].decode("latin1"))
    except (ValueError, SyntaxError):
        raise NpyError("header", "unreadable .npy header") from None
    if not isinstance(header, dict) or header.get("descr") != "<f4":
        raise NpyError("descr", f"expected '<f4' (little-endian float32), got {header.get('descr') if isinstance(header, dict) else header!r}")
    if header.get("fortran_order") is not False:
        raise NpyError("fortran_order", "expected C order")
    shape = tuple(header.get("shape", ()))
    count = 1
    for n in shape:
        count *= n
    if len(data) - start - hlen != 4 * count:
        raise NpyError("data", f"expected {4 * count} bytes of float32 for shape {shape}, got {len(data) - start - hlen}")
    return shape

"""Byte units.

Every function in :mod:`genai_notes.science` counts memory in plain bytes. These helpers
convert for display only, in the two conventions readers meet: decimal gigabytes (what
papers such as ZeRO and vendors' datasheets print) and binary gibibytes (what ``nvidia-smi``
and most operating systems report).
"""

from __future__ import annotations

GB: float = 1e9
"""One decimal gigabyte, 10**9 bytes (SI)."""

GiB: float = float(2**30)
"""One binary gibibyte, 2**30 = 1,073,741,824 bytes (IEC)."""


def to_gb(n_bytes: float) -> float:
    """Convert bytes to decimal gigabytes.

    Args:
        n_bytes: A number of bytes.

    Returns:
        ``n_bytes / 1e9``.
    """
    return n_bytes / GB


def to_gib(n_bytes: float) -> float:
    """Convert bytes to binary gibibytes.

    Args:
        n_bytes: A number of bytes.

    Returns:
        ``n_bytes / 2**30``.
    """
    return n_bytes / GiB


# What computed numbers in the notes may name (see genai_notes.calc).
__all__ = [
    "GB",
    "GiB",
    "to_gb",
    "to_gib",
]

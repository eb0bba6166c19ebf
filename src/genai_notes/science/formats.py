"""How one number is stored in fp32, fp16, bf16 and int8, and what storing it costs.

Float formats are IEEE-754 style: a sign bit, a biased exponent and a mantissa (fraction)
with an implicit leading 1 for normal numbers.

* fp32 and fp16 use numpy's ``float32`` and ``float16`` conversions (round to nearest,
  ties to even).
* bf16 is the upper 16 bits of the float32 pattern, rounded to nearest even exactly as
  PyTorch's ``c10::detail::round_to_nearest_even`` does: add ``0x7FFF`` plus the lowest
  kept bit, then shift right by 16 (a NaN becomes ``0x7FC0``). The value is first rounded
  to float32, so a Python float is rounded twice, as when a float32 tensor is cast.
* int8 is symmetric absmax quantization: ``code = round(value / scale)`` clipped to
  [-127, 127] (-128 is left unused so the range is symmetric), stored as
  ``code * scale``; rounding is half to even, as ``numpy.rint`` and ``torch.round`` do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

import numpy as np
from numpy.typing import ArrayLike

from genai_notes.science._validate import one_of, positive_number

INT8_MAX: Final = 127
"""Largest int8 code used by symmetric quantization."""


@dataclass(frozen=True)
class FormatSpec:
    """Bit layout of a binary floating-point format and the limits it implies.

    Attributes:
        name: ``"fp32"``, ``"fp16"`` or ``"bf16"``.
        sign_bits: Always 1.
        exponent_bits: Width of the biased exponent.
        mantissa_bits: Width of the stored fraction (the leading 1 is implicit).
    """

    name: str
    sign_bits: int
    exponent_bits: int
    mantissa_bits: int

    @property
    def total_bits(self) -> int:
        """Sign + exponent + mantissa bits."""
        return self.sign_bits + self.exponent_bits + self.mantissa_bits

    @property
    def bias(self) -> int:
        """Exponent bias, 2**(exponent_bits - 1) - 1."""
        return (1 << (self.exponent_bits - 1)) - 1

    @property
    def max_finite(self) -> float:
        """Largest finite value, (2 - 2**-mantissa_bits) * 2**bias."""
        return (2.0 - 2.0**-self.mantissa_bits) * 2.0**self.bias

    @property
    def smallest_normal(self) -> float:
        """Smallest positive normal value, 2**(1 - bias)."""
        return 2.0 ** (1 - self.bias)

    @property
    def smallest_subnormal(self) -> float:
        """Smallest positive value, 2**(1 - bias - mantissa_bits)."""
        return 2.0 ** (1 - self.bias - self.mantissa_bits)

    @property
    def eps(self) -> float:
        """Machine epsilon, the gap between 1 and the next value: 2**-mantissa_bits."""
        return 2.0**-self.mantissa_bits


FORMAT_SPECS: Final = MappingProxyType(
    {
        "fp32": FormatSpec("fp32", 1, 8, 23),
        "fp16": FormatSpec("fp16", 1, 5, 10),
        "bf16": FormatSpec("bf16", 1, 8, 7),
    }
)
"""Float formats by name (read-only). bf16 keeps fp32's exponent and cuts the mantissa."""

REPRESENTABLE: Final = ("fp32", "fp16", "bf16", "int8")
"""The dtypes :func:`represent` accepts."""


@dataclass(frozen=True)
class Representation:
    """One value as stored in one format.

    Attributes:
        dtype: The format.
        value: The value asked for.
        sign_bit: 1 for negative, else 0.
        exponent_bits: The biased exponent field as ``0``/``1`` characters; empty for int8.
        mantissa_bits: The fraction field; for int8, the 7 low bits of the two's-complement
            code.
        stored: The value the format actually holds.
        abs_error: ``|stored - value|``.
        rel_error: ``abs_error / |value|`` (0.0 when both are 0, inf when only the value is).
        scale: int8 only: the quantization scale; None for floats.
        code: int8 only: the integer code in [-127, 127]; None for floats.
    """

    dtype: str
    value: float
    sign_bit: int
    exponent_bits: str
    mantissa_bits: str
    stored: float
    abs_error: float
    rel_error: float
    scale: float | None = None
    code: int | None = None

    @property
    def bits(self) -> str:
        """All bits, sign first."""
        return f"{self.sign_bit}{self.exponent_bits}{self.mantissa_bits}"


def _errors(value: float, stored: float) -> tuple[float, float]:
    abs_error = abs(stored - value)
    if value == 0:
        return abs_error, 0.0 if abs_error == 0 else math.inf
    return abs_error, abs_error / abs(value)


def _float_bits(value: float, dtype: str) -> tuple[int, float]:
    """The bit pattern (as an int) and stored value of ``value`` in a float format."""
    with np.errstate(over="ignore"):
        as_f32 = np.float32(value)
        if dtype == "fp32":
            return int(as_f32.view(np.uint32)), float(as_f32)
        if dtype == "fp16":
            as_f16 = np.float16(value)
            return int(as_f16.view(np.uint16)), float(as_f16)
    pattern = bf16_bits(float(as_f32))
    return pattern, bf16_value(pattern)


def bf16_bits(value: float) -> int:
    """The bf16 bit pattern of a float32 value, rounded to nearest even like PyTorch.

    Args:
        value: A value exactly representable in float32 (other values are rounded to
            float32 first).

    Returns:
        The 16-bit pattern as an int.
    """
    with np.errstate(over="ignore"):
        single = np.float32(value)
    if math.isnan(single):
        return 0x7FC0
    upper32 = int(single.view(np.uint32))
    rounding_bias = ((upper32 >> 16) & 1) + 0x7FFF
    return ((upper32 + rounding_bias) >> 16) & 0xFFFF


def bf16_value(pattern: int) -> float:
    """The value of a 16-bit bf16 pattern (it is the upper half of a float32).

    Args:
        pattern: An int in [0, 0xFFFF].

    Returns:
        The value as a Python float.
    """
    return float(np.uint32(pattern << 16).view(np.float32))


def _represent_float(value: float, dtype: str) -> Representation:
    spec = FORMAT_SPECS[dtype]
    pattern, stored = _float_bits(value, dtype)
    bits = format(pattern, f"0{spec.total_bits}b")
    abs_error, rel_error = _errors(value, stored)
    return Representation(
        dtype=dtype,
        value=value,
        sign_bit=int(bits[0]),
        exponent_bits=bits[1 : 1 + spec.exponent_bits],
        mantissa_bits=bits[1 + spec.exponent_bits :],
        stored=stored,
        abs_error=abs_error,
        rel_error=rel_error,
    )


def absmax_scale(values: ArrayLike) -> float:
    """Symmetric int8 scale for a tensor: ``max |values| / 127``.

    Args:
        values: The numbers to be quantized together.

    Returns:
        The scale, so that the largest magnitude maps to code +-127.

    Raises:
        ValueError: If the values are empty, not finite, or all zero.
    """
    array = np.asarray(values, dtype=np.float64)
    if array.size == 0 or not np.all(np.isfinite(array)) or not np.any(array != 0):
        raise ValueError("values must be finite with at least one non-zero entry")
    return float(np.max(np.abs(array))) / INT8_MAX


def _represent_int8(value: float, scale: float | None) -> Representation:
    if scale is None:
        # A lone value is its own absmax; zero gets the scale of absmax 1.
        checked_scale = abs(value) / INT8_MAX if value != 0 else 1.0 / INT8_MAX
    else:
        checked_scale = positive_number("scale", scale)
    code = int(np.clip(np.rint(value / checked_scale), -INT8_MAX, INT8_MAX))
    stored = code * checked_scale
    bits = format(code & 0xFF, "08b")
    abs_error, rel_error = _errors(value, stored)
    return Representation(
        dtype="int8",
        value=value,
        sign_bit=int(bits[0]),
        exponent_bits="",
        mantissa_bits=bits[1:],
        stored=stored,
        abs_error=abs_error,
        rel_error=rel_error,
        scale=checked_scale,
        code=code,
    )


def represent(value: float, dtype: str, *, scale: float | None = None) -> Representation:
    """Store ``value`` in ``dtype`` and report the bits, the stored value and the error.

    Args:
        value: A finite number.
        dtype: ``"fp32"``, ``"fp16"``, ``"bf16"`` or ``"int8"``.
        scale: int8 only. The quantization step; None uses ``|value| / 127``, the absmax
            scale of a tensor holding only this value (so the code is +-127 and the error
            is only float rounding). Pass :func:`absmax_scale` of a whole tensor to see
            the error a value suffers next to a larger one.

    Returns:
        The representation. A value beyond a float format's range is stored as +-inf.

    Raises:
        ValueError: For a non-finite value, an unknown dtype (the message lists the
            allowed ones), a bad scale, or a scale given with a float dtype.
    """
    if isinstance(value, bool) or not math.isfinite(value):
        raise ValueError(f"value must be a finite number, got {value!r}")
    one_of("dtype", dtype, REPRESENTABLE)
    number = float(value)
    if dtype == "int8":
        return _represent_int8(number, scale)
    if scale is not None:
        raise ValueError(f"scale only applies to int8, got scale={scale!r} for {dtype}")
    return _represent_float(number, dtype)


# What computed numbers in the notes may name (see genai_notes.calc).
__all__ = [
    "FORMAT_SPECS",
    "INT8_MAX",
    "REPRESENTABLE",
    "absmax_scale",
    "bf16_bits",
    "bf16_value",
    "represent",
]

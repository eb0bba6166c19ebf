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
* FP8 (E4M3, E5M2) and the FP4 element E2M1 follow the OCP 8-bit Floating Point and
  Microscaling (MX) v1.0 specifications (:data:`MINIFLOAT_SPECS`, :func:`round_to_minifloat`);
  :func:`mx_quantize` quantizes one block of up to 32 elements with a shared power-of-two scale.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

import numpy as np
from numpy.typing import ArrayLike

from genai_notes.science._validate import one_of, positive_int, positive_number

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


# --- 8-bit and 4-bit floats, microscaling (MX) blocks -------------------------------


@dataclass(frozen=True)
class MiniFloatSpec:
    """Bit layout of an 8-bit or smaller float and the limits it implies.

    Unlike IEEE-754 formats, the small formats of the OCP 8-bit floating point specification
    (OFP8, 2023) and of the OCP Microscaling (MX) specification v1.0 (2023) spend fewer codes
    on special values:

    * ``"ieee"``: the top exponent is reserved for infinities and NaN (E5M2).
    * ``"nan_only"``: no infinities; only the all-ones exponent and mantissa pattern is NaN,
      so the top exponent still holds normal numbers (E4M3, "E4M3FN").
    * ``"finite"``: no infinities and no NaN; every code is a number (the FP4 E2M1 element of
      MXFP4).

    Attributes:
        name: ``"fp8_e4m3"``, ``"fp8_e5m2"`` or ``"fp4_e2m1"``.
        exponent_bits: Width of the biased exponent.
        mantissa_bits: Width of the stored fraction.
        specials: ``"ieee"``, ``"nan_only"`` or ``"finite"``, as above.
        source: Where the layout is specified.
    """

    name: str
    exponent_bits: int
    mantissa_bits: int
    specials: str
    source: str

    @property
    def total_bits(self) -> int:
        """1 sign bit + exponent + mantissa bits."""
        return 1 + self.exponent_bits + self.mantissa_bits

    @property
    def bias(self) -> int:
        """Exponent bias, 2**(exponent_bits - 1) - 1."""
        return (1 << (self.exponent_bits - 1)) - 1

    @property
    def max_exponent(self) -> int:
        """Unbiased exponent of the largest normal numbers (emax)."""
        top = (1 << self.exponent_bits) - 1
        return (top - 1 if self.specials == "ieee" else top) - self.bias

    @property
    def max_finite(self) -> float:
        """Largest finite value: E4M3 448, E5M2 57,344, E2M1 6."""
        # nan_only gives up the all-ones mantissa of the top exponent to NaN.
        top_fraction = (1 << self.mantissa_bits) - (2 if self.specials == "nan_only" else 1)
        return (1.0 + top_fraction / (1 << self.mantissa_bits)) * 2.0**self.max_exponent

    @property
    def smallest_normal(self) -> float:
        """Smallest positive normal value, 2**(1 - bias)."""
        return 2.0 ** (1 - self.bias)

    @property
    def smallest_subnormal(self) -> float:
        """Smallest positive value, 2**(1 - bias - mantissa_bits)."""
        return 2.0 ** (1 - self.bias - self.mantissa_bits)

    def positive_values(self) -> tuple[float, ...]:
        """Every finite value >= 0 the format holds, in increasing order (code order).

        Returns:
            The values of codes 0, 1, 2, ... up to :attr:`max_finite`.
        """
        values: list[float] = []
        for exponent_field in range(1 << self.exponent_bits):
            for fraction in range(1 << self.mantissa_bits):
                if exponent_field == 0:
                    value = fraction / (1 << self.mantissa_bits) * self.smallest_normal
                else:
                    significand = 1.0 + fraction / (1 << self.mantissa_bits)
                    value = significand * 2.0 ** (exponent_field - self.bias)
                if value > self.max_finite:
                    return tuple(values)
                values.append(value)
        return tuple(values)


_OFP8 = "OCP 8-bit Floating Point Specification (OFP8) rev. 1.0, 2023; Micikevicius et al. 2022"
MINIFLOAT_SPECS: Final = MappingProxyType(
    {
        "fp8_e4m3": MiniFloatSpec("fp8_e4m3", 4, 3, "nan_only", _OFP8),
        "fp8_e5m2": MiniFloatSpec("fp8_e5m2", 5, 2, "ieee", _OFP8),
        "fp4_e2m1": MiniFloatSpec(
            "fp4_e2m1", 2, 1, "finite", "OCP Microscaling Formats (MX) Specification v1.0, 2023"
        ),
    }
)
"""FP8 and FP4 layouts by name (read-only)."""

MX_BLOCK_SIZE: Final = 32
"""Elements that share one scale in every MX format (OCP MX v1.0, section 5)."""

MX_SCALE_BITS: Final = 8
"""Width of the shared MX scale, an E8M0 power of two (OCP MX v1.0, section 5.4)."""


def block_bits_per_value(element_bits: float, block_size: int, scale_bits: float) -> float:
    """Storage per value of a block format: element bits plus the block's scale, shared.

    MXFP4 (4-bit E2M1 elements, one 8-bit scale per 32) stores 4 + 8/32 = 4.25 bits per
    value; a 4-bit weight format with one fp16 scale per 64 weights stores 4.25, one per
    128 weights 4.125.

    Args:
        element_bits: Bits of each element, > 0.
        block_size: Elements sharing one scale, an integer >= 1.
        scale_bits: Bits of the scale (and any zero point) per block, >= 0.

    Returns:
        Bits per value.

    Raises:
        ValueError: For a non-positive width or block size, or a negative scale width.
    """
    bits = positive_number("element_bits", element_bits)
    size = positive_int("block_size", block_size)
    if isinstance(scale_bits, bool) or not scale_bits >= 0:
        raise ValueError(f"scale_bits must be >= 0, got {scale_bits!r}")
    return bits + float(scale_bits) / size


def mixed_bits_per_param(
    quantized_bits: float, unquantized_fraction: float, unquantized_bits: float = 16.0
) -> float:
    """Average bits per parameter when some layers stay in 16 bits.

    Quantized checkpoints usually keep the token embedding, the output layer and the norms in
    bf16 or fp16; their share of the parameters raises the average above the element width.

    Args:
        quantized_bits: Bits per quantized parameter, scales included, > 0.
        unquantized_fraction: Share of parameters left unquantized, in [0, 1].
        unquantized_bits: Bits of those parameters, > 0; 16 by default.

    Returns:
        ``(1 - f) * quantized_bits + f * unquantized_bits``.

    Raises:
        ValueError: For a width <= 0 or a fraction outside [0, 1].
    """
    low = positive_number("quantized_bits", quantized_bits)
    high = positive_number("unquantized_bits", unquantized_bits)
    if isinstance(unquantized_fraction, bool) or not 0.0 <= unquantized_fraction <= 1.0:
        raise ValueError(f"unquantized_fraction must be in [0, 1], got {unquantized_fraction!r}")
    return (1.0 - unquantized_fraction) * low + unquantized_fraction * high


def round_to_minifloat(value: float, fmt: str) -> float:
    """Round a value to the nearest number of an FP8 or FP4 format, ties to even.

    Values beyond the largest finite number saturate to it (+-max), as the OCP MX
    specification prescribes when elements are converted (section 6.3) and as FP8 training
    libraries do.

    Args:
        value: A finite number.
        fmt: A key of :data:`MINIFLOAT_SPECS`.

    Returns:
        The rounded value.

    Raises:
        ValueError: For a non-finite value or an unknown format.
    """
    if isinstance(value, bool) or not math.isfinite(value):
        raise ValueError(f"value must be a finite number, got {value!r}")
    grid = MINIFLOAT_SPECS[one_of("fmt", fmt, MINIFLOAT_SPECS)].positive_values()
    magnitude = min(abs(float(value)), grid[-1])
    upper = next(index for index, level in enumerate(grid) if level >= magnitude)
    if grid[upper] == magnitude or upper == 0:
        rounded = grid[upper]
    else:
        below, above = grid[upper - 1], grid[upper]
        if magnitude - below < above - magnitude:
            rounded = below
        elif above - magnitude < magnitude - below:
            rounded = above
        else:
            # A tie: the even code has a zero mantissa LSB (codes are in value order).
            rounded = below if (upper - 1) % 2 == 0 else above
    return math.copysign(rounded, value)


@dataclass(frozen=True)
class MXBlock:
    """One block quantized to an MX format.

    Attributes:
        fmt: The element format.
        scale_exponent: The shared scale is ``2**scale_exponent`` (an E8M0 code).
        elements: The elements as stored, before the scale is applied.
        values: The dequantized values, ``elements * 2**scale_exponent``.
        max_abs_error: Largest ``|value - original|`` in the block.
    """

    fmt: str
    scale_exponent: int
    elements: tuple[float, ...]
    values: tuple[float, ...]
    max_abs_error: float

    @property
    def scale(self) -> float:
        """The shared scale, a power of two."""
        return 2.0**self.scale_exponent


def mx_quantize(values: ArrayLike, fmt: str = "fp4_e2m1") -> MXBlock:
    """Quantize one block to an MX format, as the OCP MX v1.0 specification, section 6.3.

    The shared exponent is ``floor(log2(max |v|)) - emax`` where emax is the element
    format's largest normal exponent (2 for E2M1, 8 for E4M3); each ``v / 2**shared`` is
    then rounded to the element format, saturating at its largest value.

    Args:
        values: Up to :data:`MX_BLOCK_SIZE` finite numbers, at least one non-zero.
        fmt: The element format, a key of :data:`MINIFLOAT_SPECS`.

    Returns:
        The quantized block.

    Raises:
        ValueError: For an empty, all-zero, non-finite or too-long block, or an unknown format.
    """
    spec = MINIFLOAT_SPECS[one_of("fmt", fmt, MINIFLOAT_SPECS)]
    array = np.asarray(values, dtype=np.float64).ravel()
    if array.size == 0 or array.size > MX_BLOCK_SIZE:
        raise ValueError(f"a block holds 1 to {MX_BLOCK_SIZE} values, got {array.size}")
    if not np.all(np.isfinite(array)) or not np.any(array != 0):
        raise ValueError("values must be finite with at least one non-zero entry")
    shared = math.floor(math.log2(float(np.max(np.abs(array))))) - spec.max_exponent
    elements = tuple(round_to_minifloat(float(v) / 2.0**shared, fmt) for v in array)
    restored = tuple(element * 2.0**shared for element in elements)
    error = max(abs(r - float(v)) for r, v in zip(restored, array, strict=True))
    return MXBlock(fmt, shared, elements, restored, error)


# What computed numbers in the notes may name (see genai_notes.calc).
__all__ = [
    "FORMAT_SPECS",
    "INT8_MAX",
    "MINIFLOAT_SPECS",
    "MX_BLOCK_SIZE",
    "MX_SCALE_BITS",
    "REPRESENTABLE",
    "absmax_scale",
    "bf16_bits",
    "bf16_value",
    "block_bits_per_value",
    "mixed_bits_per_param",
    "mx_quantize",
    "represent",
    "round_to_minifloat",
]

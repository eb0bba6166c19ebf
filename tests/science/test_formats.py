"""Tests for genai_notes.science.formats.

References: IEEE 754 binary32/binary16 through ``numpy.finfo`` and ``struct``; bfloat16 as
PyTorch's ``c10::detail::round_to_nearest_even`` (c10/util/BFloat16.h); symmetric absmax
int8 quantization with round-half-to-even (``numpy.rint``, ``torch.round``).
"""

from __future__ import annotations

import math
import re
import struct

import numpy as np
import pytest

from genai_notes.science import formats


def bits_of_float32(value: float) -> str:
    """The 32-bit pattern of ``value`` via the standard library, not numpy."""
    return format(int.from_bytes(struct.pack(">f", value), "big"), "032b")


def reference_round(value: float, significant_bits: int) -> float:
    """Round a normal number to ``significant_bits`` bits, ties to even (Python round)."""
    mantissa, exponent = math.frexp(value)
    return math.ldexp(round(mantissa * 2**significant_bits), exponent - significant_bits)


# --- specs ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "numpy_type"), [("fp32", np.float32), ("fp16", np.float16)])
def test_format_specs_match_numpy_finfo(name: str, numpy_type: type[np.floating]) -> None:
    spec, info = formats.FORMAT_SPECS[name], np.finfo(numpy_type)
    assert spec.total_bits == info.bits
    assert spec.exponent_bits == info.nexp
    assert spec.mantissa_bits == info.nmant
    assert spec.max_finite == float(info.max)
    assert spec.smallest_normal == float(info.smallest_normal)
    assert spec.smallest_subnormal == float(info.smallest_subnormal)
    assert spec.eps == float(info.eps)


def test_bf16_spec_from_its_bits() -> None:
    """bf16: 1 + 8 + 7 bits; max is the float32 with pattern 0x7F7F0000 (3.3895e38)."""
    spec = formats.FORMAT_SPECS["bf16"]
    (max_from_bits,) = struct.unpack(">f", bytes([0x7F, 0x7F, 0x00, 0x00]))
    assert (spec.sign_bits, spec.exponent_bits, spec.mantissa_bits) == (1, 8, 7)
    assert spec.max_finite == max_from_bits
    assert spec.max_finite == pytest.approx(3.3895e38, rel=1e-4)
    assert spec.eps == 0.0078125 == 2.0**-7
    assert spec.smallest_normal == float(np.finfo(np.float32).smallest_normal)


# --- pi in each format ---------------------------------------------------------------


def test_pi_in_fp32_is_the_nearest_binary32() -> None:
    (via_struct,) = struct.unpack(">f", struct.pack(">f", math.pi))
    result = formats.represent(math.pi, "fp32")
    assert result.stored == via_struct == 3.1415927410125732
    assert result.bits == bits_of_float32(math.pi)
    assert (result.sign_bit, result.exponent_bits) == (0, "10000000")
    assert result.abs_error == abs(via_struct - math.pi)


def test_pi_in_fp16_keeps_10_fraction_bits() -> None:
    """π = 1.5708 x 2^1; 10 fraction bits give 2 x (1 + 584/1024) = 3.140625."""
    result = formats.represent(math.pi, "fp16")
    assert result.stored == reference_round(math.pi, 11) == 3.140625
    assert (result.exponent_bits, result.mantissa_bits) == ("10000", format(584, "010b"))


def test_pi_in_bf16_keeps_7_fraction_bits() -> None:
    """π in bf16: 2 x (1 + 73/128) = 3.140625, the same value as fp16 by coincidence."""
    result = formats.represent(math.pi, "bf16")
    assert result.stored == reference_round(math.pi, 8) == 3.140625
    assert result.bits == bits_of_float32(math.pi)[:16]
    assert result.rel_error == pytest.approx(abs(3.140625 - math.pi) / math.pi)


# --- bf16 rounding -------------------------------------------------------------------


def test_bf16_rounds_to_nearest_not_truncates() -> None:
    value = 1 + 2**-8 + 2**-9  # truncation gives 1.0; nearest is 1 + 2**-7
    assert formats.represent(value, "bf16").stored == 1 + 2**-7


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1 + 2**-8, 1.0), (1 + 3 * 2**-8, 1 + 2**-6), (-(1 + 2**-8), -1.0)],
)
def test_bf16_breaks_ties_to_the_even_mantissa(value: float, expected: float) -> None:
    assert formats.represent(value, "bf16").stored == expected


def test_bf16_matches_round_half_even_to_8_significant_bits() -> None:
    rng = np.random.default_rng(5)
    values = rng.uniform(-1, 1, 2000) * 10.0 ** rng.integers(-30, 30, 2000)
    for value in values.astype(np.float32):
        expected = reference_round(float(value), 8)
        assert formats.represent(float(value), "bf16").stored == expected


def test_bf16_of_nan_is_the_canonical_quiet_nan() -> None:
    assert formats.bf16_bits(float("nan")) == 0x7FC0


def test_bf16_keeps_fp32_range_where_fp16_overflows() -> None:
    assert formats.represent(1e5, "bf16").stored == pytest.approx(1e5, rel=2**-8)
    overflow = formats.represent(1e5, "fp16")
    assert overflow.stored == math.inf and overflow.abs_error == math.inf
    assert formats.represent(65504.0, "fp16").stored == 65504.0


def test_values_below_the_smallest_subnormal_flush_to_zero() -> None:
    result = formats.represent(1e-9, "fp16")
    assert result.stored == 0.0
    assert result.rel_error == 1.0


# --- int8 ----------------------------------------------------------------------------


def test_int8_default_scale_maps_the_value_to_127() -> None:
    result = formats.represent(-2.5, "int8")
    assert result.code == -127
    assert result.scale == 2.5 / 127
    assert result.stored == pytest.approx(-2.5, rel=1e-15)


def test_int8_code_is_round_half_to_even_of_value_over_scale() -> None:
    assert formats.represent(0.5, "int8", scale=1 / 127).code == 64  # 63.5 -> 64
    assert formats.represent(-0.5, "int8", scale=1 / 127).code == -64
    assert formats.represent(2.5, "int8", scale=1.0).code == 2  # 2.5 -> 2


def test_int8_clips_to_the_symmetric_range() -> None:
    result = formats.represent(2.0, "int8", scale=1 / 127)
    assert (result.code, result.stored) == (127, 1.0)
    assert formats.represent(-9.0, "int8", scale=0.01).code == -127


def test_int8_bits_are_twos_complement() -> None:
    result = formats.represent(-1.0, "int8")
    assert result.bits == format(-127 & 0xFF, "08b") == "10000001"
    assert (result.sign_bit, result.exponent_bits) == (1, "")
    assert formats.represent(1.0, "int8").bits == "01111111"


def test_int8_error_next_to_a_larger_value_in_the_tensor() -> None:
    scale = formats.absmax_scale([0.1, -2.0, 1.0])
    assert scale == 2.0 / 127
    result = formats.represent(0.1, "int8", scale=scale)
    assert result.code == 6  # 0.1 * 63.5 = 6.35
    assert result.abs_error == pytest.approx(abs(6 * 2 / 127 - 0.1))
    assert result.abs_error <= scale / 2


def test_int8_of_zero_is_code_zero_without_error() -> None:
    result = formats.represent(0.0, "int8")
    assert (result.code, result.stored, result.abs_error, result.rel_error) == (0, 0.0, 0.0, 0.0)


# --- errors --------------------------------------------------------------------------


def test_unknown_dtype_error_lists_the_allowed_ones() -> None:
    expected = "dtype must be one of 'fp32', 'fp16', 'bf16', 'int8', got 'fp8'"
    with pytest.raises(ValueError, match=re.escape(expected)):
        formats.represent(1.0, "fp8")


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_values_are_refused(value: float) -> None:
    with pytest.raises(ValueError, match="value must be a finite number"):
        formats.represent(value, "fp32")


def test_scale_is_only_for_int8() -> None:
    with pytest.raises(ValueError, match="scale only applies to int8"):
        formats.represent(1.0, "fp16", scale=0.1)
    with pytest.raises(ValueError, match="scale must be a finite number > 0"):
        formats.represent(1.0, "int8", scale=0.0)


@pytest.mark.parametrize("values", [[], [0.0, 0.0], [1.0, math.nan]])
def test_absmax_scale_needs_a_finite_non_zero_entry(values: list[float]) -> None:
    with pytest.raises(ValueError, match="at least one non-zero entry"):
        formats.absmax_scale(values)

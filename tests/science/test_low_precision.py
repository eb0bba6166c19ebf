"""Tests for the FP8, FP4 and MX additions to genai_notes.science.formats.

Expected values are hand-worked from the specifications: the OCP 8-bit Floating Point
Specification (OFP8) rev. 1.0 (E4M3: bias 7, max 448, no infinities; E5M2: bias 15, max
57,344, IEEE specials), Micikevicius et al. 2022 (arXiv 2209.05433, Table 1), and the OCP
Microscaling Formats (MX) Specification v1.0 (E2M1 element values 0, 0.5, 1, 1.5, 2, 3, 4, 6;
32 elements per block; an E8M0 shared scale; shared exponent floor(log2 max|v|) - emax).
"""

from __future__ import annotations

import pytest

from genai_notes.science import formats


@pytest.mark.parametrize(
    ("name", "bias", "max_finite", "smallest_normal", "smallest_subnormal"),
    [
        ("fp8_e4m3", 7, 448.0, 2.0**-6, 2.0**-9),
        ("fp8_e5m2", 15, 57344.0, 2.0**-14, 2.0**-16),
        ("fp4_e2m1", 1, 6.0, 1.0, 0.5),
    ],
)
def test_minifloat_limits_match_the_ocp_specifications(
    name: str, bias: int, max_finite: float, smallest_normal: float, smallest_subnormal: float
) -> None:
    spec = formats.MINIFLOAT_SPECS[name]
    assert spec.bias == bias
    assert spec.max_finite == max_finite
    assert spec.smallest_normal == smallest_normal
    assert spec.smallest_subnormal == smallest_subnormal


def test_e2m1_holds_exactly_the_eight_values_of_the_mx_specification() -> None:
    assert formats.MINIFLOAT_SPECS["fp4_e2m1"].positive_values() == (
        0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0,
    )  # fmt: skip


def test_e4m3_has_127_non_negative_codes_because_only_one_is_nan() -> None:
    # 16 exponents x 8 mantissas = 128 codes; S.1111.111 is NaN.
    assert len(formats.MINIFLOAT_SPECS["fp8_e4m3"].positive_values()) == 127


def test_e5m2_reserves_its_top_exponent() -> None:
    # 31 usable exponents x 4 mantissas = 124 codes from +0 to 57,344.
    values = formats.MINIFLOAT_SPECS["fp8_e5m2"].positive_values()
    assert len(values) == 124
    assert values[-1] == 57344.0


@pytest.mark.parametrize(
    ("value", "fmt", "expected"),
    [
        (3.141592653589793, "fp8_e4m3", 3.25),  # spacing 0.25 in [2, 4): 3.1416 -> 3.25
        (3.141592653589793, "fp8_e5m2", 3.0),  # spacing 0.5 in [2, 4)
        (2.5, "fp4_e2m1", 2.0),  # tie between 2 (code 4) and 3 (code 5): even code
        (3.5, "fp4_e2m1", 4.0),  # tie between 3 (code 5) and 4 (code 6)
        (0.25, "fp4_e2m1", 0.0),  # tie between 0 (code 0) and 0.5 (code 1)
        (-5.0, "fp4_e2m1", -4.0),  # tie between 4 (code 6) and 6 (code 7)
        (1000.0, "fp8_e4m3", 448.0),  # saturates
        (-7.0, "fp4_e2m1", -6.0),
    ],
)
def test_rounding_is_to_nearest_even_with_saturation(
    value: float, fmt: str, expected: float
) -> None:
    assert formats.round_to_minifloat(value, fmt) == expected


def test_mx_block_scale_follows_section_6_3() -> None:
    # max |v| = 10: floor(log2 10) = 3, minus E2M1's emax 2 gives a scale of 2**1.
    block = formats.mx_quantize([10.0, 1.0, -0.3, 2.6], "fp4_e2m1")
    assert block.scale_exponent == 1
    assert block.scale == 2.0
    # 10/2 = 5 ties to 4; 1/2 = 0.5; -0.15 -> 0; 2.6/2 = 1.3 -> 1.5.
    assert block.elements == (4.0, 0.5, -0.0, 1.5)
    assert block.values == (8.0, 1.0, -0.0, 3.0)
    assert block.max_abs_error == pytest.approx(2.0)


def test_mx_block_refuses_more_than_32_values() -> None:
    with pytest.raises(ValueError, match="1 to 32"):
        formats.mx_quantize([1.0] * 33)


@pytest.mark.parametrize(
    ("element_bits", "block", "scale_bits", "expected"),
    [(4, 32, 8, 4.25), (8, 32, 8, 8.25), (4, 16, 8, 4.5), (4, 64, 16, 4.25), (4, 128, 16, 4.125)],
)
def test_block_formats_store_their_scale_per_value(
    element_bits: int, block: int, scale_bits: int, expected: float
) -> None:
    assert formats.block_bits_per_value(element_bits, block, scale_bits) == expected


def test_unquantized_layers_raise_the_average_width() -> None:
    # 1% of parameters at 16 bits over 4.25-bit weights: 0.99 * 4.25 + 0.16.
    assert formats.mixed_bits_per_param(4.25, 0.01) == pytest.approx(4.3675)
    with pytest.raises(ValueError, match="unquantized_fraction"):
        formats.mixed_bits_per_param(4.0, 1.5)

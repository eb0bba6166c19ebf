"""The one number formatter: expectations written by hand from the typographic rules."""

from __future__ import annotations

import math

import numpy as np
import pytest

from genai_notes.numbers import format_number, format_quantity, superscript, tick_formatter

X = "\u00a0\u00d7\u00a0"  # no-break space, multiplication sign, no-break space
M = "\u2212"  # minus sign


@pytest.mark.parametrize(
    ("value", "spec", "expected"),
    [
        (3.1536e23, ".3g", f"3.15{X}10²³"),
        (3.1536e23, ".2e", f"3.15{X}10²³"),
        (8.64e19, ".3g", f"8.64{X}10¹⁹"),
        (1.2e-7, ".2g", f"1.2{X}10⁻⁷"),
        (1.2e-7, ".1E", f"1.2{X}10⁻⁷"),
        (6.3e16, ".2g", f"6.3{X}10¹⁶"),
        (1e20, ".0e", f"1{X}10²⁰"),
        (-4.5e-12, ".2e", f"{M}4.50{X}10⁻¹²"),
        (1.21e20, ".3g", f"1.21{X}10²⁰"),
    ],
)
def test_exponents_are_typeset_as_powers_of_ten(value: float, spec: str, expected: str) -> None:
    assert format_number(value, spec) == expected


def test_an_exponent_of_zero_is_left_out() -> None:
    assert format_number(3.14159, ".2e") == "3.14"


def test_g_without_an_exponent_stays_plain() -> None:
    assert format_number(221.3, ".4g") == "221.3"
    assert format_number(0.5, ".3g") == "0.5"


@pytest.mark.parametrize(
    ("value", "spec", "expected"),
    [
        (22515.9, ",.1f", "22,515.9"),
        (1000, ",", "1,000"),
        (70_000_000_000, ",d", "70,000,000,000"),
        (1234567.891, ",.2f", "1,234,567.89"),
        (-1234.5, ",.1f", f"{M}1,234.5"),
        (1234567, "_d", "1\u202f234\u202f567"),
    ],
)
def test_thousands_separators_where_the_spec_asks(value: float, spec: str, expected: str) -> None:
    assert format_number(value, spec) == expected


def test_no_separators_when_the_spec_does_not_ask() -> None:
    assert format_number(22515.9, ".1f") == "22515.9"


@pytest.mark.parametrize(
    ("value", "spec", "expected"),
    [(0.125, ".1%", "12.5%"), (0.5, ".0%", "50%"), (-0.031, ".1%", f"{M}3.1%")],
)
def test_percent_specs_keep_the_percent_sign(value: float, spec: str, expected: str) -> None:
    assert format_number(value, spec) == expected


def test_negative_numbers_use_the_minus_sign() -> None:
    assert format_number(-3, "d") == f"{M}3"
    assert format_number(-0.25, ".2f") == f"{M}0.25"
    assert "-" not in format_number(-1.5e-9, ".2e")


def test_explicit_plus_sign_is_kept() -> None:
    assert format_number(2.5e3, "+.1e") == f"+2.5{X}10³"


def test_width_padding_is_dropped_so_no_double_spaces() -> None:
    assert format_number(1.2e20, "10.2e") == f"1.20{X}10²⁰"
    assert format_number(1000, ">8,") == "1,000"
    assert format_number(5, " d") == "5"


def test_zero_padding_is_kept() -> None:
    assert format_number(7, "03d") == "007"


def test_d_accepts_a_whole_float() -> None:
    assert format_number(70.0, "d") == "70"


def test_d_refuses_a_fraction() -> None:
    with pytest.raises(ValueError):
        format_number(70.5, "d")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (7, "7"),
        (4761, "4761"),
        (10_000, "10,000"),
        (175_000_000_000, "175,000,000,000"),
        (-25_000, f"{M}25,000"),
        (70.0, "70"),
        (1.23456, "1.23"),
        (12.345, "12.3"),
        (0.012345, "0.0123"),
        (221.3, "221"),
        (22515.9, "22,516"),
        (9999.7, "10,000"),
        (3.1536e23, f"3.15{X}10²³"),
        (1e9, f"1{X}10⁹"),
        (0.000123, f"1.23{X}10⁻⁴"),
        (0.0, "0"),
        (-0.5, f"{M}0.5"),
    ],
)
def test_an_empty_spec_chooses_sensible_figures(value: float, expected: str) -> None:
    assert format_number(value) == expected


def test_numpy_scalars_format_like_python_numbers() -> None:
    assert format_number(np.float64(3.1536e23), ".3g") == f"3.15{X}10²³"
    assert format_number(np.int64(12_000)) == "12,000"


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
def test_infinity_and_nan_are_refused(value: float) -> None:
    with pytest.raises(ValueError, match="finite"):
        format_number(value, ".3g")


def test_non_numbers_are_refused() -> None:
    with pytest.raises(TypeError):
        format_number(True, "d")
    with pytest.raises(TypeError):
        format_number("3", "d")  # type: ignore[arg-type]


def test_a_bad_spec_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        format_number(1.0, ".3q")


def test_quantities_join_with_a_narrow_no_break_space() -> None:
    assert format_quantity(70, ",d", "GB") == "70\u202fGB"
    assert format_quantity(3.15e23, ".3g", "FLOPs") == f"3.15{X}10²³\u202fFLOPs"
    assert format_quantity(0.5, ".0%", "") == "50%"


def test_superscript_digits_and_minus() -> None:
    assert superscript(23) == "²³"
    assert superscript(-7) == "⁻⁷"
    assert superscript(0) == "⁰"


def test_log_ticks_label_powers_of_ten_only() -> None:
    formatter = tick_formatter("log")
    assert formatter(1e17, 0) == "10¹⁷"
    assert formatter(1e-3, 0) == "10⁻³"
    assert formatter(1.0, 0) == "10⁰"
    assert formatter(3e17, 0) == ""  # a minor tick
    assert formatter(0.0, 0) == ""


def test_log_ticks_can_label_every_other_power() -> None:
    formatter = tick_formatter("log", every=2)
    assert formatter(1e18, 0) == "10¹⁸"
    assert formatter(1e17, 0) == ""


def test_number_ticks_use_the_spec() -> None:
    formatter = tick_formatter("number", ",.0f")
    assert formatter(25000.0, 0) == "25,000"
    assert formatter(-2.0, 0) == f"{M}2"


def test_numbers_module_imports_neither_mkdocs_nor_matplotlib() -> None:
    import subprocess
    import sys

    code = (
        "import sys, genai_notes.numbers; "
        "assert 'matplotlib' not in sys.modules and 'mkdocs' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)

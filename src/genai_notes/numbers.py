"""One number formatter for prose, tables, figure labels and the CSV's human columns.

Authors keep writing Python format specs (``,.0f``, ``.3g``, ``.2e``, ``.1%``): the spec says the
precision, this module decides how the number looks. The output is plain Unicode text:

- a spec that would print an exponent gives ``3.15 × 10²³`` (``×`` is U+00D7, with no-break
  spaces either side so the number never wraps, the exponent in superscript digits);
- minus signs are U+2212 (``−``) in the mantissa and U+207B (``⁻``, the superscript minus) in
  the exponent, never the hyphen-minus;
- padding from a width in the spec is dropped (a number in a sentence or a cell needs none, and
  it is where stray double spaces came from);
- ``,`` in the spec gives thousands separators; ``_`` gives narrow no-break spaces;
- an empty spec chooses the figures itself (see :func:`format_number`).

This module imports neither MkDocs nor matplotlib; :func:`tick_formatter` imports matplotlib
only when it is called.
"""

from __future__ import annotations

import math
import numbers
import re
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from matplotlib.ticker import Formatter

__all__ = [
    "MINUS",
    "NARROW_NBSP",
    "TIMES",
    "format_number",
    "format_quantity",
    "superscript",
    "tick_formatter",
]

MINUS = "\u2212"
"""The minus sign, U+2212."""
TIMES = "\u00a0\u00d7\u00a0"
"""The multiplication sign between mantissa and power of ten, with no-break spaces."""
NARROW_NBSP = "\u202f"
"""Narrow no-break space: between a number and its unit, and as a digit-group separator."""

_SUPERSCRIPT = str.maketrans("0123456789-+", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺")
# Python's format-spec mini-language: [[fill]align][sign]["z"]["#"]["0"][width][grouping]
# [.precision][type]. Only the type matters here; the rest is passed to format().
_SPEC = re.compile(
    r"(?:(?P<fill>.)?(?P<align>[<>=^]))?(?P<sign>[-+ ])?z?#?0?(?P<width>\d+)?"
    r"(?P<grouping>[,_])?(?:\.(?P<precision>\d+))?(?P<type>[bcdeEfFgGnosxX%])?"
)
_EXPONENT = re.compile(r"(?P<mantissa>[0-9.,_]+)[eE](?P<exponent>[+-]\d+)")
_NEGATIVE = re.compile(r"-(?=[0-9.])")


def superscript(exponent: int) -> str:
    """``exponent`` in superscript digits, e.g. ``-7`` → ``⁻⁷``."""
    return str(exponent).translate(_SUPERSCRIPT)


def format_number(value: float | int, spec: str = "") -> str:
    """Format ``value`` with the Python format ``spec`` as typeset text.

    Args:
        value: A finite int or float (numpy scalars are accepted).
        spec: A Python format spec. Empty chooses for itself: integers in full, with
            thousands separators from 10,000 on; other values to 3 significant figures, but
            never fewer figures than the integer part has (``22515.9`` → ``22,516``), and as
            ``a × 10ⁿ`` below 0.001 or from a million on.

    Returns:
        The number, e.g. ``format_number(3.1536e23, ".3g")`` → ``"3.15 × 10²³"``.

    Raises:
        ValueError: For inf or NaN, or a spec that does not apply to the value.
        TypeError: For a value that is not a real number (booleans included).
    """
    number = _real(value)
    if not spec:
        return _automatic(number)
    match = _SPEC.fullmatch(spec)
    if match is None:
        raise ValueError(f"invalid format spec {spec!r}")
    if match["type"] in ("d", "n") and isinstance(number, float) and number.is_integer():
        number = int(number)  # "d" of 70.0 means 70, not an error
    text = format(number, spec)
    if match["fill"] in (None, " "):
        text = text.strip(" ")
    return _typeset(text, grouping=match["grouping"])


def format_quantity(value: float | int, spec: str, unit: str) -> str:
    """A number and its unit, joined by a narrow no-break space: ``70 GB``, ``3.2 × 10²³ FLOPs``.

    An empty ``unit`` gives the number alone.
    """
    number = format_number(value, spec)
    return f"{number}{NARROW_NBSP}{unit}" if unit else number


def tick_formatter(
    kind: Literal["log", "number"] = "log", spec: str = "", *, every: int = 1
) -> Formatter:
    """A matplotlib tick formatter that prints like the rest of the site.

    Args:
        kind: ``log`` labels exact powers of ten as ``10ⁿ`` and leaves other ticks (minor
            ticks of a log axis) blank; ``number`` labels every tick with
            :func:`format_number` and ``spec``.
        spec: The format spec of ``number`` ticks.
        every: For ``log``: label only the powers whose exponent is a multiple of
            ``every`` (fewer labels on a narrow drawing).

    Returns:
        A ``matplotlib.ticker.FuncFormatter``.
    """
    from matplotlib.ticker import FuncFormatter

    if every < 1:
        raise ValueError(f"every must be at least 1, not {every}")

    def label(value: float, _position: object = None) -> str:
        if kind == "log":
            return _power_of_ten(value, every)
        return format_number(value, spec)

    return FuncFormatter(label)


def _power_of_ten(value: float, every: int) -> str:
    if not math.isfinite(value) or value <= 0:
        return ""
    exponent = round(math.log10(value))
    if not math.isclose(value, 10.0**exponent, rel_tol=1e-9) or exponent % every:
        return ""
    return f"10{superscript(exponent)}"


def _real(value: float | int) -> float | int:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{value!r} is not a real number")
    number: float | int = int(value) if isinstance(value, numbers.Integral) else float(value)
    if not math.isfinite(number):
        raise ValueError(f"{value!r} has no printed form: numbers on the site are finite")
    return number


def _automatic(number: float | int) -> str:
    if isinstance(number, float) and number.is_integer() and abs(number) < 1e6:
        number = int(number)
    if isinstance(number, int):
        return _typeset(format(number, ",d" if abs(number) >= 10_000 else "d"), grouping=",")
    size = abs(number)
    if 1e-3 <= size < 1e6:
        if size < 100:
            return _typeset(format(number, ".3g"), grouping=None)
        return _typeset(format(number, ",.0f" if size >= 9_999.5 else ".0f"), grouping=",")
    # ".3g" would print 0.000123 without an exponent: "e" always has one, then drop the zeros
    mantissa, exponent = format(number, ".2e").split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return _typeset(f"{mantissa}e{exponent}", grouping=None)


def _typeset(text: str, *, grouping: str | None) -> str:
    def power(match: re.Match[str]) -> str:
        exponent = int(match["exponent"])
        if exponent == 0:
            return match["mantissa"]
        return f"{match['mantissa']}{TIMES}10{superscript(exponent)}"

    text = _EXPONENT.sub(power, text)
    if grouping == "_":
        text = text.replace("_", NARROW_NBSP)
    return _NEGATIVE.sub(MINUS, text)

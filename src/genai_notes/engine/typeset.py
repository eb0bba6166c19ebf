"""How a computed value is written: in text, in an attribute and in TeX.

The look of every number comes from :func:`genai_notes.numbers.format_number` when that
module exists (one formatter for the site); this module adds the TeX form for numbers that
stand inside a formula.
"""

from __future__ import annotations

import html
import importlib
import re
from typing import Any

from genai_notes.engine.expressions import ExpressionError

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_POWER = re.compile(r"\s*×\s*10(?P<exp>[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+)")
_PY_EXPONENT = re.compile(r"(?P<mantissa>[-+]?\d[\d,]*(?:\.\d+)?)e(?P<exp>[-+]\d+)")


def format_value(value: float | int | str, spec: str) -> str:
    """The value as plain text, formatted with a Python format spec (text is kept as is).

    Raises:
        ExpressionError: The spec does not apply to the value.
    """
    if isinstance(value, str):
        if spec:
            raise ExpressionError(f"format '{spec}' does not apply to the text {value[:40]!r}")
        return value
    try:
        numbers: Any = importlib.import_module("genai_notes.numbers")
    except ImportError:
        numbers = None
    try:
        if numbers is not None:
            return str(numbers.format_number(value, spec))
        text = format(value, spec) if spec else str(value)
    except (ValueError, TypeError) as exc:
        raise ExpressionError(f"format '{spec}' does not apply to {value!r}: {exc}") from None
    return _PY_EXPONENT.sub(_times_ten, text)


def _times_ten(match: re.Match[str]) -> str:
    exponent = int(match.group("exp"))
    digits = str(abs(exponent)).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return f"{match.group('mantissa')} × 10{'⁻' if exponent < 0 else ''}{digits}"


def as_html(text: str) -> str:
    """Plain text escaped for an element or an attribute."""
    return html.escape(text, quote=True)


def as_tex(text: str) -> str:
    """The formatted number as TeX, for a number that stands inside ``$...$``."""
    tex = _POWER.sub(
        lambda m: r" \times 10^{" + m.group("exp").translate(_SUPERSCRIPTS) + "}", text
    )
    tex = tex.replace("\u2212", "-").replace("\u202f", r"\,").replace("\u2009", r"\,")
    tex = tex.replace(",", "{,}").replace("%", r"\%")
    return html.escape(tex, quote=False)

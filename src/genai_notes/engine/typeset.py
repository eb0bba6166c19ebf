"""How a computed value is written: in text, in an attribute and in TeX.

The look of every number comes from :func:`genai_notes.numbers.format_number` (one formatter
for the site); this module adds the escaped HTML form and the TeX form for numbers that stand
inside a formula.
"""

from __future__ import annotations

import html
import re

from genai_notes.engine.expressions import ExpressionError
from genai_notes.numbers import format_number

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_POWER = re.compile(r"\s*×\s*10(?P<exp>[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+)")


def format_value(value: float | int | str, spec: str) -> str:
    """The value as plain text through the site's one number formatter (text is kept as is).

    Raises:
        ExpressionError: The spec does not apply to the value.
    """
    if isinstance(value, str):
        if spec:
            raise ExpressionError(f"format '{spec}' does not apply to the text {value[:40]!r}")
        return value
    try:
        return format_number(value, spec)
    except (ValueError, TypeError) as exc:
        raise ExpressionError(f"format '{spec}' does not apply to {value!r}: {exc}") from None


def as_html(text: str) -> str:
    """Plain text escaped for an element or an attribute."""
    return html.escape(text, quote=True)


def as_tex(text: str) -> str:
    """The formatted number as TeX, for a number that stands inside ``$...$``."""
    tex = _POWER.sub(
        lambda m: r" \times 10^{" + m.group("exp").translate(_SUPERSCRIPTS) + "}", text
    )
    tex = tex.replace("\u2212", "-").replace("\u202f", r"\,").replace("\u2009", r"\,")
    tex = tex.replace("\u00a0", " ")
    tex = tex.replace(",", "{,}").replace("%", r"\%")
    return html.escape(tex, quote=False)

"""Build-time math: turn Arithmatex's generic TeX spans into MathML.

Pages write math as ``$...$`` and ``$$...$$``. ``pymdownx.arithmatex`` in generic mode wraps it
as ``<span class="arithmatex">\\(...\\)</span>`` or ``<div class="arithmatex">\\[...\\]</div>``;
this module replaces each wrapper with MathML from latex2mathml, so the browser needs no script
and no raw TeX is left in the page. It knows nothing of MkDocs.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

from latex2mathml.converter import convert

_SPAN = re.compile(
    r'<(?P<tag>span|div) class="arithmatex">\\(?P<open>[(\[])(?P<tex>.*?)\\[)\]]</(?P=tag)>',
    re.DOTALL,
)
# Headings reach the table of contents as text, where Arithmatex's wrapper is plain \(...\).
_TOC_INLINE = re.compile(r"\\\((?P<tex>.*?)\\\)", re.DOTALL)
# latex2mathml keeps a command it does not know as text such as <mi>\foo</mi>.
_UNKNOWN_COMMAND = re.compile(r">(\\[A-Za-z]+)<")


@dataclass(frozen=True)
class MathError(Exception):
    """A formula that cannot be turned into MathML."""

    tex: str
    problem: str

    def __str__(self) -> str:
        return f"cannot render the formula ${self.tex}$: {self.problem}"


def tex_to_mathml(tex: str, *, display: bool) -> str:
    """Convert one TeX formula to a MathML ``<math>`` element.

    Args:
        tex: The formula without its dollar delimiters.
        display: True for a display (block) formula, False for inline.

    Returns:
        The MathML markup, with the TeX kept as an ``alttext`` attribute.

    Raises:
        MathError: The converter failed or left a command it does not know.
    """
    try:
        mathml = convert(tex, display="block" if display else "inline")
    except Exception as exc:  # latex2mathml raises bare Exception subclasses
        raise MathError(tex, f"{type(exc).__name__} {exc}".strip()) from exc
    unknown = _UNKNOWN_COMMAND.search(mathml)
    if unknown:
        raise MathError(tex, f"unknown command {unknown.group(1)}")
    alttext = html.escape(" ".join(tex.split()), quote=True)
    return mathml.replace("<math ", f'<math alttext="{alttext}" ', 1)


def render_math(page_html: str, on_error: Callable[[MathError], str]) -> str:
    """Replace every Arithmatex wrapper in ``page_html`` by MathML.

    Args:
        page_html: HTML produced by Markdown with ``pymdownx.arithmatex`` (generic mode).
        on_error: Called with each failure; returns the HTML to put in the formula's place.

    Returns:
        The HTML with MathML in place of the TeX.
    """

    def replace(match: re.Match[str]) -> str:
        tex = html.unescape(match.group("tex")).strip()
        display = match.group("open") == "["
        try:
            mathml = tex_to_mathml(tex, display=display)
        except MathError as exc:
            return on_error(exc)
        if display:
            return f'<div class="math-display" tabindex="0">{mathml}</div>'
        return mathml

    return _SPAN.sub(replace, page_html)


def render_heading_math(title: str, on_error: Callable[[MathError], str]) -> str:
    """Replace ``\\(...\\)`` in a table-of-contents title by inline MathML."""

    def replace(match: re.Match[str]) -> str:
        try:
            return tex_to_mathml(html.unescape(match.group("tex")).strip(), display=False)
        except MathError as exc:
            return on_error(exc)

    return _TOC_INLINE.sub(replace, title)


_CODE_OR_MATH = re.compile(r"<(pre|code|script|style|math)\b.*?</\1>", re.DOTALL | re.IGNORECASE)
_STRAY_DOLLAR = re.compile(r"[^\s<>]{0,20}\$[^<>]{0,20}")


def stray_dollars(page_html: str) -> list[str]:
    """Text around each ``$`` left in prose after rendering: math Arithmatex did not match.

    A formula like ``$s = $`` (space before the closing dollar) is not math to Arithmatex and
    would reach the reader as raw TeX, so the build reports it instead.
    """
    prose = _CODE_OR_MATH.sub("", page_html)
    return [match.group(0).strip() for match in _STRAY_DOLLAR.finditer(prose)]

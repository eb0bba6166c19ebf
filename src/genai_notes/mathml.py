"""Build-time math: turn Arithmatex's generic TeX spans into MathML.

Pages write math as ``$...$`` and ``$$...$$``. ``pymdownx.arithmatex`` in generic mode wraps it
as ``<span class="arithmatex">\\(...\\)</span>`` or ``<div class="arithmatex">\\[...\\]</div>``;
this module replaces each wrapper with MathML from latex2mathml, so the browser needs no script
and no raw TeX is left in the page. latex2mathml copies text such as ``\\text{<b>}`` into its
output unescaped, so every result passes an allow-list sanitiser (``nh3``): only MathML
elements and presentation attributes survive, never a script, an event handler or a URL.
It knows nothing of MkDocs.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

import nh3

MATHML_TAGS = frozenset(
    [
        "math",
        "semantics",
        "annotation",
        "mrow",
        "mi",
        "mn",
        "mo",
        "ms",
        "mtext",
        "mspace",
        "mfrac",
        "msqrt",
        "mroot",
        "msup",
        "msub",
        "msubsup",
        "mover",
        "munder",
        "munderover",
        "mtable",
        "mtr",
        "mtd",
        "mstyle",
        "mpadded",
        "mphantom",
        "menclose",
        "merror",
        "mmultiscripts",
        "mprescripts",
        "none",
    ]
)
"""Elements a formula may produce."""
MATHML_ATTRIBUTES = frozenset(
    [
        "display",
        "alttext",
        "mathvariant",
        "stretchy",
        "fence",
        "separator",
        "lspace",
        "rspace",
        "width",
        "height",
        "depth",
        "columnalign",
        "columnspacing",
        "columnlines",
        "rowalign",
        "rowspacing",
        "rowlines",
        "frame",
        "accent",
        "accentunder",
        "minsize",
        "maxsize",
        "movablelimits",
        "linethickness",
        "displaystyle",
        "scriptlevel",
        "form",
        "notation",
        "symmetric",
        "largeop",
        "encoding",
    ]
)
"""Presentation attributes a formula may keep (no ``href``, no ``on*``, no ``style``)."""

_SPAN = re.compile(
    r"(?P<before>[(\[\u201c]?)"
    r'<(?P<tag>span|div) class="arithmatex">\\(?P<open>[(\[])(?P<tex>.*?)\\[)\]]</(?P=tag)>'
    r"(?P<after>[)\],;:.!?\u201d]*)",
    re.DOTALL,
)
# An inline formula is one box to the browser's line breaker, which will break between it and
# an opening bracket before it or a closing one after it ("in GB (" at a line's end, "10⁹
# bytes)" on the next): those characters are kept with it in a span that does not wrap.
# Headings reach the table of contents as text, where Arithmatex's wrapper is plain \(...\).
_TOC_INLINE = re.compile(r"\\\((?P<tex>.*?)\\\)", re.DOTALL)
# latex2mathml keeps a command it does not know as text such as <mi>\foo</mi>.
_UNKNOWN_COMMAND = re.compile(r">(\\[A-Za-z]+)<")
# TeX's braced comma, as in 2{,}000: an ordinary symbol, no space after it. latex2mathml makes
# it an operator in its own <mrow>, which the browser spaces as a separator ("2, 000").
_BRACED_COMMA = "<mrow><mo>&#x0002C;</mo></mrow>"


@dataclass(frozen=True)
class MathError(Exception):
    """A formula that cannot be turned into MathML."""

    tex: str
    problem: str

    def __str__(self) -> str:
        tex = " ".join(self.tex.split())
        tex = tex if len(tex) <= 60 else tex[:59] + "…"
        return f"cannot render the formula «{tex}»: {self.problem}"


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
    _check_braces(tex)
    # Imported here: a warm build finds every formula in its memo and never loads the converter.
    from latex2mathml.converter import convert

    try:
        mathml = convert(tex, display="block" if display else "inline")
    except Exception as exc:  # latex2mathml raises bare Exception subclasses
        raise MathError(tex, f"{type(exc).__name__} {exc}".strip()) from exc
    unknown = _UNKNOWN_COMMAND.search(mathml)
    if unknown:
        raise MathError(tex, f"unknown command {unknown.group(1)}")
    mathml = _tight_braced_commas(mathml)
    alttext = html.escape(" ".join(tex.split()), quote=True)
    return sanitise(mathml.replace("<math ", f'<math alttext="{alttext}" ', 1))


def _tight_braced_commas(mathml: str) -> str:
    """Set ``{,}`` as TeX does: inside a number (``2{,}000``) one ``<mn>2,000</mn>``, elsewhere
    a comma with no space on either side."""
    mathml = mathml.replace(f"</mn>{_BRACED_COMMA}<mn>", ",")
    return mathml.replace(_BRACED_COMMA, '<mo lspace="0" rspace="0">,</mo>')


def _check_braces(tex: str) -> None:
    """Refuse unbalanced braces, which latex2mathml would silently accept or drop."""
    depth = 0
    escaped = False
    for char in tex:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                raise MathError(tex, "a '}' closes a brace that was never opened")
    if depth > 0:
        raise MathError(tex, f"{depth} '{{' never closed with '}}'")


def sanitise(mathml: str) -> str:
    """Keep only MathML elements and presentation attributes; drop scripts with their text."""
    return nh3.clean(
        mathml,
        tags=set(MATHML_TAGS),
        attributes={tag: set(MATHML_ATTRIBUTES) for tag in MATHML_TAGS},
        url_schemes=set(),
        link_rel=None,
        strip_comments=True,
    )


def render_math(
    page_html: str,
    on_error: Callable[[MathError], str],
    convert_tex: Callable[[str, bool], str] | None = None,
) -> str:
    """Replace every Arithmatex wrapper in ``page_html`` by MathML.

    Args:
        page_html: HTML produced by Markdown with ``pymdownx.arithmatex`` (generic mode).
        on_error: Called with each failure; returns the HTML to put in the formula's place.
        convert_tex: Converts one formula (TeX, display) to MathML; default
            :func:`tex_to_mathml` (a build passes a memoised one).

    Returns:
        The HTML with MathML in place of the TeX.
    """

    convert = convert_tex or (lambda tex, display: tex_to_mathml(tex, display=display))

    def replace(match: re.Match[str]) -> str:
        tex = html.unescape(match.group("tex")).strip()
        display = match.group("open") == "["
        try:
            mathml = convert(tex, display)
        except MathError as exc:
            return match.group("before") + on_error(exc) + match.group("after")
        before, after = match.group("before"), match.group("after")
        if display:
            return f'{before}<div class="math-display" tabindex="0">{mathml}</div>{after}'
        if before or after:
            return f'<span class="genai-math-nowrap">{before}{mathml}{after}</span>'
        return mathml

    return _SPAN.sub(replace, page_html)


def render_heading_math(
    title: str,
    on_error: Callable[[MathError], str],
    convert_tex: Callable[[str, bool], str] | None = None,
) -> str:
    """Replace ``\\(...\\)`` in a table-of-contents title by inline MathML (``convert_tex``
    as in :func:`render_math`)."""
    convert = convert_tex or (lambda tex, display: tex_to_mathml(tex, display=display))

    def replace(match: re.Match[str]) -> str:
        try:
            return convert(html.unescape(match.group("tex")).strip(), False)
        except MathError as exc:
            return on_error(exc)

    return _TOC_INLINE.sub(replace, title)


_CODE_OR_MATH = re.compile(
    r"<(pre|code|script|style|math)\b.*?</\1>"
    r'|<div class="[^"]*genai-error[^"]*"[^>]*>.*?</div>',
    re.DOTALL | re.IGNORECASE,
)
_STRAY_DOLLAR = re.compile(r"[^\s<>]{0,20}\$[^<>]{0,20}")


def stray_dollars(page_html: str) -> list[str]:
    """Text around each ``$`` left in prose after rendering: math Arithmatex did not match.

    A formula like ``$s = $`` (space before the closing dollar) is not math to Arithmatex and
    would reach the reader as raw TeX, so the build reports it instead.
    """
    if "$" not in page_html:
        return []
    prose = _CODE_OR_MATH.sub("", page_html)
    return [match.group(0).strip() for match in _STRAY_DOLLAR.finditer(prose)]

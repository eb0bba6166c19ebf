"""Computed numbers travel through Markdown as opaque tokens, so Markdown itself decides what
is code.

Before Markdown runs, :func:`protect` swaps every ``{{ ... }}`` of a page (and every ``{{``
that is never closed within its paragraph) for a token of letters and digits, which no Markdown
rule changes. After Markdown, :func:`fill` looks at where each token landed: inside code
(``<pre>``, ``<code>``, ``<kbd>``, ``<samp>``, ``<script>``, ``<style>``, ``<textarea>``, or an
HTML comment) it gets its original text back, escaped; inside math it gets the number in TeX; in
text or in an attribute it gets the computed value, escaped. Fenced, indented and inline code,
raw ``<pre>`` blocks and lone backticks are therefore handled exactly as Markdown handles them.
No MkDocs here.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

Context = Literal["code", "math", "attribute", "text"]

# An expression ends at the first "}}" before a blank line (a paragraph break).
_OPEN = re.compile(r"\{\{")
_CLOSE = re.compile(r"\}\}|\n[ \t]*\n")
_CODE = re.compile(
    r"<(?P<tag>pre|code|kbd|samp|script|style|textarea)\b[^>]*>.*?</(?P=tag)\s*>|<!--.*?-->",
    re.DOTALL | re.IGNORECASE,
)
_MATH = re.compile(
    r'<(?P<tag>span|div) class="arithmatex">.*?</(?P=tag)>', re.DOTALL | re.IGNORECASE
)


@dataclass(frozen=True)
class Slot:
    """One ``{{ ... }}`` (or unclosed ``{{``) of a page.

    Attributes:
        token: What stands in its place while Markdown runs.
        source: The text as the author wrote it.
        body: The expression and format spec between the braces ("" when unclosed).
        closed: False for a ``{{`` with no ``}}`` in its paragraph.
        line: 1-based line of the ``{{`` in the Markdown given to :func:`protect`.
        column: 1-based column of the ``{{``.
    """

    token: str
    source: str
    body: str
    closed: bool
    line: int
    column: int


def protect(markdown: str, prefix: str) -> tuple[str, list[Slot]]:
    """Swap each ``{{ ... }}`` for a token ``<prefix><n>Z``.

    Args:
        markdown: The page's Markdown.
        prefix: Letters that start every token of this page (unique per page and build).

    Returns:
        The Markdown with tokens, and the slots in order.
    """
    if "{{" not in markdown:
        return markdown, []
    slots: list[Slot] = []
    out: list[str] = []
    position = 0
    for opening in _OPEN.finditer(markdown):
        start = opening.start()
        if start < position:
            continue  # inside the previous expression
        close = _CLOSE.search(markdown, opening.end())
        closed = close is not None and close.group(0) == "}}"
        end = close.end() if close is not None and closed else opening.end()
        line = markdown.count("\n", 0, start) + 1
        column = start - (markdown.rfind("\n", 0, start) + 1) + 1
        token = f"{prefix}{len(slots):05d}Z"
        body = markdown[opening.end() : close.start()] if close is not None and closed else ""
        slots.append(Slot(token, markdown[start:end], body, closed, line, column))
        out.append(markdown[position:start])
        out.append(token)
        position = end
    out.append(markdown[position:])
    return "".join(out), slots


def contexts(page_html: str, tokens: Iterable[str]) -> dict[str, Context]:
    """Where each token stands in ``page_html`` (tokens not found are left out)."""
    wanted = set(tokens)
    found: dict[str, Context] = {}
    pattern = _token_pattern(wanted)
    if pattern is None:
        return found
    code = [(m.start(), m.end()) for m in _CODE.finditer(page_html)]
    math = [(m.start(), m.end()) for m in _MATH.finditer(page_html)]
    for match in pattern.finditer(page_html):
        at = match.start()
        if _inside(at, code):
            found[match.group(0)] = "code"
        elif _inside(at, math):
            found[match.group(0)] = "math"
        elif _in_tag(page_html, at):
            found[match.group(0)] = "attribute"
        else:
            found[match.group(0)] = "text"
    return found


def fill(page_html: str, slots: Iterable[Slot], render: Callable[[Slot, Context], str]) -> str:
    """Replace each slot's token by ``render(slot, context)``, or by its source inside code.

    ``render`` returns HTML-safe text (this function escapes nothing it gets back from it).
    """
    by_token = {slot.token: slot for slot in slots}
    if not by_token:
        return page_html
    where = contexts(page_html, by_token)

    def swap(match: re.Match[str]) -> str:
        slot = by_token[match.group(0)]
        context = where.get(slot.token, "text")
        if context == "code":
            return html.escape(slot.source, quote=False)
        return render(slot, context)

    pattern = _token_pattern(set(by_token))
    return pattern.sub(swap, page_html) if pattern is not None else page_html


def restore(text: str, slots: Iterable[Slot]) -> str:
    """Put the authors' text back for any token in ``text`` (for messages and plain text)."""
    by_token = {slot.token: slot for slot in slots}
    pattern = _token_pattern(set(by_token))
    return pattern.sub(lambda m: by_token[m.group(0)].source, text) if pattern else text


def _token_pattern(tokens: set[str]) -> re.Pattern[str] | None:
    if not tokens:
        return None
    return _prefix_pattern(tuple(sorted({token[:-6] for token in tokens})))


@functools.lru_cache(maxsize=256)
def _prefix_pattern(prefixes: tuple[str, ...]) -> re.Pattern[str]:
    """One page's tokens (a page has one prefix), compiled once for all its events."""
    return re.compile("(?:" + "|".join(re.escape(p) for p in prefixes) + r")\d{5}Z")


def _in_tag(page_html: str, at: int) -> bool:
    """Whether ``at`` lies inside a start tag ``<name ...>`` (in an attribute): the last ``<``
    before it opens a tag and no ``>`` closed it since."""
    opening = page_html.rfind("<", 0, at)
    return (
        opening >= 0
        and page_html[opening + 1 : opening + 2].isalpha()
        and page_html.find(">", opening, at) < 0
    )


def _inside(at: int, spans: list[tuple[int, int]]) -> bool:
    """Whether ``at`` lies in one of ``spans`` (sorted, non-overlapping): a binary search."""
    low, high = 0, len(spans)
    while low < high:
        middle = (low + high) // 2
        start, end = spans[middle]
        if at < start:
            high = middle
        elif at >= end:
            low = middle + 1
        else:
            return True
    return False

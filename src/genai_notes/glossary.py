"""The glossary: one file of abbreviation definitions feeds the tooltips and the Glossary page.

The file uses Python-Markdown's abbreviation syntax, one term a line: ``*[BF16]: Brain floating
point, a 16-bit format ...``. ``pymdownx.snippets`` appends it to every page (hover tooltips,
which Python-Markdown writes as escaped attributes); :func:`glossary_html` turns the same lines
into the Glossary page's definition list, with every term and definition escaped, so each
definition is written once and none can add markup. Problems are returned with their line,
never raised, so one bad line costs one message and the rest of the glossary still works.
This module knows nothing of MkDocs.
"""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass

_ENTRY = re.compile(r"^\*\[(?P<term>[^\]]+)\]:\s*(?P<definition>.+?)\s*$")
MARKER = "<!-- glossary -->"


@dataclass(frozen=True)
class Term:
    """One glossary entry and the line it stands on."""

    term: str
    definition: str
    line: int = 0


@dataclass(frozen=True)
class Problem:
    """A line of the glossary file that is not a usable entry."""

    line: int
    column: int
    message: str


def read_glossary(text: str) -> tuple[list[Term], list[Problem]]:
    """Read the abbreviation file's text: its terms, sorted case-insensitively, and problems.

    A term written twice keeps its first definition; spellings that differ only in case must
    share one definition (they share one Glossary entry).
    """
    terms: dict[str, Term] = {}
    folded: dict[str, Term] = {}  # the first spelling of each term, by its case-folded form
    problems: list[Problem] = []
    comment_from: int | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if comment_from is not None or line.lstrip().startswith("<!--"):
            if comment_from is None:
                comment_from = number
            if "-->" in line:
                comment_from = None
            continue
        if not line.strip():
            continue
        match = _ENTRY.match(line)
        if match is None:
            problems.append(Problem(number, 1, "not a glossary entry (write *[TERM]: definition)"))
            continue
        term, definition = match.group("term"), match.group("definition")
        problem = _check(term, definition, terms, folded)
        if problem:
            problems.append(Problem(number, 1, problem))
            continue
        terms[term] = Term(term, definition, number)
        folded.setdefault(term.casefold(), terms[term])
    if comment_from is not None:
        problems.append(
            Problem(
                comment_from,
                1,
                "this <!-- comment is never closed with --> (it would hide every entry below it)",
            )
        )
    return sorted(terms.values(), key=lambda t: t.term.casefold()), problems


def _check(term: str, definition: str, terms: dict[str, Term], folded: dict[str, Term]) -> str:
    if term in terms:
        return f"'{term}' is defined twice (first on line {terms[term].line})"
    if "{{" in definition or "}}" in definition:
        return "a glossary definition cannot hold a computed number ({{ }}): write it in words"
    other = folded.get(term.casefold())
    if other is not None and other.definition != definition:
        return (
            f"'{term}' and '{other.term}' (line {other.line}) differ only in case, so they "
            "share one entry: give them the same definition"
        )
    return ""


def glossary_html(terms: list[Term]) -> str:
    """The Glossary page's definition list, every term and definition escaped.

    Spellings that differ only in case (``bf16`` and ``BF16``, both needed for tooltips since
    abbreviations match case) share one entry.
    """
    entries: dict[str, list[Term]] = {}
    for term in terms:
        entries.setdefault(term.term.casefold(), []).append(term)
    items = "".join(
        f"<dt>{html.escape(', '.join(t.term for t in group))}</dt>"
        f"<dd>{html.escape(group[0].definition)}</dd>"
        for group in entries.values()
    )
    return f'<dl class="genai-glossary">{items}</dl>'


_ABBR = re.compile(r'<abbr title="[^"]*">(?P<text>.*?)</abbr>', re.DOTALL)
_HEADING = re.compile(r"<h[1-6]\b.*?</h[1-6]>", re.DOTALL | re.IGNORECASE)


def first_uses_only(page_html: str) -> str:
    """Keep each term's tooltip at its first use on the page, outside headings; later uses
    (and uses in headings) become plain text, as a careful editor would mark them.

    Python-Markdown's abbreviation extension writes every use as ``<abbr title="...">``; this
    works on that markup only, so it needs no general HTML parser.
    """
    if "<abbr" not in page_html:
        return page_html
    starts, ends = [], []
    for heading in _HEADING.finditer(page_html):
        starts.append(heading.start())
        ends.append(heading.end())
    seen: set[str] = set()

    def keep(match: re.Match[str]) -> str:
        text = match.group("text")
        before = bisect.bisect_right(starts, match.start()) - 1  # the last heading to start
        in_heading = before >= 0 and match.start() < ends[before]
        if in_heading or text in seen:
            return text
        seen.add(text)
        return match.group(0)

    return _ABBR.sub(keep, page_html)

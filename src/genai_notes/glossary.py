"""The glossary: one file of abbreviation definitions feeds the tooltips and the Glossary page.

The file uses Python-Markdown's abbreviation syntax, one term a line: ``*[BF16]: Brain floating
point, a 16-bit format ...``. ``pymdownx.snippets`` appends it to every page (hover tooltips);
:func:`glossary_markdown` turns the same lines into the Glossary page's definition list, so each
definition is written once. This module knows nothing of MkDocs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_ENTRY = re.compile(r"^\*\[(?P<term>[^\]]+)\]:\s*(?P<definition>.+?)\s*$")
MARKER = "<!-- glossary -->"


@dataclass(frozen=True)
class Term:
    """One glossary entry."""

    term: str
    definition: str


def read_glossary(path: Path) -> list[Term]:
    """Read the abbreviation file, sorted case-insensitively by term.

    Raises:
        ValueError: A non-blank line that is not an entry, or a term defined twice; the message
            names the line.
    """
    terms: dict[str, Term] = {}
    in_comment = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if in_comment or line.lstrip().startswith("<!--"):
            in_comment = "-->" not in line  # an HTML comment, possibly over several lines
            continue
        if not line.strip():
            continue
        match = _ENTRY.match(line)
        if match is None:
            raise ValueError(f"{path.name}:{number}: not a glossary entry '*[TERM]: definition'")
        term = match.group("term")
        if term in terms:
            raise ValueError(f"{path.name}:{number}: '{term}' is defined twice")
        terms[term] = Term(term, match.group("definition"))
    return sorted(terms.values(), key=lambda t: t.term.casefold())


def glossary_markdown(terms: list[Term]) -> str:
    """Render terms as a Markdown definition list (needs the ``def_list`` extension).

    Spellings that differ only in case (``bf16`` and ``BF16``, both needed for tooltips since
    abbreviations match case) share one entry.
    """
    entries: dict[str, list[Term]] = {}
    for term in terms:
        entries.setdefault(term.term.casefold(), []).append(term)
    return "\n".join(
        f"{', '.join(t.term for t in group)}\n:   {group[0].definition}\n"
        for group in entries.values()
    )

"""The Solutions appendix: every chapter's worked solutions, gathered from the rendered pages.

A problem's page holds its worked solution in a ``<details>`` element that ``engine.problems``
writes (between ``<!--GNXS-->`` markers); the page that holds :data:`MARKER` gets them all, in
navigation order, each linked back to its problem. Kept apart from ``engine.problems`` so that
a build that replays its pages gathers solutions without importing the problem engine.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

_SOLUTION = re.compile(
    r'<details class="genai-problem-solution" data-for="(?P<id>[a-z0-9-]+)" '
    r'data-title="(?P<title>[^"]*)"><summary>Solution</summary><!--GNXS-->'
    r"(?P<body>.*?)<!--/GNXS-->",
    re.DOTALL,
)
MARKER = "<!-- genai-notes:solutions -->"
"""Where the Solutions appendix page wants the worked solutions of every chapter."""


@dataclass(frozen=True)
class Solution:
    """A problem's worked solution as rendered in its page."""

    id: str
    title: str
    html: str


def solutions(page_html: str) -> list[Solution]:
    """The worked solutions of a rendered page, in page order."""
    return [
        Solution(m.group("id"), html.unescape(m.group("title")), m.group("body"))
        for m in _SOLUTION.finditer(page_html)
    ]


def appendix_html(chapters: Sequence[tuple[str, str, list[Solution]]]) -> str:
    """The Solutions appendix: per chapter (title, URL of its page), each worked solution with a
    link back to its problem."""
    parts: list[str] = []
    for title, url, found in chapters:
        if not found:
            continue
        parts.append(f'<h2 class="genai-solutions-chapter">{html.escape(title)}</h2>')
        for solution in found:
            link = html.escape(f"{url}#problem-{solution.id}", quote=True)
            id_ = html.escape(solution.id, quote=True)
            parts.append(
                f'<section class="genai-solution" data-solution="{id_}">'
                f'<h3><a href="{link}">{html.escape(solution.title)}</a></h3>'
                f"{solution.html}</section>"
            )
    if not parts:
        return "<p>No chapter has problems yet.</p>"
    return "\n".join(parts)

"""Tokens that stand in a page's Markdown for what the engine puts there after Markdown ran.

A figure (``GNXF…Z``) or a problem (``GNXP…Z``) is a token on a line of its own, which Markdown
wraps in a paragraph (``<p>TOKEN</p>``); its markup replaces the paragraph. A token inside a
paragraph is replaced alone. No MkDocs here.
"""

from __future__ import annotations

import re
from collections.abc import Callable

Replace = Callable[[str, str], str]
"""The markup for a token, given the token and the text it replaces (the token, or the
paragraph ``<p>TOKEN</p>`` it is alone in); returning that text leaves the token as it was."""


def swap_tokens(text: str, token: re.Pattern[str], replace: Replace) -> str:
    """``text`` with each match of ``token`` (and the paragraph it is alone in) replaced.

    ``token`` must start with literal characters: the regular expression engine then skips to
    each candidate at once (a pattern that may start with ``<p>`` is tried at every character,
    about 40 times slower on a page).
    """
    parts: list[str] = []
    last = 0
    for match in token.finditer(text):
        start, end = match.span()
        if start >= 3 and text.startswith("<p>", start - 3) and text.startswith("</p>", end):
            start, end = start - 3, end + 4
        parts.append(text[last:start])
        parts.append(replace(match.group(0), text[start:end]))
        last = end
    if not parts:
        return text
    parts.append(text[last:])
    return "".join(parts)

"""'Did you mean' for near misses: figure names, parameters, science names, glossary terms."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

CUTOFF = 0.6
"""Similarity (difflib's ratio, 0 to 1) a known name needs to be suggested."""


def close_matches(word: str, known: Iterable[object], limit: int = 3) -> list[str]:
    """The known names most like ``word``, best first (at most ``limit``, maybe none)."""
    names = [str(name) for name in known]
    found = difflib.get_close_matches(word, names, n=limit, cutoff=CUTOFF)
    if not found:  # a case slip ("Bf16") or a missing family prefix ("temperature")
        folded = {name.casefold(): name for name in names}
        tail = {name.rsplit(".", 1)[-1].casefold(): name for name in names}
        hit = folded.get(word.casefold()) or tail.get(word.rsplit(".", 1)[-1].casefold())
        found = [hit] if hit else []
    return found


def did_you_mean(word: str, known: Iterable[object]) -> str:
    """``"; did you mean 'x'?"`` for the closest known name, or ``""``: never a list of all."""
    found = close_matches(word, known)
    if not found:
        return ""
    return "; did you mean " + " or ".join(f"'{name}'" for name in found[:2]) + "?"

"""Build artefacts a figure function reads (the tiny model's weights file, say).

A figure module that reads one names it in ``ARTEFACTS`` (e.g. ``ARTEFACTS = ("tinylm",)``);
the engine then mixes the artefact's digest into the figure's cache key and hands the drawing
job the artefact's path, which :func:`path` returns inside the figure function. No MkDocs.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

__all__ = ["ArtefactMissingError", "path", "use"]

_CURRENT: dict[str, Path] = {}


class ArtefactMissingError(LookupError):
    """A figure asked for an artefact that the build did not provide."""


def use(artefacts: Iterable[tuple[str, str]]) -> None:
    """Set the artefacts of the job about to be drawn (name, path)."""
    _CURRENT.clear()
    _CURRENT.update((name, Path(where)) for name, where in artefacts)


def path(name: str) -> Path:
    """The file of artefact ``name`` for the figure being drawn."""
    try:
        return _CURRENT[name]
    except KeyError:
        raise ArtefactMissingError(
            f"the build provides no '{name}' artefact (is ARTEFACTS set in the figure module?)"
        ) from None

"""The figure cache: SVGs on disk, keyed by everything that shapes them.

A key hashes the figure's name and checked parameters, the source of the function that draws
it, the shared drawing code (base, style, render), the science package's source, and the
versions of matplotlib, numpy and Python. Editing one figure function changes only its own
figures' keys. Entries are written atomically (a temporary file, then ``os.replace``); an
unreadable entry is a miss; nothing is written for a failure. No matplotlib import here.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import platform
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from genai_notes.figures.registry import FigureDef
from genai_notes.figures.style import THEMES

_PACKAGE = Path(__file__).resolve().parent.parent
_SHARED = ("figures/base.py", "figures/style.py", "figures/render.py")


def shared_fingerprint() -> str:
    """Hash of the code every figure depends on, and of the library versions."""
    digest = hashlib.sha256()
    paths = [_PACKAGE / name for name in _SHARED]
    paths += sorted((_PACKAGE / "science").glob("*.py"))
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    for library in ("matplotlib", "numpy"):
        digest.update(f"{library}={importlib.metadata.version(library)}".encode())
    digest.update(platform.python_version().encode())
    return digest.hexdigest()


@cache
def _source_digest(source: str) -> str:
    return hashlib.sha256(source.encode()).hexdigest()


def figure_key(
    figure: FigureDef, params: dict[str, Any], shared: str, source: str | None = None
) -> str:
    """The cache key of one figure drawn with ``params`` (already checked).

    ``source`` is the figure's code as read once per build (``figure.source()`` otherwise), so
    that a file saved in the middle of a build cannot give one figure two keys.
    """
    payload = json.dumps(
        {
            "name": figure.name,
            "params": params,
            "source": _source_digest(figure.source() if source is None else source),
            "shared": shared,
        },
        sort_keys=True,
        default=repr,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:20]


class FigureCache:
    """SVG files in one folder, named ``<key>-<theme>.svg``."""

    def __init__(self, folder: Path) -> None:
        """Use ``folder`` (created on first write)."""
        self.folder = folder

    def path(self, key: str, theme: str) -> Path:
        """Where the SVG of ``key`` in ``theme`` lives."""
        return self.folder / f"{key}-{theme}.svg"

    def has(self, key: str) -> bool:
        """Whether every theme's SVG of ``key`` is present and readable as an SVG."""
        return all(self._readable(self.path(key, theme.name)) for theme in THEMES)

    @staticmethod
    def _readable(path: Path) -> bool:
        try:
            with path.open("rb") as handle:
                head = handle.read(256)
        except OSError:
            return False
        return b"<svg" in head or head.startswith(b"<?xml")

    def put(self, key: str, svgs: dict[str, bytes]) -> None:
        """Write each theme's SVG atomically."""
        self.folder.mkdir(parents=True, exist_ok=True)
        for theme, svg in svgs.items():
            target = self.path(key, theme)
            fd, temporary = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".svg")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(svg)
                os.replace(temporary, target)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise

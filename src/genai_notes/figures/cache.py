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
import inspect
import json
import os
import platform
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from genai_notes.figures.html import Artifacts
from genai_notes.figures.registry import FigureDef
from genai_notes.figures.registry import sources as registry_sources
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


def source_digest(source: str) -> str:
    """The hash of a figure's code, as :func:`figure_key` takes it."""
    return hashlib.sha256(source.encode()).hexdigest()


def figure_key(
    figure: FigureDef, params: dict[str, Any], shared: str, digest: str | None = None
) -> str:
    """The cache key of one figure drawn with ``params`` (already checked).

    ``digest`` is the hash of the figure's code as read once per build (see
    :func:`source_digests`), so that a file saved in the middle of a build cannot give one
    figure two keys; without it, the code is read now.
    """
    payload = json.dumps(
        {
            "name": figure.name,
            "params": params,
            "source": digest or source_digest(figure.source()),
            "shared": shared,
        },
        sort_keys=True,
        default=repr,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:20]


def source_digests(figures: Mapping[str, FigureDef], folder: Path) -> dict[str, str]:
    """Each figure's code digest, reusing the last build's when no figure module changed.

    Reading the code a figure reaches means tokenizing its helpers, a noticeable share of a
    warm build; the digests are stored with a fingerprint (path, size, mtime) of every figure
    module and reused while the fingerprint holds. An unreadable record is ignored.
    """
    fingerprint = _modules_fingerprint(figures)
    record = folder / "sources.json"
    try:
        stored = json.loads(record.read_text(encoding="utf-8"))
        if stored["fingerprint"] == fingerprint and set(stored["digests"]) == set(figures):
            return {name: str(digest) for name, digest in stored["digests"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    digests = {name: source_digest(code) for name, code in registry_sources(figures).items()}
    _write_atomically(record, json.dumps({"fingerprint": fingerprint, "digests": digests}))
    return digests


def _modules_fingerprint(figures: Mapping[str, FigureDef]) -> list[list[Any]]:
    paths = {Path(p) for p in (_PACKAGE / "figures").glob("*.py")}
    paths |= {Path(inspect.getfile(f.function)) for f in figures.values()}
    return [[str(p), p.stat().st_size, p.stat().st_mtime_ns] for p in sorted(paths)]


def _write_atomically(target: Path, text: str | bytes) -> None:
    """Write ``target`` through a temporary file in its folder and ``os.replace``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode() if isinstance(text, str) else text
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


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

    def artifacts(self, key: str) -> Artifacts | None:
        """The stored table and size of ``key``, or None (missing or unreadable: a miss)."""
        try:
            return Artifacts.from_json((self.folder / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return None

    def put_artifacts(self, key: str, artifacts: Artifacts) -> None:
        """Store the table and size of ``key`` atomically."""
        _write_atomically(self.folder / f"{key}.json", artifacts.to_json())

    def put(self, key: str, svgs: dict[str, bytes]) -> None:
        """Write each theme's SVG atomically."""
        for theme, svg in svgs.items():
            _write_atomically(self.path(key, theme), svg)

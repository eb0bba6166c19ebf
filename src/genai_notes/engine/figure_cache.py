"""The figure cache: each figure's SVGs and data on disk, keyed by the bytes of all it depends on.

A key hashes the figure's name and checked parameters with a *code stamp*: the bytes of the
figure's module and of every module it imports (read from the import statements, transitively),
of the modules that draw and write tables, and the versions of matplotlib, numpy and Python.
An entry is a manifest (``<key>.json``: the data table, the sizes, and the SHA-256, size,
mtime and inode of each SVG) beside its SVG files; it is used only when the manifest reads and
every SVG is the file that was written (same size, mtime and inode) or its bytes match their
hash, so a truncated or edited file is a miss and is drawn again. Entries are written atomically,
the SVGs before the manifest; failures are never stored; entries no build used are pruned.
No MkDocs, no matplotlib here.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from genai_notes.engine.files import (
    TextMemo,
    digest,
    file_stat,
    import_closure,
    versions,
    write_atomically,
)

if TYPE_CHECKING:  # reading a manifest imports them (a replayed page reads none)
    from genai_notes.figures.base import Table
    from genai_notes.figures.marks import Marks

VARIANTS = ("light", "dark", "phone-light", "phone-dark")
"""The SVGs of a drawn figure: each palette, at the wide and at the phone size."""
MANIFEST_FORMAT = 2
"""The manifest's layout (2: with marks); part of every key, so older entries are misses."""
RENDERING_MODULES = (
    "genai_notes.engine.drawing",
    "genai_notes.engine.figure_cache",
    "genai_notes.figures.marks",
    "genai_notes.figures.render",
    "genai_notes.figures.html",
    "genai_notes.figures.style",
)
"""Modules every figure's output passes through, besides the figure's own imports."""


@dataclass(frozen=True)
class Entry:
    """What the page needs of a drawn figure besides its SVG files.

    Attributes:
        table: The values plotted (rendered to HTML and CSV on every build).
        size: Wide drawing size in inches, or None for a table-only figure.
        phone_size: Phone drawing size in inches, or None for a table-only figure.
        marks: Where each table row was plotted, in the wide (``""``) and phone
            (``"phone-"``) drawing; empty when the figure has no line, scatter or bar whose
            values are rows of its table (it is then not explorable).
        digest: SHA-256 of the manifest it was read from ("" for an entry not read from
            disk): what is rendered from the table and marks can be memoised under it.
    """

    table: Table
    size: tuple[float, float] | None
    phone_size: tuple[float, float] | None
    marks: dict[str, Marks] = field(default_factory=dict)
    digest: str = field(default="", compare=False)

    def to_json(self, hashes: Mapping[str, str], stats: Mapping[str, list[int]]) -> str:
        """The manifest text, with the hash, size and mtime of each SVG variant."""
        return json.dumps(
            {
                "format": MANIFEST_FORMAT,
                "marks": {k: v.to_data() for k, v in self.marks.items()},
                "table": {
                    "columns": list(self.table.columns),
                    "rows": [list(row) for row in self.table.rows],
                    "formats": self.table.formats,
                },
                "size": self.size,
                "phone_size": self.phone_size,
                "svgs": dict(hashes),
                "stats": dict(stats),
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> tuple[Entry, dict[str, str], dict[str, list[int]]]:
        """Read a manifest: the entry, the SVG hashes and their recorded sizes and mtimes.

        Raises:
            ValueError: Not a manifest this module wrote.
        """
        from genai_notes.figures.base import Table
        from genai_notes.figures.marks import Marks

        try:
            data = json.loads(text)
            if data.get("format") != MANIFEST_FORMAT:
                raise ValueError(f"format {data.get('format')!r}, not {MANIFEST_FORMAT}")
            table = data["table"]
            entry = cls(
                Table(
                    tuple(str(c) for c in table["columns"]),
                    tuple(tuple(row) for row in table["rows"]),
                    {str(k): str(v) for k, v in table["formats"].items()},
                ),
                _size(data["size"]),
                _size(data["phone_size"]),
                {str(k): Marks.from_data(v) for k, v in data["marks"].items()},
                hashlib.sha256(text.encode()).hexdigest(),
            )
            hashes = {str(k): str(v) for k, v in data["svgs"].items()}
            stats = {str(k): [int(n) for n in v] for k, v in data.get("stats", {}).items()}
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise ValueError(f"not a figure manifest: {exc}") from None
        return entry, hashes, stats


def _size(value: Any) -> tuple[float, float] | None:
    if value is None:
        return None
    width, height = value
    return float(width), float(height)


def code_stamp(figure_module: str, memo: TextMemo | None = None) -> str:
    """The hash of every file that shapes a figure of ``figure_module``, and library versions."""
    files = import_closure([figure_module, *RENDERING_MODULES], memo)
    return digest(files, *versions("matplotlib", "numpy"))


def figure_key(name: str, params: Mapping[str, Any], stamp: str) -> str:
    """The cache key of figure ``name`` drawn with checked ``params`` under code ``stamp``."""
    payload = json.dumps(
        {"name": name, "params": params, "code": stamp, "format": MANIFEST_FORMAT},
        sort_keys=True,
        default=repr,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:24]


class FigureCache:
    """Figure entries in one folder: ``<key>.json`` and ``<key>-<variant>.svg``."""

    def __init__(self, folder: Path) -> None:
        """Use ``folder`` (created on first write)."""
        self.folder = folder
        self._used: set[str] = set()

    def svg_path(self, key: str, variant: str) -> Path:
        """Where the SVG of ``key`` in ``variant`` lives."""
        return self.folder / f"{key}-{variant}.svg"

    def get(self, key: str) -> Entry | None:
        """The whole, checked entry of ``key``, or None (missing, unreadable, or altered)."""
        try:
            entry, hashes, stats = Entry.from_json((self.folder / f"{key}.json").read_text("utf-8"))
        except (OSError, ValueError):
            return None
        wanted = VARIANTS if entry.size is not None else ()
        if set(hashes) != set(wanted):
            return None
        for variant in wanted:
            path = self.svg_path(key, variant)
            try:
                if file_stat(path) == stats.get(variant):
                    continue  # untouched since it was written and hashed
                data = path.read_bytes()
            except OSError:
                return None
            if hashlib.sha256(data).hexdigest() != hashes[variant]:
                return None
        self._used.add(key)
        return entry

    def file_stats(self, key: str) -> dict[str, list[int]] | None:
        """Size, modification time and inode of each file of ``key``'s entry, by name in the
        folder (None if its manifest is missing): unchanged stats mean unchanged files."""
        names = [f"{key}.json", *(f"{key}-{variant}.svg" for variant in VARIANTS)]
        found = {}
        for name in names:
            with contextlib.suppress(OSError):
                found[name] = file_stat(self.folder / name)
        return found if f"{key}.json" in found else None

    def unchanged(self, stats: Mapping[str, list[int]]) -> bool:
        """Whether every named file still has the recorded size, modification time and inode."""
        try:
            return all(file_stat(self.folder / name) == list(stat) for name, stat in stats.items())
        except OSError:
            return False

    def mark_used(self, keys: Iterable[str]) -> None:
        """Count ``keys`` as used by this build (a page replayed from its record shows them)."""
        self._used.update(keys)

    def put(self, key: str, entry: Entry, svgs: Mapping[str, bytes]) -> None:
        """Store an entry: the SVGs first, then the manifest that vouches for them."""
        hashes, stats = {}, {}
        for variant, svg in svgs.items():
            path = self.svg_path(key, variant)
            write_atomically(path, svg)
            hashes[variant] = hashlib.sha256(svg).hexdigest()
            stats[variant] = file_stat(path)
        write_atomically(self.folder / f"{key}.json", entry.to_json(hashes, stats))
        self._used.add(key)

    def prune(self, keep: Iterable[str] = ()) -> int:
        """Delete entries that this build did not use (nor ``keep``); return how many files."""
        used = self._used | set(keep)
        removed = 0
        if not self.folder.is_dir():
            return removed
        for path in self.folder.iterdir():
            stem = path.name.split("-", 1)[0].removesuffix(".json").removesuffix(".svg")
            is_entry = path.suffix in (".json", ".svg") and len(stem) == 24
            if is_entry and stem not in used:
                path.unlink(missing_ok=True)
                removed += 1
        return removed

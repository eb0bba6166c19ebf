"""What the engine did to each page, kept so that the next build with the same inputs replays it.

A warm build used to redo, for every page, what the engine does to it: find its blocks, check
them, read their cache entries, fill in numbers, place MathML and figures, even though every
result came from a memo. A :class:`PageRecord` keeps the outcome of the three steps instead,
each with what it was made from:

1. the Markdown handed to MkDocs, under a key that hashes the page's own Markdown, its place in
   the site and the build's stamp (every file of the package, the glossary, the Markdown
   settings, library versions);
2. the page's HTML after numbers and MathML, used only when MkDocs made the very same HTML of
   that Markdown (its SHA-256, with the titles of the table of contents, must match);
3. the markup of each figure, used only when the page reached the figure step unchanged and
   every cache file the figures show still has the size, modification time and inode it had
   (a file edited in place, truncated or replaced is a miss, and the page is redone).

Markup that joins the page after search indexes it (MathML, data tables) is kept as the memo
key that produced it, not copied. Only pages that gave no warning are recorded, and only by a
build whose glossary, figure modules and tiny model all loaded, so a warning is never lost.
No MkDocs here.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from genai_notes.engine.files import write_atomically

Recipe = tuple[str, str]
"""Where deferred markup comes from: the name of a memo and the key in it."""
FileCall = tuple[str, str | None, str | None]
"""A file a figure added to the site: its site path, its path in the figure cache (relative to
the cache folder) or None, and its text content or None."""


@dataclass
class PageRecord:
    """One page's passage through the engine (see the module's text for when each part holds).

    Attributes:
        markdown: The Markdown handed to MkDocs (blocks and numbers swapped for tokens).
        html_in: SHA-256 of the HTML MkDocs made of ``markdown``, with the titles.
        html: The page's HTML after numbers and MathML.
        titles: The table of contents' titles after numbers and MathML, depth first.
        title: The page's title after them (None: the page had none).
        figures: The markup of each figure token of ``html``.
        files: The files the figures added to the site, in order.
        checks: Each cache file shown and its size, modification time and inode.
        deferred: The recipe of each deferred-markup token in ``html`` and ``figures``.
        keys: The cache key of each figure shown (a walkthrough's steps included).
        model: The tiny model's digest and note when the page shows it, else empty.
        playground: The page has a tiny-model playground.
    """

    markdown: str
    html_in: str = ""
    html: str = ""
    titles: list[str] = field(default_factory=list)
    title: str | None = None
    figures: dict[str, str] = field(default_factory=dict)
    files: list[FileCall] = field(default_factory=list)
    checks: dict[str, list[int]] = field(default_factory=dict)
    deferred: dict[str, Recipe] = field(default_factory=dict)
    keys: list[str] = field(default_factory=list)
    model: list[str] = field(default_factory=list)
    playground: bool = False

    @classmethod
    def from_data(cls, data: Any) -> PageRecord | None:
        """A record read back from JSON (None if it is not one, field by field: a damaged
        file is a miss, never a wrong page or a traceback)."""
        try:
            record = cls(**data)
            record.files = [(u, p, c) for u, p, c in record.files]
            record.deferred = {t: (m, k) for t, (m, k) in record.deferred.items()}
        except (TypeError, ValueError, AttributeError):
            return None
        return record if record.well_formed() else None

    def well_formed(self) -> bool:
        """Whether every field has the type it is written with."""
        texts = [self.markdown, self.html_in, self.html, *self.titles, *self.keys, *self.model]
        texts += [*self.figures, *self.figures.values(), *self.deferred]
        texts += [part for recipe in self.deferred.values() for part in recipe]
        files = all(
            isinstance(uri, str) and all(isinstance(x, str | None) for x in (path, text))
            for uri, path, text in self.files
        )
        checks = all(
            isinstance(name, str) and isinstance(stat, list) and all(type(n) is int for n in stat)
            for name, stat in self.checks.items()
        )
        containers = [
            isinstance(self.titles, list),
            isinstance(self.figures, dict),
            isinstance(self.checks, dict),
            isinstance(self.deferred, dict),
            isinstance(self.keys, list),
            isinstance(self.model, list),
        ]
        return (
            all(isinstance(text, str) for text in texts)
            and isinstance(self.title, str | None)
            and type(self.playground) is bool
            and files
            and checks
            and all(containers)
        )


def text_digest(*parts: str | None) -> str:
    """SHA-256 of a sequence of texts, each with its length (so that no two sequences give
    the same bytes); None is distinct from every text. How records are keyed and checked."""
    digest = hashlib.sha256()
    for part in parts:
        data = b"" if part is None else part.encode("utf-8", "surrogatepass")
        digest.update(b"N" if part is None else f"{len(data)}:".encode())
        digest.update(data)
    return digest.hexdigest()


def content_digest(page_html: str, titles: list[str], title: str | None) -> str:
    """What step 2 of a record is checked against: the page's HTML and titles as MkDocs made."""
    return text_digest(page_html, str(len(titles)), *titles, title)


class PageMemo:
    """Page records by key, valid for one stamp, in one JSON file (like ``engine.memo``)."""

    def __init__(self, path: Path, stamp: str, *, enabled: bool = True) -> None:
        """Load ``path`` if it was written under ``stamp``; otherwise start empty."""
        self.path = path
        self.stamp = stamp
        self.enabled = enabled
        self._old: dict[str, Any] = {}
        self._new: dict[str, PageRecord] = {}
        self._used: set[str] = set()
        if not enabled:
            return
        try:
            stored = json.loads(path.read_bytes())
            if isinstance(stored, dict) and stored.get("stamp") == stamp:
                entries = stored.get("entries", {})
                self._old = dict(entries) if isinstance(entries, dict) else {}
        except (OSError, ValueError, AttributeError):
            pass

    @property
    def replayed(self) -> bool:
        """Whether this build replayed a record (and so did not ask the other memos for what
        that page needs)."""
        return bool(self._used)

    def get(self, key: str) -> PageRecord | None:
        """The record of ``key``, or None."""
        data = self._old.get(key)
        record = None if data is None else PageRecord.from_data(data)
        if record is not None:
            self._used.add(key)
        return record

    def forget(self, key: str) -> None:
        """Drop ``key`` (its replay failed: the page is redone and maybe recorded again)."""
        self._used.discard(key)
        self._new.pop(key, None)

    def put(self, key: str, record: PageRecord) -> None:
        """Remember ``record`` (written by :meth:`save`)."""
        self._new[key] = record
        self._used.discard(key)

    def save(self, *, prune: bool = True) -> None:
        """Write the records this build used or made, if they differ from the file's.

        ``prune=False`` keeps the records it did not use as well (a build of some pages only,
        such as ``mkdocs serve --dirty``).
        """
        if not self.enabled:
            return
        used = self._used if prune else set(self._old)
        entries = {key: self._old[key] for key in used if key in self._old}
        entries.update({key: asdict(record) for key, record in self._new.items()})
        if entries.keys() == self._old.keys() and not self._new:
            return
        payload = {"stamp": self.stamp, "entries": dict(sorted(entries.items()))}
        write_atomically(self.path, json.dumps(payload, ensure_ascii=False))

"""A small persistent memo: results of pure functions of text, kept in one JSON file.

The MathML of each formula and the text of each computed number are stored under a *stamp*
that hashes the bytes of the code that produced them and the versions of the libraries they
used; a different stamp starts an empty memo, so an entry is never stale. Entries not used by a
build are dropped when it saves (unless it replayed pages). A file that cannot be read is an
empty memo. No MkDocs here.
"""

from __future__ import annotations

import json
from pathlib import Path

from genai_notes.engine.files import write_atomically


class Memo:
    """Text results by text key, valid for one stamp."""

    def __init__(self, path: Path, stamp: str, *, enabled: bool = True) -> None:
        """A memo of ``path`` if it was written under ``stamp``; otherwise an empty one. The
        file is read on first use (a build that replays every page needs few memos).

        A memo that is not ``enabled`` remembers nothing and writes nothing (cache off).
        """
        self.path = path
        self.stamp = stamp
        self.enabled = enabled
        self._stored: dict[str, str] | None = None if enabled else {}
        self._new: dict[str, str] = {}

    @property
    def _old(self) -> dict[str, str]:
        """The entries of the file (read now if they were not yet)."""
        if self._stored is None:
            self._stored = {}
            try:
                stored = json.loads(self.path.read_bytes())
                if isinstance(stored, dict) and stored.get("stamp") == self.stamp:
                    entries = stored.get("entries", {})
                    self._stored = {str(k): v for k, v in entries.items() if isinstance(v, str)}
            except (OSError, ValueError, AttributeError):
                pass
        return self._stored

    def get(self, key: str) -> str | None:
        """The stored result of ``key``, or None."""
        found = self._new.get(key)
        if found is None:
            found = self._old.get(key)
            if found is not None:
                self._new[key] = found
        return found

    def put(self, key: str, value: str) -> None:
        """Remember ``value`` for ``key`` (written by :meth:`save`)."""
        self._new[key] = value

    def save(self, *, prune: bool = True) -> None:
        """Write the entries this build used, if they differ from what the file holds.

        ``prune=False`` keeps the entries it did not use as well: a build that replayed pages
        (``engine.page_memo``) did not ask for their entries, which a later edit may need.
        """
        if not self.enabled or (not prune and not self._new):
            return  # nothing to add (and the file, perhaps never read, stays as it is)
        kept = self._new if prune else {**self._old, **self._new}
        if kept == self._old:
            return
        payload = {"stamp": self.stamp, "entries": dict(sorted(kept.items()))}
        write_atomically(self.path, json.dumps(payload, ensure_ascii=False))
        self._stored = dict(kept)

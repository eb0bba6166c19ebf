"""The training corpus: the notes' own Markdown pages."""

from __future__ import annotations

from pathlib import Path

__all__ = ["notes_corpus"]


def notes_corpus(docs_dir: Path) -> tuple[str, ...]:
    """The text of every `*.md` page under `docs_dir`, ordered by relative path (POSIX), so
    the corpus, and the artefact key, do not depend on the file system's listing order."""
    root = Path(docs_dir)
    pages = sorted(root.rglob("*.md"), key=lambda p: p.relative_to(root).as_posix())
    return tuple(p.read_text(encoding="utf-8") for p in pages)

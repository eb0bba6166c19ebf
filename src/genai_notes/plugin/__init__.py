"""The MkDocs plugin: thin event wiring over the MkDocs-free modules of ``genai_notes``."""

from __future__ import annotations

from genai_notes.plugin.plugin import GenaiNotesPlugin

__all__ = ["GenaiNotesPlugin"]

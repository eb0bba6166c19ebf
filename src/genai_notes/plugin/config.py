"""The plugin's options, as written under ``plugins: - genai-notes:`` in ``mkdocs.yml``."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class GenaiNotesConfig(base.Config):
    """Options of the genai-notes plugin."""

    enabled = c.Type(bool, default=True)
    """Turn the whole plugin off (math, computed numbers and figures are then left raw)."""

    glossary = c.File(exists=True, default="includes/abbreviations.md")
    """The abbreviation file that feeds the tooltips and the Glossary page."""

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

    figures = c.Type(bool, default=True)
    """Draw figure blocks; when off, each block is left as a code block (fast drafts)."""

    cache = c.Type(bool, default=True)
    """Reuse figures drawn by earlier builds; off draws every figure again."""

    cache_dir = c.Type(str, default=".cache/plugin/genai-notes")
    """Where drawn figures are kept, relative to mkdocs.yml (keep it out of git)."""

    figure_modules = c.ListOfItems(c.Type(str), default=[])
    """Extra modules that define figures, importable from the folder of mkdocs.yml."""

    solutions_skip = c.ListOfItems(c.Type(str), default=["authoring/"])
    """Pages (by path prefix under docs/) whose problems stay out of the Solutions appendix."""
    model_cache_dir = c.Type(str, default=".cache/tinylm")
    """Where the tiny model's trained weights are kept, relative to mkdocs.yml (out of git)."""

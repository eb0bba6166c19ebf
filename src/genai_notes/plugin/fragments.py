"""The site's own Markdown, for the engine to convert a fragment (a problem) on its own.

The engine memoises what it converts, so the memo's stamp must change whenever the output
could: the extensions and their settings, the versions of the libraries that convert, and the
files the snippets extension may include (the abbreviations are appended to every page).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import markdown  # type: ignore[import-untyped]
from mkdocs.config.defaults import MkDocsConfig

from genai_notes.engine.files import digest, versions

LIBRARIES = ("markdown", "pymdown-extensions", "mkdocs", "mkdocs-material")
"""Libraries whose code shapes a page's HTML from its Markdown."""


PROBE = "GNXPROBE"
"""A paragraph converted once to learn what the site appends to every page."""


def converter(config: MkDocsConfig) -> Callable[[str], str]:
    """Markdown to HTML with the site's extensions (one converter, made on first use).

    What the snippets extension appends to every page (the abbreviations, which mark their
    terms, and the comment at the top of their file) is appended to every fragment too; the
    comment's HTML is taken off again, as a page carries it once, at its end.
    """
    made: list[tuple[markdown.Markdown, str]] = []

    def convert(text: str) -> str:
        if not made:
            md = markdown.Markdown(
                extensions=config.markdown_extensions,
                extension_configs=config.mdx_configs or {},
            )
            probe: str = md.convert(PROBE)
            opening = f"<p>{PROBE}</p>"
            made.append((md, probe.removeprefix(opening) if probe.startswith(opening) else ""))
        md, trailer = made[0]
        md.reset()
        html: str = md.convert(text)
        return html.removesuffix(trailer) if trailer else html

    return convert


def stamp(config: MkDocsConfig, project: Path) -> str:
    """What the converter's output depends on besides the text it converts (this module's
    code included)."""
    settings = json.dumps(
        [config.markdown_extensions, config.mdx_configs or {}], sort_keys=True, default=_name
    )
    snippets = (config.mdx_configs or {}).get("pymdownx.snippets", {})
    bases = snippets.get("base_path", ["."])
    files = [
        path
        for base in ([bases] if isinstance(bases, str) else bases)
        if (project / base).is_dir() and (project / base) != project
        for path in (project / base).rglob("*")
        if path.is_file()
    ]
    return digest([Path(__file__), *files], settings, *versions(*LIBRARIES))


def _name(value: Any) -> str:
    """A setting JSON cannot hold (a function, an extension object) by its qualified name,
    never by its ``repr``, which holds a memory address that changes with every process."""
    kind = value if callable(value) and hasattr(value, "__qualname__") else type(value)
    return f"{getattr(kind, '__module__', '')}.{getattr(kind, '__qualname__', repr(kind))}"

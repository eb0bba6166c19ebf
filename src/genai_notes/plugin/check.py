"""``genai-notes check``: the strict build's author checks on some pages, without a build.

Each page goes through the same engine calls as in a build (figure blocks read, checked and
keyed; computed numbers evaluated; formulas converted; stray dollars found), with Markdown
run as the site configures it, but nothing is drawn or written. MkDocs' own checks (links,
anchors, navigation) need a real build: ``scripts/mkdocs build --strict``.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Sequence
from pathlib import Path

import markdown  # type: ignore[import-untyped]
from mkdocs.config import load_config
from mkdocs.utils.meta import get_data

from genai_notes.plugin.plugin import page_label, settings_for


def check(config_file: Path, pages: Sequence[Path]) -> list[str]:
    """Messages for ``pages`` (every page of the site when empty), as a strict build gives them.

    Raises:
        ValueError: A page that is not a Markdown file under the site's ``docs_dir``.
    """
    config = load_config(str(config_file))
    options = config.plugins["genai-notes"].config
    build_module = importlib.import_module("genai_notes.engine.build")
    drawing = importlib.import_module("genai_notes.engine.drawing")
    messages: list[str] = []
    settings = settings_for(options, config)
    build = build_module.Build(settings, drawing.DrawingPool(()), messages.append)
    docs = Path(config.docs_dir).resolve()
    chosen = [p.resolve() for p in pages] or sorted(docs.rglob("*.md"))
    converter = markdown.Markdown(
        extensions=config.markdown_extensions, extension_configs=config.mdx_configs
    )
    for path in chosen:
        if path.suffix != ".md" or not path.is_relative_to(docs) or not path.is_file():
            raise ValueError(f"{os.path.relpath(path)} is not a Markdown page under {docs}")
        uri = path.relative_to(docs).as_posix()
        source = path.read_text(encoding="utf-8")
        body, _ = get_data(source)
        offset = source.count("\n", 0, source.find(body[:200])) if body.strip() else 0
        where = build_module.Where(page_label(config, uri), source, max(offset, 0))
        text = build.markdown(uri, where, body)
        build.content(uri, converter.reset().convert(text), [], None)
    return messages

"""The figure catalogue: generated from the registry, so it cannot drift from the code.

A page that holds the marker ``<!-- figure-catalogue -->`` gets, for every registered figure,
its one-line purpose, the figure drawn at its defaults (an ordinary figure block, so it goes
through the same checks and cache as any other), and a table of its parameters with type,
default, allowed values and meaning, all read from the function's signature, type hints and
docstring. No MkDocs here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from genai_notes.figures.registry import FigureDef

MARKER = "<!-- figure-catalogue -->"


def expand(markdown: str, figures: Mapping[str, FigureDef]) -> str:
    """Replace the catalogue marker (if any) with the catalogue."""
    if MARKER not in markdown:
        return markdown
    return markdown.replace(MARKER, catalogue_markdown(figures))


def catalogue_markdown(figures: Mapping[str, FigureDef]) -> str:
    """Markdown for every figure: heading, purpose, figure at defaults, parameter table."""
    return "\n".join(_entry(figure) for figure in figures.values())


def _entry(figure: FigureDef) -> str:
    family = figure.name.split(".")[0]
    lines = [
        f"### `{figure.name}` {{ #{figure.name.replace('.', '-')} }}",
        "",
        f"{figure.info.summary} Family: `{family}`; drawn by "
        f"`{figure.function.__module__}.{figure.function.__name__}`.",
        "",
        "```figure",
        f"name: {figure.name}",
        f"caption: {json.dumps(figure.name + ' at its default parameters.')}",
        f"alt: {json.dumps(_alt(figure))}",
        "```",
        "",
        # a class for the stylesheet: a parameter's name never breaks inside (group_size|s)
        '<div class="genai-catalogue-params" markdown>',
        "",
        "| Parameter | Type | Default | Allowed | Meaning |",
        "| --- | --- | --- | --- | --- |",
    ]
    lines += [
        f"| `{p.name}` | {p.type_name} | `{_yaml(p.default)}` | {_cell(p.allowed or 'any')} "
        f"| {_cell(p.meaning)} |"
        for p in figure.parameters
    ]
    if not figure.parameters:
        lines.append("| (none) | | | | |")
    lines += ["", "</div>"]
    return "\n".join(lines) + "\n"


def _alt(figure: FigureDef) -> str:
    return f"The figure {figure.name} drawn with its default parameters: {figure.info.summary}"


def _yaml(value: Any) -> str:
    """A default as an author would write it in a figure block (JSON is valid YAML)."""
    return json.dumps(value)


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")

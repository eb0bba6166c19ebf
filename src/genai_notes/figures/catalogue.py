"""The figure catalogue: generated from the registry, so it cannot drift from the code.

A page that holds the marker ``<!-- figure-catalogue -->`` gets, for every registered figure,
its one-line purpose, the figure drawn at its defaults (an ordinary figure block, so it goes
through the same checks and cache as any other), and a table of its parameters with type,
default, allowed values and meaning, all read from the function's signature, type hints and
docstring. No MkDocs here.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from typing import Any

from genai_notes.figures.registry import FigureDef

MARKER = "<!-- figure-catalogue -->"


def expand(markdown: str, figures: Mapping[str, FigureDef]) -> str:
    """Replace the catalogue marker (if any) with the catalogue."""
    if MARKER not in markdown:
        return markdown
    return markdown.replace(MARKER, catalogue_markdown(figures))


PARAMETERS = '<div class="genai-catalogue-params">'
"""How each figure's parameter table starts: one line of HTML in the catalogue's Markdown."""


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
        _parameters(figure),
    ]
    return "\n".join(lines) + "\n"


def _parameters(figure: FigureDef) -> str:
    """The parameter table as one line of HTML (Markdown's table extension would take half of
    the page's build time to make the same table). Its class lets the stylesheet keep a
    parameter's name on one line (``group_size`` never breaks inside)."""
    head = "".join(f"<th>{name}</th>" for name in ("Parameter", "Type", "Default", "Allowed"))
    rows = [
        f"<tr><td><code>{html.escape(p.name)}</code></td><td>{html.escape(p.type_name)}</td>"
        f"<td><code>{html.escape(_yaml(p.default), quote=False)}</code></td>"
        f"<td>{_inline(p.allowed or 'any')}</td><td>{_inline(p.meaning)}</td></tr>"
        for p in figure.parameters
    ] or ["<tr><td>(none)</td><td></td><td></td><td></td><td></td></tr>"]
    return (
        f"{PARAMETERS}<table><thead><tr>"
        f"{head}<th>Meaning</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


_CODE = re.compile(r"(`+)(.+?)\1")


def _inline(text: str) -> str:
    """Plain text as HTML, its ``code`` spans (one or two backticks) as code."""
    parts = _CODE.split(" ".join(text.split()))
    out = []
    for index in range(0, len(parts), 3):  # text, then (ticks, code) pairs
        out.append(html.escape(parts[index], quote=False))
        if index + 2 < len(parts):
            out.append(f"<code>{html.escape(parts[index + 2].strip(), quote=False)}</code>")
    return "".join(out)


def _alt(figure: FigureDef) -> str:
    return f"The figure {figure.name} drawn with its default parameters: {figure.info.summary}"


def _yaml(value: Any) -> str:
    """A default as an author would write it in a figure block (JSON is valid YAML)."""
    return json.dumps(value)

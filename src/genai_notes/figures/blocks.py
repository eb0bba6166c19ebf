"""Figure blocks in Markdown: find them, and read their YAML into a :class:`FigureBlock`.

An author writes::

    ```figure
    name: sampling.temperature
    params:
      temperatures: [0.5, 1.0, 2.0]
    caption: One next-token distribution at three temperatures.
    alt: Grouped bars of six tokens' probabilities at three temperatures.
    ```

Blocks inside another fence (an example in a code block) are left alone. This module knows
nothing of MkDocs or matplotlib.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\n]*?)[ \t]*$")
# libyaml's loader when PyYAML was built with it: the same documents, several times faster.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
KEYS = {"name": True, "params": False, "caption": True, "alt": True, "id": False}
_ID = re.compile(r"^[a-z][a-z0-9-]*$")


class BlockError(ValueError):
    """A malformed figure block; the message is one readable sentence."""


@dataclass(frozen=True)
class FigureBlock:
    """One figure block as the author wrote it.

    Attributes:
        line: 1-based line of the opening fence in the Markdown.
        name: The figure's registered name.
        params: The parameters as written (checked later against the figure).
        caption: The caption under the figure.
        alt: Alternative text describing what the figure shows.
        id: Optional anchor id for links to the figure.
    """

    line: int
    name: str
    caption: str
    alt: str
    params: dict[str, Any] = field(default_factory=dict)
    id: str | None = None


@dataclass(frozen=True)
class RawBlock:
    """A figure block's place in the Markdown: lines [start, end) and its indentation."""

    start: int
    end: int
    indent: str
    body: str


def find_blocks(markdown: str) -> Iterator[RawBlock]:
    """Yield each top-level ```figure fence (0-based line span, indent, YAML body).

    Raises:
        BlockError: A figure fence that is never closed (the message names its line).
    """
    lines = markdown.splitlines()
    outer: str | None = None
    index = 0
    while index < len(lines):
        match = _FENCE.match(lines[index])
        if match is None:
            index += 1
            continue
        fence = match.group("fence")
        if outer is not None:
            if fence.startswith(outer) and not match.group("info"):
                outer = None
            index += 1
            continue
        if match.group("info") != "figure":
            outer = fence
            index += 1
            continue
        end = _closing(lines, index, fence)
        if end is None:
            raise BlockError(f"line {index + 1}: the figure block is never closed with {fence}")
        indent = match.group("indent")
        body = "\n".join(line.removeprefix(indent) for line in lines[index + 1 : end])
        yield RawBlock(index, end + 1, indent, body)
        index = end + 1


def _closing(lines: list[str], start: int, fence: str) -> int | None:
    for index in range(start + 1, len(lines)):
        match = _FENCE.match(lines[index])
        if match and match.group("fence").startswith(fence) and not match.group("info"):
            return index
    return None


def parse_block(raw: RawBlock) -> FigureBlock:
    """Read a block's YAML.

    Raises:
        BlockError: Bad YAML, not a mapping, a missing or unknown key, or a value of the wrong
            type.
    """
    try:
        data = yaml.load(raw.body, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {raw.start + 2 + mark.line}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if "mapping values are not allowed" in problem:
            problem += " (put text that contains ': ' in quotes)"
        raise BlockError(f"the block is not valid YAML{where}: {problem}") from None
    if not isinstance(data, dict):
        raise BlockError("the block must be YAML keys (name, params, caption, alt)")
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise BlockError(
            f"unknown key {', '.join(repr(k) for k in unknown)} (allowed: {', '.join(KEYS)})"
        )
    missing = [key for key, required in KEYS.items() if required and not data.get(key)]
    if missing:
        raise BlockError(f"the block needs {' and '.join(repr(k) for k in missing)}")
    for key in ("name", "caption", "alt"):
        if not isinstance(data[key], str):
            raise BlockError(f"'{key}' must be text, got {data[key]!r}")
    params = data.get("params") or {}
    if not isinstance(params, dict):
        raise BlockError(f"'params' must be YAML keys and values, got {params!r}")
    block_id = data.get("id")
    if block_id is not None and (not isinstance(block_id, str) or not _ID.match(block_id)):
        raise BlockError(f"'id' must be lower-case letters, digits and dashes, got {block_id!r}")
    return FigureBlock(
        line=raw.start + 1,
        name=data["name"].strip(),
        caption=data["caption"].strip(),
        alt=data["alt"].strip(),
        params={str(k): v for k, v in params.items()},
        id=block_id,
    )

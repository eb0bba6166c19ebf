"""Walkthrough blocks: a process shown one figure per step, read from a ```walkthrough fence.

An author writes::

    ```walkthrough
    id: attention-steps
    title: Scaled dot-product attention, step by step
    steps:
      - figure: walkthroughs.attention
        params: {step: scores}
        caption: The scores of {{ 4 }} tokens against each other.
        alt: A 4 by 4 grid of scores.
    ```

Each step becomes a :class:`~genai_notes.figures.blocks.FigureBlock`, so the build checks,
keys, caches and draws it like any figure block; :func:`walkthrough_html` wraps the steps'
figures in one element (``data-walkthrough``, one ``data-step`` per step) that
``docs/javascripts/walkthroughs.js`` turns into a stepper, and that shows every step as a strip
without JavaScript and in print. The YAML is read by :mod:`genai_notes.figures.blocks` (no
anchors, no aliases, no repeated key). Nothing here knows MkDocs or matplotlib.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

import yaml

from genai_notes.figures import blocks

KIND = "walkthrough"
KEYS = {"id": True, "title": True, "steps": True}
STEP_KEYS = {"figure": True, "params": False, "caption": True, "alt": True}
MAX_STEPS = 12
_ID = re.compile(r"^[a-z][a-z0-9-]*$")


@dataclass(frozen=True)
class WalkthroughBlock:
    """One walkthrough as the author wrote it.

    Attributes:
        line: 1-based Markdown line of the opening fence.
        id: The walkthrough's id, unique in its page (its anchor).
        title: Its title (plain text).
        steps: One figure block per step, with the lines of its keys.
    """

    line: int
    id: str
    title: str
    steps: tuple[blocks.FigureBlock, ...]


def parse_walkthrough(raw: blocks.RawBlock) -> WalkthroughBlock:
    """Read a walkthrough block's YAML.

    Raises:
        blocks.BlockError: Bad YAML, a missing, unknown or repeated key, a value of the wrong
            type, no steps or too many; ``line`` is the Markdown line of the problem.
    """
    fence = raw.start + 1
    if len(raw.body) > blocks.MAX_BLOCK:
        raise blocks.BlockError(f"the block is longer than {blocks.MAX_BLOCK} characters", fence)
    node = blocks.compose(raw)
    data = blocks.construct(node, raw)
    first = raw.start + 2
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise blocks.BlockError("the block must be YAML keys (id, title, steps)", fence)
    lines = {str(key.value): first + key.start_mark.line for key, _ in node.value}
    _check_keys(data, KEYS, lines, fence)
    block_id, title, steps = data["id"], data["title"], data["steps"]
    if not isinstance(block_id, str) or not _ID.match(block_id):
        raise blocks.BlockError(
            f"'id' must be lower-case letters, digits and dashes, got {blocks.short(block_id)}",
            lines["id"],
        )
    if not isinstance(title, str):
        raise blocks.BlockError(f"'title' must be text, got {blocks.short(title)}", lines["title"])
    if not isinstance(steps, list) or not 2 <= len(steps) <= MAX_STEPS:
        raise blocks.BlockError(
            f"'steps' must be a list of 2 to {MAX_STEPS} steps (each with figure, caption, alt)",
            lines["steps"],
        )
    step_nodes = dict(node.value)
    steps_node = next(v for k, v in step_nodes.items() if k.value == "steps")
    parsed = tuple(
        _step(item, item_node, first, index)
        for index, (item, item_node) in enumerate(zip(steps, steps_node.value, strict=True))
    )
    return WalkthroughBlock(fence, block_id, title.strip(), parsed)


def _check_keys(
    data: dict[Any, Any], keys: dict[str, bool], lines: dict[str, int], at: int
) -> None:
    unknown = sorted(set(map(str, data)) - set(keys))
    if unknown:
        raise blocks.BlockError(
            f"unknown key {', '.join(repr(k) for k in unknown)} (allowed: {', '.join(keys)})",
            lines.get(unknown[0], at),
        )
    missing = [key for key, required in keys.items() if required and not data.get(key)]
    if missing:
        raise blocks.BlockError(f"the block needs {' and '.join(repr(k) for k in missing)}", at)


def _step(item: Any, node: Any, first: int, index: int) -> blocks.FigureBlock:
    """One step as a figure block (its ``figure`` is the block's ``name``)."""
    at = first + node.start_mark.line
    if not isinstance(item, dict) or not isinstance(node, yaml.MappingNode):
        raise blocks.BlockError(
            f"step {index + 1} must be YAML keys (figure, params, caption, alt)", at
        )
    lines: dict[str, int] = {}
    for key, value in node.value:
        lines[str(key.value)] = first + key.start_mark.line
        if key.value == "params" and isinstance(value, yaml.MappingNode):
            for inner, _ in value.value:
                lines[f"params.{inner.value}"] = first + inner.start_mark.line
    try:
        _check_keys(item, STEP_KEYS, lines, at)
    except blocks.BlockError as exc:
        raise blocks.BlockError(f"step {index + 1}: {exc}", exc.line) from None
    for key in ("figure", "caption", "alt"):
        if not isinstance(item[key], str):
            raise blocks.BlockError(
                f"step {index + 1}: '{key}' must be text, got {blocks.short(item[key])}",
                lines[key],
            )
    params = item.get("params") or {}
    if not isinstance(params, dict):
        raise blocks.BlockError(
            f"step {index + 1}: 'params' must be YAML keys and values, got {blocks.short(params)}",
            lines["params"],
        )
    lines["name"] = lines["figure"]
    return blocks.FigureBlock(
        line=lines["figure"],
        name=item["figure"].strip(),
        caption=item["caption"].strip(),
        alt=item["alt"].strip(),
        params={str(k): v for k, v in params.items()},
        lines=lines,
    )


def walkthrough_html(block: WalkthroughBlock, figures: list[str]) -> str:
    """The walkthrough's element: its title and every step's figure, each in a ``data-step``.

    Args:
        block: The walkthrough.
        figures: Each step's figure HTML (or error box), in order.
    """
    count = len(figures)
    ident = html.escape(block.id)
    title = html.escape(block.title)
    steps = "".join(
        f'<li class="genai-walkthrough__step" data-step="{number}" '
        f'aria-label="Step {number} of {count}">'
        f'<p class="genai-walkthrough__number">Step {number} of {count}</p>{figure}</li>'
        for number, figure in enumerate(figures, start=1)
    )
    return (
        f'<div class="genai-walkthrough" id="{ident}" data-walkthrough="{ident}" '
        f'data-steps="{count}" role="group" aria-labelledby="{ident}-title">'
        f'<p class="genai-walkthrough__title" id="{ident}-title">{title}</p>'
        f'<ol class="genai-walkthrough__steps">{steps}</ol></div>'
    )

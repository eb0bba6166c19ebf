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
import reprlib
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\n]*?)[ \t]*$")
# libyaml's loader when PyYAML was built with it: the same documents, several times faster.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
KIND = "figure"
"""The fence's info word: ```figure."""
KEYS = {"name": True, "params": False, "caption": True, "alt": True, "id": False}
_ID = re.compile(r"^[a-z][a-z0-9-]*$")


class BlockError(ValueError):
    """A malformed figure block; the message is one readable sentence.

    Attributes:
        line: 1-based line of the Markdown the problem is on, when known.
    """

    def __init__(self, message: str, line: int | None = None) -> None:
        """Keep the message and the line."""
        super().__init__(message)
        self.line = line


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
        lines: 1-based Markdown line of each key (``params.x`` for a parameter).
    """

    line: int
    name: str
    caption: str
    alt: str
    params: dict[str, Any] = field(default_factory=dict)
    id: str | None = None
    lines: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class RawBlock:
    """A block's place in the Markdown: lines [start, end), its indentation, its YAML body
    and its kind (the fence's info word: ``figure``, ``walkthrough``, ``problem``...)."""

    start: int
    end: int
    indent: str
    body: str
    kind: str = KIND


def find_blocks(markdown: str, kind: str = KIND) -> Iterator[RawBlock]:
    """Yield each ```KIND fence (``figure``, ``problem``, ...) that Markdown reads as a fence:
    its 0-based line span, indentation and YAML body (see :func:`scan_blocks`).

    Raises:
        BlockError: A fence of that kind that is never closed (the message names its line).
    """
    found, error = scan_blocks(markdown, (kind,))
    yield from found
    if error is not None:
        raise error


def scan_blocks(markdown: str, kinds: Collection[str]) -> tuple[list[RawBlock], BlockError | None]:
    """Every fence of one of ``kinds`` that Markdown reads as a fence, in one pass, in order;
    and the error that stopped the scan, if any.

    A fence inside another fence or in an indented code block (after a blank line, four spaces
    deeper than its container: the page, an admonition, a tab, a list item) is text to
    Python-Markdown and SuperFences, and is left alone; so is a fence in an HTML comment that
    opens on its own line (a block commented out). A fence of one of ``kinds`` that is never
    closed ends the scan with a :class:`BlockError` naming its line; the blocks before it are
    returned all the same.
    """
    lines = markdown.split("\n")  # as Python-Markdown splits
    context = _Context()
    found: list[RawBlock] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if not context.is_fence_line(line):
            index += 1
            continue
        match = _FENCE.match(line)
        assert match is not None
        fence = match.group("fence")
        end = _closing(lines, index, fence)
        kind = match.group("info")
        if kind not in kinds:
            index = len(lines) if end is None else end + 1  # an unclosed fence runs to the end
            context.after_block()
            continue
        if end is None:
            return found, BlockError(f"the {kind} block is never closed with {fence}", index + 1)
        indent = match.group("indent")
        body = "\n".join(line.removeprefix(indent) for line in lines[index + 1 : end])
        found.append(RawBlock(index, end + 1, indent, body, kind))
        index = end + 1
        context.after_block()
    return found, None


def splice(
    markdown: str,
    replaced: Sequence[tuple[RawBlock, Sequence[tuple[str, int]]]],
    line_map: list[int],
) -> str:
    """``markdown`` with the lines of each block replaced by new lines.

    Each new line comes with the 1-based line of ``markdown`` it stands for; ``line_map``
    (the source line of each line of ``markdown``) is changed in step, so messages about the
    new lines still name the author's line. The blocks must not overlap.
    """
    lines = markdown.split("\n")
    for raw, new in sorted(replaced, key=lambda pair: pair[0].start, reverse=True):
        lines[raw.start : raw.end] = [text for text, _ in new]
        line_map[raw.start : raw.end] = [
            line_map[n - 1] if 1 <= n <= len(line_map) else n for _, n in new
        ]
    return "\n".join(lines)


_CONTAINER = re.compile(
    r"^(?:[!?]{3}\+?[ \t]+\S|={3}\+?[ \t]+\""  # admonition, details, tab
    r"|[-*+][ \t]+\S|\d{1,9}[.)][ \t]+\S"  # list item
    r"|\[\^[^\]]+\]:|:[ \t]+\S)"  # footnote, definition
)
"""A line that opens a block whose content is indented by four: an admonition (``!!!``,
``???``), a tab (``===``), a list item, a footnote or a definition."""
_TAB = 4
_FENCE_CHARS = ("`", "~")


class _Context:
    """Where a line stands in Markdown's blocks, line by line: the indentation of each open
    container, whether the line before was blank, and whether an indented code block or an HTML
    comment is open."""

    def __init__(self) -> None:
        self.containers: list[int] = []
        self.blank = True
        self.code = False
        self.comment = False
        self.in_list = False

    def is_fence_line(self, line: str) -> bool:
        """Read one line; True when it opens a fence Markdown would read as one."""
        if self.comment:
            self.comment = "-->" not in line
            return False
        text = line.lstrip()
        if not text:
            self.blank = True
            return False
        indent = len(line) - len(text)
        if "\t" in line[:indent]:
            indent = len(line[:indent].expandtabs(_TAB))
        after_blank, self.blank = self.blank, False
        while self.containers and indent < self.containers[-1] and after_blank:
            self.containers.pop()
        base = self.containers[-1] if self.containers else 0
        if self.code and indent >= base + _TAB:
            return False
        self.code = False
        if indent >= base + _TAB and after_blank:
            self.code = True  # deeper than its container after a blank line: indented code
            return False
        if text.startswith("<!--") and "-->" not in text:
            self.comment = True
            return False
        opener = _CONTAINER.match(text)
        in_list, self.in_list = self.in_list, False
        is_list = opener is not None and opener.group(0)[0] not in "!?="
        # After a blank line anything opens; right after a list item's line only another item;
        # after other text an admonition or a tab, not a list (its line is more of the text).
        if opener and (after_blank or is_list == in_list):
            self.containers.append(indent + _TAB)
            self.in_list = is_list
            self.blank = not is_list  # a title line holds no text: its content starts afresh
            return False
        return text[:1] in _FENCE_CHARS and _FENCE.match(line) is not None

    def after_block(self) -> None:
        """A fence just closed: the next line follows it directly."""
        self.blank = False
        self.code = False
        self.in_list = False


def _closing(lines: list[str], start: int, fence: str) -> int | None:
    for index in range(start + 1, len(lines)):
        match = _FENCE.match(lines[index])
        if match and match.group("fence").startswith(fence) and not match.group("info"):
            return index
    return None


MAX_BLOCK = 20_000
"""Characters a figure block's YAML may have."""


def parse_block(raw: RawBlock) -> FigureBlock:
    """Read a block's YAML: plain keys and values, no anchors or aliases, no repeated key.

    Raises:
        BlockError: Bad YAML, not a mapping, a missing, unknown or repeated key, an anchor or
            alias, or a value of the wrong type. ``BlockError.line`` is the 1-based line in the
            Markdown where the problem is, when it is known.
    """
    if len(raw.body) > MAX_BLOCK:
        raise BlockError(f"the block is longer than {MAX_BLOCK} characters", raw.start + 1)
    node = compose(raw)
    lines = _key_lines(node, raw.start + 2)
    data = construct(node, raw)
    if not isinstance(data, dict):
        raise BlockError("the block must be YAML keys (name, params, caption, alt)", raw.start + 1)
    unknown = sorted(set(data) - set(KEYS), key=str)
    if unknown:
        raise BlockError(
            f"unknown key {', '.join(repr(k) for k in unknown)} (allowed: {', '.join(KEYS)})",
            lines.get(str(unknown[0]), raw.start + 1),
        )
    missing = [key for key, required in KEYS.items() if required and not data.get(key)]
    if missing:
        raise BlockError(f"the block needs {' and '.join(repr(k) for k in missing)}", raw.start + 1)
    for key in ("name", "caption", "alt"):
        if not isinstance(data[key], str):
            raise BlockError(f"'{key}' must be text, got {short(data[key])}", lines.get(key))
    params = data.get("params") or {}
    if not isinstance(params, dict):
        raise BlockError(
            f"'params' must be YAML keys and values, got {short(params)}", lines.get("params")
        )
    block_id = data.get("id")
    if block_id is not None and (not isinstance(block_id, str) or not _ID.match(block_id)):
        raise BlockError(
            f"'id' must be lower-case letters, digits and dashes, got {short(block_id)}",
            lines.get("id"),
        )
    return FigureBlock(
        line=raw.start + 1,
        name=data["name"].strip(),
        caption=data["caption"].strip(),
        alt=data["alt"].strip(),
        params={str(k): v for k, v in params.items()},
        id=block_id,
        lines={key: line for key, line in lines.items()},
    )


def compose(raw: RawBlock) -> Any:
    """The YAML node tree of a block, after refusing anchors and aliases (no alias bomb can
    grow) and any key written twice in one mapping.

    Raises:
        BlockError: Bad YAML, an anchor or alias, or a repeated key (with its line).
    """
    try:
        for event in yaml.parse(raw.body, Loader=_LOADER):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                line = raw.start + 2 + event.start_mark.line
                raise BlockError("YAML anchors and aliases (& and *) are not allowed here", line)
        node = yaml.compose(raw.body, Loader=_LOADER)
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, raw) from None
    check_repeats(node, raw.start + 2)
    return node


def construct(node: Any, raw: RawBlock) -> Any:
    """The Python values of a node tree from :func:`compose` (None for an empty block).

    Raises:
        BlockError: A value YAML cannot construct (the message names its line).
    """
    if node is None:
        return None
    try:
        return _LOADER("").construct_document(node)
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, raw) from None


def _yaml_error(exc: yaml.YAMLError, raw: RawBlock) -> BlockError:
    mark = getattr(exc, "problem_mark", None)
    line = raw.start + 2 + mark.line if mark is not None else raw.start + 1
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if "mapping values are not allowed" in problem:
        problem += " (put text that contains ': ' in quotes)"
    return BlockError(f"the block is not valid YAML: {problem}", line)


def _key_lines(node: Any, first_line: int) -> dict[str, int]:
    """Lines of the top-level keys and of each ``params`` key (``params.x``); refuses repeats."""
    lines: dict[str, int] = {}
    if not isinstance(node, yaml.MappingNode):
        return lines
    check_repeats(node, first_line)
    for key, value in node.value:
        name = str(key.value)
        lines[name] = first_line + key.start_mark.line
        if name == "params" and isinstance(value, yaml.MappingNode):
            for inner, _ in value.value:
                lines[f"params.{inner.value}"] = first_line + inner.start_mark.line
    return lines


def check_repeats(node: Any, first_line: int) -> None:
    """Refuse a key written twice in any mapping of the block (YAML would keep the last)."""
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = str(key.value)
            if name in seen:
                raise BlockError(
                    f"the key '{name[:60]}' is written twice", first_line + key.start_mark.line
                )
            seen.add(name)
            check_repeats(value, first_line)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            check_repeats(item, first_line)


def short(value: Any, limit: int = 60) -> str:
    """A value for a message, cut so a message never grows with its input."""
    text = reprlib.repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"

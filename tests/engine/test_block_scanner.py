"""The block scanner finds a ```figure fence exactly where Python-Markdown with SuperFences
(the site's Markdown) reads one: checked against Markdown itself on random documents."""

from __future__ import annotations

import random
import re

import markdown
import pytest

from genai_notes.figures.blocks import BlockError, find_blocks

EXTENSIONS = [
    "admonition",
    "attr_list",
    "def_list",
    "footnotes",
    "md_in_html",
    "tables",
    "pymdownx.details",
    "pymdownx.superfences",
    "pymdownx.tabbed",
]
CONFIGS = {"pymdownx.tabbed": {"alternate_style": True}}
OPENERS = ["Some text.", "!!! note", '??? question "Why?"', "- item", "1. item", '=== "Tab"']


def rendered_as_fence(document: str) -> set[str]:
    """The figure names whose block Markdown rendered as a fenced (highlighted) code block."""
    page = markdown.markdown(document, extensions=EXTENSIONS, extension_configs=CONFIGS)
    return set(re.findall(r"<code>name: (f\d+)\n</code>", page))


def random_document(rng: random.Random) -> str:
    """Blocks as authors nest them: containers (admonitions, tabs, lists) four spaces per
    level, text and fences at their container's indentation or deeper (indented code), a blank
    line after each fence."""
    lines: list[str] = []
    depth = 0
    for number in range(rng.randint(1, 8)):
        depth = rng.randint(0, depth)  # close some containers
        for _ in range(rng.randint(0, 2)):
            lines.append(" " * 4 * depth + rng.choice(OPENERS))
            if not lines[-1].endswith("text."):
                depth += 1
            if rng.random() < 0.6:
                lines.append("")
        pad = " " * (4 * depth + rng.choice([0, 0, 0, 1, 3, 4, 8]))
        info = "figure" if rng.random() < 0.8 else "python"
        lines += [f"{pad}```{info}", f"{pad}name: f{number}", f"{pad}```", ""]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("seed", range(400))
def test_scanner_agrees_with_markdown(seed: int) -> None:
    document = random_document(random.Random(seed))
    found = {raw.body.strip().removeprefix("name: ") for raw in find_blocks(document)}
    expected = rendered_as_fence(document)
    # Only figure fences count: a ```python fence rendered the same way is not ours.
    figure_names = set(re.findall(r"```figure\n\s*name: (f\d+)", document))
    assert found == expected & figure_names, document


def test_indented_code_is_left_alone() -> None:
    document = "Text.\n\n    ```figure\n    name: f0\n    ```\n"
    assert list(find_blocks(document)) == []
    assert rendered_as_fence(document) == set()


def test_a_commented_out_block_is_left_alone() -> None:
    document = "<!--\n```figure\nname: f0\n```\n-->\n\n```figure\nname: f1\n```\n"
    assert [raw.start for raw in find_blocks(document)] == [6]


def test_blocks_inside_containers_are_found() -> None:
    document = (
        '!!! note\n\n    ```figure\n    name: f0\n    ```\n\n=== "A"\n\n'
        "    ```figure\n    name: f1\n    ```\n"
    )
    assert [raw.indent for raw in find_blocks(document)] == ["    ", "    "]
    assert rendered_as_fence(document) == {"f0", "f1"}


def test_an_example_inside_another_fence_is_text() -> None:
    document = "````markdown\n```figure\nname: f0\n```\n````\n"
    assert list(find_blocks(document)) == []


def test_an_unclosed_block_names_its_line() -> None:
    with pytest.raises(BlockError) as caught:
        list(find_blocks("Text.\n\n```problem\nid: x\n", kind="problem"))
    assert caught.value.line == 3
    assert "problem block is never closed" in str(caught.value)

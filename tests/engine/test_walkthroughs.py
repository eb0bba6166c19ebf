"""Walkthrough blocks: read with the figure blocks' YAML rules, each step placed as a figure,
every author mistake a ``page:line:col`` message and an error box."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from genai_notes.engine.build import Build, Settings, Where
from genai_notes.engine.drawing import DrawingPool
from genai_notes.engine.walkthroughs import parse_walkthrough
from genai_notes.figures import blocks

MODULE = "genai_notes.figures.walkthroughs"

GOOD = """\
# Page

Some text.

```walkthrough
id: sampling-steps
title: Temperature, then top-k
steps:
  - figure: walkthroughs.sampling
    params: {step: softmax}
    caption: >-
      The model's distribution: the top token has
      {{ sampling.softmax([2.0, 0.0])[0] | .3f }}.
    alt: Six bars.
  - figure: walkthroughs.sampling
    params:
      step: top-k
      top_k: 2
    caption: Two kept.
    alt: Two bars kept, four grey.
```
"""


def _raw(markdown: str) -> blocks.RawBlock:
    return next(blocks.find_blocks(markdown, kind="walkthrough"))


def test_a_walkthrough_reads_into_figure_blocks_with_the_lines_of_their_keys() -> None:
    block = parse_walkthrough(_raw(GOOD))
    assert block.id == "sampling-steps"
    assert block.title == "Temperature, then top-k"
    assert block.line == 5
    assert [s.name for s in block.steps] == ["walkthroughs.sampling"] * 2
    assert block.steps[1].params == {"step": "top-k", "top_k": 2}
    # lines counted in the page: the fence is line 5, the second step's "figure" line 15
    assert block.steps[0].lines["figure"] == 9
    assert block.steps[1].lines["figure"] == 15
    assert block.steps[1].lines["params.top_k"] == 18
    assert block.steps[1].lines["caption"] == 19


def _block(body: str) -> str:
    return f"Intro.\n\n```walkthrough\n{body}```\n"


STEP = "  - figure: walkthroughs.sampling\n    caption: c\n    alt: a\n"


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        ("id: x\ntitle: t\n", 3, "needs 'steps'"),
        ("id: x\ntitle: t\nsteps:\n" + STEP, 6, "2 to 12 steps"),
        ("id: X y\ntitle: t\nsteps:\n" + STEP * 2, 4, "'id' must be lower-case"),
        ("id: x\ntitle: t\ncolour: red\nsteps:\n" + STEP * 2, 6, "unknown key 'colour'"),
        (
            "id: x\ntitle: t\nsteps:\n" + STEP + "  - figure: walkthroughs.sampling\n"
            "    caption: c\n    alt: a\n    size: 3\n",
            13,
            "step 2: unknown key 'size'",
        ),
        (
            "id: x\ntitle: t\nsteps:\n" + STEP + "  - figure: walkthroughs.sampling\n    alt: a\n",
            10,
            "step 2: the block needs 'caption'",
        ),
        (
            "id: x\ntitle: t\nsteps:\n" + STEP + STEP.replace("alt: a", "alt: a\n    params: 3"),
            13,
            "'params' must be YAML keys",
        ),
        ("id: &a x\ntitle: *a\nsteps:\n" + STEP * 2, 4, "anchors and aliases"),
        ("id: x\nid: y\ntitle: t\nsteps:\n" + STEP * 2, 5, "written twice"),
        ("- just\n- a list\n", 3, "must be YAML keys (id, title, steps)"),
    ],
)
def test_a_bad_block_names_its_line_and_problem(body: str, line: int, words: str) -> None:
    with pytest.raises(blocks.BlockError) as caught:
        parse_walkthrough(_raw(_block(body)))
    assert words in str(caught.value)
    assert caught.value.line == line


def _build(tmp_path: Path, page: str) -> tuple[str, list[str]]:
    """Build one page in-process: its HTML with figures in place, and the warnings."""
    glossary = tmp_path / "abbreviations.md"
    glossary.write_text("", encoding="utf-8")
    warnings: list[str] = []
    settings = Settings(
        cache_dir=tmp_path / "cache",
        figure_modules=[MODULE],
        glossary_path=glossary,
        glossary_label="includes/abbreviations.md",
    )
    build = Build(settings, DrawingPool([MODULE], workers=1), warnings.append)
    markdown = build.markdown("p.md", Where("docs/p.md", page), page)
    build.finish()
    html = build.fill_figures("p.md", markdown, lambda uri, path, text: uri)
    return html, warnings


def test_each_step_becomes_a_figure_inside_one_walkthrough_element(tmp_path: Path) -> None:
    html, warnings = _build(tmp_path, GOOD)
    assert warnings == []
    assert html.count('data-walkthrough="sampling-steps"') == 1
    assert re.findall(r'data-step="(\d)"', html) == ["1", "2"]
    assert html.count('<div class="genai-figure">') == 2
    # softmax of (2, 0): e^2 / (e^2 + 1) = 7.389 / 8.389 = 0.881
    assert "the top token has\n0.881." in html or "the top token has 0.881." in html
    assert 'alt="Two bars kept, four grey."' in html
    assert "Temperature, then top-k" in html


def test_an_unknown_figure_in_a_step_is_reported_at_its_line(tmp_path: Path) -> None:
    page = GOOD.replace(
        "  - figure: walkthroughs.sampling\n    params:\n",
        "  - figure: walkthroughs.nope\n    params:\n",
    )
    html, warnings = _build(tmp_path, page)
    assert len(warnings) == 1
    assert warnings[0].startswith("docs/p.md:15:1: figure walkthroughs.nope: unknown figure")
    assert 'data-step="2"' in html and "genai-error" in html  # the other step still shows


def test_a_parameter_a_figure_refuses_is_reported_at_its_line(tmp_path: Path) -> None:
    _html, warnings = _build(tmp_path, GOOD.replace("top_k: 2", "top_k: 0"))
    assert len(warnings) == 1
    assert warnings[0].startswith("docs/p.md:18:1: figure walkthroughs.sampling:")
    assert "top_k" in warnings[0]


def test_a_failing_number_in_a_caption_is_reported(tmp_path: Path) -> None:
    html, warnings = _build(tmp_path, GOOD.replace("sampling.softmax(", "sampling.nope("))
    assert len(warnings) == 1
    assert warnings[0].startswith("docs/p.md:")
    assert "sampling.nope" in warnings[0]
    assert "genai-error" in html


def test_a_bad_block_is_a_message_and_an_error_box(tmp_path: Path) -> None:
    html, warnings = _build(tmp_path, GOOD.replace("title: Temperature, then top-k\n", ""))
    assert warnings == ["docs/p.md:5:1: walkthrough block: the block needs 'title'"]
    assert "Walkthrough error" in html and "data-walkthrough" not in html


def test_two_walkthroughs_with_one_id_are_reported(tmp_path: Path) -> None:
    _html, warnings = _build(tmp_path, GOOD + "\n" + GOOD.split("\n", 4)[4])
    assert len(warnings) == 1
    assert "the id 'sampling-steps' is used twice" in warnings[0]


def test_author_text_is_escaped(tmp_path: Path) -> None:
    page = GOOD.replace("Temperature, then top-k", "<script>x</script>").replace(
        "Two kept.", "<b>Two</b> kept."
    )
    html, warnings = _build(tmp_path, page)
    assert warnings == []
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html

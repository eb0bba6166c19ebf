"""Figure blocks in a real (small) site: HTML, data, cache, parallel drawing and errors."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.site.helpers import run_mkdocs

FIGURE_MODULE = '''
from __future__ import annotations

from typing import Annotated, Literal

from genai_notes.figures.base import FigureResult, Range, Table, figure


@figure("mini.line")
def line(
    slope: Annotated[float, Range(0.0, 10.0)] = 1.0,
    points: int = 3,
    style: Literal["solid", "dashed"] = "solid",
) -> FigureResult:
    """A straight line through the origin.

    Args:
        slope: Rise per unit of x.
        points: How many points to draw.
        style: Line style.
    """
    xs = [float(i) for i in range(points)]
    table = Table.from_columns({"x": xs, "y": [slope * x for x in xs]})

    def draw(fig, theme):
        ax = fig.add_subplot()
        ax.plot(xs, [slope * x for x in xs], linestyle=style, color=theme.series[0])
        ax.set_xlabel("x")

    return FigureResult(table, draw, width=4.0, height=3.0)


@figure("mini.other")
def other(n: int = 2) -> FigureResult:
    """Another line, to prove that editing one figure redraws only that one.

    Args:
        n: Number of points.
    """
    xs = [float(i) for i in range(n)]
    table = Table.from_columns({"x": xs})

    def draw(fig, theme):
        fig.add_subplot().plot(xs, xs, color=_colour(theme))

    return FigureResult(table, draw)


def _colour(theme):
    return theme.series[1]


@figure("mini.table")
def only_table(rows: int = 2) -> FigureResult:
    """A table with no drawing.

    Args:
        rows: How many rows.
    """
    numbers = list(range(rows))
    return FigureResult(Table.from_columns({"n": numbers, "square": [i * i for i in numbers]}))


@figure("mini.broken")
def broken(n: int = 1) -> FigureResult:
    """Draws by raising.

    Args:
        n: Unused.
    """

    def draw(fig, theme):
        raise RuntimeError("the pen broke")

    return FigureResult(Table.from_columns({"n": [n]}), draw)
'''

CONFIG = """\
site_name: mini
use_directory_urls: true
plugins:
  - genai-notes:
      glossary: abbreviations.md
      figure_modules: [minifigs]
markdown_extensions:
  - admonition
  - pymdownx.arithmatex:
      generic: true
"""

PAGE = """\
# Figures

```figure
name: mini.line
params:
  slope: 2
caption: A line of slope two.
alt: A straight rising line through three points.
id: fig-line
```

!!! note "Inside an admonition"

    ```figure
    name: mini.other
    caption: Another line.
    alt: A second straight line.
    ```

```figure
name: mini.table
params: {rows: 3}
caption: Squares.
alt: A table of the squares of 0, 1 and 2.
```

````markdown
```figure
name: not.parsed
```
````
"""


def _project(tmp_path: Path, page: str = PAGE) -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/index.md").write_text(page, encoding="utf-8")
    (tmp_path / "abbreviations.md").write_text("*[LLM]: Large language model.\n")
    (tmp_path / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "minifigs.py").write_text(FIGURE_MODULE, encoding="utf-8")
    return tmp_path


def _build(project: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    # A fixed date, so that two builds of the same sources can be compared byte for byte.
    return run_mkdocs(
        project, "build", "--site-dir", "site", *flags, SOURCE_DATE_EPOCH="1764547200"
    )


def _stats(result: subprocess.CompletedProcess[str]) -> tuple[int, int, int]:
    """Figures drawn (figure functions called), taken from the cache, and failed."""
    match = re.search(r"figures: (\d+) drawn, (\d+) from the cache, (\d+) failed", result.stderr)
    assert match, result.stderr
    drawn, cached, failed = (int(g) for g in match.groups())
    return drawn, cached, failed


def test_blocks_become_figures_with_alt_text_caption_and_data(tmp_path: Path) -> None:
    project = _project(tmp_path)
    result = _build(project, "--strict")
    assert result.returncode == 0, result.stderr
    html = (project / "site/index.html").read_text(encoding="utf-8")
    assert html.count('<div class="genai-figure"') == 3
    assert 'id="fig-line"' in html
    for theme in ("light", "dark"):
        assert re.search(
            rf'<img src="assets/figures/\w+-{theme}\.svg#only-{theme}" alt="A straight rising line',
            html,
        )
    assert "<figcaption>A line of slope two.</figcaption>" in html
    assert "Data: the values plotted" in html
    # The table figure is a real table: 0, 1, 4.
    assert re.search(r"<td class=\"genai-num\">2</td><td class=\"genai-num\">4</td>", html)
    assert "not.parsed" in html  # the example inside a code block stays code
    assert "GNXF" not in html
    for theme in ("light", "dark"):  # phones get their own drawing of each figure
        assert re.search(
            r'<source media="screen and \(max-width: 40em\)" '
            rf'srcset="assets/figures/\w+-phone-{theme}\.svg"',
            html,
        )
    svgs = sorted((project / "site/assets/figures").glob("*.svg"))
    assert len(svgs) == 8
    assert all(b"<text" in svg.read_bytes() for svg in svgs)
    csvs = sorted((project / "site/assets/figures").glob("*.csv"))
    assert len(csvs) == 3
    line_csv = next(c for c in csvs if c.read_text().startswith("x,y"))
    assert line_csv.read_text() == "x,y\n0.0,0.0\n1.0,2.0\n2.0,4.0\n"


def test_second_build_draws_nothing_and_gives_the_same_bytes(tmp_path: Path) -> None:
    project = _project(tmp_path)
    first = _build(project, "--strict")
    assert _stats(first) == (3, 0, 0)
    before = {p.name: p.read_bytes() for p in (project / "site/assets/figures").iterdir()}
    second = _build(project, "--strict")
    assert _stats(second) == (0, 3, 0)
    after = {p.name: p.read_bytes() for p in (project / "site/assets/figures").iterdir()}
    assert before == after


def test_editing_a_figure_module_redraws_its_figures(tmp_path: Path) -> None:
    project = _project(tmp_path)
    assert _stats(_build(project, "--strict")) == (3, 0, 0)
    module = project / "minifigs.py"
    module.write_text(module.read_text().replace("return theme.series[1]", "return theme.text"))
    assert _stats(_build(project, "--strict")) == (3, 0, 0)
    assert _stats(_build(project, "--strict")) == (0, 3, 0)


def test_a_warm_build_after_a_code_change_equals_a_cold_build(tmp_path: Path) -> None:
    project = _project(tmp_path)
    _build(project, "--strict")
    module = project / "minifigs.py"
    module.write_text(module.read_text().replace("return theme.series[1]", "return theme.text"))
    _build(project, "--strict")
    warm = _tree(project / "site")
    for entry in (project / ".cache/plugin/genai-notes").iterdir():
        entry.unlink()
    assert _stats(_build(project, "--strict"))[0] == 3
    assert _tree(project / "site") == warm


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_same_bytes_without_the_cache(tmp_path: Path) -> None:
    project = _project(tmp_path)
    _build(project, "--strict")
    first = {p.name: p.read_bytes() for p in (project / "site/assets/figures").iterdir()}
    for entry in (project / ".cache/plugin/genai-notes").iterdir():
        entry.unlink()
    assert _stats(_build(project, "--strict"))[0] == 3
    second = {p.name: p.read_bytes() for p in (project / "site/assets/figures").iterdir()}
    assert first == second


def test_an_unreadable_cache_entry_is_a_miss(tmp_path: Path) -> None:
    project = _project(tmp_path)
    _build(project, "--strict")
    for entry in (project / ".cache/plugin/genai-notes").glob("*-phone-dark.svg"):
        entry.write_bytes(entry.read_bytes()[:-40])  # truncated: starts like an SVG
    assert _stats(_build(project, "--strict")) == (2, 1, 0)  # the table figure has no SVG


# The block's fence is on line 8 of the file (after three lines of front matter); each message
# points at the line of the mistake itself.
BAD_BLOCKS = [
    ("name: mini.nosuch\ncaption: c\nalt: a", 9, "unknown figure 'mini.nosuch'"),
    ("name: mini.lin\ncaption: c\nalt: a", 9, "did you mean 'mini.line'"),
    (
        "name: mini.line\ncaption: c\nalt: a\nparams:\n  slope: 11",
        13,
        "parameter 'slope' must be in [0, 10], got 11.0",
    ),
    (
        "name: mini.line\ncaption: c\nalt: a\nparams:\n  slope: steep",
        13,
        "parameter 'slope' must be a number, got 'steep'",
    ),
    (
        "name: mini.line\ncaption: c\nalt: a\nparams:\n  colour: red",
        13,
        "unknown parameter 'colour' (figure mini.line takes: slope, points, style)",
    ),
    ("name: mini.line\ncaption: c\nalt: a\nparams:\n  slop: 2", 13, "did you mean 'slope'"),
    (
        "name: mini.line\ncaption: c\nalt: a\nparams:\n  style: dotted",
        13,
        "parameter 'style' must be one of 'solid', 'dashed', got 'dotted'",
    ),
    ("name: mini.line\ncaption: c", 8, "the block needs 'alt'"),
    ("name: mini.line\ncaption: c\nalt: a\ncaption: d", 12, "the key 'caption' is written twice"),
    ("name: mini.line\ncaption: &x c\nalt: *x", 10, "anchors and aliases"),
    ("name: mini.line\ncaption: c\nalt: a\ncolour: red", 12, "unknown key 'colour'"),
    ("name: mini.line\ncaption: 'c {{ 1 / 0 }}'\nalt: a", 10, "ZeroDivisionError"),
    ("name: mini.broken\ncaption: c\nalt: a", 8, "drawing failed: RuntimeError: the pen broke"),
]


@pytest.mark.parametrize(("body", "line", "message"), BAD_BLOCKS)
def test_bad_block_is_a_warning_naming_page_line_and_problem(
    tmp_path: Path, body: str, line: int, message: str
) -> None:
    page = f"---\ntitle: Bad\n---\n# Bad\n\nText.\n\n```figure\n{body}\n```\n"
    project = _project(tmp_path, page)
    result = _build(project)
    assert result.returncode == 0
    assert f"docs/index.md:{line}:" in result.stderr, result.stderr
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    html = (project / "site/index.html").read_text(encoding="utf-8")
    assert 'class="admonition failure genai-error"' in html
    assert _build(project, "--strict").returncode != 0


def test_a_failed_drawing_is_not_cached_and_its_traceback_is_verbose_only(tmp_path: Path) -> None:
    page = "# Bad\n\n```figure\nname: mini.broken\ncaption: c\nalt: a\n```\n"
    project = _project(tmp_path, page)
    _build(project)
    assert not list((project / ".cache/plugin/genai-notes").glob("*.svg"))
    verbose = _build(project, "--verbose")
    assert "Traceback" in verbose.stderr
    assert "the pen broke" in verbose.stderr


def test_an_unclosed_block_is_reported(tmp_path: Path) -> None:
    project = _project(tmp_path, "# Bad\n\n```figure\nname: mini.line\n")
    result = _build(project)
    assert "docs/index.md:3:1: the figure block is never closed" in result.stderr

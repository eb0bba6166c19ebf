"""Marks: where each plotted point of a drawing sits in its SVG, and which table row it shows.

The figures here place their axes by hand (``add_axes`` at known fractions of the figure, known
limits), so every position is worked out on paper: the SVG's user unit is the point (72 per
inch) and its y axis points down. The SVG's own ``<use>`` of each marker is checked too.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from genai_notes.engine import drawing
from genai_notes.engine.figure_cache import VARIANTS, Entry, FigureCache
from genai_notes.figures.base import FigureResult, Table
from genai_notes.figures.marks import Mark, Marks
from genai_notes.figures.render import render_svg_marks
from genai_notes.figures.style import DARK, LIGHT

# Axes from 10 % to 90 % of the width and 20 % to 80 % of the height; x in [0, 10], y in [0, 100].
BOX = (0.1, 0.2, 0.8, 0.6)
TABLE = Table(("x", "y (GB)", "series"), ((0, 0.0, "a"), (5, 50.0, "a"), (10, 100.0, "a")))


def _axes(fig: Any) -> Any:
    fig.set_layout_engine("none")  # the axes stay exactly where BOX puts them
    ax = fig.add_axes(BOX)
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 100)
    return ax


def _line(fig: Any, theme: Any) -> None:
    ax = _axes(fig)
    ax.plot([0, 5, 10], [0, 50, 100], "o-")
    ax.plot([0, 10], [30, 30])  # a guide whose values are no row: no mark
    ax.axhline(50)  # in axes coordinates on y: no mark


RESULT = FigureResult(TABLE, _line, width=5.0, height=2.5, phone_width=2.5, phone_height=2.5)


def _by_hand(x: float, y: float, width_in: float, height_in: float) -> tuple[float, float]:
    """The point (x, y) in SVG user units, worked out from BOX and the limits."""
    width, height = width_in * 72, height_in * 72
    left = width * (BOX[0] + BOX[2] * x / 10)
    up = height * (BOX[1] + BOX[3] * y / 100)
    return left, height - up


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=["light", "dark"])
@pytest.mark.parametrize("size", [(5.0, 2.5), (2.5, 2.5)], ids=["wide", "phone"])
def test_a_line_s_marks_sit_where_its_points_are_drawn(
    theme: Any, size: tuple[float, float]
) -> None:
    svg, marks = render_svg_marks(RESULT, theme, size)
    assert (marks.width, marks.height) == (size[0] * 72, size[1] * 72)
    assert [m.row for m in marks.marks] == [0, 1, 2]
    assert marks.series == ("a",)
    for mark, (x, y) in zip(marks.marks, [(0, 0), (5, 50), (10, 100)], strict=True):
        assert (mark.x, mark.y) == pytest.approx(_by_hand(x, y, *size), abs=0.01)
    # (5, 50) on the 5 x 2.5 inch drawing: 360 x 180 points, so (180, 90)
    if size == (5.0, 2.5):
        assert (marks.marks[1].x, marks.marks[1].y) == pytest.approx((180, 90), abs=0.01)
    # the SVG draws each marker (and each tick) with <use x= y=>: a marker sits at each mark
    found = re.findall(rb'<use [^>]*x="([-\d.]+)" y="([-\d.]+)"', svg)
    used = [(float(x), float(y)) for x, y in found]
    for mark in marks.marks:
        assert any(abs(ux - mark.x) < 0.01 and abs(uy - mark.y) < 0.01 for ux, uy in used)


def _bars(fig: Any, theme: Any) -> None:
    ax = _axes(fig)
    ax.bar([2, 8], [40.0, 60.0], width=2)
    ax.barh([90], [5.0], height=10)  # a horizontal bar: its tip is its right end


def test_a_bar_s_mark_is_the_middle_of_its_top_and_a_horizontal_bar_s_its_right_end() -> None:
    table = Table(("token", "probability (%)"), (("a", 40.0), ("b", 60.0), ("c", 5.0)))
    result = FigureResult(table, _bars, width=5.0, height=2.5)
    _, marks = render_svg_marks(result, LIGHT, (5.0, 2.5))
    places = {m.row: (m.x, m.y) for m in marks.marks}
    assert places[0] == pytest.approx(_by_hand(2, 40, 5, 2.5), abs=0.01)
    assert places[1] == pytest.approx(_by_hand(8, 60, 5, 2.5), abs=0.01)
    assert places[2] == pytest.approx(_by_hand(5, 90, 5, 2.5), abs=0.01)


def test_a_long_table_names_each_series_by_the_cells_its_rows_share() -> None:
    table = Table(
        ("budget (FLOPs)", "size", "loss"),
        ((1e20, 1.0, 3.0), (1e20, 2.0, 2.5), (1e21, 1.0, 2.8), (1e21, 2.0, 2.2)),
        {"budget (FLOPs)": ".0e"},
    )

    def draw(fig: Any, theme: Any) -> None:
        ax = fig.add_subplot()
        ax.plot([1.0, 2.0], [3.0, 2.5])
        ax.plot([1.0, 2.0], [2.8, 2.2])

    _, marks = render_svg_marks(FigureResult(table, draw), LIGHT)
    assert marks.series == (
        "budget (FLOPs) = 1\u00a0×\u00a010²⁰",
        "budget (FLOPs) = 1\u00a0×\u00a010²¹",
    )
    assert [(m.series, m.row) for m in marks.marks] == [(0, 0), (0, 1), (1, 2), (1, 3)]


MARKS_MODULE = '''
"""A line figure, to draw through the engine."""
from genai_notes.figures.base import FigureResult, Table, figure


@figure("marking.line")
def line() -> FigureResult:
    """Three points."""
    table = Table(("x", "y"), ((1, 1.0), (2, 4.0), (3, 9.0)))

    def draw(fig, theme) -> None:
        fig.add_subplot().plot([1, 2, 3], [1.0, 4.0, 9.0], "o-")

    return FigureResult(table, draw)
'''


def test_drawing_gives_marks_for_both_geometries_and_the_cache_keeps_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "markingfigs.py").write_text(MARKS_MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    drawing.start_in_process(["markingfigs"])
    outcome = drawing.draw(drawing.Job("k", "marking.line", {}))
    assert outcome.error is None and outcome.marks is not None
    assert set(outcome.marks) == {"", "phone-"}
    assert (outcome.marks[""].width, outcome.marks[""].height) == (7.0 * 72, 3.6 * 72)
    assert outcome.marks["phone-"].width == 3.75 * 72
    for marks in outcome.marks.values():
        assert [m.row for m in marks.marks] == [0, 1, 2]
        xs = [m.x for m in marks.marks]
        ys = [m.y for m in marks.marks]
        assert xs == sorted(xs) and ys == sorted(ys, reverse=True)  # up to the right
    assert outcome.table is not None and outcome.svgs is not None
    entry = Entry(outcome.table, outcome.size, outcome.phone_size, outcome.marks)
    cache = FigureCache(tmp_path / "cache")
    cache.put("e" * 24, entry, outcome.svgs)
    assert FigureCache(tmp_path / "cache").get("e" * 24) == Entry(
        entry.table,
        entry.size,
        entry.phone_size,
        {k: Marks.from_data(v.to_data()) for k, v in entry.marks.items()},
    )


def test_a_manifest_of_the_format_before_marks_is_a_miss(tmp_path: Path) -> None:
    import json

    table = Table(("x",), ((1,),))
    svgs = {variant: b"<svg/>" for variant in VARIANTS}
    cache = FigureCache(tmp_path)
    marks = {"": Marks(10, 10, ("x",), (Mark(1, 2, 0, 0),))}
    cache.put("f" * 24, Entry(table, (1, 1), (1, 1), marks), svgs)
    manifest = tmp_path / ("f" * 24 + ".json")
    data = json.loads(manifest.read_text())
    del data["format"], data["marks"]
    manifest.write_text(json.dumps(data))
    assert FigureCache(tmp_path).get("f" * 24) is None

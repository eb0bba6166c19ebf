"""Marks: where each plotted point of a drawing sits, and which row of its table it shows.

A line, scatter or bar figure becomes *explorable* without the author doing anything: after
drawing, :func:`genai_notes.figures.render.render_svg_marks` reads the matplotlib artists (each
line's data, each scatter's offsets, each bar's rectangle) and hands their data values and
SVG positions to :func:`match_marks`, which keeps the points whose values are a row of the
figure's :class:`~genai_notes.figures.base.Table` (the CSV). A point whose values are in no row
(a guide line, a label's leader, a value the drawing rescaled) is left out; a figure none of
whose points match is simply not explorable. No matplotlib here.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass

from genai_notes.figures.base import Table
from genai_notes.numbers import format_number

REL_TOL = 1e-9
"""How close a plotted value must be to a table cell to be that cell (floats round-trip)."""


@dataclass(frozen=True)
class Mark:
    """One plotted point: its position in the SVG's user units (y down) and its table row.

    Attributes:
        x: Horizontal position, in the SVG's user units (points, from the left edge).
        y: Vertical position, in the SVG's user units (points, from the top edge).
        row: Index of the row of the figure's table that the point shows.
        series: Index into the series names of its :class:`Marks`.
    """

    x: float
    y: float
    row: int
    series: int


@dataclass(frozen=True)
class Marks:
    """The marks of one drawing (wide or phone), with the size of its SVG in user units."""

    width: float
    height: float
    series: tuple[str, ...]
    marks: tuple[Mark, ...]

    def to_data(self) -> dict[str, object]:
        """Plain data for JSON: positions rounded to 0.01 user units."""
        return {
            "width": round(self.width, 2),
            "height": round(self.height, 2),
            "series": list(self.series),
            "marks": [[round(m.x, 2), round(m.y, 2), m.row, m.series] for m in self.marks],
        }

    @classmethod
    def from_data(cls, data: object) -> Marks:
        """Read :meth:`to_data`'s output back.

        Raises:
            ValueError: Not marks data.
        """
        try:
            assert isinstance(data, dict)
            marks = tuple(
                Mark(float(x), float(y), int(row), int(series))
                for x, y, row, series in data["marks"]
            )
            return cls(
                float(data["width"]),
                float(data["height"]),
                tuple(str(s) for s in data["series"]),
                marks,
            )
        except (AssertionError, KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not marks data: {exc}") from None


@dataclass(frozen=True)
class Series:
    """What the drawing gave of one artist: a label, and for each point its data values and
    SVG position. ``values`` holds (x, y) for a line or scatter and (value,) for a bar."""

    label: str
    values: tuple[tuple[float, ...], ...]
    positions: tuple[tuple[float, float], ...]
    kind: str = "line"
    """``line``, ``scatter`` or ``bar``: which single-column matches are believed."""


class _Cells:
    """The numeric cells of a table, sorted by value, to find a value's cells by bisection."""

    def __init__(self, table: Table) -> None:
        cells = [
            (float(cell), r, c)
            for r, row in enumerate(table.rows)
            for c, cell in enumerate(row)
            if isinstance(cell, int | float) and not isinstance(cell, bool) and math.isfinite(cell)
        ]
        cells.sort()
        self.values = [value for value, _, _ in cells]
        self.places = [(r, c) for _, r, c in cells]

    def hits(self, value: float) -> dict[int, set[int]]:
        """For each row holding ``value``, the columns that hold it."""
        found: dict[int, set[int]] = {}
        if not math.isfinite(value):
            return found
        tolerance = max(abs(value) * REL_TOL, 1e-12)
        low = bisect.bisect_left(self.values, value - tolerance)
        high = bisect.bisect_right(self.values, value + tolerance)
        for r, c in self.places[low:high]:
            found.setdefault(r, set()).add(c)
        return found


def _best_columns(cells: _Cells, series: Series) -> tuple[set[int], list[int | None]]:
    """The columns of the series' plotted values, and each point's row (None when no row has
    its values): by the pair of columns that matches most points (a line or scatter), else by
    the one column that every point's value is in (a bar, or a scatter whose other position
    is a category)."""
    # for each point: the rows and columns of its x (a line or scatter) and of its last value
    hits = [
        (cells.hits(values[0]) if len(values) == 2 else {}, cells.hits(values[-1]))
        for values in series.values
    ]
    scores: dict[tuple[str, int, int], int] = {}
    for x_hits, y_hits in hits:
        keys = {
            ("xy", cx, cy)
            for r, cxs in x_hits.items()
            for cx in cxs
            for cy in y_hits.get(r, ())
            if cx != cy
        }
        keys |= {("y", c, c) for columns in y_hits.values() for c in columns}
        keys |= {("x", c, c) for columns in x_hits.values() for c in columns}
        for key in keys:
            scores[key] = scores.get(key, 0) + 1
    total = len(series.values)
    # a pair must hold at least half the points (and two, if there are two), a single column
    # all of them: fewer is a coincidence
    least = 1 if total == 1 else max(2, (total + 1) // 2)
    good = [(n, key) for key, n in scores.items() if key[0] == "xy" and n >= least]
    # a line by its y alone (x a category) from three points on: two are a guide's ends
    if series.kind != "line" or total >= 3:
        good = good or [(n, key) for key, n in scores.items() if key[0] == "y" and n == total]
    # a scatter by its x alone: dots on category rows
    if series.kind == "scatter":
        good = good or [(n, key) for key, n in scores.items() if key[0] == "x" and n == total]
    if not good:
        return set(), [None] * total
    _, (kind, cx, cy) = max(good, key=lambda item: (item[0], -item[1][1], -item[1][2]))
    rows: list[int | None] = []
    used: set[int] = set()
    for x_hits, y_hits in hits:
        if kind == "xy":
            found = [r for r in sorted(x_hits) if cx in x_hits[r] and cy in y_hits.get(r, ())]
        else:
            chosen = x_hits if kind == "x" else y_hits
            found = [r for r in sorted(chosen) if cx in chosen[r]]
        fresh = [r for r in found if r not in used]
        row = fresh[0] if fresh else found[0] if found else None
        if row is not None:
            used.add(row)
        rows.append(row)
    return {cx, cy}, rows


def _series_name(table: Table, label: str, plotted: set[int], rows: list[int]) -> str:
    """The series' name: the cells all its rows share besides the plotted ones (a long table:
    ``curve, compute (FLOPs) = 1 × 10²⁰``), else its legend label, else its plotted column (a
    wide table). A lone point (a bar of a stack) is named by the first text of its row."""
    first = table.rows[rows[0]]
    if len(rows) == 1:
        texts = [cell for cell in first if isinstance(cell, str)]
        if texts:
            return texts[0]
    texts, numbers = [], []
    for c, cell in enumerate(first):
        if c in plotted or cell is None or any(table.rows[r][c] != cell for r in rows):
            continue
        if isinstance(cell, str):
            texts.append(cell)
        else:
            column = table.columns[c]
            numbers.append(f"{column} = {format_number(cell, table.formats.get(column, ''))}")
    shared = texts + numbers
    if shared and len(rows) > 1:
        return ", ".join(shared)
    if label and not label.startswith("_") and "$" not in label:
        return label
    return table.columns[max(plotted)] if plotted else "values"


def match_marks(table: Table, series: Sequence[Series], width: float, height: float) -> Marks:
    """The marks of a drawing: each point of ``series`` whose values are a row of ``table``.

    Two points drawn at the same place (to the nearest user unit: a curve and its highlighted
    minimum, a scatter and the line joining its dots) are one mark, the first drawn's. Series
    keep the drawing's order; each series' marks run left to right (a stack's bottom up).
    """
    cells = _Cells(table)
    names: list[str] = []
    marks: list[Mark] = []
    seen: set[tuple[float, float]] = set()
    for one in series:
        if not one.values:
            continue
        plotted, rows = _best_columns(cells, one)
        matched = [
            (position, row)
            for position, row in zip(one.positions, rows, strict=True)
            if row is not None
        ]
        if not matched:
            continue
        name = _series_name(table, one.label, plotted, [r for _, r in matched])
        index = names.index(name) if name in names else len(names)
        added = False
        for (x, y), row in sorted(matched, key=lambda item: item[0]):
            where = (round(x), round(y))
            if where in seen:
                continue
            seen.add(where)
            marks.append(Mark(x, y, row, index))
            added = True
        if added and index == len(names):
            names.append(name)
    # left to right; in a stack (one x), from the bottom up
    marks.sort(key=lambda m: (m.series, round(m.x, 1), -m.y))
    return Marks(width, height, tuple(names), tuple(marks))

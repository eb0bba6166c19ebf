"""Helpers the figure tests share: a table's column, one test per theme, stable SVG."""

from __future__ import annotations

from typing import Any

import pytest

from genai_notes.figures.base import FigureResult
from genai_notes.figures.registry import FigureDef
from genai_notes.figures.render import render_svg
from genai_notes.figures.style import DARK, LIGHT, Theme

each_theme = pytest.mark.parametrize("theme", [LIGHT, DARK], ids=["light", "dark"])
"""Run the decorated test once in the light theme and once in the dark one."""


def column(result: FigureResult, heading: str) -> list[Any]:
    """The values of the column ``heading`` of the figure's table, in row order."""
    index = result.table.columns.index(heading)
    return [row[index] for row in result.table.rows]


def assert_same_svg_with_text_twice(figure: FigureDef, theme: Theme) -> None:
    """Draw the figure at its defaults twice: text stays text and the bytes are the same."""
    first = render_svg(figure.call({}), theme)
    second = render_svg(figure.call({}), theme)
    assert b"<text" in first
    assert first == second


def svg_font_sizes_px(svg: bytes, shown_px: float) -> list[float]:
    """The size in CSS px of every text of ``svg`` when the image is shown ``shown_px`` wide.

    matplotlib writes sizes in the SVG's user units (points), in ``font: ... 12px ...`` styles
    or ``font-size`` attributes, and a ``viewBox`` as wide as the figure in points.
    """
    import re

    text = svg.decode()
    view_box = re.search(r'viewBox="0 0 ([\d.]+) ', text)
    assert view_box is not None
    scale = shown_px / float(view_box.group(1))
    sizes = [float(s) for s in re.findall(r"font(?:-size)?:\s*(?:[a-z]+ )*([\d.]+)px", text)]
    sizes += [float(s) for s in re.findall(r'font-size="([\d.]+)(?:px)?"', text)]
    assert sizes, "the SVG has no text"
    return [s * scale for s in sizes]


def drawn_with_renderer(
    result: FigureResult, theme: Theme, size: tuple[float, float]
) -> tuple[Any, Any]:
    """``result`` drawn at ``size`` inches in Agg (laid out): the figure and its renderer, to
    measure where text and marks landed in pixels."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    assert result.draw is not None
    with matplotlib.rc_context(theme.rc()):  # type: ignore[arg-type]
        fig = Figure(figsize=size, layout="constrained")
        canvas = FigureCanvasAgg(fig)
        result.draw(fig, theme)
        canvas.draw()
    return fig, canvas.get_renderer()


def text_crowding_its_box(fig: Any, renderer: Any, margin_pt: float) -> list[str]:
    """The texts that sit in a rounded box (their centre inside it) but come nearer than
    ``margin_pt`` points to one of its edges, or run past it."""
    from matplotlib.patches import FancyBboxPatch

    margin = margin_pt * fig.dpi / 72
    crowded = []
    for ax in fig.axes:
        boxes = [p.get_window_extent(renderer) for p in ax.patches if isinstance(p, FancyBboxPatch)]
        for text in ax.texts:
            if not text.get_text().strip():
                continue
            extent = text.get_window_extent(renderer)
            cx, cy = (extent.x0 + extent.x1) / 2, (extent.y0 + extent.y1) / 2
            for box in boxes:
                if box.x0 < cx < box.x1 and box.y0 < cy < box.y1:
                    inside = box.padded(-margin)
                    if not (
                        inside.x0 <= extent.x0
                        and extent.x1 <= inside.x1
                        and inside.y0 <= extent.y0
                        and extent.y1 <= inside.y1
                    ):
                        crowded.append(text.get_text())
                    break
    return crowded

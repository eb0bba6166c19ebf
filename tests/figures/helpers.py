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
    with matplotlib.rc_context(theme.rc(size[0])):  # type: ignore[arg-type]
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


def text_touching_frames(result: FigureResult, size: tuple[float, float], pad: float) -> list[str]:
    """Each text of the drawing at ``size`` inches that comes closer than ``pad`` inches to the
    frame of the rounded box it sits in (its centre inside the box), with that distance.

    Measured on the laid-out figure with matplotlib's own text extents (Agg, DejaVu Sans).
    """
    from matplotlib.patches import FancyBboxPatch

    close = []
    fig, renderer = drawn_with_renderer(result, LIGHT, size)
    for ax in fig.axes:
        frames = [
            p.get_window_extent(renderer) for p in ax.patches if isinstance(p, FancyBboxPatch)
        ]
        for text in ax.texts:
            if not text.get_visible() or not text.get_text().strip():
                continue
            box = text.get_window_extent(renderer)
            x, y = (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2
            for frame in frames:
                if frame.x0 < x < frame.x1 and frame.y0 < y < frame.y1:
                    gap = min(
                        box.x0 - frame.x0,
                        frame.x1 - box.x1,
                        box.y0 - frame.y0,
                        frame.y1 - box.y1,
                    )
                    if gap < pad * fig.dpi:
                        close.append(f"{text.get_text()!r}: {gap / fig.dpi:.3f} in")
    return close


def text_over_other_marks(result: FigureResult, size: tuple[float, float]) -> list[str]:
    """Each text of the drawing at ``size`` inches that runs into a bar it is not written on
    (a label inside a bar, its centre on that bar, is fine) or past the figure's edge."""
    from matplotlib.patches import Rectangle

    found = []
    fig, renderer = drawn_with_renderer(result, LIGHT, size)
    edge = fig.bbox
    for ax in fig.axes:
        bars = [
            p.get_window_extent(renderer)
            for p in ax.patches
            if isinstance(p, Rectangle) and p.get_width() > 0 and p.get_height() > 0
        ]
        for text in ax.texts:
            if not text.get_visible() or not text.get_text().strip():
                continue
            box = text.get_window_extent(renderer)
            x, y = (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2
            if box.x0 < edge.x0 or box.x1 > edge.x1 or box.y0 < edge.y0 or box.y1 > edge.y1:
                found.append(f"{text.get_text()!r} runs past the figure's edge")
            for bar in bars:
                on_it = bar.x0 <= x <= bar.x1 and bar.y0 <= y <= bar.y1
                if not on_it and box.overlaps(bar):
                    found.append(f"{text.get_text()!r} runs into a bar")
                    break
    return found

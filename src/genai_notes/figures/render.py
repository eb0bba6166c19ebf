"""Paint a figure result as SVG in one theme: the only module that imports matplotlib.

The object API (no pyplot), the Agg-free SVG backend, a per-figure ``rc_context`` and fixed
metadata make the same inputs give the same bytes, as matplotlib's own plot_directive does.
"""

from __future__ import annotations

import io
from typing import Any, cast

from genai_notes.figures.base import FigureResult
from genai_notes.figures.style import Theme


def render_svg(
    result: FigureResult, theme: Theme, size: tuple[float, float] | None = None
) -> bytes:
    """Draw ``result`` in ``theme`` at ``size`` inches (default: its wide size); return the SVG.

    Raises:
        ValueError: The result has nothing to draw (a table-only figure).
    """
    import matplotlib
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    if result.draw is None:
        raise ValueError("a table-only figure has no image")
    with matplotlib.rc_context(cast(Any, theme.rc())):
        fig = Figure(figsize=size or (result.width, result.height), layout="constrained")
        FigureCanvasSVG(fig)
        result.draw(fig, theme)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def render_png(result: FigureResult, theme: Theme, dpi: int = 110) -> bytes:
    """Draw ``result`` as PNG (for previews: the site uses SVG)."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if result.draw is None:
        raise ValueError("a table-only figure has no image")
    background = "#ffffff" if theme.name == "light" else "#1e2129"
    with matplotlib.rc_context(cast(Any, {**theme.rc(), "savefig.transparent": False})):
        fig = Figure(figsize=(result.width, result.height), layout="constrained")
        FigureCanvasAgg(fig)
        fig.set_facecolor(background)
        result.draw(fig, theme)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi, facecolor=background)
    return buffer.getvalue()

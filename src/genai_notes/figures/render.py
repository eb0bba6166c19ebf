"""Paint a figure result as SVG in one theme: the only module that imports matplotlib.

The object API (no pyplot), the Agg-free SVG backend, a per-figure ``rc_context`` and fixed
metadata make the same inputs give the same bytes, as matplotlib's own plot_directive does.
"""

from __future__ import annotations

import io
import re
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
    return compact_svg(buffer.getvalue())


_DECIMAL = re.compile(r"-?\d+\.\d{2,}")
_GEOMETRY = re.compile(r' (d|x|y|x1|x2|y1|y2|transform|points)="([^"]*)"')


def _round(match: re.Match[str]) -> str:
    return f"{float(match.group(0)):.1f}".rstrip("0").rstrip(".")


def _geometry(match: re.Match[str]) -> str:
    value = " ".join(_DECIMAL.sub(_round, match.group(2)).split())
    return f' {match.group(1)}="{value}"'


def compact_svg(svg: bytes) -> bytes:
    """``svg`` without matplotlib's RDF metadata, coordinates rounded to 0.1 pt, path data on
    one line: the same drawing (0.1 pt is 0.13 CSS px), about a fifth fewer compressed bytes.

    Only geometry attributes are touched, never text content or styles, so a label such as
    "3.14159274" keeps every digit.
    """
    text = svg.decode("utf-8")
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, count=1, flags=re.DOTALL)
    return _GEOMETRY.sub(_geometry, text).encode("utf-8")


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

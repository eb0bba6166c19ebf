"""Drawing helpers shared by the diagram modules: boxes, arrows, wrapped text, flow-chart nodes.

Diagrams are boxes, arrows and text on an axis without ticks. The axis fills the figure and its
data units are inches, so box sizes and font sizes can be reasoned about together.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from genai_notes.figures.style import Theme

Point = tuple[float, float]
FONT = 10.5  # diagram text: 14 px in the wide drawing (style.WIDE.note), >= 0.85 x 16 px
TIMES = "\u00d7"  # the multiplication sign, as in "N \u00d7 layers"


def _canvas(fig: Figure, width: float, height: float) -> Axes:
    """An axis covering the whole figure whose data units are inches."""
    fig.set_layout_engine("none")  # the axis is placed by hand; constrained layout would warn
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0.0, width)
    ax.set_ylim(0.0, height)
    ax.set_axis_off()
    return ax


def _box(
    ax: Axes,
    centre: Point,
    size: Point,
    theme: Theme,
    *,
    edge: str | None = None,
    fill: str | None = None,
    linewidth: float = 1.0,
    dashed: bool = False,
    zorder: float | None = None,
) -> None:
    """A rounded box centred on ``centre`` with ``size`` = (width, height) in inches.

    ``zorder`` None keeps matplotlib's default for patches.
    """
    from matplotlib.patches import FancyBboxPatch

    (x, y), (w, h) = centre, size
    ax.add_patch(
        FancyBboxPatch(
            (x - w / 2, y - h / 2),
            w,
            h,
            boxstyle="round,pad=0,rounding_size=0.06",
            facecolor=fill or "none",
            edgecolor=edge or theme.text,
            linewidth=linewidth,
            linestyle="--" if dashed else "-",
            zorder=zorder,
        )
    )


def _arrow(
    ax: Axes,
    points: Sequence[Point],
    colour: str,
    *,
    dashed: bool = False,
    linewidth: float = 1.1,
    head: bool = True,
    joinstyle: Literal["miter", "round"] = "miter",
) -> None:
    """A polyline arrow through ``points``, with its head at the last point.

    ``joinstyle`` "round" is matplotlib's default for arrows; "miter" gives square corners.
    """
    from matplotlib.patches import FancyArrowPatch
    from matplotlib.path import Path

    path = Path(list(points), [Path.MOVETO] + [Path.LINETO] * (len(points) - 1))
    ax.add_patch(
        FancyArrowPatch(
            path=path,
            arrowstyle="-|>,head_length=5,head_width=2.6" if head else "-",
            color=colour,
            linewidth=linewidth,
            linestyle=(0, (4, 2.5)) if dashed else "-",
            shrinkA=0,
            shrinkB=0,
            joinstyle=joinstyle,
        )
    )


def _wrap(text: str, width: int) -> str:
    """Wrap each line of ``text`` to ``width`` characters, never at a hyphen nor inside a word
    (a mathtext formula written without spaces stays whole). A formula counts the characters
    it shows, not its TeX (``$d_{\\mathrm{ff}}$`` is three letters wide, not seventeen)."""
    return "\n".join(line for part in text.split("\n") for line in _wrap_line(part, width))


def _wrap_line(text: str, width: int) -> list[str]:
    if "$" not in text:
        return textwrap.wrap(text, width, break_on_hyphens=False, break_long_words=False)
    lines: list[str] = []
    words: list[str] = []
    used = 0
    for word in filter(None, text.split(" ")):  # not at no-break spaces, as textwrap
        size = _shown_length(word)
        if words and used + 1 + size > width:
            lines.append(" ".join(words))
            words, used = [], 0
        used += size + (1 if words else 0)
        words.append(word)
    if words:
        lines.append(" ".join(words))
    return lines


_TEX_COMMAND = re.compile(r"\\([A-Za-z]+)")
_TEX_FONTS = {"mathrm", "mathit", "mathbf", "mathsf", "mathtt", "text", "rm", "it", "bf"}


def _shown_length(word: str) -> int:
    """About how many characters wide a word is once mathtext has set its formulas: font
    commands show nothing, a symbol command (``\\times``, ``\\alpha``) one character, and
    braces, ``^``, ``_`` and the dollars none."""
    if "$" not in word:
        return len(word)
    shown = _TEX_COMMAND.sub(lambda m: "" if m.group(1) in _TEX_FONTS else "x", word)
    return len(shown) - sum(shown.count(c) for c in "{}^_$")


def _readable_on(fill: str, theme: Theme) -> str:
    """Of the theme's text and surface colours, the one with more contrast on ``fill``."""
    from matplotlib.colors import to_rgb

    def luminance(colour: str) -> float:
        channels = [
            c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(colour)
        ]
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]

    def contrast(a: str, b: str) -> float:
        la, lb = sorted((luminance(a), luminance(b)), reverse=True)
        return (la + 0.05) / (lb + 0.05)

    return max((theme.text, theme.surface), key=lambda c: contrast(c, fill))


# --- flow-chart nodes -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Node:
    """A box of a flow diagram: its table row, where it sits and what it says."""

    name: str
    does: str
    shown: str
    centre: Point
    size: Point


def _edge(
    node: _Node, side: Literal["left", "right", "top", "bottom"], shift: float = 0.0
) -> Point:
    """A point on one side of a box, ``shift`` inches along that side from its middle."""
    (x, y), (w, h) = node.centre, node.size
    return {
        "left": (x - w / 2, y + shift),
        "right": (x + w / 2, y + shift),
        "top": (x + shift, y + h / 2),
        "bottom": (x + shift, y - h / 2),
    }[side]


def _draw_node(ax: Axes, node: _Node, theme: Theme, edge: str) -> None:
    """A node's box, outlined in ``edge``, with its text in the middle."""
    _box(ax, node.centre, node.size, theme, edge=edge, fill=theme.surface, linewidth=1.3)
    ax.text(
        *node.centre,
        node.shown,
        ha="center",
        va="center",
        fontsize=FONT,
        color=theme.text,
        linespacing=1.15,
    )


# --- the phone reflow of a flow diagram -------------------------------------------------------

_FLOW_LINE = 0.21  # inches per line of FONT (10.5 pt) text, with its leading
_FLOW_WRAP = 37  # characters per line in a box of a 3.75 in drawing
_FLOW_GAP = 0.3  # between boxes, where the arrow runs


@dataclass(frozen=True)
class FlowStep:
    """One box of a vertical flow: a bold title and a body of text under it.

    Attributes:
        title: The step's name.
        body: What it does (wrapped to the box).
        emphasis: Outline the box in the highlight colour.
    """

    title: str
    body: str = ""
    emphasis: bool = False


def _flow_lines(step: FlowStep) -> int:
    return 1 + (len(_wrap(step.body, _FLOW_WRAP).split("\n")) if step.body else 0)


def flow_height(steps: Sequence[FlowStep], notes: Sequence[str] = ()) -> float:
    """The height in inches :func:`draw_flow` needs for ``steps`` and ``notes``."""
    boxes = sum(_flow_lines(s) * _FLOW_LINE + 0.22 for s in steps)
    note_lines = sum(len(_wrap(n, _FLOW_WRAP + 6).split("\n")) for n in notes)
    return round(0.1 + boxes + _FLOW_GAP * (len(steps) - 1) + note_lines * _FLOW_LINE + 0.2, 2)


def draw_flow(
    fig: Figure, theme: Theme, steps: Sequence[FlowStep], notes: Sequence[str] = ()
) -> None:
    """A flow diagram reflowed for a phone: full-width boxes top to bottom, joined by arrows,
    then ``notes`` (loops back, side inputs) as text under them."""
    width, height = fig.get_figwidth(), fig.get_figheight()
    ax = _canvas(fig, width, height)
    y = height - 0.1
    for index, step in enumerate(steps):
        box_height = _flow_lines(step) * _FLOW_LINE + 0.22
        edge = theme.highlight if step.emphasis else theme.text
        _box(
            ax,
            (width / 2, y - box_height / 2),
            (width - 0.12, box_height),
            theme,
            edge=edge,
            fill=theme.surface,
            linewidth=1.3 if step.emphasis else 1.0,
        )
        ax.text(
            0.16, y - 0.11, step.title, ha="left", va="top", fontweight="bold", color=theme.text
        )
        if step.body:
            ax.text(
                0.16,
                y - 0.11 - _FLOW_LINE,
                _wrap(step.body, _FLOW_WRAP),
                ha="left",
                va="top",
                color=theme.text,
                linespacing=1.25,
            )
        y -= box_height
        if index < len(steps) - 1:
            _arrow(ax, [(width / 2, y), (width / 2, y - _FLOW_GAP)], theme.text)
            y -= _FLOW_GAP
    y -= 0.12
    for note in notes:
        text = _wrap(note, _FLOW_WRAP + 6)
        ax.text(0.08, y, text, ha="left", va="top", color=theme.muted, linespacing=1.25)
        y -= len(text.split("\n")) * _FLOW_LINE

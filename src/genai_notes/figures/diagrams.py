"""Figures: diagrams (the project lifecycle, the Transformer, one attention computation).

Diagrams are boxes, arrows and text on an axis without ticks. The axis fills the figure and its
data units are inches, so box sizes and font sizes can be reasoned about together.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Annotated, Any, Literal

import numpy as np

from genai_notes.figures.base import FigureResult, Length, Range, Table, figure
from genai_notes.figures.registry import ParameterError
from genai_notes.science.sampling import softmax

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from genai_notes.figures.style import Theme

Point = tuple[float, float]
FONT = 8.5  # diagram text; the brief's minimum is 8 pt
TIMES = "\u00d7"  # the multiplication sign, as in "N \u00d7 layers"


# --- drawing helpers -------------------------------------------------------------------------


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
) -> None:
    """A rounded box centred on ``centre`` with ``size`` = (width, height) in inches."""
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
) -> None:
    """A polyline arrow through ``points``, with its head at the last point."""
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
            joinstyle="miter",
        )
    )


def _wrap(text: str, width: int) -> str:
    """Wrap each line of ``text`` to ``width`` characters, never at a hyphen."""
    return "\n".join(
        line
        for part in text.split("\n")
        for line in textwrap.wrap(part, width, break_on_hyphens=False)
    )


# --- lifecycle -------------------------------------------------------------------------------

Stage = Literal["none", "scope", "select", "adapt and align", "application integration"]


@dataclass(frozen=True)
class _Step:
    label: str
    centre: Point
    size: Point
    wrap: int


@dataclass(frozen=True)
class _Stage:
    key: str
    title: str
    section: str
    centre: Point
    size: Point
    steps: tuple[_Step, ...]


def _stage_centres(widths: Sequence[float], total: float, margin: float) -> list[float]:
    """x centres of boxes of ``widths`` spread over ``total`` inches with equal gaps."""
    gap = (total - 2 * margin - sum(widths)) / (len(widths) - 1)
    centres, x = [], margin
    for w in widths:
        centres.append(x + w / 2)
        x += w + gap
    return centres


def _lifecycle_stages() -> tuple[_Stage, ...]:
    top, bottom = 3.0, 0.8  # stage boxes span these heights (inches)
    mid, height = (top + bottom) / 2, top - bottom
    body = mid - 0.17  # centre of the area under a stage's title
    widths = (1.2, 1.2, 2.3, 1.3)
    sx, px, ax_, ix = _stage_centres(widths, 7.0, 0.04)

    dx, dy, cell = 0.58, 0.45, (0.9, 0.62)
    cycle = (
        _Step("Prompt engineering", (ax_ - dx, body + dy), cell, 12),
        _Step("Fine-tuning", (ax_ + dx, body + dy), cell, 12),
        _Step("Align with human feedback", (ax_ + dx, body - dy), cell, 12),
        _Step("Evaluate", (ax_ - dx, body - dy), cell, 12),
    )
    part = (1.16, 0.5)
    integration = (
        _Step("Optimise and deploy for inference", (ix, body + 0.5), part, 15),
        _Step("Augment the model", (ix, body - 0.06), part, 12),
        _Step("Build the LLM-powered application", (ix, body - 0.62), part, 15),
    )
    return (
        _Stage(
            "scope",
            "Scope",
            "Stage 1: define the scope",
            (sx, mid),
            (widths[0], height),
            (_Step("Define the use case", (sx, body), (1.04, 0.9), 11),),
        ),
        _Stage(
            "select",
            "Select",
            "Stage 2: select a model",
            (px, mid),
            (widths[1], height),
            (_Step("Choose an existing model or pre-train your own", (px, body), (1.04, 0.9), 13),),
        ),
        _Stage(
            "adapt and align",
            "Adapt and align",
            "Stage 3: adapt and align",
            (ax_, mid),
            (widths[2], height),
            cycle,
        ),
        _Stage(
            "application integration",
            "Application integration",
            "Stage 4: application integration",
            (ix, mid),
            (widths[3], height),
            integration,
        ),
    )


# Loops back, as "How the stages loop back" lists them: (from, to, label).
_LOOPS = (
    ("Evaluate", "Prompt engineering", "evaluate, then adapt again (inner loop)"),
    ("Evaluate", "Fine-tuning", "evaluate, then adapt again (inner loop)"),
    ("adapt and align", "select", "model too weak: choose another"),
    ("adapt and align", "scope", "task too broad: narrow it"),
    ("application integration", "adapt and align", "production failures become new data"),
)
_LOOP_SECTION = "How the stages loop back"


def _lifecycle_table(stages: tuple[_Stage, ...]) -> Table:
    rows: list[tuple[str, str, str]] = [
        (s.title, step.label, s.section) for s in stages for step in s.steps
    ]
    titles = {s.key: s.title for s in stages}
    for source, target, label in _LOOPS:
        rows.append(
            (
                "loop back",
                f"{titles.get(source, source)} → {titles.get(target, target)}: {label}",
                _LOOP_SECTION,
            )
        )
    columns = list(zip(*rows, strict=True))
    return Table.from_columns({"stage": columns[0], "step": columns[1], "page section": columns[2]})


def _draw_stage(ax: Axes, stage: _Stage, theme: Theme, highlighted: bool) -> None:
    edge = theme.highlight if highlighted else theme.muted
    _box(
        ax,
        stage.centre,
        stage.size,
        theme,
        edge=edge,
        fill=theme.surface,
        linewidth=2.4 if highlighted else 1.0,
    )
    x, y = stage.centre
    ax.text(
        x,
        y + stage.size[1] / 2 - 0.08,
        _wrap(stage.title, 15),
        ha="center",
        va="top",
        fontsize=9.5,
        fontweight="bold",
        linespacing=1.1,
        color=theme.highlight if highlighted else theme.text,
    )
    for step in stage.steps:
        _box(ax, step.centre, step.size, theme, edge=theme.text, linewidth=0.8)
        ax.text(
            *step.centre,
            _wrap(step.label, step.wrap),
            ha="center",
            va="center",
            fontsize=FONT,
            color=theme.text,
            linespacing=1.15,
        )


def _draw_cycle(ax: Axes, stage: _Stage, theme: Theme) -> None:
    """Solid arrows round the adapt-and-align cycle, dashed ones back from Evaluate."""
    pe, ft, al, ev = (s for s in stage.steps)
    hw, hh = pe.size[0] / 2, pe.size[1] / 2
    _arrow(ax, [(pe.centre[0] + hw, pe.centre[1]), (ft.centre[0] - hw, ft.centre[1])], theme.text)
    _arrow(ax, [(ft.centre[0], ft.centre[1] - hh), (al.centre[0], al.centre[1] + hh)], theme.text)
    _arrow(ax, [(al.centre[0] - hw, al.centre[1]), (ev.centre[0] + hw, ev.centre[1])], theme.text)
    loop = theme.series[0]
    _arrow(
        ax,
        [(ev.centre[0], ev.centre[1] + hh), (pe.centre[0], pe.centre[1] - hh)],
        loop,
        dashed=True,
    )
    _arrow(
        ax,
        [
            (ev.centre[0] + hw, ev.centre[1] + hh - 0.08),
            (ft.centre[0] - hw, ft.centre[1] - hh + 0.08),
        ],
        loop,
        dashed=True,
    )


def _draw_lifecycle_loops(ax: Axes, stages: tuple[_Stage, ...], theme: Theme) -> None:
    scope, select, adapt, integrate = stages
    top = adapt.centre[1] + adapt.size[1] / 2
    bottom = adapt.centre[1] - adapt.size[1] / 2
    loop = theme.series[0]
    label: dict[str, Any] = {"ha": "center", "va": "bottom", "fontsize": FONT, "color": theme.text}
    # Adapt -> select: a low bracket; adapt -> scope: a higher one over it.
    adapt_left = adapt.centre[0] - adapt.size[0] / 2
    near, far = adapt_left + 0.3, adapt.centre[0] + 0.7
    _arrow(
        ax,
        [(near, top), (near, top + 0.3), (select.centre[0], top + 0.3), (select.centre[0], top)],
        loop,
        dashed=True,
    )
    ax.text((near + select.centre[0]) / 2 + 0.15, top + 0.34, _LOOPS[2][2], **label)
    _arrow(
        ax,
        [(far, top), (far, top + 0.68), (scope.centre[0], top + 0.68), (scope.centre[0], top)],
        loop,
        dashed=True,
    )
    ax.text((far + scope.centre[0]) / 2, top + 0.72, _LOOPS[3][2], **label)
    # Integration -> adapt, underneath.
    x0, x1 = integrate.centre[0], adapt.centre[0]
    _arrow(
        ax,
        [(x0, bottom), (x0, bottom - 0.32), (x1, bottom - 0.32), (x1, bottom)],
        loop,
        dashed=True,
    )
    ax.text(
        (x0 + x1) / 2,
        bottom - 0.38,
        _LOOPS[4][2],
        ha="center",
        va="top",
        fontsize=FONT,
        color=theme.text,
    )
    # Forward arrows between stages.
    for left, right in pairwise(stages):
        y = left.centre[1] - 0.17
        _arrow(
            ax,
            [(left.centre[0] + left.size[0] / 2, y), (right.centre[0] - right.size[0] / 2, y)],
            theme.text,
            linewidth=1.6,
        )


@figure("diagrams.lifecycle")
def lifecycle(highlight: Stage = "none") -> FigureResult:
    """The generative AI project lifecycle: four stages and the loops back between them.

    Args:
        highlight: The stage to emphasise ("scope", "select", "adapt and align",
            "application integration"), or "none".
    """
    stages = _lifecycle_stages()
    width, height = 7.0, 4.0

    def draw(fig: Figure, theme: Theme) -> None:
        ax = _canvas(fig, width, height)
        for stage in stages:
            _draw_stage(ax, stage, theme, stage.key == highlight)
        _draw_cycle(ax, stages[2], theme)
        _draw_lifecycle_loops(ax, stages, theme)

    return FigureResult(_lifecycle_table(stages), draw, width=width, height=height)


# --- transformer -----------------------------------------------------------------------------

Variant = Literal["encoder-decoder", "encoder-only", "decoder-only"]
BlockKind = Literal["label", "embed", "sublayer", "norm", "head"]
_HEIGHTS: dict[str, float] = {
    "label": 0.2,
    "embed": 0.5,
    "sublayer": 0.36,
    "norm": 0.22,
    "head": 0.26,
}
_GAP = 0.13  # between blocks (inches)
_FRAME_PAD = 0.14  # extra room inside and outside the frame of the repeated layer
_BOX_W = 1.9
_MARGIN = 0.12


@dataclass(frozen=True)
class _Block:
    stack: str
    name: str
    kind: BlockKind
    does: str
    repeated: bool = False
    shown: str = ""  # the text in the box when it differs from ``name``


@dataclass(frozen=True)
class _Placed:
    block: _Block
    y: float  # centre height, inches


def _add_norm(stack: str) -> _Block:
    return _Block(
        stack,
        "Add & norm",
        "norm",
        "adds the sub-layer's input back (residual connection), then layer normalization",
        True,
    )


def _encoder_blocks(d_model: int, n_heads: int, d_ff: int) -> list[_Block]:
    return [
        _Block("encoder", "Input tokens", "label", "the token IDs of the input sequence"),
        _Block(
            "encoder",
            f"Input embedding + positional encoding (d_model = {d_model})",
            "embed",
            f"turns each token ID into a {d_model}-number vector and adds its position",
            shown=f"Input embedding\n+ positional encoding\nd_model = {d_model}",
        ),
        _Block(
            "encoder",
            f"Multi-head self-attention (h = {n_heads})",
            "sublayer",
            f"every token attends to every input token in both directions, in {n_heads} heads",
            True,
        ),
        _add_norm("encoder"),
        _Block(
            "encoder",
            f"Feed-forward (d_ff = {d_ff})",
            "sublayer",
            f"the same two-layer network at each position: {d_model} → {d_ff} → {d_model}",
            True,
        ),
        _add_norm("encoder"),
    ]


def _decoder_blocks(n_heads: int, d_model: int, d_ff: int, *, cross: bool) -> list[_Block]:
    source = "Outputs so far (shifted right)" if cross else "Input tokens (the text so far)"
    embed = "Output embedding" if cross else "Input embedding"
    blocks = [
        _Block("decoder", source, "label", "the token IDs the decoder reads"),
        _Block(
            "decoder",
            f"{embed} + positional encoding (d_model = {d_model})",
            "embed",
            f"turns each token ID into a {d_model}-number vector and adds its position",
            shown=f"{embed}\n+ positional encoding\nd_model = {d_model}",
        ),
        _Block(
            "decoder",
            f"Masked multi-head self-attention (h = {n_heads})",
            "sublayer",
            "each token attends only to itself and earlier tokens (causal mask)",
            True,
        ),
        _add_norm("decoder"),
    ]
    if cross:
        blocks += [
            _Block(
                "decoder",
                f"Cross-attention over encoder output (h = {n_heads})",
                "sublayer",
                "decoder queries attend to the encoder's output (its keys and values)",
                True,
            ),
            _add_norm("decoder"),
        ]
    return [
        *blocks,
        _Block(
            "decoder",
            f"Feed-forward (d_ff = {d_ff})",
            "sublayer",
            f"the same two-layer network at each position: {d_model} → {d_ff} → {d_model}",
            True,
        ),
        _add_norm("decoder"),
    ]


def _head_blocks() -> list[_Block]:
    stack = "output"
    return [
        _Block(stack, "Linear", "head", "maps each final vector to one logit per vocabulary token"),
        _Block(stack, "Softmax", "head", "turns the logits into a probability distribution"),
        _Block(stack, "Output probabilities", "label", "the distribution over the next token"),
    ]


def _transformer_stacks(
    variant: Variant, d_model: int, n_heads: int, d_ff: int
) -> list[list[_Block]]:
    """The columns to draw, each bottom to top; the last one carries the output head."""
    if variant == "encoder-only":
        return [_encoder_blocks(d_model, n_heads, d_ff) + _head_blocks()]
    decoder = _decoder_blocks(n_heads, d_model, d_ff, cross=variant == "encoder-decoder")
    decoder += _head_blocks()
    if variant == "decoder-only":
        return [decoder]
    return [_encoder_blocks(d_model, n_heads, d_ff), decoder]


def _place(blocks: list[_Block], bottom: float) -> list[_Placed]:
    """Stack ``blocks`` upwards from ``bottom``, leaving room for the frame of the layer."""
    placed, y, inside = [], bottom, False
    for block in blocks:
        if block.repeated != inside:
            y += _FRAME_PAD
            inside = block.repeated
        h = _HEIGHTS[block.kind]
        placed.append(_Placed(block, y + h / 2))
        y += h + _GAP
    return placed


def _top(placed: list[_Placed]) -> float:
    return placed[-1].y + _HEIGHTS[placed[-1].block.kind] / 2


def _edge_colour(block: _Block, theme: Theme) -> str:
    if "attention" in block.name:
        return theme.series[0]
    if block.name.startswith("Feed-forward"):
        return theme.series[2]
    return theme.muted if block.kind == "norm" else theme.text


def _draw_column(
    ax: Axes, placed: list[_Placed], cx: float, side: int, n_layers: int, theme: Theme
) -> None:
    """One stack: boxes, the arrows between them, residual paths and the layer frame."""
    for i, item in enumerate(placed):
        h = _HEIGHTS[item.block.kind]
        if item.block.kind == "label":
            ax.text(
                cx,
                item.y,
                item.block.name,
                ha="center",
                va="center",
                fontsize=FONT,
                color=theme.text,
                fontstyle="italic",
            )
        else:
            _box(
                ax,
                (cx, item.y),
                (_BOX_W, h),
                theme,
                edge=_edge_colour(item.block, theme),
                fill=theme.surface,
                linewidth=1.3,
            )
            # No-break spaces keep "(h = 8)" on one line.
            text = (item.block.shown or item.block.name).replace(" = ", "\u00a0=\u00a0")
            ax.text(
                cx,
                item.y,
                _wrap(text, 28),
                ha="center",
                va="center",
                fontsize=FONT,
                color=theme.text,
                linespacing=1.1,
            )
        if i:
            below = placed[i - 1]
            start = below.y + _HEIGHTS[below.block.kind] / 2
            _arrow(ax, [(cx, start), (cx, item.y - h / 2)], theme.text)
        if item.block.kind == "norm":
            _draw_residual(ax, placed[i - 2], placed[i - 1], item, cx, side, theme)
    layer = [p for p in placed if p.block.repeated]
    low = layer[0].y - _HEIGHTS[layer[0].block.kind] / 2 - _FRAME_PAD * 0.7
    high = layer[-1].y + _HEIGHTS[layer[-1].block.kind] / 2 + _FRAME_PAD * 0.7
    frame_w = _BOX_W + 0.5
    _box(ax, (cx, (low + high) / 2), (frame_w, high - low), theme, edge=theme.muted, linewidth=1.0)
    ax.text(
        cx + side * (frame_w / 2 + 0.08),
        (low + high) / 2,
        f"{TIMES} {n_layers}",
        ha="left" if side > 0 else "right",
        va="center",
        fontsize=12,
        fontweight="bold",
        color=theme.text,
    )


def _draw_residual(
    ax: Axes,
    before: _Placed,
    sublayer: _Placed,
    norm: _Placed,
    cx: float,
    side: int,
    theme: Theme,
) -> None:
    """The residual path: from the sub-layer's input round the side into Add & norm."""
    top_before = before.y + _HEIGHTS[before.block.kind] / 2
    bottom_sub = sublayer.y - _HEIGHTS[sublayer.block.kind] / 2
    # Branch off in the gap below the sub-layer (inside the layer's frame for the first one).
    gap = top_before if before.block.repeated else bottom_sub - _FRAME_PAD * 0.7
    y0 = (gap + bottom_sub) / 2
    x_side = cx + side * (_BOX_W / 2 + 0.14)
    _arrow(
        ax,
        [(cx, y0), (x_side, y0), (x_side, norm.y), (cx + side * _BOX_W / 2, norm.y)],
        theme.muted,
        linewidth=1.0,
    )


def _draw_cross(
    ax: Axes, encoder: list[_Placed], decoder: list[_Placed], xs: Point, theme: Theme
) -> None:
    """The encoder's output into the decoder's cross-attention, as keys and values."""
    cross = next(p for p in decoder if p.block.name.startswith("Cross"))
    top = _top(encoder)
    x_mid = (xs[0] + xs[1]) / 2
    rise = top + _FRAME_PAD + 0.12  # clear of the encoder's frame
    _arrow(
        ax,
        [
            (xs[0], top),
            (xs[0], rise),
            (x_mid, rise),
            (x_mid, cross.y),
            (xs[1] - _BOX_W / 2, cross.y),
        ],
        theme.series[0],
        linewidth=1.3,
    )
    ax.text(
        x_mid + 0.05,
        cross.y + 0.04,
        "keys,\nvalues",
        ha="left",
        va="bottom",
        fontsize=8,
        color=theme.text,
        linespacing=1.05,
    )


@figure("diagrams.transformer")
def transformer(
    n_layers: Annotated[int, Range(1, 200)] = 6,
    variant: Variant = "encoder-decoder",
    d_model: Annotated[int, Range(1, 65536)] = 512,
    n_heads: Annotated[int, Range(1, 256)] = 8,
    d_ff: Annotated[int, Range(1, 262144)] = 2048,
) -> FigureResult:
    """The Transformer of Vaswani et al. (2017): encoder and decoder stacks, block by block.

    Args:
        n_layers: Layers in each stack (N; 6 in the base model).
        variant: Which stacks to draw: both, the encoder only, or the decoder only
            (decoder-only has no cross-attention).
        d_model: Width of every token vector, in numbers (512 in the base model).
        n_heads: Attention heads per attention sub-layer (h; 8 in the base model).
        d_ff: Inner width of the feed-forward network, in numbers (2048 in the base model).
    """
    if d_model % n_heads:
        raise ParameterError(
            f"d_model ({d_model}) must be divisible by n_heads ({n_heads}), "
            "so every head gets d_model / n_heads numbers"
        )
    stacks = _transformer_stacks(variant, d_model, n_heads, d_ff)
    placed = [_place(blocks, _MARGIN) for blocks in stacks]
    width, height = 7.0, max(_top(p) for p in placed) + _MARGIN

    def draw(fig: Figure, theme: Theme) -> None:
        ax = _canvas(fig, width, height)
        xs = [2.05, 4.95] if len(placed) == 2 else [width / 2]
        for column, cx in zip(placed, xs, strict=True):
            side = -1 if column[0].block.stack == "encoder" else 1
            _draw_column(ax, column, cx, side, n_layers, theme)
        if len(placed) == 2:
            _draw_cross(ax, placed[0], placed[1], (xs[0], xs[1]), theme)

    return FigureResult(_transformer_table(stacks, n_layers), draw, width=width, height=height)


def _transformer_table(stacks: list[list[_Block]], n_layers: int) -> Table:
    blocks = [b for column in stacks for b in column]
    return Table.from_columns(
        {
            "order": list(range(1, len(blocks) + 1)),
            "stack": [b.stack for b in blocks],
            "block": [b.name for b in blocks],
            "repeated": [f"{TIMES} {n_layers}" if b.repeated else "once" for b in blocks],
            "what it does": [b.does for b in blocks],
        }
    )


# --- attention -------------------------------------------------------------------------------


def attention_weights(
    q: np.ndarray, k: np.ndarray, *, causal: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Row-wise ``softmax(QK^T / sqrt(d_k))`` and the mask of the cells it keeps.

    Args:
        q: Queries, one row per token, shape (n_tokens, d_k).
        k: Keys, the same shape.
        causal: Whether query i may only see keys 0..i (the decoder's mask).

    Returns:
        The weights (masked cells exactly 0) and the boolean mask of kept cells.
    """
    n, d_k = q.shape
    scores = q @ k.T / np.sqrt(d_k)
    kept = np.tril(np.ones((n, n), dtype=bool)) if causal else np.ones((n, n), dtype=bool)
    weights = np.vstack([softmax(np.where(kept[i], scores[i], -np.inf)) for i in range(n)])
    return weights, kept


def _matrix(name: str, values: list[float], n_tokens: int, width: int | None) -> np.ndarray:
    """A flat list as an (n_tokens, width) matrix, or a readable ParameterError."""
    if width is None:
        if len(values) % n_tokens:
            raise ParameterError(
                f"{name} has {len(values)} numbers, which is not a whole row for each of "
                f"the {n_tokens} tokens"
            )
        width = len(values) // n_tokens
    if len(values) != n_tokens * width:
        raise ParameterError(
            f"{name} must hold n_tokens {TIMES} d_k = {n_tokens} {TIMES} {width} = "
            f"{n_tokens * width} numbers (one row per token), got {len(values)}"
        )
    return np.array(values, dtype=np.float64).reshape(n_tokens, width)


_ENTRY = Range(-100.0, 100.0)


@figure("diagrams.attention")
def attention(
    q: Annotated[list[float], _ENTRY, Length(1, 128)] = [1, 0, 0, 1, 1, 1],  # noqa: B006
    k: Annotated[list[float], _ENTRY, Length(1, 128)] = [1, 0, 1, 1, 0, 1],  # noqa: B006
    v: Annotated[list[float], _ENTRY, Length(1, 128)] = [1, 0, 0, 1, 2, 2],  # noqa: B006
    n_tokens: Annotated[int, Range(1, 8)] = 3,
    d_k: Annotated[int, Range(1, 16)] = 2,
    tokens: Annotated[list[str], Length(1, 8)] = ["cats", "chase", "mice"],  # noqa: B006
    causal: bool = False,
) -> FigureResult:
    """Scaled dot-product attention: the weights softmax(QK^T / sqrt(d_k)) and the outputs.

    Args:
        q: Query matrix Q, row by row (n_tokens rows of d_k numbers).
        k: Key matrix K, row by row (n_tokens rows of d_k numbers).
        v: Value matrix V, row by row (n_tokens rows of equal length, at most 8 numbers).
        n_tokens: Number of tokens, which is the number of rows of Q, K and V.
        d_k: Size of each query and key vector, in numbers.
        tokens: Label of each token, in order.
        causal: Whether to apply the decoder's causal mask (a token sees only itself and
            earlier tokens).
    """
    if len(tokens) != n_tokens:
        raise ParameterError(f"tokens must have n_tokens = {n_tokens} labels, got {len(tokens)}")
    qm, km = _matrix("q", q, n_tokens, d_k), _matrix("k", k, n_tokens, d_k)
    vm = _matrix("v", v, n_tokens, None)
    if vm.shape[1] > 8:
        raise ParameterError(f"v must have at most 8 numbers per token, got {vm.shape[1]}")
    weights, kept = attention_weights(qm, km, causal=causal)
    outputs = weights @ vm
    columns: dict[str, list[str] | list[float]] = {"query token": list(tokens)}
    columns |= {f'weight on "{t}"': weights[:, j].tolist() for j, t in enumerate(tokens)}
    columns |= {f"output[{i + 1}]": outputs[:, i].tolist() for i in range(vm.shape[1])}
    table = Table.from_columns(columns, formats={c: ".3f" for c in list(columns)[1:]})

    def draw(fig: Figure, theme: Theme) -> None:
        _draw_attention(fig, theme, weights, kept, outputs, list(tokens))

    return FigureResult(table, draw, width=7.0, height=3.0 + 0.15 * n_tokens)


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


def _draw_attention(
    fig: Figure,
    theme: Theme,
    weights: np.ndarray,
    kept: np.ndarray,
    outputs: np.ndarray,
    tokens: list[str],
) -> None:
    from matplotlib.colors import LinearSegmentedColormap, to_hex

    n, d_v = outputs.shape
    grid = fig.add_gridspec(1, 2, width_ratios=(max(n, 3) + 1.2, max(d_v, 2.5) + 0.6))
    ax, out = fig.add_subplot(grid[0]), fig.add_subplot(grid[1])
    cmap = LinearSegmentedColormap.from_list(
        "attention", [theme.surface, theme.series[0]]
    ).with_extremes(bad=theme.removed)
    shown = np.ma.masked_array(weights, mask=~kept)
    image = ax.imshow(shown, cmap=cmap, vmin=0.0, vmax=1.0)
    size, spec = (10, ".3f") if n <= 4 else (8, ".3f" if n <= 5 else ".2f")
    for i in range(n):
        for j in range(n):
            if kept[i, j]:
                colour = _readable_on(to_hex(cmap(weights[i, j])), theme)
                ax.text(
                    j,
                    i,
                    format(weights[i, j], spec),
                    ha="center",
                    va="center",
                    fontsize=size,
                    color=colour,
                )
    _matrix_axes(ax, tokens, tokens, "key token", "query token")
    bar = fig.colorbar(image, ax=ax, fraction=0.05, pad=0.03)
    bar.set_label("attention weight")
    bar.outline.set_visible(False)
    _draw_masked(ax, kept, theme, below=0.3 if n > 4 else 0.2)
    out.imshow(
        np.zeros_like(outputs),
        aspect="auto",
        cmap=LinearSegmentedColormap.from_list("plain", [theme.surface, theme.surface]),
    )
    for i in range(n):
        for j in range(d_v):
            out.text(
                j,
                i,
                f"{outputs[i, j]:.3f}",
                ha="center",
                va="center",
                fontsize=size,
                color=theme.text,
            )
    _matrix_axes(out, [str(j + 1) for j in range(d_v)], tokens, "dimension", "")
    if n > 4:
        ax.tick_params(axis="x", labelrotation=45)
    ax.set_title("weights = softmax(QKᵀ / √d_k), row by row", fontsize=10)
    out.set_title("output = weights · V", fontsize=10)


def _draw_masked(ax: Axes, kept: np.ndarray, theme: Theme, below: float) -> None:
    """Hatch the cells the causal mask removes, and say so in a legend under the grid."""
    from matplotlib.patches import Patch, Rectangle

    if kept.all():
        return
    style: dict[str, Any] = {
        "facecolor": theme.removed,
        "edgecolor": theme.muted,
        "hatch": "///",
        "linewidth": 0.0,
    }
    for i, j in zip(*np.nonzero(~kept), strict=True):
        ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1.0, 1.0, **style))
    ax.legend(
        handles=[Patch(label="masked (a later token)", **style)],
        loc="upper center",
        bbox_to_anchor=(0.5, -below),
        fontsize=8,
    )


def _matrix_axes(ax: Axes, columns: list[str], rows: list[str], xlabel: str, ylabel: str) -> None:
    ax.set_xticks(range(len(columns)), columns)
    ax.set_yticks(range(len(rows)), rows)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(False)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)


# --- RLHF ------------------------------------------------------------------------------------

_RANKED = "ABCDEFGHI"  # completions, labelled in the labeler's order: best first


@dataclass(frozen=True)
class _Node:
    """A box of a flow diagram: its table row, where it sits and what it says."""

    name: str
    does: str
    shown: str
    centre: Point
    size: Point


def _rlhf_nodes(beta: float) -> tuple[_Node, ...]:
    top, middle, bottom = 3.45, 2.12, 0.78
    return (
        _Node(
            "Prompt dataset",
            "supplies a prompt x",
            "Prompt\ndataset",
            (0.72, top),
            (1.08, 0.62),
        ),
        _Node(
            "Policy LLM",
            "the model being tuned, initialised from the SFT model; generates a completion y",
            "Policy LLM\n(being tuned;\nstarts as SFT)",
            (2.3, top),
            (1.42, 0.74),
        ),
        _Node(
            "Reward model",
            "scores the prompt and completion with one number, the reward r",
            "Reward model\nscores (x, y)",
            (3.98, top),
            (1.22, 0.62),
        ),
        _Node(
            "Reference model",
            "a frozen copy of the SFT model; KL = log π_RL(y|x) \u2212 log π_SFT(y|x)",
            "Reference model\n(frozen SFT copy)",
            (2.47, middle),
            (1.12, 0.6),
        ),
        _Node(
            "Penalised reward",
            f"R = r \u2212 β·KL with β = {beta:g}",
            f"Penalised reward\nR = r \u2212 β·KL\nβ = {beta:g}",
            (3.98, middle),
            (1.22, 0.7),
        ),
        _Node(
            "PPO update",
            "changes the policy's weights to raise R, then the loop starts again",
            "PPO update of the\npolicy's weights",
            (2.3, bottom),
            (1.42, 0.6),
        ),
    )


def _rlhf_table(nodes: tuple[_Node, ...], pairs: list[tuple[str, str]]) -> Table:
    part = ["RL loop (step 3)"] * len(nodes) + ["reward-model pairs (step 2)"] * len(pairs)
    return Table.from_columns(
        {
            "part": part,
            "order": list(range(1, len(nodes) + 1)) + list(range(1, len(pairs) + 1)),
            "item": [n.name for n in nodes] + [f"{w} > {loser}" for w, loser in pairs],
            "what it does": [n.does for n in nodes]
            + [
                f"{w} preferred to {loser}: loss \u2212log \u03c3(r_{w} \u2212 r_{loser})"
                for w, loser in pairs
            ],
        }
    )


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


def _draw_rlhf_loop(ax: Axes, nodes: tuple[_Node, ...], theme: Theme) -> None:
    prompt, policy, reward, reference, penalised, ppo = nodes
    for node in nodes:
        edge = theme.highlight if node is policy else theme.text
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
    label: dict[str, Any] = {"fontsize": FONT, "color": theme.text, "fontstyle": "italic"}
    x_mid = (_edge(prompt, "right")[0] + _edge(policy, "left")[0]) / 2
    _arrow(ax, [_edge(prompt, "right"), _edge(policy, "left")], theme.text)
    ax.text(x_mid, prompt.centre[1] + 0.05, "x", ha="center", va="bottom", **label)
    x_mid = (_edge(policy, "right")[0] + _edge(reward, "left")[0]) / 2
    _arrow(ax, [_edge(policy, "right"), _edge(reward, "left")], theme.text)
    ax.text(x_mid, policy.centre[1] + 0.05, "y", ha="center", va="bottom", **label)
    shift = reference.centre[0] - policy.centre[0]
    start, end = _edge(policy, "bottom", shift), _edge(reference, "top")
    _arrow(ax, [start, end], theme.text)
    ax.text(
        start[0] + 0.07, (start[1] + end[1]) / 2, "y, log π_RL", ha="left", va="center", **label
    )
    start, end = _edge(reward, "bottom"), _edge(penalised, "top")
    _arrow(ax, [start, end], theme.text)
    ax.text(start[0] + 0.07, (start[1] + end[1]) / 2, "r", ha="left", va="center", **label)
    start, end = _edge(reference, "right"), _edge(penalised, "left")
    _arrow(ax, [start, end], theme.text)
    ax.text((start[0] + end[0]) / 2, start[1] + 0.05, "KL", ha="center", va="bottom", **label)
    start = _edge(penalised, "bottom")
    _arrow(ax, [start, (start[0], ppo.centre[1]), _edge(ppo, "right")], theme.text)
    ax.text(start[0] + 0.07, (start[1] + ppo.centre[1]) / 2, "R", ha="left", va="center", **label)
    # The loop back: new weights for the policy, left of the reference model.
    x = policy.centre[0] - 0.56
    start, end = _edge(ppo, "top", x - ppo.centre[0]), _edge(policy, "bottom", x - policy.centre[0])
    _arrow(ax, [start, end], theme.highlight, linewidth=1.6)
    ax.text(
        x - 0.08,
        (start[1] + end[1]) / 2,
        "new\nweights",
        ha="right",
        va="center",
        fontsize=FONT,
        color=theme.highlight,
        linespacing=1.1,
    )
    ax.text(
        0.12,
        4.02,
        "Step 3: one iteration of RL with PPO",
        ha="left",
        va="center",
        fontsize=9.5,
        fontweight="bold",
        color=theme.text,
    )


def _draw_pair_panel(ax: Axes, k: int, pairs: list[tuple[str, str]], theme: Theme) -> Point:
    """The side panel: a ranking of K completions and the grid of the pairs it implies.

    Returns the point on the panel's left edge where the arrow to the reward model starts.
    """
    from matplotlib.patches import Rectangle

    left, right, top = 4.8, 6.92, 4.2
    cx = (left + right) / 2
    text: dict[str, Any] = {"ha": "center", "fontsize": FONT, "color": theme.text}
    ax.text(
        cx,
        4.02,
        "Step 2: reward-model data",
        va="center",
        fontsize=9.5,
        fontweight="bold",
        color=theme.text,
        ha="center",
    )
    ax.text(cx, 3.72, f"Labelers rank K = {k} completions", va="center", **text)
    ax.text(
        cx,
        3.47,
        " > ".join(_RANKED[:k]) if k <= 6 else ">".join(_RANKED[:k]),
        va="center",
        fontsize=9.5,
        fontweight="bold",
        color=theme.series[0],
        ha="center",
    )
    # Triangular grid: row = preferred completion, column = the one it beats.
    n = k - 1
    cell = min(0.4, 1.58 / n)
    grid_top, grid_left = 3.0, cx - n * cell / 2 + 0.18
    for r in range(n):
        ax.text(
            grid_left - 0.06,
            grid_top - (r + 0.5) * cell,
            _RANKED[r],
            ha="right",
            va="center",
            fontsize=FONT,
            color=theme.text,
        )
        ax.text(
            grid_left + (r + 0.5) * cell,
            grid_top + 0.04,
            _RANKED[r + 1],
            ha="center",
            va="bottom",
            fontsize=FONT,
            color=theme.text,
        )
    ax.text(grid_left + n * cell / 2, grid_top + 0.22, "beats", va="bottom", **text)
    ax.text(
        grid_left - 0.2,
        grid_top - n * cell / 2,
        "preferred",
        ha="right",
        va="center",
        rotation=90,
        fontsize=FONT,
        color=theme.text,
    )
    for number, (winner, loser) in enumerate(pairs, start=1):
        r, c = _RANKED.index(winner), _RANKED.index(loser) - 1
        x, y = grid_left + (c + 0.5) * cell, grid_top - (r + 0.5) * cell
        side = cell * 0.92
        ax.add_patch(
            Rectangle(
                (x - side / 2, y - side / 2),
                side,
                side,
                facecolor=theme.surface,
                edgecolor=theme.series[0],
                linewidth=0.8,
            )
        )
        ax.text(x, y, str(number), ha="center", va="center", fontsize=8, color=theme.text)
    y = grid_top - n * cell - 0.3
    ax.text(
        cx,
        y,
        f"K(K\u22121)/2 = {k}·{k - 1}/2 = {len(pairs)} pairs",
        va="center",
        fontweight="bold",
        **{**text, "color": theme.series[0]},
    )
    ax.text(
        cx,
        y - 0.42,
        "each trains the reward model\nwith loss \u2212log \u03c3(r_w \u2212 r_l)",
        va="center",
        linespacing=1.15,
        **text,
    )
    bottom = y - 0.75
    _box(
        ax,
        (cx, (bottom + top) / 2),
        (right - left, top - bottom),
        theme,
        edge=theme.muted,
        dashed=True,
    )
    return (left, 3.45)


@figure("diagrams.rlhf_loop")
def rlhf_loop(
    beta: Annotated[float, Range(0.0, 10.0)] = 0.02,
    k: Annotated[int, Range(2, 9)] = 4,
) -> FigureResult:
    """The RLHF loop (generate, score, KL-penalise, PPO update) and the reward model's pairs.

    Args:
        beta: Weight β of the KL penalty in R = r - β·KL (0.02 in InstructGPT).
        k: Completions a labeler ranks for one prompt (K; InstructGPT used 4 to 9).
    """
    nodes = _rlhf_nodes(beta)
    pairs = [(_RANKED[i], _RANKED[j]) for i in range(k) for j in range(i + 1, k)]
    floor = 0.22  # the drawing's lowest point (inches); the canvas starts there
    width, height = 7.0, 4.35 - floor

    def draw(fig: Figure, theme: Theme) -> None:
        ax = _canvas(fig, width, height)
        ax.set_ylim(floor, floor + height)
        _draw_rlhf_loop(ax, nodes, theme)
        start = _draw_pair_panel(ax, k, pairs, theme)
        reward = nodes[2]
        _arrow(ax, [start, _edge(reward, "right")], theme.series[0], dashed=True)

    return FigureResult(_rlhf_table(nodes, pairs), draw, width=width, height=height)


# --- retrieval-augmented generation ----------------------------------------------------------

_RAG_PITCH, _RAG_BOX = 1.14, (0.98, 0.74)  # column spacing and box size (inches)
_RAG_ROWS = {"offline": 3.5, "online": 2.2}


@dataclass(frozen=True)
class _Budget:
    """How one context window is shared (tokens)."""

    instructions: int
    chunks: int
    top_k: int
    question: int
    answer: int
    window: int

    @property
    def prompt(self) -> int:
        return self.instructions + self.top_k * self.chunks + self.question

    @property
    def unused(self) -> int:
        return self.window - self.prompt - self.answer

    def parts(self) -> list[tuple[str, int]]:
        """(label, tokens) of each part of the window, in order."""
        return [
            ("instructions", self.instructions),
            (f"retrieved chunks ({self.top_k} {TIMES} {self.chunks:,})", self.top_k * self.chunks),
            ("question", self.question),
            ("answer (reserved)", self.answer),
            ("unused", self.unused),
        ]


def _rag_nodes(chunk: int, overlap: int, budget: _Budget) -> tuple[_Node, ...]:
    def at(column: int, lane: str) -> Point:
        return (0.57 + column * _RAG_PITCH, _RAG_ROWS[lane])

    k = budget.top_k
    return (
        _Node("Documents", "the texts to index", "Documents", at(0, "offline"), _RAG_BOX),
        _Node(
            "Chunker",
            f"splits them into {chunk:,}-token chunks; neighbours share {overlap:,} tokens, "
            f"so a chunk starts every {chunk - overlap:,} tokens",
            f"Split into\n{chunk:,}-token\nchunks,\n{overlap:,} overlap",
            at(1, "offline"),
            _RAG_BOX,
        ),
        _Node(
            "Embedding model",
            "turns each chunk into a vector",
            "Embedding\nmodel",
            at(2, "offline"),
            _RAG_BOX,
        ),
        _Node(
            "Vector store",
            "keeps each vector with its chunk's text and source",
            "Vector store\n(vectors +\ntext)",
            at(3, "offline"),
            _RAG_BOX,
        ),
        _Node("User question", "the question", "User\nquestion", at(0, "online"), _RAG_BOX),
        _Node(
            "Embed the question",
            "the same embedding model turns the question into a vector",
            "Embed it\n(same model)",
            at(1, "online"),
            _RAG_BOX,
        ),
        _Node(
            f"Retrieve top-{k}",
            f"finds the {k} chunks whose vectors are nearest the question's",
            f"Retrieve\ntop-{k}\nchunks",
            at(2, "online"),
            _RAG_BOX,
        ),
        _Node(
            "Augmented prompt",
            f"instructions + {k} retrieved chunks + the question",
            f"Prompt:\ninstructions\n+ {k} chunks\n+ question",
            at(3, "online"),
            _RAG_BOX,
        ),
        _Node(
            "LLM",
            f"reads the prompt and writes the answer (up to {budget.answer:,} tokens)",
            "LLM",
            at(4, "online"),
            _RAG_BOX,
        ),
        _Node(
            "Answer with sources",
            "the answer, citing the chunks it used",
            "Answer\nwith sources",
            at(5, "online"),
            _RAG_BOX,
        ),
    )


def _rag_table(nodes: tuple[_Node, ...], budget: _Budget) -> Table:
    step_tokens: dict[str, int] = {
        "Chunker": budget.chunks,
        "User question": budget.question,
        nodes[6].name: budget.top_k * budget.chunks,
        "Augmented prompt": budget.prompt,
        "LLM": budget.answer,
    }
    rows: list[tuple[str, str, str, int | None]] = [
        (
            "offline" if n.centre[1] == _RAG_ROWS["offline"] else "online",
            n.name,
            n.does,
            step_tokens.get(n.name),
        )
        for n in nodes
    ]
    rows += [("context window", label, "", tokens) for label, tokens in budget.parts()]
    rows.append(("context window", "whole window", "", budget.window))
    columns = list(zip(*rows, strict=True))
    return Table.from_columns(
        {"lane": columns[0], "step": columns[1], "what happens": columns[2], "tokens": columns[3]},
        formats={"tokens": ",d"},
    )


def _draw_rag_lanes(ax: Axes, nodes: tuple[_Node, ...], theme: Theme) -> None:
    offline, online = nodes[:4], nodes[4:]
    for node in nodes:
        edge = theme.series[0] if node in offline else theme.text
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
    for lane in (offline, online):
        for a, b in pairwise(lane):
            _arrow(ax, [_edge(a, "right"), _edge(b, "left")], theme.text)
    store, search = offline[-1], online[2]
    start, end = _edge(store, "bottom"), _edge(search, "top")
    y = (start[1] + end[1]) / 2
    _arrow(ax, [start, (start[0], y), (end[0], y), end], theme.series[0])
    ax.text(
        start[0] + 0.06,
        y + 0.02,
        "nearest vectors",
        ha="left",
        va="bottom",
        fontsize=FONT,
        color=theme.text,
        fontstyle="italic",
    )
    title: dict[str, Any] = {"ha": "left", "va": "bottom", "fontsize": 9.5, "fontweight": "bold"}
    top = _RAG_ROWS["offline"] + _RAG_BOX[1] / 2 + 0.08
    ax.text(0.08, top, "Offline: index the documents once", color=theme.series[0], **title)
    top = _RAG_ROWS["online"] + _RAG_BOX[1] / 2 + 0.08
    ax.text(0.08, top, "Online: for every question", color=theme.text, **title)


def _draw_window(ax: Axes, prompt_node: _Node, budget: _Budget, theme: Theme) -> None:
    """The context window as a bar: the prompt's parts, the answer's reserve, what is left."""
    from matplotlib.colors import to_hex
    from matplotlib.patches import Patch, Rectangle

    left, right, y0, h = 0.35, 6.65, 0.78, 0.3
    scale = (right - left) / budget.window
    fills = [theme.series[1], theme.series[0], theme.series[2], theme.series[4], "none"]
    handles, x = [], left
    for i, ((label, tokens), fill) in enumerate(zip(budget.parts(), fills, strict=True)):
        w = tokens * scale
        edge = theme.muted if fill == "none" else theme.surface
        ax.add_patch(Rectangle((x, y0), w, h, facecolor=fill, edgecolor=edge, linewidth=0.6))
        if i != 1 and w > 0.5:  # the chunks are labelled one by one below
            colour = theme.text if fill == "none" else _readable_on(to_hex(fill), theme)
            ax.text(
                x + w / 2,
                y0 + h / 2,
                f"{tokens:,}",
                ha="center",
                va="center",
                fontsize=FONT,
                color=colour,
            )
        handles.append(
            Patch(
                facecolor=fill, edgecolor=theme.muted, linewidth=0.6, label=f"{label}: {tokens:,}"
            )
        )
        x += w
    # Thin gaps between the retrieved chunks, so the bar shows k separate pieces.
    chunk_start, chunk_w = left + budget.instructions * scale, budget.chunks * scale
    colour = _readable_on(to_hex(fills[1]), theme)
    for i in range(budget.top_k):
        cx = chunk_start + i * chunk_w
        if i:
            ax.plot([cx, cx], [y0, y0 + h], color=theme.surface, linewidth=0.8)
        if chunk_w > 0.4:
            ax.text(
                cx + chunk_w / 2,
                y0 + h / 2,
                f"{budget.chunks:,}",
                ha="center",
                va="center",
                fontsize=FONT,
                color=colour,
            )
    # A bracket over the prompt's parts, joined to the prompt box above.
    end = left + budget.prompt * scale
    yb = y0 + h + 0.1
    px, top = _edge(prompt_node, "bottom")
    _arrow(ax, [(px, top), (px, yb), (left, yb)], theme.muted, dashed=True, head=False)
    for xe in (left, end):
        ax.plot([xe, xe], [yb, y0 + h], color=theme.muted, linewidth=1.0)
    ax.text(
        left + 0.05,
        yb + 0.03,
        f"augmented prompt: {budget.prompt:,} tokens",
        ha="left",
        va="bottom",
        fontsize=FONT,
        color=theme.text,
    )
    ax.text(
        right,
        yb + 0.03,
        f"context window: {budget.window:,} tokens",
        ha="right",
        va="bottom",
        fontsize=FONT,
        fontweight="bold",
        color=theme.text,
    )
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, (y0 - 0.05) / 4.2),
        ncol=3,
        fontsize=FONT,
        labelcolor=theme.text,
        handlelength=1.4,
        columnspacing=1.2,
        frameon=False,
    )


@figure("diagrams.rag_pipeline")
def rag_pipeline(
    chunk_tokens: Annotated[int, Range(16, 8192)] = 300,
    overlap_tokens: Annotated[int, Range(0, 4096)] = 50,
    top_k: Annotated[int, Range(1, 50)] = 5,
    context_tokens: Annotated[int, Range(256, 2_000_000)] = 4096,
    instruction_tokens: Annotated[int, Range(0, 100_000)] = 150,
    question_tokens: Annotated[int, Range(1, 100_000)] = 50,
    answer_tokens: Annotated[int, Range(0, 100_000)] = 500,
) -> FigureResult:
    """Retrieval-augmented generation: index chunks offline, retrieve them into the prompt online.

    Args:
        chunk_tokens: Length of each chunk, in tokens.
        overlap_tokens: Tokens that neighbouring chunks share; less than chunk_tokens.
        top_k: Chunks retrieved for each question.
        context_tokens: The LLM's context window, in tokens (4,096 for Llama 2).
        instruction_tokens: Length of the prompt's instructions, in tokens.
        question_tokens: Length of the user's question, in tokens.
        answer_tokens: Tokens kept free in the window for the answer.
    """
    if overlap_tokens >= chunk_tokens:
        raise ParameterError(
            f"overlap_tokens ({overlap_tokens}) must be less than chunk_tokens "
            f"({chunk_tokens}), or the chunker never moves forward"
        )
    budget = _Budget(
        instruction_tokens, chunk_tokens, top_k, question_tokens, answer_tokens, context_tokens
    )
    if budget.unused < 0:
        raise ParameterError(
            f"instructions, {top_k} {TIMES} {chunk_tokens}-token chunks, the question and the "
            f"answer need {budget.prompt + answer_tokens:,} tokens, more than the "
            f"{context_tokens:,}-token context window"
        )
    nodes = _rag_nodes(chunk_tokens, overlap_tokens, budget)
    width, height = 7.0, 4.2

    def draw(fig: Figure, theme: Theme) -> None:
        ax = _canvas(fig, width, height)
        _draw_rag_lanes(ax, nodes, theme)
        _draw_window(ax, nodes[7], budget, theme)

    return FigureResult(_rag_table(nodes, budget), draw, width=width, height=height)

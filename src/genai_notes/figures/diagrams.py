"""Figures: architecture diagrams (the Transformer, one attention computation).

The boxes, arrows and text come from :mod:`genai_notes.figures._drawing`; the process diagrams
(lifecycle, RLHF, RAG) live in :mod:`genai_notes.figures.workflows`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal

import numpy as np

from genai_notes.figures._drawing import (
    FONT,
    TIMES,
    FlowStep,
    Point,
    _arrow,
    _box,
    _canvas,
    _readable_on,
    _wrap,
    draw_flow,
    flow_height,
)
from genai_notes.figures.base import FigureResult, Length, Range, Table, figure
from genai_notes.figures.registry import ParameterError
from genai_notes.figures.style import ROOT, finished, is_phone, sizes
from genai_notes.numbers import format_number
from genai_notes.science.sampling import softmax

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from genai_notes.figures.style import Theme


# --- transformer -----------------------------------------------------------------------------

Variant = Literal["encoder-decoder", "encoder-only", "decoder-only"]
BlockKind = Literal["label", "embed", "sublayer", "norm", "head"]
_HEIGHTS: dict[str, float] = {
    "label": 0.2,
    "embed": 0.56,
    "sublayer": 0.4,
    "norm": 0.22,
    "head": 0.26,
}
_GAP = 0.13  # between blocks (inches)
_FRAME_PAD = 0.14  # extra room inside and outside the frame of the repeated layer
_BOX_W = 2.35  # "Cross-attention over encoder output" in 10.5 pt (14 px at 1280)
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
            shown=f"Input embedding\n+ positional encoding\n$d_{{\\mathrm{{model}}}}$ = {d_model}",
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
            shown=f"Feed-forward ($d_{{\\mathrm{{ff}}}}$ = {d_ff})",
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
            shown=f"{embed}\n+ positional encoding\n$d_{{\\mathrm{{model}}}}$ = {d_model}",
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
            shown=f"Feed-forward ($d_{{\\mathrm{{ff}}}}$ = {d_ff})",
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
        _draw_block(ax, item, cx, theme)
        if i:
            below = placed[i - 1]
            start = below.y + _HEIGHTS[below.block.kind] / 2
            _arrow(ax, [(cx, start), (cx, item.y - _HEIGHTS[item.block.kind] / 2)], theme.text)
        if item.block.kind == "norm":
            _draw_residual(ax, placed[i - 2], placed[i - 1], item, cx, side, theme)
    _draw_frame(ax, [p for p in placed if p.block.repeated], cx, side, n_layers, theme)


def _draw_block(ax: Axes, item: _Placed, cx: float, theme: Theme) -> None:
    """One block: an italic label, or a box with its name."""
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
        return
    _box(
        ax,
        (cx, item.y),
        (_BOX_W, _HEIGHTS[item.block.kind]),
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


def _draw_frame(
    ax: Axes, layer: list[_Placed], cx: float, side: int, n_layers: int, theme: Theme
) -> None:
    """The frame round the repeated layer, with "× N" beside it."""
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
        (xs[0] + x_mid) / 2,
        rise + 0.04,
        "keys, values",
        ha="center",
        va="bottom",
        color=theme.text,
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
    flow = _transformer_flow(stacks, n_layers)

    def draw(fig: Figure, theme: Theme) -> None:
        if is_phone(fig):
            draw_flow(fig, theme, flow)
            return
        ax = _canvas(fig, width, height)
        xs = [1.95, 5.05] if len(placed) == 2 else [width / 2]
        for column, cx in zip(placed, xs, strict=True):
            side = -1 if column[0].block.stack == "encoder" else 1
            _draw_column(ax, column, cx, side, n_layers, theme)
        if len(placed) == 2:
            _draw_cross(ax, placed[0], placed[1], (xs[0], xs[1]), theme)

    return FigureResult(
        _transformer_table(stacks, n_layers),
        finished(draw),
        width=width,
        height=height,
        phone_height=flow_height(flow),
    )


def _transformer_flow(stacks: list[list[_Block]], n_layers: int) -> list[FlowStep]:
    """The phone reflow: each stack's runs of blocks, bottom to top, one box per run."""
    steps: list[FlowStep] = []
    for blocks in stacks:
        runs: list[list[_Block]] = []
        for block in blocks:
            if runs and runs[-1][0].repeated == block.repeated:
                runs[-1].append(block)
            else:
                runs.append([block])
        for run in runs:
            stack = run[0].stack.capitalize()
            title = f"{stack} layer, {TIMES} {n_layers}" if run[0].repeated else stack
            body = " \u2192 ".join(_unbroken((b.shown or b.name).replace("\n", " ")) for b in run)
            steps.append(FlowStep(title, body))
    return steps


def _unbroken(name: str) -> str:
    """A short block name ("Add & norm") kept on one line of the phone's boxes (no-break
    spaces); a long one may wrap."""
    return name.replace(" ", "\u00a0") if len(name) <= 12 else name


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
    """Scaled dot-product attention: the weights softmax(QKᵀ/√dₖ) and the outputs.

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

    return FigureResult(
        table,
        finished(draw),
        width=7.0,
        height=3.2 + 0.15 * n_tokens,
        phone_height=5.2 + 0.4 * n_tokens,
    )


def _draw_attention(
    fig: Figure,
    theme: Theme,
    weights: np.ndarray,
    kept: np.ndarray,
    outputs: np.ndarray,
    tokens: list[str],
) -> None:
    n, d_v = outputs.shape
    if is_phone(fig):
        grid = fig.add_gridspec(2, 1, height_ratios=(max(n, 3) + 1.2, max(n, 3)))
    else:
        grid = fig.add_gridspec(1, 2, width_ratios=(max(n, 3) + 1.2, max(d_v, 2.5) + 0.6))
    ax, out = fig.add_subplot(grid[0]), fig.add_subplot(grid[1])
    size = sizes(fig).label if n <= 4 else sizes(fig).note
    _draw_weights(fig, ax, theme, weights, kept, tokens, size)
    _draw_outputs(out, theme, outputs, tokens, size)
    if not is_phone(fig):
        # side by side, the rows line up with the weights' rows: their token names there ran
        # into the colour bar's ticks
        out.tick_params(axis="y", labelleft=False, length=0)
    if n > 4:
        ax.tick_params(axis="x", labelrotation=45)
    # the radical as a glyph: mathtext's \sqrt draws its sign in a STIX font the reader lacks
    formula = r"$\mathrm{softmax}(QK^\top /" + ROOT + r"d_k)$"
    ax.set_title(f"weights = {formula}")
    out.set_title(r"output = weights $\cdot\ V$")


def _draw_weights(
    fig: Figure,
    ax: Axes,
    theme: Theme,
    weights: np.ndarray,
    kept: np.ndarray,
    tokens: list[str],
    size: float,
) -> None:
    """The weights as a heat map with their values, a colour bar and the masked cells."""
    from matplotlib.colors import LinearSegmentedColormap, to_hex

    n = len(tokens)
    cmap = LinearSegmentedColormap.from_list(
        "attention", [theme.surface, theme.series[0]]
    ).with_extremes(bad=theme.removed)
    shown = np.ma.masked_array(weights, mask=~kept)
    image = ax.imshow(shown, cmap=cmap, vmin=0.0, vmax=1.0)
    spec = ".3f" if n <= 5 else ".2f"
    for i in range(n):
        for j in range(n):
            if kept[i, j]:
                colour = _readable_on(to_hex(cmap(weights[i, j])), theme)
                ax.text(
                    j,
                    i,
                    format_number(weights[i, j], spec),
                    ha="center",
                    va="center",
                    fontsize=size,
                    color=colour,
                )
    _matrix_axes(ax, tokens, tokens, "key token", "query token")
    bar = fig.colorbar(image, ax=ax, fraction=0.05, pad=0.04, ticks=[0.0, 0.5, 1.0])
    # no label of its own: the panel's title names the weights (a label ran into the ticks)
    bar.outline.set_visible(False)
    _draw_masked(ax, kept, theme, below=0.3 if n > 4 else 0.2)


def _draw_outputs(
    out: Axes, theme: Theme, outputs: np.ndarray, tokens: list[str], size: float
) -> None:
    """The output vectors as a plain grid of numbers, one row per token."""
    from matplotlib.colors import LinearSegmentedColormap

    n, d_v = outputs.shape
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
                format_number(outputs[i, j], ".3f"),
                ha="center",
                va="center",
                fontsize=size,
                color=theme.text,
            )
    _matrix_axes(out, [str(j + 1) for j in range(d_v)], tokens, "dimension", "")


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


# --- pre-training objectives as token diagrams -------------------------------------------------

_OBJECTIVE_TOKENS = ["The", "teacher", "teaches", "the", "student"]
MASK, SENTINEL, FINAL = "[MASK]", "<X>", "<Y>"
"""The sentinels are named as in the T5 paper's Figure 2 (Raffel et al. 2020); the target
ends with a final sentinel."""


@dataclass(frozen=True)
class _Objective:
    """One pre-training objective: what the model reads and what it must produce."""

    name: str
    family: str
    inputs: list[str]
    targets: list[str]
    note: str


def _objectives(
    tokens: list[str], masked: int, span_start: int, span_length: int
) -> list[_Objective]:
    span = tokens[span_start : span_start + span_length]
    corrupted = [*tokens[:span_start], SENTINEL, *tokens[span_start + span_length :]]
    return [
        _Objective(
            "Masked language modelling",
            "encoder-only (autoencoding), e.g. BERT",
            [MASK if i == masked else t for i, t in enumerate(tokens)],
            [tokens[masked]],
            "predicts the masked token from the tokens on both sides",
        ),
        _Objective(
            "Causal language modelling",
            "decoder-only (autoregressive), e.g. GPT",
            tokens[:-1],
            tokens[1:],
            "predicts each next token from the tokens to its left only",
        ),
        _Objective(
            "Span corruption",
            "encoder-decoder (sequence-to-sequence), e.g. T5",
            corrupted,
            [SENTINEL, *span, FINAL],
            "the decoder rebuilds the span that a sentinel token replaced",
        ),
    ]


@figure("diagrams.pretraining_objectives")
def pretraining_objectives(
    tokens: Annotated[list[str], Length(3, 8)] = _OBJECTIVE_TOKENS,
    masked: Annotated[int, Range(0, 7)] = 1,
    span_start: Annotated[int, Range(0, 7)] = 2,
    span_length: Annotated[int, Range(1, 4)] = 2,
) -> FigureResult:
    """The three pre-training objectives as token diagrams: masked, causal, span corruption.

    Args:
        tokens: The training sentence, one token per item (the course's example by default).
        masked: Index (from 0) of the token masked language modelling hides.
        span_start: Index (from 0) of the first token of the span that span corruption hides.
        span_length: Number of tokens in that span.
    """
    if masked >= len(tokens):
        raise ParameterError(f"masked must be below the {len(tokens)} tokens, got {masked}")
    if span_start + span_length > len(tokens):
        raise ParameterError(
            f"the span {span_start} to {span_start + span_length - 1} runs past the "
            f"{len(tokens)} tokens"
        )
    objectives = _objectives(list(tokens), masked, span_start, span_length)
    table = Table.from_columns(
        {
            "objective": [o.name for o in objectives],
            "model family": [o.family for o in objectives],
            "input": [" ".join(o.inputs) for o in objectives],
            "target": [" ".join(o.targets) for o in objectives],
        }
    )

    def draw(fig: Figure, theme: Theme) -> None:
        fig.set_layout_engine("none")
        width, height = fig.get_figwidth(), fig.get_figheight()
        ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
        ax.set_xlim(0.0, width)
        ax.set_ylim(height, 0.0)  # inches, top to bottom
        ax.set_axis_off()
        phone = is_phone(fig)
        size = sizes(fig).label
        panel = height / len(objectives)
        for index, objective in enumerate(objectives):
            _draw_objective(ax, objective, theme, top=index * panel, size=size, phone=phone)

    return FigureResult(table, finished(draw), width=7.0, height=5.0, phone_height=6.6)


def _draw_objective(
    ax: Axes, objective: _Objective, theme: Theme, *, top: float, size: float, phone: bool
) -> None:
    """One objective: its name, the input row, the target row above the positions it
    predicts, arrows from what each prediction sees, and a one-line note."""
    x0 = 0.05 if phone else 1.0
    title = ax.text(
        0.05, top + 0.2, objective.name, fontweight="bold", color=theme.text, va="center"
    )
    if not phone:
        ax.annotate(
            objective.family,
            (1.0, 0.5),
            xycoords=title,
            xytext=(8, 0),
            textcoords="offset points",
            color=theme.muted,
            va="center",
        )
    target_y, input_y = top + 0.62, top + 1.2
    labels = ("target", "input") if not phone else ("", "")
    for label, y in zip(labels, (target_y, input_y), strict=True):
        ax.text(x0 - 0.12, y, label, ha="right", va="center", color=theme.muted)
    if objective.name.startswith("Span"):
        inputs = _token_boxes(ax, objective.inputs, theme, x0, input_y, size)
        # The decoder's output is its own row, left to right, the sentinel first.
        start = x0 + 0.6 if phone else inputs[-1][1] + 0.45
        targets = _token_boxes(ax, objective.targets, theme, start, target_y, size, target=True)
        centre = next(
            c for (c, _), t in zip(inputs, objective.inputs, strict=True) if t == SENTINEL
        )
        first = (targets[0][0], target_y + 0.17) if phone else (start - 0.05, target_y)
        ax.annotate(
            "",
            first,
            xytext=(centre, input_y - 0.17),
            arrowprops={
                "arrowstyle": "-|>",
                "color": theme.colour("sentinel"),
                "lw": 1.2,
                "connectionstyle": "arc3,rad=-0.25",
            },
        )
    elif objective.name.startswith("Masked"):
        inputs = _token_boxes(ax, objective.inputs, theme, x0, input_y, size)
        where = objective.inputs.index(MASK)
        centre = inputs[where][0]
        _token_boxes(
            ax, objective.targets, theme, centre, target_y, size, target=True, centred=True
        )
        for i, (c, _) in enumerate(inputs):
            if i != where:  # context from both sides flows into the prediction
                _arrow(
                    ax,
                    [(c, input_y - 0.17), (centre, target_y + 0.17)],
                    theme.colour("context"),
                    linewidth=0.8,
                )
    else:
        inputs = _token_boxes(ax, objective.inputs, theme, x0, input_y, size)
        # the targets are the inputs shifted one place left: token i predicts token i + 1
        targets = _token_boxes(ax, objective.targets, theme, x0, target_y, size, target=True)
        last = targets[-1][0]
        for c, _ in inputs:  # the last prediction sees every token to its left
            _arrow(
                ax,
                [(c, input_y - 0.17), (last, target_y + 0.17)],
                theme.colour("context"),
                linewidth=0.8,
            )
    note = _wrap(objective.note, 44) if phone else objective.note
    ax.text(x0, input_y + 0.3, note, color=theme.muted, va="top")


def _text_width(text: str, size: float, *, bold: bool = False) -> float:
    """Width in inches of ``text`` in DejaVu Sans at ``size`` points."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextPath

    font = FontProperties(family="DejaVu Sans", weight="bold" if bold else "normal")
    return float(TextPath((0, 0), text, size=size, prop=font).get_extents().width) / 72


def _token_boxes(
    ax: Axes,
    tokens: list[str],
    theme: Theme,
    x: float,
    y: float,
    size: float,
    *,
    target: bool = False,
    centred: bool = False,
) -> list[tuple[float, float]]:
    """Tokens as boxes from ``x`` (or centred on it); returns each box's (centre, right)."""
    from matplotlib.patches import FancyBboxPatch

    widths = [max(_text_width(t, size), 0.12) + 0.12 for t in tokens]
    if centred:
        x -= (sum(widths) + 0.05 * (len(widths) - 1)) / 2
    placed = []
    for token, w in zip(tokens, widths, strict=True):
        if token == MASK:
            fill, edge, colour = theme.colour("masked"), theme.colour("masked"), theme.on_fill
        elif token in (SENTINEL, FINAL):
            fill, edge, colour = theme.colour("sentinel"), theme.colour("sentinel"), theme.on_fill
        elif target:
            fill, edge, colour = theme.colour("predicted"), theme.colour("predicted"), theme.on_fill
        else:
            fill, edge, colour = theme.surface, theme.muted, theme.text
        ax.add_patch(
            FancyBboxPatch(
                (x, y - 0.16),
                w,
                0.32,
                boxstyle="round,pad=0,rounding_size=0.04",
                facecolor=fill,
                edgecolor=edge,
                lw=0.9,
            )
        )
        ax.text(x + w / 2, y, token, ha="center", va="center_baseline", color=colour)
        placed.append((x + w / 2, x + w))
        x += w + 0.05
    return placed

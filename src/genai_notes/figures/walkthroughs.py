"""Figures: the steps of step-through walkthroughs (a ```walkthrough block shows one at a time).

Each figure takes a ``step`` and draws the same canvas at every step (same size, same places),
so that stepping reads as an animation: what a step has not reached yet is left blank, what it
changes is in the highlight colour. Every number drawn comes from :mod:`genai_notes.science`
(:mod:`~genai_notes.science.attention`, :mod:`~genai_notes.science.sampling`,
:mod:`~genai_notes.science.memory`, :mod:`~genai_notes.science.collectives`,
:mod:`~genai_notes.science.rlhf`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Literal, get_args

import numpy as np

from genai_notes.figures._drawing import _arrow, _canvas, _readable_on
from genai_notes.figures.base import FigureResult, Range, Table, figure
from genai_notes.figures.style import ROOT, finished, is_phone, sizes
from genai_notes.numbers import format_number
from genai_notes.science import attention, collectives, hardware, memory, rlhf, sampling

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from genai_notes.figures.style import Theme

WIDTH, PHONE_WIDTH = 7.0, 3.75
MINUS = "\u2212"


def _mix(colour: str, background: str, share: float) -> str:
    """``share`` of ``colour`` over ``background`` (an opaque tint, so text contrast is known)."""
    from matplotlib.colors import to_hex, to_rgb

    mixed = [
        share * a + (1.0 - share) * b
        for a, b in zip(to_rgb(colour), to_rgb(background), strict=True)
    ]
    return str(to_hex((mixed[0], mixed[1], mixed[2])))


def _cell(
    ax: Axes,
    x: float,
    y: float,
    w: float,
    h: float,
    theme: Theme,
    *,
    fill: str | None = None,
    edge: str | None = None,
    text: str = "",
    size: float = 9.5,
    bold: bool = False,
    linewidth: float = 0.8,
) -> None:
    """A rectangle with its lower-left corner at (x, y), in inches, and centred text."""
    from matplotlib.patches import Rectangle

    ax.add_patch(
        Rectangle(
            (x, y),
            w,
            h,
            facecolor=fill or "none",
            edgecolor=edge or theme.muted,
            linewidth=linewidth,
        )
    )
    if text:
        colour = _readable_on(fill, theme) if fill else theme.text
        ax.text(
            x + w / 2,
            y + h / 2,
            text,
            ha="center",
            va="center",
            fontsize=size,
            color=colour,
            fontweight="bold" if bold else "normal",
        )


def _signed(value: float, spec: str = ".2f") -> str:
    """A number for a drawing, with a true minus sign."""
    if math.isinf(value):
        return f"{MINUS}\u221e" if value < 0 else "\u221e"
    return format_number(value, spec).replace("-", MINUS)


def _stage_list(
    ax: Axes, names: Sequence[str], current: int, x: float, y_top: float, theme: Theme, gap: float
) -> None:
    """The steps of a walkthrough as a list, the current one bold in the highlight colour."""
    for index, name in enumerate(names):
        done = index <= current
        ax.text(
            x,
            y_top - index * gap,
            f"{index + 1}. {name}",
            ha="left",
            va="top",
            fontsize=sizes(ax.figure).label,  # type: ignore[arg-type]
            color=theme.highlight if index == current else theme.text if done else theme.muted,
            fontweight="bold" if index == current else "normal",
        )


# --- scaled dot-product attention ----------------------------------------------------------

AttentionStep = Literal["scores", "scaling", "mask", "softmax", "output"]
ATTENTION_TOKENS = ["The", "soup", "was", "hot"]
_ATTENTION_TITLES = {
    "scores": r"scores $QK^\top$",
    "scaling": r"scaled $QK^\top/" + ROOT + r"d_k$",
    "mask": "causal mask: later keys at " + MINUS + "\u221e",
    "softmax": "softmax of each row: weights",
    "output": r"output: weights $\times\,V$",
}


def _attention_matrix(steps: attention.AttentionSteps, step: str) -> np.ndarray:
    return {
        "scores": steps.scores,
        "scaling": steps.scaled,
        "mask": steps.masked,
        "softmax": steps.weights,
        "output": steps.output,
    }[step]


@figure("walkthroughs.attention")
def attention_walkthrough(step: AttentionStep = "scores") -> FigureResult:
    """One step of scaled dot-product attention on four tokens: a 4 x 4 matrix per step.

    Args:
        step: Which matrix to show: ``scores`` (Q K^T), ``scaling`` (divided by sqrt(d_k)),
            ``mask`` (later keys at minus infinity), ``softmax`` (the weights) or ``output``
            (weights times V).
    """
    steps = attention.example_steps()
    matrix = _attention_matrix(steps, step)
    columns = ATTENTION_TOKENS if step != "output" else [f"dim {i + 1}" for i in range(4)]
    rows_out = [
        (
            q,
            c,
            None if math.isinf(matrix[i, j]) else float(matrix[i, j]),
            "yes" if math.isinf(matrix[i, j]) else "no",
        )
        for i, q in enumerate(ATTENTION_TOKENS)
        for j, c in enumerate(columns)
    ]
    table = Table(
        ("query token", "key token or output dimension", "value", "masked (minus infinity)"),
        tuple(rows_out),
        {"value": ".3f"},
    )
    order = list(get_args(AttentionStep))

    def draw(fig: Figure, theme: Theme) -> None:
        phone = is_phone(fig)
        width, height = fig.get_figwidth(), fig.get_figheight()
        ax = _canvas(fig, width, height)
        cell_w, cell_h = (0.62, 0.42) if phone else (0.78, 0.46)
        left = 0.75 if phone else 0.95
        top = height - (0.75 if phone else 0.7)
        ax.text(
            left + 2 * cell_w,
            height - 0.18,
            _ATTENTION_TITLES[step],
            ha="center",
            va="top",
            fontsize=sizes(fig).title,
            color=theme.text,
        )
        finite = matrix[np.isfinite(matrix)]
        low, high = float(finite.min()), float(finite.max())
        for i, token in enumerate(ATTENTION_TOKENS):
            y = top - (i + 1) * cell_h
            ax.text(left - 0.08, y + cell_h / 2, token, ha="right", va="center", color=theme.text)
            for j in range(4):
                value = float(matrix[i, j])
                x = left + j * cell_w
                if math.isinf(value):
                    _cell(ax, x, y, cell_w, cell_h, theme, fill=theme.surface, text=_signed(value))
                    ax.texts[-1].set_color(theme.muted)
                    continue
                share = 0.0 if high == low else (value - low) / (high - low)
                fill = _mix(theme.colour("kept"), theme.background, 0.1 + 0.75 * share)
                _cell(ax, x, y, cell_w, cell_h, theme, fill=fill, text=_signed(value))
        for j, label in enumerate(columns):
            ax.text(
                left + (j + 0.5) * cell_w,
                top + 0.06,
                label,
                ha="center",
                va="bottom",
                color=theme.muted if step != "output" else theme.text,
            )
        if phone:
            _stage_list(ax, order, order.index(step), 0.2, top - 4 * cell_h - 0.25, theme, 0.27)
        else:
            _stage_list(ax, order, order.index(step), left + 4 * cell_w + 0.6, top, theme, 0.36)

    return FigureResult(table, finished(draw), width=WIDTH, height=3.0, phone_height=4.2)


# --- temperature, then top-k, then top-p ---------------------------------------------------

SamplingStep = Literal["softmax", "temperature", "top-k", "top-p"]
SAMPLING_LOGITS = [2.0, 1.6, 1.2, 0.9, 0.2, -1.0]
SAMPLING_TOKENS = ["delicious", "hot", "good", "cold", "salty", "purple"]


def _sampling_bars(stages: sampling.SamplingStages, step: str) -> tuple[list[float], list[bool]]:
    """The probability of each token at ``step`` and whether it is still a candidate."""
    count = len(stages.logits)
    if step == "softmax":
        return list(sampling.softmax(stages.logits)), [True] * count
    scaled = list(sampling.softmax(stages.logits, temperature=stages.temperature))
    if step == "temperature":
        return scaled, [True] * count
    if step == "top-k":
        kept = [bool(k) for k in stages.kept_top_k]
        return [
            p if k else s for p, s, k in zip(stages.after_top_k, scaled, kept, strict=True)
        ], kept
    kept = [bool(k) for k in stages.kept]
    before = list(stages.after_top_k)
    return [p if k else b for p, b, k in zip(stages.after_top_p, before, kept, strict=True)], kept


@figure("walkthroughs.sampling")
def sampling_walkthrough(
    step: SamplingStep = "softmax",
    temperature: Annotated[float, Range(0.05, 10.0)] = 0.7,
    top_k: Annotated[int, Range(1, 12)] = 4,
    top_p: Annotated[float, Range(0.01, 1.0)] = 0.9,
) -> FigureResult:
    """One next-token distribution through temperature, then top-k, then top-p.

    Args:
        step: ``softmax`` (T = 1), ``temperature`` (softmax of logits / T), ``top-k``
            (the k most likely kept, renormalised) or ``top-p`` (the smallest set reaching p
            kept, renormalised).
        temperature: The temperature T applied first.
        top_k: Tokens top-k keeps.
        top_p: The probability mass top-p keeps, in (0, 1].
    """
    stages = sampling.stages(SAMPLING_LOGITS, temperature=temperature, top_k=top_k, top_p=top_p)
    probs, kept = _sampling_bars(stages, step)
    ceiling = max(max(_sampling_bars(stages, s)[0]) for s in get_args(SamplingStep))
    table = Table.from_columns(
        {
            "token": SAMPLING_TOKENS,
            "logit": SAMPLING_LOGITS,
            "probability": probs,
            "candidate": ["yes" if k else "no" for k in kept],
        },
        formats={"logit": ".2f", "probability": ".3f"},
    )
    titles = {
        "softmax": "softmax of the logits ($T$ = 1)",
        "temperature": f"temperature $T$ = {temperature:g}: softmax of logits / $T$",
        "top-k": f"top-$k$ = {top_k}: the rest removed, renormalised",
        "top-p": f"top-$p$ = {top_p:g}: the smallest set reaching $p$, renormalised",
    }

    def draw(fig: Figure, theme: Theme) -> None:
        phone = is_phone(fig)
        ax = fig.add_subplot()
        colours = [theme.colour("kept") if k else theme.colour("removed") for k in kept]
        positions = list(range(len(probs)))
        ax.bar(positions, probs, color=colours, width=0.7)
        for x, p, k in zip(positions, probs, kept, strict=True):
            label = format_number(p, ".2f") if k else "out"
            ax.text(x, p + ceiling * 0.02, label, ha="center", va="bottom", color=theme.text)
        ax.set_ylim(0.0, ceiling * 1.18)
        ax.set_xticks(
            positions,
            SAMPLING_TOKENS,
            rotation=45 if phone else 0,
            ha="right" if phone else "center",
        )
        ax.set_ylabel("probability")
        title = titles[step]
        if phone:
            from genai_notes.figures.style import wrap

            title = wrap(title, 36)
        ax.set_title(title, color=theme.text, loc="left")

    return FigureResult(table, finished(draw), width=WIDTH, height=3.4, phone_height=4.0)


# --- decoding with a growing KV cache -------------------------------------------------------

KV_PROMPT = ["The", "soup", "was"]
KV_GENERATED = ["hot", "and", "salty"]
KV_MODEL = "Llama 2 7B"


def kv_cache_table(step: int) -> list[tuple[int, str, int, int, float]]:
    """Rows (step, token, tokens in the cache, K/V pairs computed at the step, cache bytes)."""
    shape = hardware.MODELS[KV_MODEL]
    rows = []
    for index in range(step + 1):
        cached = len(KV_PROMPT) + index
        new = len(KV_PROMPT) if index == 0 else 1
        token = " ".join(KV_PROMPT) if index == 0 else KV_GENERATED[index - 1]
        size = memory.kv_cache_bytes(
            shape.n_layers, shape.n_kv_heads, shape.head_dim, cached, dtype="fp16"
        )
        rows.append((index, token, cached, new, size))
    return rows


@figure("walkthroughs.kv_cache")
def kv_cache_walkthrough(step: Annotated[int, Range(0, 3)] = 0) -> FigureResult:
    """Decoding with a KV cache: the prompt's keys and values written once, one pair per token
    after that, and each new query reading the whole cache (Llama 2 7B's shape, fp16).

    Args:
        step: 0 is the prefill of the prompt; 1 to 3 each decode one token.
    """
    rows = kv_cache_table(step)
    table = Table(
        ("step", "token(s) fed in", "tokens in the cache", "new K and V computed", "cache (bytes)"),
        tuple(rows),
        {"cache (bytes)": ",.0f"},
    )
    tokens = KV_PROMPT + KV_GENERATED
    cached = rows[-1][2]
    new = rows[-1][3]

    def draw(fig: Figure, theme: Theme) -> None:
        phone = is_phone(fig)
        width, height = fig.get_figwidth(), fig.get_figheight()
        ax = _canvas(fig, width, height)
        label_w = 0.45
        cell_w = (width - label_w - 0.25) / len(tokens)
        cell_h = 0.36
        left = label_w + 0.1
        y_k, y_v = height - 1.15, height - 1.15 - cell_h - 0.08
        ax.text(
            0.1,
            height - 0.15,
            "prefill: the prompt at once" if step == 0 else f"decode step {step}: one new token",
            ha="left",
            va="top",
            fontsize=sizes(fig).title,
            color=theme.text,
        )
        for row_y, name in ((y_k, "K"), (y_v, "V")):
            ax.text(left - 0.1, row_y + cell_h / 2, name, ha="right", va="center", color=theme.text)
        for index, token in enumerate(tokens):
            x = left + index * cell_w
            ax.text(
                x + cell_w / 2,
                y_k + cell_h + 0.08,
                token,
                ha="center",
                va="bottom",
                color=theme.text if index < cached else theme.muted,
                rotation=30 if phone else 0,
            )
            for row_y in (y_k, y_v):
                if index < cached - new:
                    fill = _mix(theme.colour("kept"), theme.background, 0.35)
                elif index < cached:
                    fill = theme.highlight
                else:
                    fill = None
                _cell(ax, x + 0.03, row_y, cell_w - 0.06, cell_h, theme, fill=fill)
        query_x = left + (cached - 0.5) * cell_w
        query_y = y_v - 0.75
        _cell(ax, query_x - 0.2, query_y, 0.4, cell_h, theme, fill=theme.highlight, text="q")
        for index in range(cached):
            _arrow(
                ax,
                [(query_x, query_y + cell_h), (left + (index + 0.5) * cell_w, y_v - 0.02)],
                theme.muted,
                linewidth=0.8,
            )
        size = rows[-1][4]
        per_token = size / cached
        lines = [
            f"cache: {cached} tokens \u00d7 {format_number(per_token / 1e6, '.3g')} MB"
            f" = {format_number(size / 1e6, '.3g')} MB",
            f"computed now: K and V of {new} token{'s' if new > 1 else ''}; reused: {cached - new}",
        ]
        ax.text(
            0.1, 0.12, "\n".join(lines), ha="left", va="bottom", color=theme.text, linespacing=1.4
        )

    return FigureResult(table, finished(draw), width=WIDTH, height=3.2, phone_height=3.6)


# --- ring all-reduce ------------------------------------------------------------------------

RING_GPUS = 4


@figure("walkthroughs.ring_all_reduce")
def ring_all_reduce_walkthrough(step: Annotated[int, Range(0, 6)] = 0) -> FigureResult:
    """A ring all-reduce on four GPUs: three reduce-scatter steps, then three all-gather steps.

    Args:
        step: 0 is the start; 1 to 3 the reduce-scatter; 4 to 6 the all-gather.
    """
    steps = collectives.ring_all_reduce(collectives.ring_example_chunks(RING_GPUS))
    state = steps[step]
    n = RING_GPUS
    table = Table(
        ("GPU", "chunk", "value", "GPUs summed in it", "sent this step"),
        tuple(
            (
                g + 1,
                c + 1,
                state.buffers[g][c],
                state.contributions[g][c],
                "yes" if state.sent[g] == c else "no",
            )
            for g in range(n)
            for c in range(n)
        ),
        {"value": ".0f"},
    )
    title = (
        "start: each GPU holds its own gradients"
        if state.phase == "start"
        else f"{state.phase} step {state.index} of {n - 1}"
    )

    def draw(fig: Figure, theme: Theme) -> None:
        phone = is_phone(fig)
        width, height = fig.get_figwidth(), fig.get_figheight()
        ax = _canvas(fig, width, height)
        ramp = theme.ramp(n)
        left, cell_w, cell_h = (0.75, 0.6, 0.42) if phone else (1.0, 0.85, 0.45)
        top = height - 0.75
        ax.text(
            0.1,
            height - 0.15,
            title,
            ha="left",
            va="top",
            fontsize=sizes(fig).title,
            color=theme.text,
        )
        for c in range(n):
            ax.text(
                left + (c + 0.5) * cell_w,
                top + 0.06,
                f"chunk {c + 1}",
                ha="center",
                va="bottom",
                color=theme.muted,
            )
        for g in range(n):
            y = top - (g + 1) * cell_h - g * 0.12
            ax.text(
                left - 0.1,
                y + cell_h / 2,
                f"GPU {g + 1}",
                ha="right",
                va="center",
                color=theme.text,
            )
            for c in range(n):
                count = state.contributions[g][c]
                fill = ramp[count - 1] if count > 1 else theme.surface
                full = count == n
                _cell(
                    ax,
                    left + c * cell_w,
                    y,
                    cell_w,
                    cell_h,
                    theme,
                    fill=fill,
                    text=format_number(state.buffers[g][c], ".0f"),
                    bold=full,
                    edge=theme.highlight if state.sent[g] == c else None,
                    linewidth=2.2 if state.sent[g] == c else 0.8,
                )
        # the ring: each GPU sends to the next, the last to the first
        ring_x = left + n * cell_w + 0.25
        for g in range(n):
            y_from = top - (g + 1) * cell_h - g * 0.12 + cell_h / 2
            g_to = (g + 1) % n
            y_to = top - (g_to + 1) * cell_h - g_to * 0.12 + cell_h / 2
            offset = 0.0 if g < n - 1 else 0.3
            colour = theme.highlight if state.sent[g] is not None else theme.muted
            _arrow(
                ax,
                [
                    (ring_x - 0.15, y_from),
                    (ring_x + offset, y_from),
                    (ring_x + offset, y_to),
                    (ring_x - 0.15, y_to),
                ],
                colour,
                linewidth=1.2,
            )
            sent = state.sent[g]
            if sent is not None and g < n - 1 and not phone:
                ax.text(
                    ring_x + 0.42,
                    (y_from + y_to) / 2,
                    f"chunk {sent + 1}",
                    ha="left",
                    va="center",
                    color=theme.highlight,
                )
        if not phone:
            legend_x = ring_x + 1.3
            ax.text(legend_x, top + 0.06, "GPUs\nsummed", ha="left", va="bottom", color=theme.text)
            for count in range(1, n + 1):
                y = top - count * 0.36
                fill = ramp[count - 1] if count > 1 else theme.surface
                _cell(ax, legend_x, y, 0.4, 0.28, theme, fill=fill, text=str(count))

    return FigureResult(table, finished(draw), width=WIDTH, height=3.2, phone_height=3.2)


# --- ZeRO-3 through one layer ---------------------------------------------------------------

ZeroStage = Literal["sharded", "all-gather", "compute", "reduce-scatter"]
ZERO_GPUS = 4


def zero3_steps(n_gpus: int = ZERO_GPUS) -> tuple[collectives.ZeroStep, ...]:
    """ZeRO-3's stages for one layer of Llama 2 7B in bf16."""
    shape = hardware.MODELS[KV_MODEL]
    return collectives.zero3_layer(
        collectives.dense_layer_params(shape.d_model, shape.d_ff), n_gpus, 2.0
    )


@figure("walkthroughs.zero3")
def zero3_walkthrough(step: ZeroStage = "sharded") -> FigureResult:
    """ZeRO-3 takes one layer of Llama 2 7B (bf16) through forward and backward on four GPUs.

    Args:
        step: ``sharded`` (each GPU holds a quarter of the weights), ``all-gather`` (the whole
            layer gathered), ``compute`` (forward and backward: full gradients of each GPU's
            data) or ``reduce-scatter`` (each GPU keeps the summed gradient shard it updates).
    """
    stages = zero3_steps()
    order = list(get_args(ZeroStage))
    current = stages[order.index(step)]
    table = Table(
        (
            "stage",
            "weights held per GPU (bytes)",
            "gradients held per GPU (bytes)",
            "received per GPU (bytes)",
        ),
        tuple(
            (s.name, s.weight_bytes, s.gradient_bytes, s.received_bytes)
            for s in stages[: order.index(step) + 1]
        ),
        dict.fromkeys(
            (
                "weights held per GPU (bytes)",
                "gradients held per GPU (bytes)",
                "received per GPU (bytes)",
            ),
            ",.0f",
        ),
    )
    n = ZERO_GPUS

    def draw(fig: Figure, theme: Theme) -> None:
        phone = is_phone(fig)
        width, height = fig.get_figwidth(), fig.get_figheight()
        ax = _canvas(fig, width, height)
        left = 0.75
        block = 0.28 if phone else 0.36
        cell_h = 0.34
        gap = 0.25 if phone else 0.5
        top = height - 0.75
        weights, grads = theme.colour("weights"), theme.colour("gradients")
        ax.text(
            0.1,
            height - 0.15,
            f"{order.index(step) + 1}. {step}",
            ha="left",
            va="top",
            fontsize=sizes(fig).title,
            color=theme.text,
        )
        ax.text(
            left + n * block / 2, top + 0.06, "weights", ha="center", va="bottom", color=weights
        )
        ax.text(
            left + n * block * 1.5 + gap,
            top + 0.06,
            "gradients",
            ha="center",
            va="bottom",
            color=grads,
        )
        for g in range(n):
            y = top - (g + 1) * cell_h - g * 0.1
            ax.text(
                left - 0.1,
                y + cell_h / 2,
                f"GPU {g + 1}",
                ha="right",
                va="center",
                color=theme.text,
            )
            for shard in range(n):
                has_weight = step in ("all-gather", "compute") or shard == g
                arrived = step == "all-gather" and shard != g
                _cell(
                    ax,
                    left + shard * block,
                    y,
                    block,
                    cell_h,
                    theme,
                    fill=theme.highlight if arrived else weights if has_weight else None,
                )
                has_grad = step == "compute" or (step == "reduce-scatter" and shard == g)
                _cell(
                    ax,
                    left + n * block + gap + shard * block,
                    y,
                    block,
                    cell_h,
                    theme,
                    fill=theme.highlight
                    if step == "reduce-scatter" and has_grad
                    else grads
                    if has_grad
                    else None,
                )
        giga = 1e9
        lines = [
            "per GPU:",
            f"weights {format_number(current.weight_bytes / giga, '.3g')} GB",
            f"gradients {format_number(current.gradient_bytes / giga, '.3g')} GB",
            f"received {format_number(current.received_bytes / giga, '.3g')} GB",
        ]
        if phone:
            lines = [
                f"per GPU: weights {format_number(current.weight_bytes / giga, '.3g')} GB, "
                f"gradients {format_number(current.gradient_bytes / giga, '.3g')} GB",
                f"received: {format_number(current.received_bytes / giga, '.3g')} GB",
            ]
            ax.text(
                0.1,
                0.12,
                "\n".join(lines),
                ha="left",
                va="bottom",
                color=theme.text,
                linespacing=1.4,
            )
        else:
            x = left + 2 * n * block + gap + 0.4
            ax.text(
                x, top, "\n".join(lines), ha="left", va="top", color=theme.text, linespacing=1.5
            )
            notes = {
                "sharded": "each GPU stores\nonly its quarter",
                "all-gather": "the other quarters\narrive (highlighted)",
                "compute": "forward and backward\non each GPU's own data",
                "reduce-scatter": "gradient shards summed;\ngathered weights freed",
            }
            ax.text(
                x,
                top - 1.05,
                notes[step],
                ha="left",
                va="top",
                color=theme.highlight,
                linespacing=1.4,
            )

    return FigureResult(table, finished(draw), width=WIDTH, height=2.6, phone_height=3.1)


# --- pipeline schedules ---------------------------------------------------------------------

PipelineStep = Literal["gpipe-forward", "gpipe", "1f1b"]


@figure("walkthroughs.pipeline")
def pipeline_walkthrough(
    step: PipelineStep = "gpipe-forward",
    stages: Annotated[int, Range(2, 8)] = 4,
    microbatches: Annotated[int, Range(1, 8)] = 6,
) -> FigureResult:
    """GPipe against 1F1B on p stages and m micro-batches: the same bubble, fewer activations.

    Args:
        step: ``gpipe-forward`` (GPipe's forwards), ``gpipe`` (its backwards too, the bubble
            counted) or ``1f1b`` (one forward one backward, drawn under GPipe).
        stages: Pipeline stages p (one GPU each).
        microbatches: Micro-batches per step m.
    """
    gpipe = collectives.pipeline_schedule("gpipe", stages, microbatches)
    one_f_one_b = collectives.pipeline_schedule("1f1b", stages, microbatches)
    shown = {
        "gpipe-forward": ([op for op in gpipe.ops if op.kind == "F"], []),
        "gpipe": (list(gpipe.ops), []),
        "1f1b": (list(gpipe.ops), list(one_f_one_b.ops)),
    }[step]
    table = Table(
        ("schedule", "stage", "slot", "micro-batch", "pass"),
        tuple(
            (
                name,
                op.stage + 1,
                op.start + 1,
                op.microbatch + 1,
                "forward" if op.kind == "F" else "backward",
            )
            for name, ops in (("GPipe", shown[0]), ("1F1B", shown[1]))
            for op in ops
        ),
    )

    def panel_title(name: str, schedule: collectives.Schedule, done: bool) -> str:
        if not done:
            return f"{name}: forwards of {microbatches} micro-batches fill the pipeline"
        return (
            f"{name}: bubble {format_number(schedule.bubble_fraction, '.0%')}, "
            f"stage 1 holds up to {schedule.peak_in_flight} micro-batches"
        )

    def draw(fig: Figure, theme: Theme) -> None:
        phone = is_phone(fig)
        width, height = fig.get_figwidth(), fig.get_figheight()
        ax = _canvas(fig, width, height)
        left = 0.55
        slot_w = (width - left - 0.1) / gpipe.slots
        cell_h = 0.26
        forward, backward = theme.colour("forward"), theme.colour("backward")
        panel_h = stages * cell_h + 0.5
        for panel, (name, schedule, ops) in enumerate(
            (("GPipe", gpipe, shown[0]), ("1F1B", one_f_one_b, shown[1]))
        ):
            top = height - 0.1 - panel * (panel_h + 0.15)
            if panel == 0 or ops:
                title = panel_title(name, schedule, step != "gpipe-forward")
                if phone:
                    from genai_notes.figures.style import wrap

                    title = wrap(title, 44)
                ax.text(
                    0.1,
                    top,
                    title,
                    ha="left",
                    va="top",
                    color=theme.text,
                    fontsize=sizes(fig).label,
                )
            grid_top = top - (0.55 if phone else 0.32)
            for stage in range(stages):
                y = grid_top - (stage + 1) * cell_h
                ax.text(
                    left - 0.06,
                    y + cell_h / 2,
                    f"GPU {stage + 1}",
                    ha="right",
                    va="center",
                    color=theme.text,
                    fontsize=sizes(fig).note,
                )
                for slot in range(gpipe.slots):
                    _cell(
                        ax,
                        left + slot * slot_w,
                        y,
                        slot_w,
                        cell_h,
                        theme,
                        edge=theme.surface,
                        linewidth=0.5,
                    )
            for op in ops:
                y = grid_top - (op.stage + 1) * cell_h
                _cell(
                    ax,
                    left + op.start * slot_w,
                    y,
                    slot_w,
                    cell_h,
                    theme,
                    fill=forward if op.kind == "F" else backward,
                    text=str(op.microbatch + 1),
                    size=sizes(fig).note,
                )
        ax.text(
            width - 0.1,
            0.05,
            "numbers: micro-batch; blue forward, orange backward; blank: idle",
            ha="right",
            va="bottom",
            color=theme.muted,
            fontsize=sizes(fig).note,
        ) if not phone else None

    height = 2 * (stages * 0.26 + 0.5) + 0.55
    return FigureResult(
        table, finished(draw), width=WIDTH, height=height, phone_height=height + 0.5
    )


# --- one PPO iteration ----------------------------------------------------------------------

PpoStep = Literal["rollout", "reward", "advantage", "update"]
PPO_TOKENS = ["The", "soup", "is", "hot", "."]
PPO_LOGP = [-1.2, -0.4, -2.0, -0.7, -0.3]
PPO_LOGP_REF = [-1.0, -0.5, -2.5, -0.9, -0.3]
PPO_VALUES = [0.5, 0.6, 0.4, 0.7, 0.9]
PPO_RATIOS = [1.1, 0.7, 1.3, 1.05, 0.9]
PPO_SCORE, PPO_BETA, PPO_LAMBDA, PPO_EPSILON = 1.0, 0.1, 0.95, 0.2


def ppo_rows() -> list[tuple[str, str, list[float]]]:
    """The quantities of one PPO iteration, per token: (step, label, values)."""
    rewards = rlhf.kl_penalised_rewards(PPO_SCORE, PPO_LOGP, PPO_LOGP_REF, PPO_BETA)
    advantages = rlhf.gae(rewards, PPO_VALUES, gamma=1.0, lam=PPO_LAMBDA)
    objective = rlhf.clipped_surrogate(PPO_RATIOS, advantages.advantages, PPO_EPSILON)
    assert isinstance(objective, tuple)
    return [
        ("rollout", r"$\log\pi_{\mathrm{old}}$", PPO_LOGP),
        ("rollout", r"$\log\pi_{\mathrm{ref}}$", PPO_LOGP_REF),
        ("reward", r"reward $r_t$", list(rewards)),
        ("advantage", r"value $V_t$", PPO_VALUES),
        ("advantage", r"advantage $\hat A_t$", list(advantages.advantages)),
        ("update", r"ratio $\rho_t$", PPO_RATIOS),
        ("update", "clipped objective", list(objective)),
    ]


@figure("walkthroughs.ppo")
def ppo_walkthrough(step: PpoStep = "rollout") -> FigureResult:
    """One PPO iteration on a five-token completion: rollout, KL-penalised reward, GAE, update.

    Args:
        step: ``rollout`` (the policy's and the reference's log-probabilities), ``reward``
            (the score on the last token, minus beta times the per-token KL), ``advantage``
            (values and GAE advantages) or ``update`` (probability ratios and PPO's clipped
            objective).
    """
    order = list(get_args(PpoStep))
    upto = order.index(step)
    rows = ppo_rows()
    shown = [row for row in rows if order.index(row[0]) <= upto]
    table = Table(
        ("quantity", *PPO_TOKENS),
        tuple((label.replace("$", ""), *values) for _, label, values in shown),
        dict.fromkeys(PPO_TOKENS, ".3f"),
    )

    def draw(fig: Figure, theme: Theme) -> None:
        phone = is_phone(fig)
        width, height = fig.get_figwidth(), fig.get_figheight()
        ax = _canvas(fig, width, height)
        label_w = 1.35 if phone else 1.9
        cell_w = (width - label_w - 0.15) / len(PPO_TOKENS)
        cell_h = 0.3
        top = height - 0.6
        ax.text(
            0.1,
            height - 0.12,
            f"{upto + 1}. {step}",
            ha="left",
            va="top",
            fontsize=sizes(fig).title,
            color=theme.text,
        )
        for j, token in enumerate(PPO_TOKENS):
            ax.text(
                label_w + (j + 0.5) * cell_w,
                top + 0.05,
                token,
                ha="center",
                va="bottom",
                color=theme.text,
            )
        for i, (row_step, label, values) in enumerate(rows):
            y = top - (i + 1) * cell_h
            reached = order.index(row_step) <= upto
            now = row_step == step
            ax.text(
                label_w - 0.08,
                y + cell_h / 2,
                label,
                ha="right",
                va="center",
                color=theme.highlight if now else theme.text if reached else theme.muted,
                fontsize=sizes(fig).note,
            )
            for j, value in enumerate(values):
                text = _signed(value) if reached else ""
                clipped = (
                    row_step == "update"
                    and label.startswith("clipped")
                    and rlhf.is_clipped(PPO_RATIOS[j], rows[4][2][j], PPO_EPSILON)
                )
                fill = theme.surface if reached else None
                _cell(
                    ax,
                    label_w + j * cell_w,
                    y,
                    cell_w,
                    cell_h,
                    theme,
                    fill=fill,
                    text=text,
                    edge=theme.highlight if now else None,
                    linewidth=1.6 if now else 0.6,
                    size=sizes(fig).note,
                )
                if clipped and reached:
                    ax.texts[-1].set_color(theme.highlight)
                    ax.texts[-1].set_fontweight("bold")

    return FigureResult(table, finished(draw), width=WIDTH, height=2.85, phone_height=2.85)

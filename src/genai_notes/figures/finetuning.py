"""Figures: fine-tuning (LoRA parameter counts and block diagram, worked ROUGE and BLEU
examples, memory by method, training compute of fine-tuning against pre-training).

Every number drawn here comes from :mod:`genai_notes.science.peft`,
:mod:`genai_notes.science.metrics`, :mod:`genai_notes.science.scaling` and
:mod:`genai_notes.science.units`, or is a reported value with its citation.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any, Literal

import numpy as np

from genai_notes.figures._drawing import _arrow, _canvas
from genai_notes.figures.base import FigureResult, Length, Range, Table, figure
from genai_notes.figures.registry import ParameterError
from genai_notes.figures.style import finished, is_phone, legend
from genai_notes.numbers import format_number
from genai_notes.science import metrics, peft, scaling, units

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from genai_notes.figures.style import Theme


def _count(n: float) -> str:
    """A parameter count as people say it: 4718592 -> ``4.72M``, 7e9 -> ``7B``."""
    for size, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if n >= size:
            return f"{format_number(n / size, '.3g')}{suffix}"
    return format_number(n, ".3g")


# --- LoRA trainable parameters against rank ------------------------------------------------

_TARGET_SETS = {"q, v": ("q", "v"), "q, k, v, o": ("q", "k", "v", "o")}


@figure("finetuning.lora_rank")
def lora_rank(
    d_model: Annotated[int, Range(16, 65536)] = 12288,
    n_layers: Annotated[int, Range(1, 256)] = 96,
    n_params: Annotated[float, Range(1e6, 1e13)] = 175e9,
    ranks: Annotated[list[int], Range(1, 4096), Length(2, 10)] = [1, 2, 4, 8, 16, 32, 64, 128],  # noqa: B006
) -> FigureResult:
    """LoRA's trainable parameters (and share of the model) against rank, for two target sets.

    Args:
        d_model: Model width; W_q, W_k, W_v and W_o are d_model x d_model (GPT-3: 12,288).
        n_layers: Number of transformer layers, each adapted the same way (GPT-3: 96).
        n_params: Parameters of the whole model, for the percentage axis (a count).
        ranks: Adapter ranks r to plot, each at most d_model.
    """
    if max(ranks) > d_model:
        raise ParameterError(f"every rank must be at most d_model ({d_model}); got {max(ranks)}")
    xs = sorted(set(ranks))
    counts = {
        label: [peft.lora_model_params(d_model, n_layers, r, targets) for r in xs]
        for label, targets in _TARGET_SETS.items()
    }
    columns: dict[str, Sequence[float]] = {"rank": xs}
    formats = {"rank": "d"}
    for label, values in counts.items():
        columns[f"trainable parameters ({label})"] = values
        columns[f"% of model ({label})"] = [100 * v / n_params for v in values]
        formats[f"trainable parameters ({label})"] = ",.0f"
        formats[f"% of model ({label})"] = ".3g"
    table = Table.from_columns(columns, formats=formats)

    def draw(fig: Figure, theme: Theme) -> None:
        from matplotlib.ticker import FuncFormatter

        ax = fig.add_subplot()
        phone = is_phone(fig)
        for index, (label, values) in enumerate(counts.items()):
            colour = (theme.blue, theme.vermillion)[index]
            ax.plot(xs, values, marker="o", color=colour, label=f"LoRA on {label}")
            offset = 8 if index == 1 else -8
            for n, (x, value) in enumerate(zip(xs, values, strict=True)):
                if phone and n not in (0, len(xs) - 1):
                    continue  # the ends only: the table has the rest
                ax.annotate(
                    _count(value),
                    (x, value),
                    textcoords="offset points",
                    xytext=(0, offset),
                    ha="center",
                    va="bottom" if offset > 0 else "top",
                    color=colour,
                )
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xticks(xs, [str(r) for r in xs])
        ax.minorticks_off()
        low = min(counts["q, v"])
        high = max(counts["q, k, v, o"])
        ax.set_ylim(low / 4, high * 4)
        ax.set_xlim(xs[0] / 1.6, xs[-1] * 1.6)
        ax.set_xlabel("LoRA rank r")
        ax.set_ylabel("trainable parameters")

        def to_percent(count: Any) -> Any:
            return 100 * np.asarray(count, dtype=np.float64) / n_params

        def to_count(percent: Any) -> Any:
            return np.asarray(percent, dtype=np.float64) * n_params / 100

        share = ax.secondary_yaxis("right", functions=(to_percent, to_count))
        share.set_ylabel(f"% of the model's {_count(n_params)} parameters")
        share.tick_params(colors=theme.text)
        share.yaxis.set_major_formatter(
            FuncFormatter(lambda value, _: format_number(value, "g") + "%")
        )
        legend(fig, ax, loc="upper left", phone_ncols=2)
        ax.grid(which="minor", visible=False)

    return FigureResult(table, finished(draw), width=7.0, height=4.2, phone_height=4.8)


# --- A worked ROUGE example ----------------------------------------------------------------

_MAX_TOKENS = 12
_MAX_CHARACTERS = 56
_ROW_Y = {"reference": 1.0, "candidate": 0.0}
_BOX_HEIGHT = 0.34
_SPAN = 70.0  # drawing width in character widths (about 0.083 in each at 10 pt)


def _check_text(name: str, text: str) -> list[str]:
    tokens = metrics.tokenize(text)
    if not tokens:
        raise ParameterError(f"{name} has no words once tokenized (letters a-z and digits)")
    if len(tokens) > _MAX_TOKENS or sum(len(t) + 1 for t in tokens) > _MAX_CHARACTERS:
        raise ParameterError(
            f"{name} is too long to draw: at most {_MAX_TOKENS} words and "
            f"{_MAX_CHARACTERS} characters, got {len(tokens)} words"
        )
    return tokens


def _slots(tokens: list[str], shift: float = 0.0) -> list[tuple[float, float]]:
    """(left, width) of each token's box, in character units, with a gap between boxes."""
    slots, left = [], shift
    for token in tokens:
        width = max(len(token), 2) + 1.2
        slots.append((left, width))
        left += width + 0.8
    return slots


def _row_width(tokens: list[str]) -> float:
    left, width = _slots(tokens)[-1]
    return left + width


def _bracket_levels(starts: tuple[int, ...], n: int) -> list[int]:
    """A level per matched n-gram so that overlapping brackets sit on different levels."""
    ends: list[int] = []  # last token index covered on each level
    levels = []
    for start in starts:
        level = next((k for k, end in enumerate(ends) if end < start), len(ends))
        if level == len(ends):
            ends.append(-1)
        ends[level] = start + n - 1
        levels.append(level)
    return levels


def _score_rows(
    candidate: str, reference: str, n: int, cand: list[str], ref: list[str]
) -> dict[str, list[str | float]]:
    """One row per metric: ROUGE-1, ROUGE-n (if n > 1) and ROUGE-L, with their counts."""
    rows: dict[str, list[str | float]] = {
        "metric": [],
        "matched": [],
        "candidate units": [],
        "reference units": [],
        "precision": [],
        "recall": [],
        "F1": [],
    }

    def add(name: str, matched: int, cand_units: int, ref_units: int, score: metrics.Score) -> None:
        rows["metric"].append(name)
        rows["matched"].append(matched)
        rows["candidate units"].append(cand_units)
        rows["reference units"].append(ref_units)
        rows["precision"].append(score.precision)
        rows["recall"].append(score.recall)
        rows["F1"].append(score.f1)

    for order in sorted({1, n}):
        add(
            f"ROUGE-{order}",
            len(metrics.ngram_match_positions(cand, ref, order)[0]),
            len(metrics.ngrams(cand, order)),
            len(metrics.ngrams(ref, order)),
            metrics.rouge_n(candidate, reference, order),
        )
    add(
        "ROUGE-L",
        len(metrics.lcs(cand, ref)),
        len(cand),
        len(ref),
        metrics.rouge_l(candidate, reference),
    )
    return rows


@figure("finetuning.rouge_example")
def rouge_example(
    candidate: str = "It is very cold outside",
    reference: str = "It is cold outside",
    n: Annotated[int, Range(1, 4)] = 2,
) -> FigureResult:
    """A worked ROUGE example: matched n-grams highlighted, the LCS joined, and the scores.

    Args:
        candidate: The generated text (at most 12 words once tokenized).
        reference: The human reference text (at most 12 words once tokenized).
        n: The n-gram length whose matches are highlighted (ROUGE-n); ROUGE-1 and ROUGE-L
            are always scored too.
    """
    cand = _check_text("candidate", candidate)
    ref = _check_text("reference", reference)
    rows = _score_rows(candidate, reference, n, cand, ref)
    table = Table.from_columns(
        rows,
        formats={
            "matched": "g",
            "candidate units": "g",
            "reference units": "g",
            "precision": ".3f",
            "recall": ".3f",
            "F1": ".3f",
        },
    )
    cand_starts, ref_starts = metrics.ngram_match_positions(cand, ref, n)
    pairs = metrics.lcs_pairs(cand, ref)

    def draw(fig: Figure, theme: Theme) -> None:
        ax = fig.add_subplot()
        phone = is_phone(fig)
        span = _SPAN * 0.56 if phone else _SPAN  # the phone drawing is 0.54 as wide
        width = max(_row_width(ref), _row_width(cand))
        shift = (span - width) / 2
        slots = {"reference": _slots(ref, shift), "candidate": _slots(cand, shift)}
        tokens = {"reference": ref, "candidate": cand}
        starts = {"reference": ref_starts, "candidate": cand_starts}
        for row, row_slots in slots.items():
            _draw_row(ax, row, tokens[row], row_slots, starts[row], n, theme)
        for c, r in pairs:
            left_c, w_c = slots["candidate"][c]
            left_r, w_r = slots["reference"][r]
            ax.plot(
                [left_r + w_r / 2, left_c + w_c / 2],
                [_ROW_Y["reference"] - _BOX_HEIGHT / 2, _ROW_Y["candidate"] + _BOX_HEIGHT / 2],
                color=theme.series[0],
                linewidth=1.6,
                solid_capstyle="round",
            )
        _draw_scores(ax, rows, n, theme, span=span, phone=phone)
        ax.set_xlim(-10.0, span)
        ax.set_ylim(-2.3 if phone else -1.32, 1.45)
        ax.axis("off")

    return FigureResult(table, finished(draw), width=7.0, height=3.0, phone_height=4.6)


def _draw_row(
    ax: Axes,
    row: str,
    tokens: list[str],
    slots: list[tuple[float, float]],
    starts: tuple[int, ...],
    n: int,
    theme: Theme,
) -> None:
    """One text as a row of token boxes; tokens inside a matched n-gram are filled."""
    from matplotlib.patches import FancyBboxPatch

    y = _ROW_Y[row]
    covered = {start + k for start in starts for k in range(n)}
    for index, (token, (left, width)) in enumerate(zip(tokens, slots, strict=True)):
        matched = index in covered
        ax.add_patch(
            FancyBboxPatch(
                (left, y - _BOX_HEIGHT / 2),
                width,
                _BOX_HEIGHT,
                boxstyle="round,pad=0,rounding_size=0.08",
                facecolor=theme.highlight if matched else theme.surface,
                alpha=0.35 if matched else 1.0,
                edgecolor=theme.highlight if matched else theme.muted,
                linewidth=1.2,
            )
        )
        ax.text(left + width / 2, y, token, ha="center", va="center", color=theme.text)
    if n > 1:
        # A bracket per matched n-gram, above the reference row and below the candidate row.
        direction = 1 if row == "reference" else -1
        for level_index, start in zip(_bracket_levels(starts, n), starts, strict=True):
            level = y + direction * (_BOX_HEIGHT / 2 + 0.07 + 0.08 * level_index)
            left = slots[start][0] + 0.3
            right = slots[start + n - 1][0] + slots[start + n - 1][1] - 0.3
            ax.plot([left, right], [level, level], color=theme.highlight, linewidth=1.6)
    ax.text(
        slots[0][0] - 0.8, y, row, ha="right", va="center", color=theme.muted, fontweight="bold"
    )


def _draw_scores(
    ax: Axes,
    rows: dict[str, list[str | float]],
    n: int,
    theme: Theme,
    *,
    span: float,
    phone: bool,
) -> None:
    """The scores under the rows, one line per metric, with the legend."""
    lines = []
    for index, name in enumerate(rows["metric"]):
        matched = int(rows["matched"][index])
        cand_units = int(rows["candidate units"][index])
        ref_units = int(rows["reference units"][index])
        what = "LCS length" if name == "ROUGE-L" else "matched"
        recall = f"recall {matched}/{ref_units} = {float(rows['recall'][index]):.2f}"
        precision = f"precision {matched}/{cand_units} = {float(rows['precision'][index]):.2f}"
        f1 = f"F1 = {float(rows['F1'][index]):.2f}"
        # commas, not runs of spaces: a browser collapses spaces in SVG text, which ran
        # "matched 4 recall 4/4 ..." together
        if phone:
            lines.append(f"{name}: {recall},\n{precision}, {f1}")
        else:
            lines.append(f"{name}: {what} {matched}, {recall}, {precision}, {f1}")
    middle = (span - 10.0) / 2
    ax.text(
        middle,
        -0.45,
        "\n".join(lines),
        ha="center",
        va="top",
        multialignment="left",
        color=theme.text,
        linespacing=1.4,
    )
    unit = "word" if n == 1 else f"{n}-gram"
    ax.text(
        middle,
        -2.2 if phone else -1.2,
        f"shaded: tokens in matched {unit}s"
        + ("\n" if phone else "; ")
        + "lines: the longest common subsequence",
        ha="center",
        va="center",
        color=theme.muted,
    )


# --- Fine-tuning memory by method ----------------------------------------------------------

_CATEGORIES = ("weights", "quantization constants", "gradients", "optimizer states")

# Which stacked category each part of peft.finetune_memory falls in.
_PART_CATEGORY = {
    "parameters (fp16)": "weights",
    "gradients (fp16)": "gradients",
    "optimizer: parameter copy (fp32)": "optimizer states",
    "optimizer: momentum (fp32)": "optimizer states",
    "optimizer: variance (fp32)": "optimizer states",
    "frozen weights (16-bit)": "weights",
    "frozen weights (NF4, 4-bit)": "weights",
    "quantization constants": "quantization constants",
    "adapter weights (16-bit)": "weights",
    "adapter gradients (16-bit)": "gradients",
    "adapter optimizer states (3 x fp32)": "optimizer states",
}
_METHOD_LABELS = {"full": "full", "lora": "LoRA", "qlora": "QLoRA"}
_GPU_STYLES: tuple[Literal["--", ":", "-."], ...] = ("--", ":", "-.")


def _method_memory(
    n_params: float, method: str, adapter_percent: float, double_quant: bool
) -> dict[str, float]:
    """GB per category for one model size and method."""
    trainable = 0.0 if method == "full" else n_params * adapter_percent / 100
    breakdown = peft.finetune_memory(
        n_params, method, trainable_params=trainable, double_quant=double_quant
    )
    sums = dict.fromkeys(_CATEGORIES, 0.0)
    for label, n_bytes in breakdown.items:
        sums[_PART_CATEGORY[label]] += units.to_gb(n_bytes)
    return sums


@figure("finetuning.memory_by_method")
def memory_by_method(
    n_params: Annotated[list[float], Range(1e8, 1e13), Length(1, 3)] = [7e9, 65e9],  # noqa: B006
    adapter_percent: Annotated[float, Range(0.0, 10.0)] = 1.0,
    double_quant: bool = True,
    gpu_memory_gb: Annotated[list[float], Range(1.0, 2000.0), Length(0, 3)] = [24.0, 80.0],  # noqa: B006
) -> FigureResult:
    """Fine-tuning memory (model states) for full fine-tuning, LoRA and QLoRA, by component.

    Args:
        n_params: Model sizes to compare, one panel each (parameter counts, e.g. 7e9).
        adapter_percent: LoRA and QLoRA adapter parameters as a percentage of the model.
        double_quant: Whether QLoRA double-quantizes its quantization constants.
        gpu_memory_gb: GPU memory sizes to draw as horizontal lines (GB, 10^9 bytes).
    """
    sizes = list(n_params)
    memory = {
        (size, method): _method_memory(size, method, adapter_percent, double_quant)
        for size in sizes
        for method in peft.FINETUNE_METHODS
    }
    rows: dict[str, list[str | float]] = {"model": [], "method": []}
    for category in _CATEGORIES:
        rows[f"{category} (GB)"] = []
    rows["total (GB)"] = []
    gpus = sorted(set(gpu_memory_gb))
    for gpu in gpus:
        rows[f"fits in {gpu:g} GB"] = []
    for (size, method), parts in memory.items():
        rows["model"].append(_count(size))
        rows["method"].append(_METHOD_LABELS[method])
        for category in _CATEGORIES:
            rows[f"{category} (GB)"].append(parts[category])
        total = sum(parts.values())
        rows["total (GB)"].append(total)
        for gpu in gpus:
            rows[f"fits in {gpu:g} GB"].append("yes" if total <= gpu else "no")
    table = Table.from_columns(rows, formats={f"{c} (GB)": ",.3g" for c in (*_CATEGORIES, "total")})

    def draw(fig: Figure, theme: Theme) -> None:
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch

        phone = is_phone(fig)
        grid = (len(sizes), 1) if phone else (1, len(sizes))
        axes = (
            fig.subplots(*grid, squeeze=False)[:, 0]
            if phone
            else fig.subplots(*grid, squeeze=False)[0]
        )
        colours = {c: theme.colour(c) for c in _CATEGORIES}
        for ax, size in zip(axes, sizes, strict=True):
            _draw_methods(ax, size, memory, colours, gpus, theme)
        for ax in axes if phone else axes[:1]:
            ax.set_ylabel("model states (GB)" if phone else "GPU memory for model states (GB)")
        handles: list[Artist] = [
            Patch(facecolor=colours[c], edgecolor=theme.text, linewidth=0.6) for c in _CATEGORIES
        ]
        handles += [
            Line2D([], [], color=theme.text, linewidth=1.0, linestyle=style)
            for _, style in zip(gpus, _GPU_STYLES, strict=False)
        ]
        labels = [*_CATEGORIES, *(f"{format_number(gpu)} GB GPU" for gpu in gpus)]
        fig.legend(
            handles=handles,
            labels=labels,
            loc="outside lower center",
            ncols=2 if phone else min(len(labels), 4),
        )

    return FigureResult(table, finished(draw), width=7.0, height=4.2, phone_height=7.2)


def _label_height(bar_top: float, tallest: float, gpus: list[float]) -> float:
    """Where a bar's total goes: just above the bar, or above a GPU line it would cross."""
    pad, text_height = tallest * 0.02, tallest * 0.07
    y = bar_top + pad
    for gpu in gpus:  # ascending, so a label pushed above one line is checked against the next
        if y - pad / 2 <= gpu <= y + text_height:
            y = gpu + pad
    return y


def _draw_methods(
    ax: Axes,
    size: float,
    memory: dict[tuple[float, str], dict[str, float]],
    colours: dict[str, str],
    gpus: list[float],
    theme: Theme,
) -> None:
    """One panel: a stacked bar per method, its total on top, and the GPU lines."""
    methods = peft.FINETUNE_METHODS
    tallest = max(sum(memory[(size, m)].values()) for m in methods)
    for x, method in enumerate(methods):
        bottom = 0.0
        for category in _CATEGORIES:
            value = memory[(size, method)][category]
            ax.bar(
                x,
                value,
                bottom=bottom,
                width=0.62,
                color=colours[category],
                edgecolor=theme.background,
                linewidth=0.6,
            )
            bottom += value
        ax.text(
            x,
            _label_height(bottom, tallest, gpus),
            format_number(bottom, ",.0f" if bottom >= 100 else ".3g") + " GB",
            ha="center",
            va="bottom",
            color=theme.text,
            fontweight="bold",
        )
    top = tallest * 1.15
    for gpu, style in zip(gpus, _GPU_STYLES, strict=False):
        ax.axhline(gpu, color=theme.text, linewidth=1.0, linestyle=style, zorder=0.5)
    ax.set_ylim(0, top)
    ax.set_xlim(-0.5, 2.5)
    ax.set_xticks(range(len(methods)), [_METHOD_LABELS[m] for m in methods])
    ax.tick_params(axis="x", length=0)
    ax.set_title(f"{_count(size)} parameters")
    ax.grid(axis="x", visible=False)


# --- LoRA block diagram --------------------------------------------------------------------


def _lora_rows(d: int, k: int, r: int, alpha: float) -> dict[str, list[str | float]]:
    """The matrices of one LoRA-adapted layer with their shapes and parameter counts."""
    adapter = peft.lora_params(k, d, r)
    return {
        "matrix": ["W0 (pre-trained)", "A", "B", "A + B (LoRA adapter)", "W0 + (alpha/r) B A"],
        "shape": [f"{d} x {k}", f"{r} x {k}", f"{d} x {r}", "", f"{d} x {k}"],
        "parameters": [d * k, r * k, d * r, adapter, d * k],
        "% of W0": [100 * n / (d * k) for n in (d * k, r * k, d * r, adapter, d * k)],
        "role": [
            "frozen during training",
            "trained; Gaussian initialisation",
            "trained; zero initialisation, so BA = 0 at the start",
            f"trained; update scaled by alpha/r = {alpha:g}/{r} = {alpha / r:g}",
            "merged once for inference; same shape as W0, no extra latency",
        ],
    }


@figure("finetuning.lora_diagram")
def lora_diagram(
    d: Annotated[int, Range(1, 100000)] = 512,
    k: Annotated[int, Range(1, 100000)] = 64,
    r: Annotated[int, Range(1, 4096)] = 8,
    alpha: Annotated[float, Range(0.0, 1024.0, low_open=True)] = 16.0,
) -> FigureResult:
    """LoRA as a block diagram: the frozen W0 beside the trained B A path, then merged.

    Args:
        d: Output width of the adapted matrix W0 (its rows); W0 is d x k.
        k: Input width of W0 (its columns), the length of the input x.
        r: The adapter rank: A is r x k and B is d x r; at most min(d, k).
        alpha: The LoRA scaling constant; the update B A is multiplied by alpha / r.
    """
    if r > min(d, k):
        raise ParameterError(f"r must be at most min(d, k) = {min(d, k)}, got {r}")
    rows = _lora_rows(d, k, r, alpha)
    table = Table.from_columns(rows, formats={"parameters": ",d", "% of W0": ".3g"})
    counts = [int(v) for v in rows["parameters"]]

    def draw(fig: Figure, theme: Theme) -> None:
        if is_phone(fig):
            # Training above, merged below, at one scale (inches per data unit).
            fig.set_layout_engine("none")
            width, height = fig.get_figwidth(), fig.get_figheight()
            scale = width / _LORA_TRAIN_WIDTH
            top = _LORA_HEIGHT * scale / height
            train = fig.add_axes((0.0, 1.0 - top, 1.0, top))
            merged = fig.add_axes((0.0, 1.0 - 2 * top, 1.0, top))
            train.set_xlim(0.0, _LORA_TRAIN_WIDTH)
            merged.set_xlim(
                _LORA_MERGED_X - _LORA_TRAIN_WIDTH / 2, _LORA_MERGED_X + _LORA_TRAIN_WIDTH / 2
            )
            for ax in (train, merged):
                ax.set_ylim(0.0, _LORA_HEIGHT)
                ax.set_axis_off()
        else:
            train = merged = _canvas(fig, 7.0, _LORA_HEIGHT)
            train.plot([4.72, 4.72], [0.25, 3.8], color=theme.muted, lw=0.8, ls=":")
        _draw_lora_training(train, d, k, r, alpha, counts, theme)
        _draw_lora_merged(merged, d, k, theme)

    return FigureResult(table, finished(draw), width=7.0, height=_LORA_HEIGHT, phone_height=6.7)


_LORA_HEIGHT = 4.1  # inches of the wide drawing (its data units)
_LORA_TRAIN_WIDTH = 4.6  # the training panel spans x = 0 to 4.6
_LORA_MERGED_X = 5.9  # centre of the merged panel
_LORA_SIDE = 1.7  # W's drawn height (d rows) and width (k columns), inches
_LORA_MIN_SLAB = 0.07  # thinnest a rank-r slab is drawn, so rank 1 stays visible


def _draw_lora_training(
    ax: Axes, d: int, k: int, r: int, alpha: float, counts: list[int], theme: Theme
) -> None:
    """Training: x feeds the large frozen W0 and, in parallel, the thin slabs A (r x k) and
    B (d x r), drawn to W0's scales (rows to d, columns to k); the outputs add into h."""
    from matplotlib.patches import Circle, Rectangle

    trained, frozen = theme.colour("trained"), theme.colour("frozen")
    text: dict[str, Any] = {"ha": "center", "va": "center", "color": theme.text}
    side = _LORA_SIDE
    a_height = max(_LORA_MIN_SLAB, side * r / d)  # A has r rows
    b_width = max(_LORA_MIN_SLAB, side * r / k)  # B has r columns
    w_centre, a_centre, b_centre = (1.2, 2.0), (3.45, 0.95), (3.45, 2.05)
    ax.text(2.3, 3.92, "Training", fontweight="bold", **text)
    ax.add_patch(
        Rectangle(
            (w_centre[0] - side / 2, w_centre[1] - side / 2),
            side,
            side,
            facecolor=theme.surface,
            edgecolor=frozen,
            lw=1.3,
        )
    )
    ax.text(*w_centre, f"W\u2080 (frozen)\n{d:,} \u00d7 {k:,}\n{counts[0]:,}\nparameters", **text)
    ax.add_patch(
        Rectangle(
            (a_centre[0] - side / 2, a_centre[1] - a_height / 2),
            side,
            a_height,
            facecolor=trained,
            edgecolor="none",
        )
    )
    ax.add_patch(
        Rectangle(
            (b_centre[0] - b_width / 2, b_centre[1] - side / 2),
            b_width,
            side,
            facecolor=trained,
            edgecolor="none",
        )
    )
    ax.text(
        a_centre[0] - side / 2 - 0.08,
        a_centre[1],
        f"A: {r:,} \u00d7 {k:,}\nGaussian init",
        ha="right",
        va="center",
        color=theme.text,
    )
    ax.text(
        b_centre[0] - b_width / 2 - 0.08,
        b_centre[1] + 0.3,
        f"B: {d:,} \u00d7 {r:,}\nzero init",
        ha="right",
        va="center",
        color=theme.text,
    )
    circle_y = 3.15
    ax.add_patch(Circle((2.3, circle_y), 0.14, facecolor="none", edgecolor=theme.text, lw=1.2))
    ax.text(2.3, circle_y, "+", **text)
    ax.text(2.3, 3.5, f"$h = W_0 x + (\\alpha/r)\\,BAx$ (length $d$ = {d:,})", **text)
    ax.text(  # above the arrow into the sum: below it, B's slab ran through the label
        2.5,
        circle_y + 0.04,
        f"\u00d7 $\\alpha/r$ = {format_number(alpha)}/{r:,} = {format_number(alpha / r, '.3g')}",
        ha="left",
        va="bottom",
        color=trained,
    )
    w_bottom, w_top = w_centre[1] - side / 2, w_centre[1] + side / 2
    split = 0.62
    _arrow(ax, [(2.3, circle_y + 0.14), (2.3, 3.37)], theme.text, joinstyle="round")
    a_bottom, a_top = a_centre[1] - a_height / 2, a_centre[1] + a_height / 2
    _arrow(ax, [(2.3, 0.5), (2.3, split), (1.2, split), (1.2, w_bottom)], frozen)
    _arrow(ax, [(2.3, split), (a_centre[0], split), (a_centre[0], a_bottom)], trained)
    _arrow(ax, [(a_centre[0], a_top), (a_centre[0], b_centre[1] - side / 2)], trained)
    _arrow(
        ax,
        [(a_centre[0], b_centre[1] + side / 2), (a_centre[0], circle_y), (2.44, circle_y)],
        trained,
    )
    _arrow(ax, [(1.2, w_top), (1.2, circle_y), (2.16, circle_y)], frozen)
    ax.text(2.3, 0.38, f"input $x$ (length $k$ = {k:,})", **text)
    share = format_number(100 * counts[3] / counts[0], ".3g")
    ax.text(
        2.3,
        0.02,
        f"trained: $r(d + k)$ = {counts[3]:,} parameters, {share}% of W\u2080",
        ha="center",
        va="bottom",
        color=theme.muted,
    )


def _draw_lora_merged(ax: Axes, d: int, k: int, theme: Theme) -> None:
    """Inference: one matrix of W0's shape replaces the two paths."""
    from matplotlib.patches import Rectangle

    text: dict[str, Any] = {"ha": "center", "va": "center", "color": theme.text}
    x, side = _LORA_MERGED_X, _LORA_SIDE
    ax.text(x, 3.92, "Inference (merged)", fontweight="bold", **text)
    ax.text(x, 0.38, f"input $x$ (length {k:,})", **text)
    ax.add_patch(
        Rectangle(
            (x - side / 2, 2.0 - side / 2),
            side,
            side,
            facecolor=theme.surface,
            edgecolor=theme.text,
            lw=1.3,
        )
    )
    ax.text(x, 2.0, f"$W = W_0 + (\\alpha/r)\\,BA$\n{d:,} \u00d7 {k:,}\nmerged once", **text)
    ax.text(x, 3.5, f"$h = Wx$ (length {d:,})", **text)
    _arrow(ax, [(x, 0.5), (x, 2.0 - side / 2)], theme.text)
    _arrow(ax, [(x, 2.0 + side / 2), (x, 3.37)], theme.text)
    ax.text(x, 0.02, "no extra inference latency", ha="center", va="bottom", color=theme.muted)


# --- BLEU precisions per candidate ---------------------------------------------------------

_BLEU_REFERENCE = "I am very happy to say that I am drinking a warm cup of tea."
_BLEU_CANDIDATES = [
    "I am very happy that I am drinking a cup of tea.",
    "I am very happy that I am drinking a warm cup of tea.",
    "I am very happy to say that I am drinking a warm tea.",
    "I am very happy to say that I am drinking a warm cup of tea.",
]
_MAX_BLEU_TOKENS = 40


def _bleu_rows(reference: str, candidates: list[str]) -> dict[str, list[str | float]]:
    rows: dict[str, list[str | float]] = {
        "candidate": [],
        "c (tokens)": [],
        "r (tokens)": [],
        **{f"p{n}": [] for n in range(1, 5)},
        "brevity penalty": [],
        "BLEU": [],
    }
    for text in candidates:
        score = metrics.bleu(text, [reference])
        rows["candidate"].append(text)
        rows["c (tokens)"].append(score.candidate_length)
        rows["r (tokens)"].append(score.reference_length)
        for n in range(1, 5):
            rows[f"p{n}"].append(score.precisions[n - 1])
        rows["brevity penalty"].append(score.brevity_penalty)
        rows["BLEU"].append(score.bleu)
    return rows


@figure("finetuning.bleu_precisions")
def bleu_precisions(
    reference: str = _BLEU_REFERENCE,
    candidates: Annotated[list[str], Length(1, 5)] = _BLEU_CANDIDATES,
) -> FigureResult:
    """BLEU-4 per candidate: the clipped precisions p1 to p4, the brevity penalty and the score.

    Args:
        reference: The human reference translation (at most 40 words once tokenized).
        candidates: The machine translations to score, one to five (each at most 40 words).
    """
    for name, text in [("reference", reference), *(("a candidate", c) for c in candidates)]:
        n_tokens = len(metrics.tokenize(text))
        if not 1 <= n_tokens <= _MAX_BLEU_TOKENS:
            raise ParameterError(
                f"{name} must have 1 to {_MAX_BLEU_TOKENS} words once tokenized, got {n_tokens}"
            )
    rows = _bleu_rows(reference, list(candidates))
    table = Table.from_columns(
        rows,
        formats={
            **{f"p{n}": ".3f" for n in range(1, 5)},
            "brevity penalty": ".3f",
            "BLEU": ".3f",
        },
    )

    def draw(fig: Figure, theme: Theme) -> None:
        import textwrap

        ax = fig.add_subplot()
        phone = is_phone(fig)
        ramp = theme.ramp(4)  # n-gram orders are ordered: a sequential ramp
        width = 0.17
        bp_style: dict[str, Any] = {
            "markersize": 9,
            "markerfacecolor": theme.surface,
            "markeredgecolor": theme.text,
            "markeredgewidth": 2.0,
            "color": theme.text,
            "linestyle": "none",
        }
        for n in range(1, 5):
            xs = [i + (n - 2.5) * width for i in range(len(candidates))]
            values = [float(v) for v in rows[f"p{n}"]]
            ax.bar(xs, values, width * 0.92, color=ramp[n - 1], label=f"$p_{n}$")
        for i in range(len(candidates)):
            bp, score = float(rows["brevity penalty"][i]), float(rows["BLEU"][i])
            left, right = i - 2 * width, i + 2 * width
            ax.plot([left, right], [score, score], color=theme.text, lw=2.2, solid_capstyle="butt")
            ax.plot([i], [bp], "o", **bp_style)
            if not phone:
                ax.text(
                    right + 0.03,
                    score,
                    f"BLEU\n{score:.3f}",
                    va="center",
                    ha="left",
                    color=theme.text,
                )
        ax.plot([], [], color=theme.text, lw=2.2, label="BLEU")
        ax.plot([], [], "o", label="brevity penalty", **bp_style)  # the marker as plotted
        labels = [
            (f"{i + 1}" if phone else textwrap.fill(str(text), 19)) + f"\n$c$ = {int(c)}"
            for i, (text, c) in enumerate(zip(rows["candidate"], rows["c (tokens)"], strict=True))
        ]
        ax.set_xticks(range(len(candidates)), labels)
        ax.tick_params(axis="x", length=0)
        ax.set_xlim(-0.5, len(candidates) - 0.5 + (0 if phone else 0.25))
        ax.set_ylim(0, 1.12)
        ax.set_ylabel("precision, BP, BLEU (0 to 1)")
        ax.grid(axis="x", visible=False)
        refs = sorted({int(v) for v in rows["r (tokens)"]})
        length = f"reference length $r$ = {', '.join(map(str, refs))} tokens"
        ax.set_title(
            length if phone else f"{length}: " + textwrap.shorten(reference, 44, placeholder=" …"),
            color=theme.muted,
        )
        if phone:
            ax.set_xlabel("candidate (see the table)")
        fig.legend(loc="outside lower center", ncols=3 if phone else 6, handlelength=1.4)

    return FigureResult(table, finished(draw), width=7.0, height=4.5, phone_height=5.0)


# --- Training compute: fine-tuning against pre-training ------------------------------------

_PUBLISHED_RUNS: tuple[tuple[str, float, float, float | None, str], ...] = (
    (
        "Flan-PaLM 540B instruction tuning",
        540e9,
        1.4e9,
        5.6e21,
        "Chung et al. 2022, arXiv 2210.11416: 1.4B tokens (section 3), 5.6E+21 FLOPs (Table 2)",
    ),
    (
        "LLaMA 7B pre-training",
        7e9,
        1e12,
        None,
        "Touvron et al. 2023, arXiv 2302.13971, Table 2: 1T tokens (7B nominal)",
    ),
    (
        "PaLM 540B pre-training",
        540e9,
        780e9,
        2.5e24,
        "Chung et al. 2022, arXiv 2210.11416, Table 2: 780B tokens, 2.5E+24 FLOPs",
    ),
)
"""Published runs: label, parameters N, tokens D, reported FLOPs (None if not reported),
source."""


def _compute_runs(
    finetune_params: float, single_task_tokens: float, multi_task_tokens: float
) -> list[tuple[str, float, float, float | None, str]]:
    size = _count(finetune_params)
    return [
        (
            f"Single-task fine-tune, {size} ({_count(single_task_tokens)} tokens)",
            finetune_params,
            single_task_tokens,
            None,
            "worked example on the page (1,000 examples x 500 tokens x 3 epochs by default)",
        ),
        (
            f"Multi-task fine-tune, {size} ({_count(multi_task_tokens)} tokens)",
            finetune_params,
            multi_task_tokens,
            None,
            "worked example on the page (100,000 examples x 500 tokens by default)",
        ),
        *_PUBLISHED_RUNS,
    ]


@figure("finetuning.compute_comparison")
def compute_comparison(
    finetune_params: Annotated[float, Range(1e8, 1e12)] = 7e9,
    single_task_tokens: Annotated[float, Range(1e3, 1e12)] = 1.5e6,
    multi_task_tokens: Annotated[float, Range(1e3, 1e12)] = 50e6,
) -> FigureResult:
    """Training compute (6ND FLOPs) of fine-tuning runs beside instruction tuning and pre-training.

    Args:
        finetune_params: Parameters of the model in the two example fine-tunes (a count).
        single_task_tokens: Training tokens of the single-task fine-tune (examples x tokens
            per example x epochs).
        multi_task_tokens: Training tokens of the multi-task fine-tune.
    """
    runs = _compute_runs(finetune_params, single_task_tokens, multi_task_tokens)
    flops = [float(scaling.training_flops(n, d)) for _, n, d, _, _ in runs]
    table = Table.from_columns(
        {
            "run": [run[0] for run in runs],
            "parameters N": [run[1] for run in runs],
            "tokens D": [run[2] for run in runs],
            "6ND (FLOPs)": flops,
            "reported (FLOPs)": [run[3] for run in runs],
            "source": [run[4] for run in runs],
        },
        formats={
            "parameters N": ".3g",
            "tokens D": ".3g",
            "6ND (FLOPs)": ".3g",
            "reported (FLOPs)": ".2g",
        },
    )

    def draw(fig: Figure, theme: Theme) -> None:
        # A dot plot: bars on a log axis would start from an arbitrary origin.
        import textwrap

        ax = fig.add_subplot()
        phone = is_phone(fig)
        y = list(range(len(runs)))[::-1]
        kinds = ["fine-tuning"] * 2 + ["instruction tuning"] + ["pre-training"] * 2
        for kind in dict.fromkeys(kinds):
            points = [(f, yi) for f, yi, k in zip(flops, y, kinds, strict=True) if k == kind]
            ax.scatter(
                [p[0] for p in points],
                [p[1] for p in points],
                s=48,
                color=theme.colour(kind),
                label=f"6ND, {kind}",
                zorder=3,
            )
        reported_points = [(run[3], yi) for run, yi in zip(runs, y, strict=True) if run[3]]
        ax.scatter(
            [p[0] for p in reported_points],
            [p[1] for p in reported_points],
            s=52,
            marker="D",
            facecolor="none",
            edgecolor=theme.text,
            linewidth=1.4,
            label="reported",
            zorder=4,
        )
        low, high = min(flops) / 3, max(flops) * (300 if phone else 3e4)
        for yi, value, run in zip(y, flops, runs, strict=True):
            reported = run[3]
            label = format_number(value, ".2g")
            if reported is not None and not phone:
                label = (
                    f"6ND {format_number(value, '.3g')}\nreported {format_number(reported, '.2g')}"
                )
            x = max(value, reported or 0.0)
            # on the phone a label right of a point in the axis' last third ran to the edge
            left = phone and math.log(x / low) > 0.66 * math.log(high / low)
            ax.annotate(
                label,
                (x, yi),
                xytext=(-9 if left else 9, 0),
                textcoords="offset points",
                ha="right" if left else "left",
                va="center",
                color=theme.text,
            )
        ax.set_xscale("log")
        ax.set_xlim(low, high)
        if phone:  # every second decade's label touched the next one at 358 px
            ax.set_xticks([10.0**e for e in range(0, 40, 3) if low <= 10.0**e <= high])
        # never broken at a hyphen ("fine-" / "tune" on the phone)
        names = [textwrap.fill(run[0], 16 if phone else 26, break_on_hyphens=False) for run in runs]
        ax.set_yticks(y, names)
        ax.set_ylim(-0.6, len(runs) - 0.4)
        ax.tick_params(axis="y", length=0)
        ax.set_xlabel("training compute (FLOPs, log scale)")
        ax.grid(axis="y", alpha=0.2)
        ax.grid(which="minor", visible=False)
        handles, names = ax.get_legend_handles_labels()
        # one column on the phone: in two, "6ND, pre-training" ran to the drawing's edge
        fig.legend(handles, names, loc="outside lower center", ncols=1 if phone else 2)

    return FigureResult(table, finished(draw), width=7.0, height=3.8, phone_height=6.0)

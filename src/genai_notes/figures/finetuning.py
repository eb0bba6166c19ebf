"""Figures: fine-tuning (LoRA parameter counts, a worked ROUGE example, memory by method).

Every number drawn here comes from :mod:`genai_notes.science.peft`,
:mod:`genai_notes.science.metrics` and :mod:`genai_notes.science.units`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any, Literal

import numpy as np

from genai_notes.figures.base import FigureResult, Length, Range, Table, figure
from genai_notes.figures.registry import ParameterError
from genai_notes.science import metrics, peft, units

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from genai_notes.figures.style import Theme


def _count(n: float) -> str:
    """A parameter count as people say it: 4718592 -> ``4.72M``, 7e9 -> ``7B``."""
    for size, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if n >= size:
            return f"{n / size:.3g}{suffix}"
    return f"{n:.3g}"


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
        for index, (label, values) in enumerate(counts.items()):
            colour = theme.series[index]
            ax.plot(xs, values, marker="o", color=colour, label=f"LoRA on {label}")
            offset = 9 if index == 1 else -14
            for x, value in zip(xs, values, strict=True):
                ax.annotate(
                    _count(value),
                    (x, value),
                    textcoords="offset points",
                    xytext=(0, offset),
                    ha="center",
                    color=colour,
                    fontsize=8,
                )
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xticks(xs, [str(r) for r in xs])
        ax.minorticks_off()
        low = min(counts["q, v"])
        high = max(counts["q, k, v, o"])
        ax.set_ylim(low / 3, high * 3)
        ax.set_xlim(xs[0] / 1.4, xs[-1] * 1.4)
        ax.set_xlabel("LoRA rank r")
        ax.set_ylabel("trainable parameters")

        def to_percent(count: Any) -> Any:
            return 100 * np.asarray(count, dtype=np.float64) / n_params

        def to_count(percent: Any) -> Any:
            return np.asarray(percent, dtype=np.float64) * n_params / 100

        share = ax.secondary_yaxis("right", functions=(to_percent, to_count))
        share.set_ylabel(f"% of the model's {_count(n_params)} parameters")
        share.tick_params(colors=theme.text)
        share.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}%"))
        ax.legend(loc="upper left")
        ax.grid(which="minor", visible=False)

    return FigureResult(table, draw, width=7.0, height=4.0)


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
        width = max(_row_width(ref), _row_width(cand))
        shift = (_SPAN - width) / 2
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
        _draw_scores(ax, rows, n, theme)
        ax.set_xlim(-10.0, _SPAN)
        ax.set_ylim(-1.32, 1.45)
        ax.axis("off")

    return FigureResult(table, draw, width=7.0, height=2.9)


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


def _draw_scores(ax: Axes, rows: dict[str, list[str | float]], n: int, theme: Theme) -> None:
    """The scores under the rows, one line per metric, with the legend."""
    lines = []
    for index, name in enumerate(rows["metric"]):
        matched = int(rows["matched"][index])
        cand_units = int(rows["candidate units"][index])
        ref_units = int(rows["reference units"][index])
        what = "LCS length" if name == "ROUGE-L" else "matched"
        lines.append(
            f"{name}: {what} {matched}   "
            f"recall {matched}/{ref_units} = {float(rows['recall'][index]):.2f}   "
            f"precision {matched}/{cand_units} = {float(rows['precision'][index]):.2f}   "
            f"F1 = {float(rows['F1'][index]):.2f}"
        )
    middle = (_SPAN - 10.0) / 2
    ax.text(
        middle,
        -0.45,
        "\n".join(lines),
        ha="center",
        va="top",
        multialignment="left",
        color=theme.text,
        fontsize=9,
        linespacing=1.5,
    )
    unit = "word" if n == 1 else f"{n}-gram"
    ax.text(
        middle,
        -1.2,
        f"shaded: tokens in matched {unit}s    lines: the longest common subsequence",
        ha="center",
        va="center",
        color=theme.muted,
        fontsize=8,
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

        axes = fig.subplots(1, len(sizes), squeeze=False)[0]
        colours = dict(
            zip(
                _CATEGORIES,
                (theme.series[0], theme.series[4], theme.series[2], theme.series[1]),
                strict=True,
            )
        )
        for ax, size in zip(axes, sizes, strict=True):
            _draw_methods(ax, size, memory, colours, gpus, theme)
        axes[0].set_ylabel("GPU memory for model states (GB)")
        handles: list[Artist] = [
            Patch(facecolor=colours[c], edgecolor=theme.text, linewidth=0.6) for c in _CATEGORIES
        ]
        handles += [
            Line2D([], [], color=theme.text, linewidth=1.0, linestyle=style)
            for _, style in zip(gpus, _GPU_STYLES, strict=False)
        ]
        labels = [*_CATEGORIES, *(f"{gpu:g} GB GPU" for gpu in gpus)]
        fig.legend(
            handles=handles,
            labels=labels,
            loc="outside lower center",
            ncols=min(len(labels), 4),
            fontsize=9,
        )

    return FigureResult(table, draw, width=7.0, height=4.0)


def _label_height(bar_top: float, tallest: float, gpus: list[float]) -> float:
    """Where a bar's total goes: just above the bar, or above a GPU line it would cross."""
    pad, text_height = tallest * 0.015, tallest * 0.05
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
                edgecolor=theme.text,
                linewidth=0.5,
            )
            bottom += value
        ax.text(
            x,
            _label_height(bottom, tallest, gpus),
            f"{bottom:,.0f} GB" if bottom >= 100 else f"{bottom:.3g} GB",
            ha="center",
            va="bottom",
            color=theme.text,
            fontsize=8,
            fontweight="bold",
        )
    top = tallest * 1.15
    for gpu, style in zip(gpus, _GPU_STYLES, strict=False):
        ax.axhline(gpu, color=theme.text, linewidth=1.0, linestyle=style, zorder=0.5)
    ax.set_ylim(0, top)
    ax.set_xlim(-0.5, 2.5)
    ax.set_xticks(range(len(methods)), [_METHOD_LABELS[m] for m in methods])
    ax.tick_params(axis="x", length=0)
    ax.set_title(f"{_count(size)} parameters", fontsize=10)
    ax.grid(axis="x", visible=False)

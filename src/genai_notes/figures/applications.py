"""Figures: LLM applications (vector-index memory for RAG, real bits of 4-bit checkpoints).

Every number drawn here comes from :mod:`genai_notes.science.retrieval` and
:mod:`genai_notes.science.deployment`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

from genai_notes.figures.base import FigureResult, Length, Range, Table, figure
from genai_notes.figures.style import finished, is_phone, mark_x
from genai_notes.numbers import format_number
from genai_notes.science import deployment, retrieval

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from genai_notes.figures.style import Theme


def _count(n: float, spec: str = ".4g") -> str:
    """A vector count as people say it: 2.1e7 -> ``21M``."""
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if n >= size:
            return f"{format(n / size, spec)}{suffix}"
    return format(n, spec)


# --- Vector-index memory ---------------------------------------------------------------------


def _vector_tick(value: float, _position: object = None) -> str:
    """Vector counts at powers of ten (100K, 1M, 1B), other ticks blank."""
    if value <= 0 or not math.isclose(math.log10(value) % 1, 0, abs_tol=1e-9):
        return ""
    return _count(value)


def _gb_tick(value: float, _position: object = None) -> str:
    """Memory at powers of ten as a plain amount (0.01, 1, 1,000), other ticks blank."""
    if value <= 0 or not math.isclose(math.log10(value) % 1, 0, abs_tol=1e-9):
        return ""
    return format_number(value, ",.0f" if value >= 1 else ".1g")


@figure("applications.index_memory")
def index_memory(
    n_vectors: Annotated[float, Range(1e3, 1e11)] = 21e6,
    dim: Annotated[int, Range(8, 16384)] = 768,
    hnsw_m: Annotated[int, Range(4, 128)] = 32,
    pq_m: Annotated[int, Range(1, 1024)] = 64,
    memory_gb: Annotated[float | None, Range(1.0, 100000.0)] = 64.0,
) -> FigureResult:
    """Memory of a flat, an HNSW and an IVF-PQ index against the size of the collection,
    and the most vectors each holds in a given memory.

    Args:
        n_vectors: Number of embedded chunks marked on the lines (21M is the Wikipedia split of
            the RAG paper).
        dim: Embedding dimensions (fp32 components).
        hnsw_m: HNSW's M, links per node on the upper layers (2M on the bottom layer).
        pq_m: Sub-vectors of the product quantizer, one byte of code each.
        memory_gb: The memory of one machine in GB, drawn as a line with the most vectors each
            index holds in it; null for no line.
    """
    names = ["Flat (exact)", f"HNSW, M = {hnsw_m}", f"IVF-PQ, {pq_m} one-byte codes"]
    short = ["Flat", "HNSW", "IVF-PQ"]
    per_vector = [
        retrieval.flat_bytes_per_vector(dim),
        retrieval.hnsw_bytes_per_vector(dim, hnsw_m),
        retrieval.ivfpq_bytes_per_vector(pq_m),
    ]
    gb = [n_vectors * b / 1e9 for b in per_vector]
    gb_col = f"memory (GB) for {_count(n_vectors)} vectors"
    columns: dict[str, Sequence[str | float]] = {
        "index": names,
        "vectors": [n_vectors] * len(names),  # the rings' x: what makes them explorable
        "bytes per vector": per_vector,
        gb_col: gb,
    }
    formats = {"vectors": ".3g", "bytes per vector": ",.0f", gb_col: ",.3g"}
    most: list[float] = []
    if memory_gb is not None:
        most = [retrieval.vectors_that_fit(memory_gb * 1e9, b) for b in per_vector]
        columns[f"most vectors in {format_number(memory_gb)} GB"] = most
        formats[f"most vectors in {format_number(memory_gb)} GB"] = ".3g"
    table = Table.from_columns(columns, formats=formats)

    def draw(fig: Figure, theme: Theme) -> None:
        from matplotlib.ticker import FuncFormatter

        ax = fig.add_subplot()
        lo = min(1e5, n_vectors / 3)
        hi = max(1e10, n_vectors * 3, *most)
        colours = theme.series[:3]
        for index, (label, each, colour) in enumerate(zip(short, per_vector, colours, strict=True)):
            ax.plot([lo, hi], [lo * each / 1e9, hi * each / 1e9], color=colour, lw=2.0)
            ax.plot(  # a ring, so the collection's point reads apart from a crossing dot
                [n_vectors],
                [gb[index]],
                "o",
                mfc=theme.background,
                mec=colour,
                mew=1.6,
                ms=9,
                zorder=4,
            )
            ax.annotate(
                label,
                (hi, hi * each / 1e9),
                xytext=(4, 5 if index == 1 else -5 if index == 0 else 0),
                textcoords="offset points",
                va="center",
                color=colour,
                fontweight="bold",
            )
        if memory_gb is not None:
            _memory_line(ax, memory_gb, most, colours, theme, phone=is_phone(fig))
        mark_x(ax, n_vectors, _count(n_vectors), theme)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlim(lo, hi)
        ax.set_ylim(lo * min(per_vector) / 1e9 / 2, hi * max(per_vector) / 1e9 * 2)
        for axis, tick in ((ax.xaxis, _vector_tick), (ax.yaxis, _gb_tick)):
            axis.set_major_formatter(FuncFormatter(tick))
            axis.set_minor_formatter(FuncFormatter(lambda _v, _p=None: ""))
        ax.set_xlabel(f"vectors of {dim} dimensions (log scale)")
        ax.set_ylabel("index memory (GB, log scale)")
        ax.grid(which="minor", visible=False)

    return FigureResult(table, finished(draw), width=7.0, height=4.2, phone_height=4.6)


def _memory_line(
    ax: Axes,
    memory_gb: float,
    most: list[float],
    colours: Sequence[str],
    theme: Theme,
    *,
    phone: bool,
) -> None:
    """The machine's memory as a dashed line, with a dot and the count where each index's
    line crosses it; the flat and HNSW counts sit on either side of the line, as they are close."""
    ax.axhline(memory_gb, color=theme.text, lw=1.0, ls="--", zorder=0.5)
    ax.annotate(
        f"{format_number(memory_gb)} GB" + ("" if phone else " of memory"),
        (0.0, memory_gb),
        xycoords=("axes fraction", "data"),
        xytext=(3, -3),  # below the line: the lines are far below it on the left
        textcoords="offset points",
        va="top",
        color=theme.text,
    )
    placements = (((5, -5), "left", "top"), ((-5, 5), "right", "bottom"), ((5, -5), "left", "top"))
    for count, colour, (offset, ha, va) in zip(most, colours, placements, strict=True):
        ax.plot([count], [memory_gb], "o", color=colour, mec=theme.text, mew=0.8, ms=5, zorder=5)
        ax.annotate(
            _count(count, ".3g"),
            (count, memory_gb),
            xytext=offset,
            textcoords="offset points",
            ha=ha,
            va=va,
            color=colour,
            bbox={"facecolor": theme.background, "edgecolor": "none", "pad": 0.3},
        )


# --- Bits per weight of group-wise quantization --------------------------------------------


_VARIANTS = (
    ("fp16 scale + fp16 zero point", 16, 16),
    ("fp16 scale + packed zero point", 16, None),
    ("fp16 scale only (symmetric)", 16, 0),
)
"""Storage choices: label, scale bits, zero-point bits (None: packed at the weight's bits)."""

_SHORT = {
    "fp16 scale + fp16 zero point": "fp16 zero point",
    "fp16 scale + packed zero point": "packed zero point",
    "fp16 scale only (symmetric)": "no zero point",
}
"""Legend labels of the phone drawing."""


@figure("applications.quant_bits")
def quant_bits(
    bits: Annotated[int, Range(2, 8)] = 4,
    group_sizes: Annotated[list[int], Range(1, 4096), Length(2, 12)] = [32, 64, 128, 256],  # noqa: B006
) -> FigureResult:
    """Stored bits per weight of group-wise quantization against the group size.

    Args:
        bits: Bits of each quantized weight (4 for int4).
        group_sizes: Weights that share one scale and zero point.
    """
    sizes = sorted(set(group_sizes))
    columns: dict[str, list[float]] = {}
    for label, scale, zero in _VARIANTS:
        zero_bits = bits if zero is None else zero
        columns[label] = [
            deployment.group_quant_bits_per_weight(bits, g, scale_bits=scale, zero_bits=zero_bits)
            for g in sizes
        ]
    table = Table.from_columns(
        {"group size": sizes, **columns}, formats={label: ".5g" for label in columns}
    )

    def draw(fig: Figure, theme: Theme) -> None:
        ax = fig.add_subplot()
        narrow = fig.get_figwidth() < 5.0  # the phone drawing: shorter legend
        for index, (label, values) in enumerate(columns.items()):
            shown = _SHORT[label] if narrow else label
            ax.plot(sizes, values, marker="o", color=theme.series[index], label=shown)
        ax.axhline(bits, color=theme.muted, linestyle="--", linewidth=1.0)
        ax.annotate(  # lifted off the dashed line it names (va="bottom" sat on it)
            f"{bits} bits, the name",
            (sizes[0], bits),
            xytext=(4, 3),
            textcoords="offset points",
            va="bottom",
            ha="left",
            color=theme.muted,
        )
        ax.set_xscale("log", base=2)
        ax.set_xticks(sizes, [str(g) for g in sizes])
        ax.minorticks_off()
        ax.set_xlabel("group size (weights per scale)")
        ax.set_ylabel("stored bits per weight")
        ax.set_ylim(bits - 0.1, max(max(v) for v in columns.values()) + 0.2)
        ax.legend(frameon=False)

    return FigureResult(table, draw, width=7.0, height=3.6)

"""Figures: LLM applications (vector-index memory for RAG, real bits of 4-bit checkpoints).

Every number drawn here comes from :mod:`genai_notes.science.retrieval` and
:mod:`genai_notes.science.deployment`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from genai_notes.figures.base import FigureResult, Length, Range, Table, figure
from genai_notes.science import deployment, retrieval

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from genai_notes.figures.style import Theme


def _count(n: float) -> str:
    """A vector count as people say it: 2.1e7 -> ``21M``."""
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if n >= size:
            return f"{n / size:.4g}{suffix}"
    return f"{n:.4g}"


# --- Vector-index memory ---------------------------------------------------------------------


@figure("applications.index_memory")
def index_memory(
    n_vectors: Annotated[float, Range(1e3, 1e11)] = 21e6,
    dim: Annotated[int, Range(8, 16384)] = 768,
    hnsw_m: Annotated[int, Range(4, 128)] = 32,
    pq_m: Annotated[int, Range(1, 1024)] = 64,
) -> FigureResult:
    """Memory of a flat, an HNSW and an IVF-PQ index over the same fp32 embeddings.

    Args:
        n_vectors: Number of embedded chunks (21M is the Wikipedia split of the RAG paper).
        dim: Embedding dimensions.
        hnsw_m: HNSW's M, links per node on the upper layers (2M on the bottom layer).
        pq_m: Sub-vectors of the product quantizer, one byte of code each.
    """
    names = ["Flat (exact)", f"HNSW, M = {hnsw_m}", f"IVF-PQ, {pq_m} one-byte codes"]
    per_vector = [
        retrieval.flat_bytes_per_vector(dim),
        retrieval.hnsw_bytes_per_vector(dim, hnsw_m),
        retrieval.ivfpq_bytes_per_vector(pq_m),
    ]
    gb = [n_vectors * b / 1e9 for b in per_vector]
    gb_col = f"memory (GB) for {_count(n_vectors)} vectors"
    table = Table.from_columns(
        {"index": names, "bytes per vector": per_vector, gb_col: gb},
        formats={"bytes per vector": ",.0f", gb_col: ",.3g"},
    )

    short = ["Flat", f"HNSW, M={hnsw_m}", f"IVF-PQ, {pq_m} B"]

    def draw(fig: Figure, theme: Theme) -> None:
        narrow = fig.get_figwidth() < 5.0  # the phone drawing: shorter labels
        ax = fig.add_subplot()
        y = [2, 1, 0]
        ax.barh(y, gb, height=0.6, color=[theme.series[0], theme.series[1], theme.series[2]])
        for yi, value, each in zip(y, gb, per_vector, strict=True):
            ax.text(
                value,
                yi,
                f"  {value:,.3g} GB" if narrow else f"  {value:,.3g} GB ({each:,.0f} bytes each)",
                va="center",
                color=theme.text,
            )
        ax.set_yticks(y, short if narrow else names)
        ax.tick_params(axis="y", length=0)
        ax.set_xlim(0, max(gb) * 1.9)
        ax.set_xlabel(
            f"memory for {_count(n_vectors)} vectors (GB)"
            if narrow
            else f"index memory for {_count(n_vectors)} vectors of {dim} dimensions (GB)"
        )
        ax.grid(axis="y", visible=False)

    return FigureResult(table, draw, width=7.0, height=2.8, phone_height=3.2)


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

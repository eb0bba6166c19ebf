"""Figures: memory (bytes per parameter, weights of real models, training memory, number
formats, ZeRO sharding).

Every number drawn here comes from :mod:`genai_notes.science.memory`,
:mod:`genai_notes.science.formats` and :mod:`genai_notes.science.units`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Literal

from genai_notes.figures.base import FigureResult, Length, Range, Table, figure
from genai_notes.figures.registry import ParameterError
from genai_notes.figures.style import finished, is_phone, mark_x
from genai_notes.numbers import format_number
from genai_notes.science import formats, memory, units

if TYPE_CHECKING:
    from collections.abc import Callable

    from matplotlib.axes import Axes
    from matplotlib.axis import Axis
    from matplotlib.figure import Figure
    from matplotlib.ticker import Formatter

    from genai_notes.figures.style import Theme

N_PARAMS = Range(1e6, 1e13)
"""Parameter counts from a toy model (1M) to beyond the largest LLMs (10T)."""


def _count(n: float) -> str:
    """A parameter count as people say it: 1e9 -> ``1B``, 7.5e9 -> ``7.5B``."""
    for size, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if n >= size:
            return f"{n / size:.4g}{suffix}"
    return f"{n:.4g}"


def _number(x: float) -> str:
    """A memory amount for a label: three significant digits, no exponent."""
    return format_number(x, ",.0f" if abs(x) >= 1000 else ".3g")


def _number_format(values: Sequence[float]) -> str:
    """The format spec for a table column of memory amounts (see :func:`_number`)."""
    return ",.0f" if max(abs(v) for v in values) >= 1000 else ".3g"


def _thousands(axis: Axis, top: float) -> None:
    """Group the digits of large tick labels (40,000 rather than 40000)."""
    if top >= 1000:
        from matplotlib.ticker import StrMethodFormatter

        axis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))


# --- Bytes per parameter --------------------------------------------------------------------


def _format_columns(n_params: float) -> dict[str, list[float]]:
    dtypes = list(memory.DTYPES)
    n_bytes = [memory.weights_bytes(n_params, d) for d in dtypes]
    return {
        "bytes per parameter": [memory.bytes_per_param(d) for d in dtypes],
        "GB": [units.to_gb(b) for b in n_bytes],
        "GiB": [units.to_gib(b) for b in n_bytes],
    }


def _format_table(
    n_params: float,
    columns: dict[str, list[float]],
    *,
    bits: bool,
    fits: dict[float, list[float]] | None = None,
) -> Table:
    """Each storage format's bytes per parameter and weight memory, with its bits if ``bits``
    and, from ``fits`` (GPU memory in GB -> a count per format), the most parameters each GPU
    holds."""
    per_param = columns["bytes per parameter"]
    gb_col, gib_col = f"memory (GB) for {_count(n_params)}", f"memory (GiB) for {_count(n_params)}"
    data: dict[str, Sequence[str | float]] = {"format": list(memory.DTYPES)}
    if fits is not None:  # the dots' x on the lines: what makes them explorable
        data["parameters"] = [n_params] * len(memory.DTYPES)
    if bits:
        data["bits"] = [round(b * 8) for b in per_param]
    data |= {"bytes per parameter": per_param, gb_col: columns["GB"], gib_col: columns["GiB"]}
    formats = {
        "parameters": ".3g",
        "bytes per parameter": "g",
        gb_col: _number_format(columns["GB"]),
        gib_col: _number_format(columns["GiB"]),
    }
    for gpu, counts in (fits or {}).items():
        data[_gpu_heading(gpu)] = counts
        formats[_gpu_heading(gpu)] = ".3g"
    return Table.from_columns(data, formats=formats)


_LINE_FORMATS = (("fp32",), ("fp16", "bf16"), ("int8",), ("int4",))
"""The lines of :func:`weights_per_format`: fp16 and bf16 take the same bytes, so one line."""


def _gpu_heading(gpu_gb: float) -> str:
    return f"most parameters in {format_number(gpu_gb)} GB"


def _decade_formatter(label: Callable[[float], str]) -> Formatter:
    """Tick labels at powers of ten only, written by ``label`` (minor ticks blank)."""
    import math

    from matplotlib.ticker import FuncFormatter

    def text(value: float, _position: object = None) -> str:
        if value <= 0 or not math.isclose(math.log10(value) % 1, 0, abs_tol=1e-9):
            return ""
        return label(value)

    return FuncFormatter(text)


def _plain_amount(value: float) -> str:
    """A power of ten as a plain amount: 0.1, 1, 10, 1,000."""
    return format_number(value, ",.0f" if value >= 1 else ".1g")


@figure("memory.weights_per_format")
def weights_per_format(
    n_params: Annotated[float, N_PARAMS] = 1e9,
    unit: Literal["GB", "GiB"] = "GB",
    gpu_memory_gb: Annotated[list[float], Range(1.0, 2000.0), Length(0, 3)] = [24.0, 80.0],  # noqa: B006
) -> FigureResult:
    """Weight memory against model size in fp32, fp16/bf16, int8 and int4, and the largest
    model whose weights fit in each GPU's memory.

    Args:
        n_params: Number of parameters of the model marked on the lines (a count, e.g. 1e9).
        unit: Unit of the memory axis: decimal gigabytes (10^9 bytes) or binary gibibytes
            (2^30 bytes).
        gpu_memory_gb: GPU memory sizes to draw as horizontal lines (GB, 10^9 bytes, as
            datasheets give them).
    """
    columns = _format_columns(n_params)
    gpus = sorted(set(gpu_memory_gb))
    fits = {gpu: [memory.params_that_fit(gpu * 1e9, d) for d in memory.DTYPES] for gpu in gpus}
    table = _format_table(n_params, columns, bits=False, fits=fits)
    to_unit = units.to_gb if unit == "GB" else units.to_gib

    def draw(fig: Figure, theme: Theme) -> None:
        ax = fig.add_subplot()
        phone = is_phone(fig)
        lo = min(1e8, n_params / 3)
        hi = max(1e12, n_params * 3, *(f for values in fits.values() for f in values))
        colours = theme.ramp(len(_LINE_FORMATS))[::-1]  # most bytes darkest
        for names, colour in zip(_LINE_FORMATS, colours, strict=True):
            per = memory.bytes_per_param(names[0])
            ax.plot([lo, hi], [to_unit(lo * per), to_unit(hi * per)], color=colour, lw=2.0)
            ax.plot([n_params], [to_unit(n_params * per)], "o", color=colour, ms=6, zorder=4)
            ax.annotate(
                " / ".join(names),
                (hi, to_unit(hi * per)),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                color=colour,
                fontweight="bold",
            )
        for gpu in gpus:
            _gpu_crossings(ax, gpu, to_unit(gpu * 1e9), colours, theme, phone=phone)
        mark_x(ax, n_params, _count(n_params), theme)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlim(lo, hi)
        ax.set_ylim(to_unit(lo * 0.5), to_unit(hi * 4) * 1.5)
        ax.xaxis.set_major_formatter(_decade_formatter(_count))
        ax.yaxis.set_major_formatter(_decade_formatter(_plain_amount))
        ax.xaxis.set_minor_formatter(_decade_formatter(lambda _v: ""))
        ax.yaxis.set_minor_formatter(_decade_formatter(lambda _v: ""))
        ax.set_xlabel("parameters (log scale)")
        ax.set_ylabel(f"weight memory ({unit}, log scale)")
        ax.grid(which="minor", visible=False)

    return FigureResult(table, finished(draw), width=7.0, height=4.4, phone_height=4.8)


def _gpu_crossings(
    ax: Axes, gpu_gb: float, level: float, colours: list[str], theme: Theme, *, phone: bool
) -> None:
    """One GPU's memory as a dashed line, and a dot with the parameter count where each
    format's line crosses it."""
    ax.axhline(level, color=theme.text, lw=1.0, ls="--", zorder=0.5)
    ax.annotate(
        f"{format_number(gpu_gb)} GB GPU",
        (0.0, level),
        xycoords=("axes fraction", "data"),
        xytext=(3, -3),  # below the line: the lines are far below it on the left
        textcoords="offset points",
        va="top",
        color=theme.text,
    )
    last = len(_LINE_FORMATS) - 1
    for index, (names, colour) in enumerate(zip(_LINE_FORMATS, colours, strict=True)):
        most = memory.params_that_fit(gpu_gb * 1e9, names[0])
        ax.plot([most], [level], "o", color=colour, mec=theme.text, mew=0.8, ms=6, zorder=5)
        if phone and 0 < index < last:
            continue  # too close on a phone: the two ends, above left and below right, only
        first = phone and index == 0
        ax.annotate(
            _count(most),
            (most, level),
            xytext=(-4, 4) if first else (4, -4),
            textcoords="offset points",
            ha="right" if first else "left",
            va="bottom" if first else "top",
            color=theme.text,
            bbox={"facecolor": theme.background, "edgecolor": "none", "pad": 0.3},
        )


@figure("memory.per_format_table")
def per_format_table(n_params: Annotated[float, N_PARAMS] = 1e9) -> FigureResult:
    """Bits, bytes per parameter and weight memory (GB and GiB) of each storage format.

    Args:
        n_params: Number of parameters of the model (a count, e.g. 1e9 for 1B).
    """
    return FigureResult(_format_table(n_params, _format_columns(n_params), bits=True))


# --- Training memory ------------------------------------------------------------------------

# Short labels for the stacked segments, by the science module's part labels, and the
# concept (hence colour) of each kind of memory so that the two bars compare by colour.
_TRAINING_PARTS = {
    "weights (fp32)": ("weights (fp32)", "weights"),
    "Adam optimizer states (2 x fp32)": ("Adam states (2 \u00d7 fp32)", "optimizer states"),
    "gradients (fp32)": ("gradients (fp32)", "gradients"),
    "activations and temporary memory": ("activations, temporary", "activations"),
    "parameters (fp16)": ("parameters (fp16)", "weights"),
    "gradients (fp16)": ("gradients (fp16)", "gradients"),
    "optimizer: parameter copy (fp32)": ("parameter copy (fp32)", "optimizer states"),
    "optimizer: momentum (fp32)": ("momentum (fp32)", "optimizer states"),
    "optimizer: variance (fp32)": ("variance (fp32)", "optimizer states"),
}


@figure("memory.training_stack")
def training_stack(n_params: Annotated[float, N_PARAMS] = 1e9) -> FigureResult:
    """Training memory per parameter: the course's fp32 Adam budget beside ZeRO's mixed precision.

    Args:
        n_params: Number of parameters of the model (a count), used for the GB totals.
    """
    stacks = {
        "course (fp32 + Adam)": memory.course_training_bytes(n_params),
        "ZeRO mixed-precision Adam": memory.mixed_precision_adam_bytes(n_params),
    }
    rows: dict[str, list[str | float]] = {
        "accounting": [],
        "part": [],
        "bytes per parameter": [],
        f"memory (GB) for {_count(n_params)}": [],
    }
    for accounting, breakdown in stacks.items():
        for label, n_bytes in [*breakdown.items, ("total", breakdown.total)]:
            rows["accounting"].append(accounting)
            rows["part"].append(label)
            rows["bytes per parameter"].append(n_bytes / breakdown.n_params)
            rows[f"memory (GB) for {_count(n_params)}"].append(units.to_gb(n_bytes))
    gb_values = [float(v) for v in rows[f"memory (GB) for {_count(n_params)}"]]
    table = Table.from_columns(
        rows,
        formats={
            "bytes per parameter": "g",
            f"memory (GB) for {_count(n_params)}": _number_format(gb_values),
        },
    )

    def draw(fig: Figure, theme: Theme) -> None:
        ax = fig.add_subplot()
        phone = is_phone(fig)
        # wide: the course's parts labelled on its left, ZeRO's on its right, so neither set
        # of labels runs into the other bar ("Adam states (2 × fp32): 8" reached ZeRO's)
        positions = (0.0, 1.5) if phone else (0.0, 2.0)
        for side, (x, breakdown) in zip(
            (-1, 1), zip(positions, stacks.values(), strict=True), strict=True
        ):
            _draw_stack(ax, x, breakdown, theme, inside=phone, side=side)
            per = format_number(breakdown.bytes_per_param)
            ax.text(
                x,
                breakdown.bytes_per_param + 0.4,
                f"{per} bytes per\nparameter"
                if phone
                else f"{per} bytes/parameter\n"
                f"= {_number(units.to_gb(breakdown.total))} GB for {_count(n_params)}",
                ha="center",
                va="bottom",
                color=theme.text,
                fontweight="bold",
            )
        zero_top = stacks["ZeRO mixed-precision Adam"].bytes_per_param
        if not phone:
            ax.text(
                positions[1] + 0.47,
                zero_top * 1.3,
                "+ activations, not counted\nhere: they depend on batch\nsize and sequence length",
                ha="left",
                va="bottom",
                color=theme.muted,
            )
        ax.set_xticks(
            positions,
            ["course:\nfp32 + Adam", "ZeRO: mixed-\nprecision Adam"],
        )
        ax.tick_params(axis="x", length=0)
        ax.set_xlim(-0.7 if phone else -3.0, 2.2 if phone else 5.0)
        ax.set_ylim(0, max(b.bytes_per_param for b in stacks.values()) * 1.3)
        if phone:
            from matplotlib.patches import Patch

            concepts = ["weights", "gradients", "optimizer states", "activations"]
            handles = [Patch(color=theme.colour(c), label=c) for c in concepts]
            fig.legend(handles=handles, loc="outside lower center", ncols=2)
        ax.set_ylabel("bytes per parameter")
        ax.grid(axis="x", visible=False)

    return FigureResult(table, finished(draw), width=7.0, height=4.4, phone_height=5.6)


def _draw_stack(
    ax: Axes,
    x: float,
    breakdown: memory.MemoryBreakdown,
    theme: Theme,
    *,
    inside: bool,
    side: int = 1,
) -> None:
    """One stacked bar, each part labelled beside it, to its right (``side`` 1) or its left
    (-1), or with its bytes inside it (``inside``); activations hatched."""
    bottom = 0.0
    for label, per_param in breakdown.per_param():
        short, concept = _TRAINING_PARTS[label]
        hatch = "//" if concept == "activations" else None
        ax.bar(
            x,
            per_param,
            bottom=bottom,
            width=0.8,
            color=theme.colour(concept),
            edgecolor=theme.background,
            linewidth=0.8,
            hatch=hatch,
        )
        ax.text(
            x if inside else x + side * 0.47,
            bottom + per_param / 2,
            format_number(per_param) if inside else f"{short}: {format_number(per_param)}",
            ha="center" if inside else ("left" if side > 0 else "right"),
            va="center",
            color=theme.on_fill if inside else theme.text,
            bbox={"facecolor": theme.colour(concept), "edgecolor": "none", "pad": 0.5}
            if inside
            else None,
        )
        bottom += per_param


# --- Bit layouts ----------------------------------------------------------------------------

_BIT_FORMATS = ("fp32", "fp16", "bf16", "int8")
_FIELDS = ("sign", "exponent", "mantissa", "int8 code (two's complement)")


def _fields(rep: formats.Representation) -> list[int]:
    """The field index (into ``_FIELDS``) of each bit, most significant first."""
    if rep.dtype == "int8":
        return [3] * len(rep.bits)
    return [0] + [1] * len(rep.exponent_bits) + [2] * len(rep.mantissa_bits)


def _error_text(error: float) -> str:
    return "0" if error == 0 else format_number(error, ".1e")


@figure("memory.bit_layouts")
def bit_layouts(
    value: Annotated[float, Range(-60000.0, 60000.0)] = 3.141592653589793,
    int8_scale: Annotated[float | None, Range(1e-6, 1e6)] = None,
) -> FigureResult:
    """The bits of one value in fp32, fp16, bf16 and int8, with the value each stores.

    Args:
        value: The number to store (fp16 overflows above 65504, so the range stops at 60000).
        int8_scale: The int8 quantization step; null uses |value| / 127, the absmax scale of a
            tensor holding only this value.
    """
    reps = [
        formats.represent(value, d, scale=int8_scale if d == "int8" else None) for d in _BIT_FORMATS
    ]
    table = Table.from_columns(
        {
            "format": list(_BIT_FORMATS),
            "sign bit": [str(r.sign_bit) for r in reps],
            "exponent bits": [r.exponent_bits or None for r in reps],
            "mantissa bits (int8: low 7 code bits)": [r.mantissa_bits for r in reps],
            "int8 code": [r.code for r in reps],
            "int8 scale": [r.scale for r in reps],
            "stored value": [r.stored for r in reps],
            "absolute error": [r.abs_error for r in reps],
            "relative error": [r.rel_error for r in reps],
        },
        formats={
            "int8 scale": ".6g",
            "stored value": ".9g",
            "absolute error": ".2e",
            "relative error": ".2e",
        },
    )

    def draw(fig: Figure, theme: Theme) -> None:
        ax = fig.add_subplot()
        colours = (theme.series[3], theme.series[0], theme.series[2], theme.series[4])
        if is_phone(fig):
            _draw_bits_phone(ax, reps, colours, theme)
            return
        for row, rep in enumerate(reps):
            _draw_bits(ax, -row * 1.5, rep, colours, theme)
        _bits_legend(ax, colours, theme)
        ax.text(
            0.0,
            1.0,
            f"value {format_number(value, '.15g')}",
            color=theme.muted,
            fontsize=9,
            va="center",
        )
        ax.text(33.0, 1.0, "stored value", color=theme.muted, fontsize=9, va="center")
        ax.text(45.0, 1.0, "abs. error", color=theme.muted, fontsize=9, va="center")
        ax.set_xlim(-3.5, 51.5)
        ax.set_ylim(-len(reps) * 1.5 + 0.6, 2.6)
        ax.axis("off")

    return FigureResult(table, finished(draw), width=7.0, height=3.0, phone_height=4.1)


def _draw_bits_phone(
    ax: Axes, reps: list[formats.Representation], colours: tuple[str, ...], theme: Theme
) -> None:
    """The phone layout: per format a line of text, then its bits as coloured cells."""
    from matplotlib.patches import Rectangle

    for row, rep in enumerate(reps):
        y = -row * 2.3
        ax.text(
            0,
            y + 0.75,
            f"{rep.dtype}: {format_number(rep.stored, '.9g')}, error {_error_text(rep.abs_error)}",
            va="bottom",
            color=theme.text,
        )
        for i, field in enumerate(_fields(rep)):
            ax.add_patch(
                Rectangle((i, y - 0.5), 0.9, 1.0, facecolor=colours[field], edgecolor="none")
            )
    _bits_legend(ax, colours, theme, ncol=2, alpha=1.0)  # the phone's cells are solid
    ax.set_xlim(-0.2, 32.2)
    ax.set_ylim(-len(reps) * 2.3 + 1.2, 3.3)
    ax.axis("off")


def _draw_bits(
    ax: Axes, y: float, rep: formats.Representation, colours: tuple[str, ...], theme: Theme
) -> None:
    """One row: the format's name, a cell per bit coloured by field, the stored value."""
    from matplotlib.patches import Rectangle

    ax.text(-0.6, y, rep.dtype, ha="right", va="center", color=theme.text, fontweight="bold")
    for i, (bit, field) in enumerate(zip(rep.bits, _fields(rep), strict=True)):
        ax.add_patch(
            Rectangle(
                (i, y - 0.5),
                1.0,
                1.0,
                facecolor=colours[field],
                alpha=0.45,
                edgecolor="none",
            )
        )
        ax.add_patch(
            Rectangle((i, y - 0.5), 1.0, 1.0, fill=False, edgecolor=colours[field], lw=0.8)
        )
        ax.text(i + 0.5, y, bit, ha="center", va="center", color=theme.text, fontsize=8)
    if rep.code is not None and rep.scale is not None:
        ax.text(
            len(rep.bits) + 0.6,
            y,
            f"code {rep.code} \u00d7 scale {format_number(rep.scale, '.4g')}",
            va="center",
            color=theme.muted,
            fontsize=9,
        )
    ax.text(33.0, y, format_number(rep.stored, ".9g"), va="center", color=theme.text, fontsize=9)
    ax.text(45.0, y, _error_text(rep.abs_error), va="center", color=theme.text, fontsize=9)


def _bits_legend(
    ax: Axes, colours: tuple[str, ...], theme: Theme, ncol: int = 4, alpha: float = 0.45
) -> None:
    """The fields' legend, its swatches filled as the cells are (``alpha``)."""
    from matplotlib.patches import Patch

    handles = [
        Patch(facecolor=c, alpha=alpha, edgecolor=c, label=label)
        for c, label in zip(colours, _FIELDS, strict=True)
    ]
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.0, 1.0),
        ncol=ncol,
        handlelength=1.2,
        columnspacing=1.2,
        borderaxespad=0.0,
    )


# --- ZeRO stages ----------------------------------------------------------------------------

_STAGE_NAMES = (
    "baseline DP",
    "ZeRO stage 1\n$P_{os}$",
    "ZeRO stage 2\n$P_{os+g}$",
    "ZeRO stage 3\n$P_{os+g+p}$",
)
_STAGE_SHORT = ("DP", "stage 1\n$P_{os}$", "stage 2\n$P_{os+g}$", "stage 3\n$P_{os+g+p}$")
# Concepts match memory.training_stack, so each kind of memory keeps its colour.
_ZERO_PARTS = {
    "parameters (fp16)": "weights",
    "gradients (fp16)": "gradients",
    "optimizer states": "optimizer states",
}


@figure("memory.zero_stages")
def zero_stages(
    n_params: Annotated[float, N_PARAMS] = 7.5e9,
    n_gpus: Annotated[int, Range(1, 4096)] = 64,
    optimizer_bytes: Annotated[int, Range(1, 32)] = 12,
    gpu_memory_gb: Annotated[float | None, Range(1.0, 1000.0)] = 80.0,
) -> FigureResult:
    """Per-GPU model-state memory under plain data parallelism and ZeRO stages 1, 2 and 3.

    Args:
        n_params: Number of parameters Ψ of the model (a count).
        n_gpus: Number of data-parallel GPUs N_d the states are sharded across.
        optimizer_bytes: Optimizer-state bytes per parameter K (12 for mixed-precision Adam).
        gpu_memory_gb: Memory of one GPU in GB, drawn as a line; null for no line.
    """
    stages = [
        memory.zero_breakdown_per_gpu(n_params, n_gpus, s, float(optimizer_bytes))
        for s in memory.ZERO_STAGES
    ]
    parts_gb = {p: [units.to_gb(b.get(p)) for b in stages] for p in _ZERO_PARTS}
    totals_gb = [units.to_gb(b.total) for b in stages]
    data: dict[str, Sequence[str | float | None]] = {
        "stage": [f"{s}: {label}" for s, label in memory.ZERO_STAGES.items()],
        **{f"{p} (GB)": v for p, v in parts_gb.items()},
        "total (GB)": totals_gb,
        "total (GiB)": [units.to_gib(b.total) for b in stages],
    }
    if gpu_memory_gb is not None:
        data[f"fits in {gpu_memory_gb:g} GB"] = [
            "yes" if t <= gpu_memory_gb else "no" for t in totals_gb
        ]
    spec = _number_format(totals_gb)
    table = Table.from_columns(data, formats={c: spec for c in data if c.endswith("B)")})

    def draw(fig: Figure, theme: Theme) -> None:
        ax = fig.add_subplot()
        x = list(range(len(stages)))
        bottom = [0.0] * len(stages)
        phone = is_phone(fig)
        for part, concept in _ZERO_PARTS.items():
            colour = theme.colour(concept)
            ax.bar(x, parts_gb[part], bottom=bottom, width=0.6, color=colour, label=part)
            bottom = [b + v for b, v in zip(bottom, parts_gb[part], strict=True)]
        top = max(totals_gb + ([gpu_memory_gb] if gpu_memory_gb is not None else []))
        for xi, total in zip(x, totals_gb, strict=True):
            ax.text(
                xi,
                total + top * 0.025,
                f"{_number(total)} GB",
                ha="center",
                va="bottom",
                color=theme.text,
                fontweight="bold",
            )
        if gpu_memory_gb is not None:
            ax.axhline(
                gpu_memory_gb,
                color=theme.text,
                ls="--",
                lw=1.2,
                label=f"{format_number(gpu_memory_gb)} GB GPU",
            )
        ax.set_xticks(x, _STAGE_SHORT if phone else _STAGE_NAMES)
        ax.tick_params(axis="x", length=0)
        ax.set_xlim(-0.5, len(stages) - 0.5)
        ax.set_ylim(0, top * 1.15)
        _thousands(ax.yaxis, top)
        ax.set_ylabel("model states per GPU (GB)")
        ax.grid(axis="x", visible=False)
        fig.legend(
            loc="outside upper center",
            ncol=2 if phone else 4,
            handlelength=1.6,
            columnspacing=1.2,
        )
        gpus = "1 GPU" if n_gpus == 1 else f"{format_number(n_gpus)} GPUs"
        ax.set_title(
            rf"$\Psi$ = {_count(n_params)} parameters, $N_d$ = {gpus}, $K$ = {optimizer_bytes}",
            color=theme.muted,
        )

    return FigureResult(table, finished(draw), width=7.0, height=4.2, phone_height=5.2)


# --- Weights of well-known models -----------------------------------------------------------

_MODELS = [
    "BERT-Base=110e6",
    "FLAN-T5-XL=3e9",
    "LLaMA-7B=6.7e9",
    "Llama 2 70B=70e9",
    "GPT-3=175e9",
    "BLOOM=176e9",
]


def _parse_models(models: list[str]) -> list[tuple[str, float]]:
    """``"Name=params"`` items to (name, count) pairs, checked."""
    parsed = []
    for item in models:
        name, _, count = item.rpartition("=")
        try:
            n_params = float(count)
        except ValueError:
            n_params = float("nan")
        if not name.strip() or not N_PARAMS.contains(n_params):
            raise ParameterError(
                f"each model must be 'Name=parameters' with parameters in "
                f"{N_PARAMS.describe()}, e.g. 'BERT-Base=110e6'; got {item!r}"
            )
        parsed.append((name.strip(), n_params))
    return parsed


@figure("memory.model_weights")
def model_weights(
    models: Annotated[list[str], Length(1, 8)] = _MODELS,
    formats: Annotated[list[str], Length(1, 4)] = ["fp32", "fp16", "int8"],  # noqa: B006
    gpu_memory_gb: Annotated[list[float], Range(1.0, 2000.0), Length(0, 3)] = [24.0, 80.0],  # noqa: B006
) -> FigureResult:
    """Memory of the weights alone for well-known models, in several storage formats.

    Args:
        models: Models as 'Name=parameters', e.g. 'BERT-Base=110e6' (a count of parameters).
        formats: Storage formats to compare, from fp32, fp16, bf16, int8 and int4.
        gpu_memory_gb: GPU memory sizes to draw as vertical lines (GB, 10^9 bytes).
    """
    parsed = _parse_models(models)
    unknown = [f for f in formats if f not in memory.DTYPES]
    if unknown or len(set(formats)) != len(formats):
        raise ParameterError(
            f"formats must be distinct items of {', '.join(memory.DTYPES)}; got {formats!r}"
        )
    gb = {f: [units.to_gb(memory.weights_bytes(n, f)) for _, n in parsed] for f in formats}
    columns: dict[str, Sequence[str | float]] = {
        "model": [name for name, _ in parsed],
        "parameters": [n for _, n in parsed],
        **{f"{f} (GB)": values for f, values in gb.items()},
    }
    all_gb = [v for values in gb.values() for v in values]
    table = Table.from_columns(
        columns,
        formats={"parameters": ".3g", **{f"{f} (GB)": _number_format(all_gb) for f in formats}},
    )

    def draw(fig: Figure, theme: Theme) -> None:
        # A dot plot: bars on a log axis would start from an arbitrary origin.
        ax = fig.add_subplot()
        phone = is_phone(fig)
        ordered = sorted(formats, key=memory.bytes_per_param)  # fewest bytes first
        colours = dict(zip(ordered, theme.ramp(len(ordered)), strict=True))
        ys = [len(parsed) - 1 - i for i in range(len(parsed))]
        for y, i in zip(ys, range(len(parsed)), strict=True):
            values = [gb[f][i] for f in formats]
            ax.plot([min(values), max(values)], [y, y], color=theme.muted, lw=1.0, zorder=1)
        for f in formats:
            ax.scatter(gb[f], ys, s=40, color=colours[f], label=f, zorder=3)
            if phone:
                continue
            for y, value in zip(ys, gb[f], strict=True):
                ax.annotate(
                    _number(value),
                    (value, y),
                    xytext=(0, -8),
                    textcoords="offset points",
                    ha="center",
                    va="top",
                    color=theme.text,
                    bbox={"facecolor": theme.background, "edgecolor": "none", "pad": 0.3},
                )
        for k, gpu in enumerate(sorted(set(gpu_memory_gb))):
            ax.axvline(gpu, color=theme.text, lw=1.0, ls="--", zorder=0.5)
            ax.annotate(
                f"{format_number(gpu)} GB",
                (gpu, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(0, 2 + 13 * (k % 2)),
                textcoords="offset points",
                ha="center",
                va="bottom",
                color=theme.text,
            )
        ax.set_xscale("log")
        ax.set_xlim(min(all_gb) / 2, max(all_gb) * 2)
        ax.set_ylim(-0.7, len(parsed) - 0.4)
        labels = [name if phone else f"{name} ({_count(n)})" for name, n in parsed]
        ax.set_yticks(ys, labels)
        ax.tick_params(axis="y", length=0)
        ax.set_xlabel(
            "weights alone (GB, log scale)"
            if phone
            else "memory for the weights alone (GB, log scale; dashed: GPU memory)"
        )
        ax.grid(axis="y", alpha=0.2)
        ax.grid(which="minor", visible=False)
        handles, names = ax.get_legend_handles_labels()
        fig.legend(handles, names, loc="outside lower center", ncols=len(formats))

    return FigureResult(table, finished(draw), width=7.0, height=4.6, phone_height=5.0)

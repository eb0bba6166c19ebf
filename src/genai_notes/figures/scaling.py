"""Figures: scaling laws (Kaplan et al. 2020, Chinchilla) and the compute of well-known models.

Every number comes from :mod:`genai_notes.science.scaling`; this module only samples, tabulates
and draws it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Literal

import numpy as np

from genai_notes.figures.base import FigureResult, Length, Range, Table, figure
from genai_notes.figures.registry import ParameterError
from genai_notes.figures.style import ROOT, finished, is_phone, legend
from genai_notes.numbers import format_number
from genai_notes.science import scaling

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from genai_notes.figures.style import Theme

Fit = Literal["hoffmann2022", "epoch2024"]
FIT_LABELS = {
    "hoffmann2022": "Approach 3, Hoffmann et al. 2022 fit",
    "epoch2024": "Approach 3, Besiroglu et al. 2024 refit",
}
FIT_SHORT = {"hoffmann2022": "Hoffmann et al. fit", "epoch2024": "Besiroglu et al. refit"}
"""The fits' names where a phone drawing has no room for the long ones."""
MODEL_NAMES = tuple(model.name for model in scaling.KNOWN_MODELS)
Models = Annotated[list[str], Length(1, len(MODEL_NAMES))]
FlopsRange = Range(1e15, 1e30)

# Where each model's label sits relative to its point (points, horizontal alignment), joined
# to it by a leader line, so the close pairs (GPT-3 and Gopher; Chinchilla, LLaMA 65B and
# Llama 2 70B) stay readable.
_LABEL_OFFSETS: dict[str, tuple[float, float, str]] = {
    "GPT-3 175B": (-22, -16, "right"),
    "Gopher 280B": (22, -12, "left"),
    "Chinchilla 70B": (26, 2, "left"),
    "LLaMA 65B": (26, -20, "left"),
    "Llama 2 70B": (-24, 14, "right"),
    "BloombergGPT 50B": (-12, -24, "center"),
    "Llama 3 8B": (20, -4, "left"),
}


# --- helpers ---------------------------------------------------------------------------


def _pick_models(names: Sequence[str]) -> list[scaling.KnownModel]:
    """The named models of KNOWN_MODELS, in the order given."""
    unknown = [name for name in names if name not in MODEL_NAMES]
    if unknown:
        raise ParameterError(
            f"unknown model {', '.join(repr(u) for u in unknown)} (known: {', '.join(MODEL_NAMES)})"
        )
    if len(set(names)) != len(names):
        raise ParameterError("each model may be listed only once")
    return [scaling.known_model(name) for name in names]


def _frontier(fit: str, flops: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Compute-optimal (N, D) of ``fit`` at each budget in ``flops``."""
    pairs = [scaling.compute_optimal(float(c), fit) for c in flops]
    return np.array([n for n, _ in pairs]), np.array([d for _, d in pairs])


def _flops_for_optimal_n(fit: str, n_params: float) -> float:
    """The budget whose compute-optimal N is ``n_params``: Hoffmann eq. 4 solved for C."""
    constants = scaling.get_fit(fit)
    return float(scaling.FLOPS_PER_PARAM_PER_TOKEN * (n_params / constants.G) ** (1 / constants.a))


def _rule_n(flops: np.ndarray, ratio: float) -> np.ndarray:
    """N of the fixed-ratio rule D = ratio * N on C = 6ND: N = sqrt(C / (6 ratio))."""
    result: np.ndarray = np.sqrt(flops / (scaling.FLOPS_PER_PARAM_PER_TOKEN * ratio))
    return result


def _tex_sci(value: float, digits: int = 1) -> str:
    """``8.8e13`` as mathtext ``8.8\\times10^{13}`` (``10^{20}`` when the mantissa is 1)."""
    mantissa, exponent = f"{value:.{digits}e}".split("e")
    if float(mantissa) == 1.0:
        return f"10^{{{int(exponent)}}}"
    return rf"{mantissa}\times10^{{{int(exponent)}}}"


def _fit_colour(theme: Theme, fit: str) -> str:
    return theme.colour("Hoffmann fit" if fit == "hoffmann2022" else "Epoch fit")


def _offset_label(
    ax: Axes,
    text: str,
    xy: tuple[float, float],
    offset: tuple[float, float],
    theme: Theme,
    *,
    ha: str = "left",
    va: str = "center",
    fontsize: float | None = None,
    xycoords: str | tuple[str, str] = "data",
) -> None:
    """Text in the theme's colour, ``offset`` points away from the point ``xy``."""
    ax.annotate(
        text,
        xy,
        xycoords=xycoords,
        xytext=offset,
        textcoords="offset points",
        ha=ha,
        va=va,
        fontsize=fontsize,
        color=theme.text,
        # a knock-out behind the text, so no line runs through a label
        bbox={"facecolor": theme.background, "edgecolor": "none", "pad": 0.5, "alpha": 0.85},
    )


def _readable_log_ticks(ax: Axes, low: float, high: float, *, phone: bool) -> None:
    """Ticks at 1, 2 and 5 times powers of ten on an x axis spanning less than two decades."""
    from matplotlib.ticker import FixedLocator, NullFormatter

    from genai_notes.numbers import tick_formatter

    if high / low >= 100:
        return
    steps = (1, 5) if phone else (1, 2, 5)
    ticks = [m * 10.0**e for e in range(-30, 31) for m in steps if low <= m * 10.0**e <= high]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(tick_formatter("number", ",.0f"))
    ax.xaxis.set_minor_formatter(NullFormatter())


def _style_log_axes(ax: Axes, theme: Theme) -> None:
    ax.grid(True, which="major")
    ax.grid(False, which="minor")
    ax.tick_params(which="both", colors=theme.text)


# --- Kaplan et al. 2020 ----------------------------------------------------------------

# (law, its name in the table, symbol in the formula, x range, axis label): each range reaches
# a little past the scales Kaplan et al. fitted.
_KAPLAN_PANELS = (
    (scaling.KAPLAN_N, "L(N)", "N", (1e5, 1e11), "non-embedding parameters $N$"),
    (scaling.KAPLAN_D, "L(D)", "D", (1e7, 1e13), "training tokens $D$"),
    (scaling.KAPLAN_C, "L(C_min)", r"C_{\min}", (1e-8, 1e4), r"compute $C_{\min}$ (PF-days)"),
)


@figure("scaling.kaplan")
def kaplan(points: Annotated[int, Range(2, 101)] = 7) -> FigureResult:
    """Kaplan et al.'s three power laws: loss against parameters, tokens and compute.

    Args:
        points: Points sampled on each law, evenly spaced on its log axis (the default puts
            them on powers of ten).
    """
    rows: list[tuple[str, float, str, float]] = []
    for law, name, _, (low, high), _ in _KAPLAN_PANELS:
        xs = np.logspace(np.log10(low), np.log10(high), points)
        rows += [(name, float(x), law.unit, float(law(float(x)))) for x in xs]
    table = Table(
        ("law", "x", "unit of x", "loss (nats/token)"),
        tuple(rows),
        {"x": ".3g", "loss (nats/token)": ".3f"},
    )

    def draw(fig: Figure, theme: Theme) -> None:
        phone = is_phone(fig)
        axes = fig.subplots(3, 1) if phone else fig.subplots(1, 3, sharey=True)
        for ax, (law, _, symbol, _, label) in zip(axes, _KAPLAN_PANELS, strict=True):
            panel = [row for row in rows if row[2] == law.unit]
            xs = [row[1] for row in panel]
            ax.loglog(xs, [row[3] for row in panel], color=theme.text)
            ax.set_xlabel(label)
            sub = symbol.replace(r"_{\min}", "")
            formula = (
                rf"$L = ({sub}_c\,/\,{symbol})^{{{law.alpha:.3f}}}$"
                + "\n"
                + rf"${sub}_c = {_tex_sci(law.critical)}$"
            )
            ax.text(0.96, 0.95, formula, transform=ax.transAxes, ha="right", va="top")
            _style_log_axes(ax, theme)
        from matplotlib.ticker import NullFormatter, StrMethodFormatter

        losses = [row[3] for row in rows]
        for ax in axes if phone else axes[:1]:
            ax.set_ylim(min(losses) / 1.08, max(losses) * 1.08)
            ax.set_yticks([t for t in (1.2, 1.5, 2, 3, 4, 5, 7, 10) if t < max(losses) * 1.08])
            ax.yaxis.set_major_formatter(StrMethodFormatter("{x:g}"))
            ax.yaxis.set_minor_formatter(NullFormatter())
            ax.set_ylabel("loss (nats/token)" if phone else "test loss (nats/token)")

    return FigureResult(table, finished(draw), width=7.0, height=3.4, phone_height=7.5)


# --- Chinchilla ------------------------------------------------------------------------


@figure("scaling.isoflop")
def isoflop(
    budgets: Annotated[list[float], FlopsRange, Length(1, 9)] = [  # noqa: B006
        1e18,
        1e19,
        1e20,
        1e21,
        1e22,
        1e23,
        1e24,
    ],
    fit: Fit = "hoffmann2022",
    span: Annotated[float, Range(1.5, 1000.0)] = 10.0,
    points: Annotated[int, Range(5, 201)] = 41,
) -> FigureResult:
    """Chinchilla iso-FLOP curves: loss against model size at fixed compute, minima joined.

    Args:
        budgets: Training compute budgets C, one curve each, in FLOPs (C = 6ND).
        fit: The published constants of the parametric loss L(N, D) to use.
        span: Each curve runs from N_opt / span to N_opt * span parameters.
        points: Model sizes sampled on each curve, evenly spaced on the log axis.
    """
    if len(set(budgets)) != len(budgets):
        raise ParameterError("each budget may be listed only once")
    budgets = sorted(budgets)
    optima = [scaling.compute_optimal(c, fit) for c in budgets]
    rows: list[tuple[float, str, float, float, float]] = []
    for c, (n_opt, d_opt) in zip(budgets, optima, strict=True):
        ns = np.logspace(np.log10(n_opt / span), np.log10(n_opt * span), points)
        losses = scaling.isoflop_loss(c, ns, fit)
        rows += [
            (c, "curve", float(n), c / (scaling.FLOPS_PER_PARAM_PER_TOKEN * n), float(loss))
            for n, loss in zip(ns, losses, strict=True)
        ]
        rows.append((c, "optimum", n_opt, d_opt, scaling.chinchilla_loss(n_opt, d_opt, fit)))
    table = Table(
        ("compute (FLOPs)", "point", "parameters", "tokens", "loss (nats/token)"),
        tuple(rows),
        {
            "compute (FLOPs)": ".3g",
            "parameters": ".3g",
            "tokens": ".3g",
            "loss (nats/token)": ".3f",
        },
    )

    def draw(fig: Figure, theme: Theme) -> None:
        ax = fig.add_subplot()
        phone = is_phone(fig)
        colours = theme.ramp(len(budgets))
        best = [row for row in rows if row[1] == "optimum"]
        for c, colour in zip(budgets, colours, strict=True):
            curve = [row for row in rows if row[0] == c and row[1] == "curve"]
            ax.plot([r[2] for r in curve], [r[4] for r in curve], color=colour, lw=1.8)
        ax.plot(
            [r[2] for r in best],
            [r[4] for r in best],
            color=theme.text,
            ls="--",
            lw=1.2,
            label="compute-optimal frontier" + ("" if phone else f" ({FIT_LABELS[fit]})"),
            zorder=3,
        )
        for c in budgets:
            first = next(r for r in rows if r[0] == c)
            if phone and c not in (budgets[0], budgets[-1]):
                continue
            _offset_label(
                ax, rf"$C={_tex_sci(c)}$", (first[2], first[4]), (-3, 0), theme, ha="right"
            )
        for row, colour in zip(best, colours, strict=True):
            ax.plot(row[2], row[4], "o", color=colour, mec=theme.text, mew=0.8, ms=6, zorder=4)
        ax.set_xscale("log")
        losses = [r[4] for r in rows]
        margin = 0.04 * (max(losses) - min(losses))
        ax.set_ylim(min(losses) - margin, max(losses) + margin)
        lefts = [r[2] for r in rows]
        ax.set_xlim(min(lefts) / 6, max(lefts) * 1.5)
        ax.set_xlabel(
            "parameters $N$ (compute $C$ fixed per curve)"
            if phone
            else "parameters $N$ (compute $C$ in FLOPs fixed per curve; tokens $D = C / 6N$)"
        )
        ax.set_ylabel("predicted loss (nats/token)")
        legend(fig, ax, loc="upper right")
        _style_log_axes(ax, theme)

    return FigureResult(table, finished(draw), width=7.0, height=4.4)


@figure("scaling.models")
def models(
    fit: Fit = "epoch2024",
    models: Models = list(MODEL_NAMES),  # noqa: B006
    ratio: Annotated[float, Range(1.0, 1000.0)] = 20.0,
    points: Annotated[int, Range(2, 201)] = 25,
) -> FigureResult:
    """Well-known models on parameters vs training tokens, against 20 tokens per parameter.

    Args:
        fit: Whose compute-optimal frontier (Approach 3 closed form) to draw.
        models: Names of the models to place, from the known models of the science module.
        ratio: Tokens per parameter of the reference line D = ratio * N.
        points: Points sampled on the compute-optimal frontier.
    """
    chosen = _pick_models(models)
    ns = [m.n_params for m in chosen]
    n_low, n_high = min(ns) / 4, max(ns) * 4
    flops = np.logspace(
        np.log10(_flops_for_optimal_n(fit, n_low)),
        np.log10(_flops_for_optimal_n(fit, n_high)),
        points,
    )
    front_n, front_d = _frontier(fit, flops)
    frontier_label = f"compute-optimal ({FIT_LABELS[fit]})"
    rule_label = f"{format_number(ratio)} tokens per parameter"
    rows: list[tuple[str, float, float, float]] = [
        (m.name, m.n_params, m.n_tokens, m.tokens_per_param) for m in chosen
    ]
    rows += [(rule_label, n, ratio * n, ratio) for n in (n_low, n_high)]
    rows += [
        (frontier_label, float(n), float(d), float(d / n))
        for n, d in zip(front_n, front_d, strict=True)
    ]
    table = Table(
        ("series", "parameters", "tokens", "tokens per parameter"),
        tuple(rows),
        {"parameters": ".3g", "tokens": ".3g", "tokens per parameter": ",.1f"},
    )

    def draw(fig: Figure, theme: Theme) -> None:
        ax = fig.add_subplot()
        ax.loglog(
            [n_low, n_high],
            [ratio * n_low, ratio * n_high],
            color=theme.muted,
            lw=1.5,
            ls="--",
            label=rule_label,
        )
        phone = is_phone(fig)
        ax.loglog(
            front_n,
            front_d,
            color=_fit_colour(theme, fit),
            lw=1.8,
            label=f"compute-optimal ({FIT_SHORT[fit]})" if phone else frontier_label,
        )
        scale = 0.75 if phone else 1.0
        for m in chosen:
            ax.plot(m.n_params, m.n_tokens, "o", color=theme.colour("model"), ms=6, zorder=3)
            dx, dy, ha = _LABEL_OFFSETS.get(m.name, (14, 8, "left"))
            ax.annotate(
                m.name,
                (m.n_params, m.n_tokens),
                xytext=(dx * scale, dy * scale),
                textcoords="offset points",
                ha=ha,
                va="center",
                color=theme.text,
                arrowprops={"arrowstyle": "-", "color": theme.muted, "lw": 0.7, "shrinkB": 4},
            )
        ax.set_xlim(n_low / (2 if phone else 1), n_high * (5 if phone else 1))
        ds = [m.n_tokens for m in chosen]
        ax.set_ylim(min(min(ds), ratio * n_low) / 2, max(max(ds), ratio * n_high) * 2)
        ax.set_xlabel("parameters $N$")
        ax.set_ylabel("training tokens $D$")
        legend(fig, ax, loc="lower right")
        _style_log_axes(ax, theme)

    return FigureResult(table, finished(draw), width=7.0, height=4.4, phone_height=5.6)


@figure("scaling.compute_table")
def compute_table(models: Models = list(MODEL_NAMES)) -> FigureResult:  # noqa: B006
    """Training compute of well-known models: 6ND against the compute their papers report.

    The table is narrow enough for the page's column at 1280 px: compute in FLOPs only (the
    chart ``scaling.pf_days`` and its data give the petaflop/s-days) and a short source key
    per row (the full references, with arXiv numbers, are on the References page).

    Args:
        models: Names of the models to list, from the known models of the science module.
    """
    formats = {
        "N (billions)": ",.1f",
        "D (billions)": ",.0f",
        "6ND (FLOPs)": ".2e",  # three significant figures in every row ("8.40", not "8.4")
        "reported (FLOPs)": ".2e",
        "6ND / reported": ".3f",
    }
    rows = []
    for m in _pick_models(models):
        flops = scaling.training_flops(m.n_params, m.n_tokens)
        reported = m.reported_flops
        rows.append(
            (
                m.name,
                m.n_params / 1e9,
                m.n_tokens / 1e9,
                flops,
                reported,
                None if reported is None else flops / reported,
                _source_key(m.citation),
            )
        )
    table = Table(("model", *formats, "source"), tuple(rows), formats)
    return FigureResult(table)


def _source_key(citation: str) -> str:
    """A short key of a citation for a table cell: its first author and year and the table or
    section it cites ("Brown 2020, Table D.1"), without "et al.", the arXiv number (on the
    References page) or the notes that repeat the row's values."""
    import re

    plain = re.sub(r"\s*\([^)]*\)", "", citation).strip()
    works = []
    for work in plain.split(";"):
        work = work.replace("compute from ", "").replace(" et al.", "")
        parts = [p.strip() for p in work.split(",")]
        where = [p for p in parts[1:] if re.match(r"(Table|section|sections) ", p)]
        works.append(", ".join([parts[0], *where]))
    return "; ".join(works)


@figure("scaling.pf_days")
def pf_days(models: Models = list(MODEL_NAMES)) -> FigureResult:  # noqa: B006
    """Training compute of well-known models in petaflop/s-days (6ND, and reported).

    Args:
        models: Names of the models to show, top to bottom, from the known models of the
            science module.
    """
    chosen = _pick_models(models)
    computed = [scaling.pf_days(scaling.training_flops(m.n_params, m.n_tokens)) for m in chosen]
    reported = [
        None if m.reported_flops is None else scaling.pf_days(m.reported_flops) for m in chosen
    ]
    table = Table.from_columns(
        {
            "model": [m.name for m in chosen],
            "6ND (PF-days)": computed,
            "reported (PF-days)": reported,
        },
        {"6ND (PF-days)": ",.0f", "reported (PF-days)": ",.0f"},
    )

    def draw(fig: Figure, theme: Theme) -> None:
        # A dot plot: on a log axis a bar's length from an arbitrary origin means nothing.
        ax = fig.add_subplot()
        y = np.arange(len(chosen))
        ax.scatter(computed, y, s=42, color=theme.colour("6ND"), label="6ND", zorder=3)
        known = [(yi, r) for yi, r in zip(y, reported, strict=True) if r is not None]
        if known:
            ax.scatter(
                [k[1] for k in known],
                [k[0] for k in known],
                s=46,
                marker="D",
                facecolor="none",
                edgecolor=theme.colour("reported"),
                linewidth=1.6,
                label="reported",
                zorder=4,
            )
        for yi, value, other in zip(y, computed, reported, strict=True):
            right = value if other is None else max(value, other)
            label = format_number(value, ",.0f")
            if other is not None and abs(other / value - 1) > 0.005:
                label += f" ({format_number(other, ',.0f')})"
            _offset_label(ax, label, (right, float(yi)), (8, 0), theme)
        ax.set_xscale("log")
        ax.set_xlim(min(computed) / 1.6, max(computed) * 3.5)
        _readable_log_ticks(ax, min(computed) / 1.6, max(computed) * 3.5, phone=is_phone(fig))
        ax.set_ylim(len(chosen) - 0.5, -0.5)
        ax.set_yticks(y, [m.name for m in chosen])
        ax.tick_params(axis="y", length=0)
        ax.set_xlabel(
            "PF-days (log scale)" if is_phone(fig) else "training compute (PF-days, log scale)"
        )
        ax.grid(True, axis="y", which="major", alpha=0.25)
        ax.grid(False, axis="x", which="minor")
        ax.grid(True, axis="x", which="major")
        legend(fig, ax, loc="lower right", phone_ncols=2)

    return FigureResult(
        table,
        finished(draw),
        width=7.0,
        height=1.2 + 0.42 * len(chosen),
        phone_height=1.6 + 0.42 * len(chosen),
    )


@figure("scaling.chinchilla_table3")
def chinchilla_table3(fit: Fit = "hoffmann2022") -> FigureResult:
    """Chinchilla's Table 3 (Approach 1) beside the Approach 3 closed form at the same FLOPs.

    Args:
        fit: The published constants of the parametric loss whose closed-form optimum to show.
    """
    rows = []
    for row in scaling.CHINCHILLA_TABLE3:
        n_opt, d_opt = scaling.compute_optimal(row.flops, fit)
        rows.append(
            (
                row.parameters / 1e9,
                row.flops,
                row.gopher_units_printed,
                row.tokens / 1e9,
                scaling.tokens_per_param(row.parameters, row.tokens),
                n_opt / 1e9,
                d_opt / 1e9,
                scaling.tokens_per_param(n_opt, d_opt),
            )
        )
    # Short headings (N, D, D / N) so the nine columns fit the page at 1280 px; the fit's
    # name stays in the closed form's headings.
    closed = f"Approach 3 ({fit[:-4]} {fit[-4:]})"  # "hoffmann 2022": breaks between the two
    table = Table(
        (
            "N (billions)",
            "FLOPs",
            "FLOPs (Gopher units)",
            "D (billions)",
            "D / N",
            f"{closed} N (billions)",
            f"{closed} D (billions)",
            f"{closed} D / N",
        ),
        tuple(rows),
        {
            "N (billions)": ",.1f",
            "FLOPs": ".2e",
            "D (billions)": ",.1f",
            "D / N": ".1f",
            f"{closed} N (billions)": ",.1f",
            f"{closed} D (billions)": ",.0f",
            f"{closed} D / N": ".1f",
        },
    )
    return FigureResult(table)


# --- Domain adaptation: where BloombergGPT sits -----------------------------------------


@figure("scaling.domain_frontier")
def domain_frontier(
    flops_min: Annotated[float, FlopsRange] = 1e22,
    flops_max: Annotated[float, FlopsRange] = 1e24,
    models: Models = ["BloombergGPT 50B", "Chinchilla 70B"],  # noqa: B006
    planning_flops: Annotated[float | None, FlopsRange] = 0.75 * 1.3e6 * 3600 * 102e12,
    ratio: Annotated[float, Range(1.0, 1000.0)] = 20.0,
    points: Annotated[int, Range(2, 201)] = 25,
) -> FigureResult:
    """Compute-optimal model size against training compute: three rules and real models.

    Args:
        flops_min: Left end of the compute axis, in FLOPs.
        flops_max: Right end of the compute axis, in FLOPs.
        models: Names of the models to place at (6ND, N), from the known models of the
            science module.
        planning_flops: A budget to mark with a vertical dashed line, in FLOPs (default:
            BloombergGPT's plan, 0.75 x 1.3M A100-hours at 102 TFLOP/s); null for none.
        ratio: Tokens per parameter of the fixed-ratio rule N = sqrt(C / (6 ratio)).
        points: Points sampled on each line, evenly spaced on the log axis.
    """
    if flops_min >= flops_max:
        raise ParameterError("flops_min must be smaller than flops_max")
    chosen = _pick_models(models)
    flops = np.logspace(np.log10(flops_min), np.log10(flops_max), points)
    per = format_number(ratio)
    rule_label = f"{per} tokens per parameter: N = sqrt(C / {format_number(6 * ratio)})"
    # the same rule in mathtext for the drawing (the table keeps plain text)
    rule_shown = f"{per} tokens per parameter: " + f"$N = {ROOT}(C / {format_number(6 * ratio)})$"
    rows: list[tuple[str, float, float | None, float | None]] = [
        (rule_label, float(c), float(n), float(c / (6 * n)))
        for c, n in zip(flops, _rule_n(flops, ratio), strict=True)
    ]
    for fit in ("hoffmann2022", "epoch2024"):
        front_n, front_d = _frontier(fit, flops)
        rows += [
            (FIT_LABELS[fit], float(c), float(n), float(d))
            for c, n, d in zip(flops, front_n, front_d, strict=True)
        ]
    rows += [
        (m.name, scaling.training_flops(m.n_params, m.n_tokens), m.n_params, m.n_tokens)
        for m in chosen
    ]
    if planning_flops is not None:
        rows.append(("planning budget", planning_flops, None, None))
    table = Table(
        ("series", "compute (FLOPs)", "parameters", "tokens"),
        tuple(rows),
        {"compute (FLOPs)": ".3g", "parameters": ".3g", "tokens": ".3g"},
    )
    lines = (rule_label, FIT_LABELS["hoffmann2022"], FIT_LABELS["epoch2024"])

    def draw(fig: Figure, theme: Theme) -> None:
        ax = fig.add_subplot()
        phone = is_phone(fig)
        styles = (
            (theme.colour("rule of thumb"), "--"),
            (theme.colour("Hoffmann fit"), "-"),
            (theme.colour("Epoch fit"), "-"),
        )
        for label, (colour, ls) in zip(lines, styles, strict=True):
            line = [r for r in rows if r[0] == label]
            shown = rule_shown if label == rule_label else label
            if phone:
                shown = {FIT_LABELS[f]: FIT_SHORT[f] for f in FIT_SHORT}.get(label, label)
            ax.loglog([r[1] for r in line], [r[2] for r in line], color=colour, ls=ls, label=shown)
        for m in chosen:
            c = scaling.training_flops(m.n_params, m.n_tokens)
            ax.plot(c, m.n_params, "o", color=theme.colour("model"), ms=7, zorder=3)
            # Labels above and to the left of the points, away from the lines (slope ~1/2).
            per = format_number(m.tokens_per_param, ".0f")
            _offset_label(
                ax,
                m.name if phone else f"{m.name}\n{per} tokens per parameter",
                (c, m.n_params),
                (-4, 8),
                theme,
                ha="right",
                va="bottom",
            )
        if planning_flops is not None:
            ax.axvline(
                planning_flops,
                color=theme.text,
                ls=":",
                lw=1.2,
                label=f"planned budget, {format_number(planning_flops, '.2e')} FLOPs",
            )
        ax.set_xlim(flops_min, flops_max)
        ns = [r[2] for r in rows if r[2] is not None]
        ax.set_ylim(min(ns) / 2.5, max(ns) * 1.8)
        ax.set_xlabel("training compute $C$ (FLOPs)")
        ax.set_ylabel("compute-optimal parameters $N$")
        legend(fig, ax, loc="lower right")
        _style_log_axes(ax, theme)

    return FigureResult(table, finished(draw), width=7.0, height=4.4, phone_height=6.0)

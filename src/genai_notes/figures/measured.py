"""Figures: the calculators' predictions against published measurements.

Every number drawn here comes from :data:`genai_notes.science.hardware.MEASUREMENTS` and
:data:`~genai_notes.science.hardware.SERVING_MEASUREMENTS` (the measured values, each with its
source) and the calculators' predictions :func:`~genai_notes.science.hardware.predicted_gib` and
:func:`~genai_notes.science.hardware.predicted_tokens_per_second`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from genai_notes.figures.base import FigureResult, Table, figure
from genai_notes.science import hardware

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from genai_notes.figures.style import Theme


@figure("measured.training_memory")
def training_memory() -> FigureResult:
    """Training memory per GPU: the calculator's prediction against published measurements."""
    rows = hardware.MEASUREMENTS
    predicted = [hardware.predicted_gib(m) for m in rows]
    measured = [m.measured_gib for m in rows]
    table = Table.from_columns(
        {
            "setup": [m.setup for m in rows],
            "measured (GiB)": measured,
            "predicted (GiB)": predicted,
            "error": [p / m - 1 for p, m in zip(predicted, measured, strict=True)],
            "source": [m.source for m in rows],
        },
        formats={"measured (GiB)": ".1f", "predicted (GiB)": ".1f", "error": "+.0%"},
    )

    def draw(fig: Figure, theme: Theme) -> None:
        ax = fig.add_subplot()
        top = max(*predicted, *measured) * 1.15
        ax.plot(
            [0, top], [0, top], color=theme.muted, linewidth=1.0, label="prediction = measurement"
        )
        ax.fill_between(
            [0, top], [0, 0.9 * top], [0, 1.1 * top], color=theme.series[0], alpha=0.12,
            label="within 10%",
        )  # fmt: skip
        ax.scatter(measured, predicted, color=theme.series[1], zorder=3)
        for index, (x, y) in enumerate(zip(measured, predicted, strict=True)):
            ax.annotate(
                f"{index + 1}: {y / x - 1:+.0%}", (x, y), textcoords="offset points",
                xytext=(6, -4), color=theme.text,
            )  # fmt: skip
        ax.set_xlim(0, top)
        ax.set_ylim(0, top)
        ax.set_aspect("equal")
        ax.set_xlabel("measured memory per GPU (GiB)")
        ax.set_ylabel("predicted (GiB)")
        ax.legend(loc="upper left", frameon=False)

    return FigureResult(table, draw, width=5.0, height=4.6)


@figure("measured.serving_speed")
def serving_speed() -> FigureResult:
    """Decode speed: the serving calculator's bandwidth bound against published measurements."""
    rows = hardware.SERVING_MEASUREMENTS
    predicted = [hardware.predicted_tokens_per_second(m) for m in rows]
    measured = [hardware.measured_tokens_per_second(m) for m in rows]
    table = Table.from_columns(
        {
            "setup": [m.setup for m in rows],
            "tokens in / out": [f"{m.input_tokens:,} / {m.output_tokens:,}" for m in rows],
            "as printed": [f"{m.printed:,g} {m.metric}" for m in rows],
            "measured (tokens/s)": measured,
            "predicted (tokens/s)": predicted,
            "error": [p / m - 1 for p, m in zip(predicted, measured, strict=True)],
            "source": [m.source for m in rows],
        },
        formats={"measured (tokens/s)": ",.0f", "predicted (tokens/s)": ",.0f", "error": "+.0%"},
    )

    def draw(fig: Figure, theme: Theme) -> None:
        ax = fig.add_subplot()
        low = min(*predicted, *measured) / 2
        top = max(*predicted, *measured) * 2
        ax.plot(
            [low, top], [low, top], color=theme.muted, linewidth=1.0,
            label="prediction = measurement",
        )  # fmt: skip
        ax.fill_between(
            [low, top], [low, top], [2 * low, 2 * top], color=theme.series[0], alpha=0.12,
            label="up to 2 times the measurement",
        )  # fmt: skip
        ax.scatter(measured, predicted, color=theme.series[1], zorder=3)
        for index, (x, y) in enumerate(zip(measured, predicted, strict=True)):
            far = y > 2 * x  # label the points above the band on their left, clear of it
            ax.annotate(
                f"{index + 1}: {y / x - 1:+.0%}", (x, y), textcoords="offset points",
                xytext=(-6 if far else 6, -4), ha="right" if far else "left", color=theme.text,
            )  # fmt: skip
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlim(low, top)
        ax.set_ylim(low, top)
        ax.set_aspect("equal")
        ax.set_xlabel("measured output tokens/s")
        ax.set_ylabel("predicted bound (tokens/s)")

    return FigureResult(table, draw, width=5.0, height=4.6)

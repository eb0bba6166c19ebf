"""Figures: overview (what one foundation model is used for, in-context learning by model size).

:func:`use_cases` is a diagram with no numbers. :func:`in_context_gains` plots accuracies
reported in the GPT-3 paper (Brown et al. 2020, arXiv 2005.14165, Table H.1), kept here with
their citation; nothing is estimated.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Annotated, Literal

from genai_notes.figures._drawing import _box, _canvas
from genai_notes.figures.base import FigureResult, Length, Table, figure
from genai_notes.figures.registry import ParameterError
from genai_notes.figures.style import finished, is_phone
from genai_notes.numbers import format_number

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from genai_notes.figures.style import Theme


# --- Use cases of one foundation model -----------------------------------------------------

# (task, example prompt, example output): short examples written for these notes.
_USE_CASES = (
    (
        "Writing",
        "Write a two-line product description for a steel water bottle.",
        "Keeps drinks cold for 24 hours. Light, tough and leak-proof.",
    ),
    (
        "Summarising",
        "Summarise this support chat in one sentence.",
        "The customer's order arrived damaged; a replacement ships Monday.",
    ),
    (
        "Translation",
        "Translate into French: Where is the station?",
        "Où est la gare ?",
    ),
    (
        "Code",
        "Write a Python function that returns the mean of a list.",
        "def mean(xs): return sum(xs) / len(xs)",
    ),
    (
        "Entity extraction",
        "List the people and dates in: Ada met Bob on 3 May.",
        "people: Ada, Bob; dates: 3 May",
    ),
    (
        "Tool / API calls",
        "What is the weather in Oslo now?",
        'weather_api(city="Oslo"), then an answer from its result',
    ),
)

UseCase = Literal[
    "none", "Writing", "Summarising", "Translation", "Code", "Entity extraction", "Tool / API calls"
]


@figure("overview.use_cases")
def use_cases(highlight: UseCase = "none") -> FigureResult:
    """One foundation model in the middle, with the tasks it serves around it.

    Args:
        highlight: A task to draw in the highlight colour, or "none".
    """
    table = Table.from_columns(
        {
            "task": [case[0] for case in _USE_CASES],
            "example prompt": [case[1] for case in _USE_CASES],
            "example output": [case[2] for case in _USE_CASES],
        }
    )

    def draw(fig: Figure, theme: Theme) -> None:
        if is_phone(fig):
            _draw_use_cases_phone(fig, theme, highlight)
            return
        width, height = 7.0, 3.4
        ax = _canvas(fig, width, height)
        centre = (width / 2, height / 2)
        hub, spoke = (1.9, 0.7), (2.05, 0.66)
        _spoke_box(
            ax,
            centre,
            hub,
            "Foundation model\n(pre-trained once)",
            theme.text,
            theme,
            bold=True,
        )
        for index, (task, prompt, _) in enumerate(_USE_CASES):
            angle = math.pi / 2 - 2 * math.pi * (index + 0.5) / len(_USE_CASES)
            x = centre[0] + 2.4 * math.cos(angle)
            y = centre[1] + 1.2 * math.sin(angle)
            colour = theme.highlight if task == highlight else theme.blue
            _spoke_arrow(ax, centre, hub, (x, y), spoke, colour)
            _spoke_box(ax, (x, y), spoke, f"{task}\n{_short(prompt, spoke[0])}", colour, theme)

    return FigureResult(table, finished(draw), width=7.0, height=3.4, phone_height=4.05)


def _draw_use_cases_phone(fig: Figure, theme: Theme, highlight: str) -> None:
    """The phone layout: the model on top, its six tasks in two columns below it."""
    width, height = fig.get_figwidth(), fig.get_figheight()
    ax = _canvas(fig, width, height)
    hub_centre, hub = (width / 2, height - 0.45), (2.2, 0.7)
    spoke = (width / 2 - 0.1, 0.7)
    _spoke_box(
        ax, hub_centre, hub, "Foundation model\n(pre-trained once)", theme.text, theme, bold=True
    )
    for index, (task, prompt, _) in enumerate(_USE_CASES):
        x = width / 4 + 0.02 if index % 2 == 0 else 3 * width / 4 - 0.02
        y = height - 1.55 - 1.0 * (index // 2)
        colour = theme.highlight if task == highlight else theme.blue
        _spoke_box(ax, (x, y), spoke, f"{task}\n{_short(prompt, spoke[0])}", colour, theme)
    # one arrow from the model down to the grid of its tasks (spokes would cross the boxes)
    top = height - 1.55 + spoke[1] / 2
    _spoke_arrow(ax, hub_centre, hub, (width / 2, top - 0.02), (0.0, 0.0), theme.blue)


def _short(text: str, box_width: float) -> str:
    """The start of an example prompt, cut at a word, in quotes, as wide as fits a box of
    ``box_width`` inches with room on each side (measured in the current font size)."""
    from matplotlib import rcParams
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    font, measure = FontProperties(size=rcParams["font.size"]), TextToPath()
    room = (box_width - 2 * _SPOKE_PAD) * 72  # points

    def fits(shown: str) -> bool:
        return bool(measure.get_text_width_height_descent(shown, font, ismath=False)[0] <= room)

    words = text.split(" ")
    shown = f"\u201c{text}\u201d"
    while not fits(shown) and len(words) > 1:
        words.pop()
        shown = f"\u201c{' '.join(words).rstrip(',.:;')}\u2026\u201d"
    return shown


_SPOKE_PAD = 0.09
"""Inches kept clear between a spoke box's frame and its prompt text, on each side."""


def _spoke_box(
    ax: Axes,
    centre: tuple[float, float],
    size: tuple[float, float],
    label: str,
    edge: str,
    theme: Theme,
    *,
    bold: bool = False,
) -> None:
    x, y = centre
    _box(
        ax,
        centre,
        size,
        theme,
        edge=edge,
        fill=theme.surface,
        linewidth=1.6 if bold else 1.2,
        zorder=2,
    )
    title, _, rest = label.partition("\n")
    ax.text(
        x,
        y + 0.1,
        title,
        ha="center",
        va="center",
        color=theme.text,
        fontweight="bold",
        zorder=3,
    )
    ax.text(
        x,
        y - 0.13,
        rest,
        ha="center",
        va="center",
        color=theme.muted if not bold else theme.text,
        zorder=3,
    )


def _edge_point(
    centre: tuple[float, float], size: tuple[float, float], towards: tuple[float, float]
) -> tuple[float, float]:
    """Where the line from a box's centre towards a point leaves the box (plus a small gap)."""
    dx, dy = towards[0] - centre[0], towards[1] - centre[1]
    t = min(
        size[0] / 2 / abs(dx) if dx else math.inf,
        size[1] / 2 / abs(dy) if dy else math.inf,
    )
    gap = 0.06 / math.hypot(dx, dy)
    return centre[0] + (t + gap) * dx, centre[1] + (t + gap) * dy


def _spoke_arrow(
    ax: Axes,
    start: tuple[float, float],
    start_size: tuple[float, float],
    end: tuple[float, float],
    end_size: tuple[float, float],
    colour: str,
) -> None:
    """An arrow from the edge of one box to the edge of another."""
    from matplotlib.patches import FancyArrowPatch

    ax.add_patch(
        FancyArrowPatch(
            _edge_point(start, start_size, end),
            _edge_point(end, end_size, start),
            arrowstyle="-|>,head_length=5,head_width=2.6",
            color=colour,
            linewidth=1.2,
            shrinkA=0,
            shrinkB=0,
        )
    )


# --- In-context learning by model size -----------------------------------------------------

GPT3_SOURCE = (
    "Brown et al. 2020, Language Models are Few-Shot Learners, arXiv 2005.14165, Table H.1"
)
"""Where the accuracies of :data:`GPT3_TABLE_H1` come from."""

GPT3_SIZES = ("125M", "350M", "760M", "1.3B", "2.7B", "6.7B", "13B", "175B")
"""GPT-3 model sizes, Small to 175B (Table 2.1 of the paper), in Table H.1's column order."""

GPT3_TABLE_H1: dict[str, dict[str, tuple[float, ...]]] = {
    # Table H.1 row "Symbol Insertion" (section 3.9.2's "random insertion in word", the task of
    # the paper's Figure 1.2): accuracy (%), few-shot K = 100.
    "random insertion": {
        "zero-shot": (0.00, 0.00, 0.10, 0.00, 0.05, 0.42, 0.89, 8.26),
        "one-shot": (0.03, 0.05, 0.57, 1.18, 1.67, 3.46, 6.62, 45.4),
        "few-shot": (0.11, 0.28, 2.19, 4.18, 6.61, 11.0, 27.3, 67.2),
    },
    # Table H.1 row "TriviaQA" (dev): accuracy (%), few-shot K = 64. The 175B values are also
    # those of Table 3.3.
    "TriviaQA": {
        "zero-shot": (4.15, 7.61, 14.0, 19.7, 31.3, 38.7, 41.8, 64.3),
        "one-shot": (4.19, 12.9, 20.5, 26.5, 35.9, 44.4, 51.3, 68.0),
        "few-shot": (6.96, 16.3, 26.5, 32.1, 42.3, 51.6, 57.5, 71.2),
    },
}
"""Accuracy (%) by task, setting and model size (columns as :data:`GPT3_SIZES`)."""

GPT3_FEW_SHOT_K = {"random insertion": 100, "TriviaQA": 64}

_TABLE_ROWS = {"random insertion": "Symbol Insertion", "TriviaQA": "TriviaQA (dev)"}
"""The number of examples K of each task's few-shot setting (Table H.1, column K)."""

_SETTINGS = ("zero-shot", "one-shot", "few-shot")


@figure("overview.in_context_gains")
def in_context_gains(
    task: Literal["random insertion", "TriviaQA"] = "random insertion",
    models: Annotated[list[str], Length(1, 8)] = ["1.3B", "13B", "175B"],  # noqa: B006
) -> FigureResult:
    """GPT-3's accuracy with 0, 1 and K in-context examples, per model size (reported values).

    Args:
        task: The GPT-3 evaluation to plot: "random insertion" (remove the symbols inserted
            into a word, the task of the paper's Figure 1.2) or "TriviaQA" (closed-book).
        models: GPT-3 sizes to draw, from 125M, 350M, 760M, 1.3B, 2.7B, 6.7B, 13B, 175B.
    """
    unknown = [m for m in models if m not in GPT3_SIZES]
    if unknown or len(set(models)) != len(models):
        raise ParameterError(
            f"models must be distinct GPT-3 sizes from {', '.join(GPT3_SIZES)}; got {models!r}"
        )
    chosen = sorted(models, key=GPT3_SIZES.index)
    k = GPT3_FEW_SHOT_K[task]
    shots = {"zero-shot": 0, "one-shot": 1, "few-shot": k}
    rows: dict[str, list[str | float]] = {
        "model": [],
        "setting": [],
        "examples in context (K)": [],
        "accuracy (%)": [],
        "source": [],
    }
    for model in chosen:
        for setting in _SETTINGS:
            rows["model"].append(f"GPT-3 {model}")
            rows["setting"].append(setting)
            rows["examples in context (K)"].append(shots[setting])
            rows["accuracy (%)"].append(GPT3_TABLE_H1[task][setting][GPT3_SIZES.index(model)])
            rows["source"].append(f"{GPT3_SOURCE}, row {_TABLE_ROWS[task]}")
    table = Table.from_columns(rows, formats={"accuracy (%)": ".3g"})

    def draw(fig: Figure, theme: Theme) -> None:
        ax = fig.add_subplot()
        xs = list(range(len(_SETTINGS)))
        ramp = theme.ramp(len(chosen))  # model size is ordered: a sequential ramp
        for index, model in enumerate(chosen):
            colour = ramp[index]
            values = [GPT3_TABLE_H1[task][s][GPT3_SIZES.index(model)] for s in _SETTINGS]
            ax.plot(xs, values, marker="o", color=colour, label=f"GPT-3 {model}")
            ax.annotate(
                format_number(values[-1], ".3g") + "%",
                (xs[-1], values[-1]),
                textcoords="offset points",
                xytext=(8, 0),
                va="center",
                color=colour,
            )
        ax.set_xticks(xs, ["zero-shot\n$K$ = 0", "one-shot\n$K$ = 1", f"few-shot\n$K$ = {k}"])
        ax.set_xlim(-0.25, len(xs) - (0.4 if is_phone(fig) else 0.55))
        ax.set_ylim(0, 100 if task == "TriviaQA" else 80)
        ax.set_ylabel(f"{task} accuracy (%)")
        ax.grid(axis="x", visible=False)
        ax.legend(loc="upper left")
        ax.set_title("reported by Brown et al. 2020, Table H.1", color=theme.muted)

    return FigureResult(table, finished(draw), width=7.0, height=3.6)

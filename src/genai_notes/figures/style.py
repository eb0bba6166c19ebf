"""The look of every figure: one :class:`Theme` per Material palette, font sizes per drawing width.

Colours are chosen to read on Material's light (``default``) and dark (``slate``) backgrounds;
backgrounds are transparent so the figure sits on the page's own colour. Every colour a figure
draws marks or text with is at least 4.5:1 against its palette's background (the series double
as text colours), except ``removed`` (greyed-out marks, at least 3:1) and ``surface`` (box fills,
which carry their own outline); ``tests/figures/test_style.py`` checks this.

A concept has one colour on every page: figures ask ``theme.colour("weights")`` rather than
``theme.series[0]``, from the map :data:`CONCEPTS`. Ordered quantities (temperatures, compute
budgets, n-gram orders) take :meth:`Theme.ramp`, a sequential ramp, not categorical hues.

Font sizes (:func:`sizes`): the wide drawing is shown at its natural width (96 px/inch, 7 in =
672 CSS px in a content column of about 688 px), where 1 pt = 4/3 px; the phone drawing (3.75 in)
is shown about 358 px wide. :func:`finish`, the last call of every ``draw``, applies the sizes
to ticks, axis labels and legends and raises any smaller text to the floor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from collections.abc import Callable

    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

PHONE_BELOW_INCHES = 5.0
"""A drawing narrower than this is a phone drawing (the wide one is 7 in, the phone one 3.75)."""


@dataclass(frozen=True)
class Sizes:
    """Font sizes in points of one drawing width.

    Attributes:
        label: Ticks, axis labels, legends, data labels and diagram text.
        note: The floor: secondary notes under a chart; nothing is smaller.
        title: Panel titles.
    """

    label: float
    note: float
    title: float


# Wide (shown at its natural 672 px at 1280): every label at least 0.85 of the 16 px body text,
# 13.6 px = 10.2 pt, and so the floor too: 10.5 pt = 14 px.
WIDE = Sizes(label=10.5, note=10.5, title=11.5)
# Phone (3.75 in drawn, ~358 px shown, scale 0.994): 9.5 pt = 12.6 px; 9 pt = 11.9 px >= 11 px.
PHONE = Sizes(label=9.5, note=9.0, title=10.0)

ROOT = "\u221a"
"""The radical sign as a glyph, for mathtext labels: ``\\sqrt`` sets its sign in a STIX size
font (``STIXSizeOneSym``) that the reader's browser lacks, so the sign shrinks and its bar floats
away from it; ``$N = √(C / 120)$`` is drawn in DejaVu Sans like the rest of the label."""


def is_phone(fig: Figure) -> bool:
    """Whether ``fig`` is the narrow drawing a phone is served."""
    return float(fig.get_figwidth()) < PHONE_BELOW_INCHES


def sizes(fig: Figure) -> Sizes:
    """The font sizes for the width of ``fig``."""
    return PHONE if is_phone(fig) else WIDE


# One colour per concept across the site: the concept's name -> the Theme attribute it takes.
CONCEPTS: dict[str, str] = {
    # scaling laws
    "Hoffmann fit": "blue",
    "Epoch fit": "violet",
    "rule of thumb": "muted",
    "model": "highlight",
    "6ND": "blue",
    "reported": "vermillion",
    # memory
    "weights": "blue",
    "gradients": "green",
    "optimizer states": "ochre",
    "activations": "pink",
    "overhead": "violet",
    "quantization constants": "violet",
    "GPU memory": "text",
    # sampling and decoding
    "kept": "blue",
    "removed": "removed",
    "crossing": "highlight",
    "repeated": "highlight",
    # fine-tuning and LoRA
    "frozen": "muted",
    "trained": "vermillion",
    "full fine-tuning": "blue",
    "LoRA": "vermillion",
    "QLoRA": "green",
    "prompt tuning": "pink",
    "pre-training": "green",
    "instruction tuning": "vermillion",
    "fine-tuning": "blue",
    # pre-training objectives, prompts and retrieval
    "masked": "vermillion",
    "predicted": "blue",
    "context": "muted",
    "sentinel": "green",
    "instructions": "vermillion",
    "retrieved": "blue",
    "question": "green",
    "answer": "ochre",
    # reinforcement learning from human feedback
    "policy": "vermillion",
    "reward": "blue",
    "flow": "blue",
    "loop": "vermillion",
    # distributed training (pipeline schedules)
    "forward": "blue",
    "backward": "vermillion",
}


@dataclass(frozen=True)
class Theme:
    """Colours of one palette.

    Attributes:
        name: ``light`` or ``dark`` (the file suffix, and Material's ``#only-light`` mark).
        background: The page's background colour (the figure itself is transparent).
        text: Text, ticks and axis lines.
        muted: Grid lines and secondary text (still 4.5:1).
        blue, vermillion, green, pink, ochre, violet: The categorical hues.
        highlight: The one thing a figure wants the eye on.
        removed: Things a figure shows as dropped (e.g. tokens top-k removes); 3:1.
        surface: Fill of boxes in diagrams.
        on_fill: Text on a filled mark of any categorical hue (4.5:1 on each).
        ramp_ends: The light and the strong end of the sequential ramp (both 3:1).
    """

    name: str
    background: str
    text: str
    muted: str
    blue: str
    vermillion: str
    green: str
    pink: str
    ochre: str
    violet: str
    highlight: str
    removed: str
    surface: str
    on_fill: str
    ramp_ends: tuple[str, str]
    series: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        hues = (self.blue, self.vermillion, self.green, self.pink, self.ochre, self.violet)
        object.__setattr__(self, "series", hues)

    def colour(self, concept: str) -> str:
        """The colour of ``concept`` (a key of :data:`CONCEPTS`).

        Raises:
            KeyError: An unknown concept: add it to the map, so it keeps its colour everywhere.
        """
        colour: str = getattr(self, CONCEPTS[concept])
        return colour

    def ramp(self, count: int) -> list[str]:
        """``count`` colours of the sequential ramp, weakest first, for ordered quantities."""
        from matplotlib.colors import LinearSegmentedColormap, to_hex

        ramp = LinearSegmentedColormap.from_list("ramp", list(self.ramp_ends))
        if count == 1:
            return [to_hex(ramp(1.0))]
        return [to_hex(ramp(i / (count - 1))) for i in range(count)]

    def rc(self, width: float = 7.0) -> dict[str, Any]:
        """matplotlib rcParams for this theme at a drawing ``width`` in inches."""
        size = PHONE if width < PHONE_BELOW_INCHES else WIDE
        return {
            "font.family": ["sans-serif"],
            "font.sans-serif": ["DejaVu Sans", "Helvetica", "Arial", "sans-serif"],
            "font.size": size.label,
            "mathtext.fontset": "dejavusans",
            "svg.fonttype": "none",  # keep text as <text>, drawn with the reader's fonts
            "svg.hashsalt": "genai-notes",
            "svg.id": "genai-notes",
            "figure.facecolor": "none",
            "axes.facecolor": "none",
            "savefig.facecolor": "none",
            "savefig.transparent": True,
            "text.color": self.text,
            "axes.labelcolor": self.text,
            "axes.labelsize": size.label,
            "axes.edgecolor": self.muted,
            "axes.titlecolor": self.text,
            "axes.titlesize": size.title,
            "axes.prop_cycle": _cycler(self.series),
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.color": self.muted,
            "grid.alpha": 0.35,
            "grid.linewidth": 0.6,
            "xtick.color": self.text,
            "ytick.color": self.text,
            "xtick.labelsize": size.label,
            "ytick.labelsize": size.label,
            "legend.frameon": False,
            "legend.labelcolor": self.text,
            "legend.fontsize": size.label,
            "legend.title_fontsize": size.label,
            "lines.linewidth": 2.0,
        }


def _cycler(colours: tuple[str, ...]) -> Any:
    from cycler import cycler

    return cycler(color=list(colours))


# Okabe-Ito hues darkened to 4.5:1 on white; lightened for the dark palette.
LIGHT = Theme(
    name="light",
    background="#ffffff",
    text="#1f2328",
    muted="#59636e",
    blue="#0072b2",
    vermillion="#c24e00",
    green="#007a55",
    pink="#a33f80",
    ochre="#8a6100",
    violet="#6f42c1",
    highlight="#c24e00",
    removed="#8c959f",
    surface="#eef1f8",
    on_fill="#ffffff",
    ramp_ends=("#4a90c8", "#08306b"),
)
DARK = Theme(
    name="dark",
    background="#1e2129",  # Material slate's --md-default-bg-color
    text="#e6edf3",
    muted="#a0a8b3",
    blue="#56b4e9",
    vermillion="#ff9f5a",
    green="#3ddc97",
    pink="#f0a6ca",
    ochre="#f5c542",
    violet="#c297ff",
    highlight="#ff9f5a",
    removed="#6b7380",
    surface="#2b3040",
    on_fill="#1e2129",
    ramp_ends=("#3b7dc0", "#c6e0ff"),
)
THEMES = (LIGHT, DARK)


# --- the last step of every drawing ----------------------------------------------------------


def finished(draw: Callable[[Figure, Theme], None]) -> Callable[[Figure, Theme], None]:
    """``draw`` followed by :func:`finish`: what every figure module hands to FigureResult."""

    def draw_and_finish(fig: Figure, theme: Theme) -> None:
        draw(fig, theme)
        finish(fig)

    return draw_and_finish


def finish(fig: Figure) -> None:
    """Apply the width's font sizes to every axis and legend, then raise smaller text to the
    floor. On a phone drawing, also thin out automatic ticks."""
    from matplotlib.text import Text

    size = sizes(fig)
    for ax in fig.axes:
        _finish_axes(ax, size, phone=is_phone(fig))
    for legend in fig.legends:
        for text in legend.get_texts():
            text.set_fontsize(size.label)
    for text in fig.findobj(Text):
        if isinstance(text, Text) and text.get_text() and float(text.get_fontsize()) < size.note:
            text.set_fontsize(size.note)


def _finish_axes(ax: Axes, size: Sizes, *, phone: bool) -> None:
    from matplotlib.ticker import AutoLocator, LogFormatterSciNotation, LogLocator, MaxNLocator

    from genai_notes.numbers import tick_formatter

    ax.tick_params(which="both", labelsize=size.label)
    ax.xaxis.label.set_fontsize(size.label)
    ax.yaxis.label.set_fontsize(size.label)
    if ax.title.get_text():
        ax.title.set_fontsize(size.title)
    legend = ax.get_legend()
    if legend is not None:
        for text in legend.get_texts():
            text.set_fontsize(size.label)
        legend.get_title().set_fontsize(size.label)
    for axis in (ax.xaxis, ax.yaxis):
        if isinstance(axis.get_major_formatter(), LogFormatterSciNotation):
            axis.set_major_formatter(tick_formatter("log"))
        if isinstance(axis.get_minor_formatter(), LogFormatterSciNotation):
            axis.set_minor_formatter(tick_formatter("log"))  # blank: minor ticks unlabelled
        if not phone:
            continue
        locator = axis.get_major_locator()
        if type(locator) is AutoLocator:
            axis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]))
        elif type(locator) is LogLocator:
            axis.set_major_locator(LogLocator(numticks=5))


def legend(
    fig: Figure,
    ax: Axes,
    *,
    loc: str = "best",
    handles: list[Any] | None = None,
    phone_ncols: int = 1,
    **kwargs: Any,
) -> None:
    """A legend inside ``ax`` at ``loc`` on a wide drawing, below the chart on a phone drawing.

    Args:
        fig: The figure (a phone drawing puts the legend in it, under the axes).
        ax: The axes whose artists the legend names.
        loc: Where the wide drawing puts it.
        handles: The legend's handles (None: the labelled artists of ``ax``).
        phone_ncols: Columns of the legend under a phone drawing.
        **kwargs: Passed to ``legend`` (e.g. ``title``).
    """
    if handles is None:
        handles, _ = ax.get_legend_handles_labels()
    if is_phone(fig):
        fig.legend(handles=handles, loc="outside lower center", ncols=phone_ncols, **kwargs)
    else:
        ax.legend(handles=handles, loc=cast(Any, loc), **kwargs)


def wrap(text: str, width: int) -> str:
    """``text`` broken into lines of at most ``width`` characters (titles on a phone)."""
    import textwrap

    return "\n".join(textwrap.wrap(text, width, break_on_hyphens=False))


def mark_x(ax: Axes, x: float, label: str, theme: Theme) -> None:
    """A dotted vertical line at ``x`` (the case the page works through), named at its foot."""
    ax.axvline(x, color=theme.muted, lw=1.0, ls=":", zorder=0.5)
    ax.annotate(
        label,
        (x, 0.0),
        xycoords=("data", "axes fraction"),
        xytext=(3, 3),
        textcoords="offset points",
        color=theme.muted,
    )

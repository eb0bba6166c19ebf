"""The look of every figure, one :class:`Theme` per Material palette.

Colours are chosen to read on Material's light (``default``) and dark (``slate``) backgrounds;
backgrounds are transparent so the figure sits on the page's own colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Theme:
    """Colours of one palette.

    Attributes:
        name: ``light`` or ``dark`` (the file suffix, and Material's ``#only-light`` mark).
        text: Text, ticks and axis lines.
        muted: Grid lines and secondary text.
        series: Colours for data series, in order; distinguishable with colour-blindness.
        highlight: The one thing a figure wants the eye on.
        removed: Things a figure shows as dropped (e.g. tokens top-k removes).
        surface: Fill of boxes in diagrams.
    """

    name: str
    text: str
    muted: str
    series: tuple[str, ...]
    highlight: str
    removed: str
    surface: str

    def rc(self) -> dict[str, Any]:
        """matplotlib rcParams for this theme (used with ``matplotlib.rc_context``)."""
        return {
            "font.family": ["sans-serif"],
            "font.sans-serif": ["DejaVu Sans", "Helvetica", "Arial", "sans-serif"],
            "font.size": 10,
            "svg.fonttype": "none",  # keep text as <text>, drawn with the reader's fonts
            "svg.hashsalt": "genai-notes",
            "svg.id": "genai-notes",
            "figure.facecolor": "none",
            "axes.facecolor": "none",
            "savefig.facecolor": "none",
            "savefig.transparent": True,
            "text.color": self.text,
            "axes.labelcolor": self.text,
            "axes.edgecolor": self.muted,
            "axes.titlecolor": self.text,
            "axes.titlesize": 11,
            "axes.prop_cycle": _cycler(self.series),
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.color": self.muted,
            "grid.alpha": 0.35,
            "grid.linewidth": 0.6,
            "xtick.color": self.text,
            "ytick.color": self.text,
            "legend.frameon": False,
            "legend.labelcolor": self.text,
            "lines.linewidth": 2.0,
        }


def _cycler(colours: tuple[str, ...]) -> Any:
    from cycler import cycler

    return cycler(color=list(colours))


# Okabe-Ito based series, lightened for the dark palette.
LIGHT = Theme(
    name="light",
    text="#1f2328",
    muted="#6e7781",
    series=("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9"),
    highlight="#d55e00",
    removed="#b8bec6",
    surface="#eef1f8",
)
DARK = Theme(
    name="dark",
    text="#e6edf3",
    muted="#8b949e",
    series=("#56b4e9", "#ff9f5a", "#3ddc97", "#f0a6ca", "#f5c542", "#9ecbff"),
    highlight="#ff9f5a",
    removed="#4b525c",
    surface="#2b3040",
)
THEMES = (LIGHT, DARK)

"""What a figure is: a pure function of typed parameters that returns its data and a drawing.

A figure function is decorated with :func:`figure`. Its parameters are keyword arguments with
defaults and type hints; ranges and choices are declared with ``Annotated[float, Range(...)]``
and ``Literal[...]``; each parameter's meaning is documented in the Google-style ``Args:``
section of its docstring. It returns a :class:`FigureResult`: the :class:`Table` of exactly the
values it plots, and a ``draw`` callable that paints a matplotlib ``Figure`` in a
:class:`~genai_notes.figures.style.Theme` (``None`` for a figure that is only a table).

Figure modules import no matplotlib at module level: the drawing receives the ``Figure``, so a
build whose figures are all cached never imports matplotlib.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from genai_notes.numbers import format_number

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from genai_notes.figures.style import Theme

Cell = str | int | float | None
Draw = Callable[["Figure", "Theme"], None]
F = TypeVar("F", bound=Callable[..., "FigureResult"])
FIGURE_ATTRIBUTE = "__genai_figure__"


@dataclass(frozen=True)
class Range:
    """The allowed interval of a numeric parameter (or of each item of a numeric list).

    Attributes:
        low: Lower bound, or None for none.
        high: Upper bound, or None for none.
        low_open: True when ``low`` itself is not allowed.
        high_open: True when ``high`` itself is not allowed.
    """

    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies in the interval (NaN never does)."""
        if math.isnan(value):
            return False
        if self.low is not None and (value < self.low or (self.low_open and value == self.low)):
            return False
        return self.high is None or not (
            value > self.high or (self.high_open and value == self.high)
        )

    def describe(self) -> str:
        """The interval in mathematical notation, e.g. ``(0, 1]`` or ``[1000, 1 × 10¹¹]``."""
        low = "−∞" if self.low is None else format_number(self.low, "g")
        high = "∞" if self.high is None else format_number(self.high, "g")
        left = "(" if self.low_open or self.low is None else "["
        right = ")" if self.high_open or self.high is None else "]"
        return f"{left}{low}, {high}{right}"


@dataclass(frozen=True)
class Length:
    """The allowed number of items of a list parameter."""

    min: int = 1
    max: int = 1000


@dataclass(frozen=True)
class Table:
    """The values a figure plots, as a table (shown under the figure and offered as CSV).

    Attributes:
        columns: Column headings, with units where they apply.
        rows: The rows; each has one cell per column.
        formats: Optional format spec per column for the HTML view (the CSV keeps full
            precision), e.g. ``{"probability": ".3f"}``.
    """

    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    formats: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(
                    f"row {row!r} has {len(row)} cells for {len(self.columns)} columns"
                )

    @classmethod
    def from_columns(
        cls, data: Mapping[str, Sequence[Any]], formats: dict[str, str] | None = None
    ) -> Table:
        """Build a table from equal-length columns."""
        lengths = {len(values) for values in data.values()}
        if len(lengths) > 1:
            raise ValueError(f"columns have different lengths: {sorted(lengths)}")
        rows = tuple(zip(*data.values(), strict=True))
        return cls(tuple(data), tuple(tuple(_plain(c) for c in row) for row in rows), formats or {})


def _plain(cell: Any) -> Cell:
    """numpy scalars to Python numbers, so tables serialise and format predictably."""
    if cell is None or isinstance(cell, str | int | float):
        return cell
    if hasattr(cell, "item"):
        value = cell.item()
        if isinstance(value, int | float | str):
            return value
    raise TypeError(f"table cell {cell!r} is not a string or a number")


@dataclass(frozen=True)
class FigureResult:
    """What a figure function returns.

    Attributes:
        table: Exactly the values plotted.
        draw: Paints a matplotlib Figure in a theme; None for a table-only result.
        width: Figure width in inches on a wide screen (drawn for about 688 CSS px).
        height: Figure height in inches on a wide screen.
        phone_width: Width in inches of the phone drawing (about 360 CSS px), which the
            page shows below 40em; ``draw`` reads ``fig.get_figwidth()`` to lay itself out.
        phone_height: Height in inches of the phone drawing (None: ``height`` scaled by
            ``1.3``, a taller layout for the narrower width).

    A result without ``draw`` is a table figure: the page shows the table itself. A result with
    ``draw`` shows the image and, under it, the table in a collapsible "Data" block.
    """

    table: Table
    draw: Draw | None = None
    width: float = 7.0
    height: float = 3.6
    phone_width: float = 3.75
    phone_height: float | None = None

    @property
    def phone_size(self) -> tuple[float, float]:
        """Width and height in inches of the phone drawing."""
        return self.phone_width, self.phone_height or round(self.height * 1.3, 2)


@dataclass(frozen=True)
class FigureInfo:
    """Registration data that :func:`figure` attaches to a figure function."""

    name: str
    summary: str


def figure(name: str) -> Callable[[F], F]:
    """Mark a function as the figure called ``name`` (``family.figure``, e.g.
    ``sampling.temperature``). The first line of its docstring is its one-line purpose."""

    def mark(function: F) -> F:
        doc = (function.__doc__ or "").strip()
        if not doc:
            raise TypeError(f"figure {name} needs a docstring")
        setattr(function, FIGURE_ATTRIBUTE, FigureInfo(name, doc.splitlines()[0]))
        return function

    return mark

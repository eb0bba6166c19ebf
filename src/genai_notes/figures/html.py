"""The HTML a figure block becomes, and the CSV of its data. No MkDocs, no matplotlib."""

from __future__ import annotations

import csv
import html
import io
import json
from dataclasses import dataclass

from genai_notes.figures.base import Cell, FigureResult, Table

PX_PER_INCH = 96


def table_html(table: Table, caption: str | None = None) -> str:
    """The table as HTML, numbers formatted as the figure asks and aligned right."""
    head = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in table.columns)
    body = "".join(
        "<tr>"
        + "".join(
            _cell(table, column, cell) for column, cell in zip(table.columns, row, strict=True)
        )
        + "</tr>"
        for row in table.rows
    )
    title = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f"<table>{title}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cell(table: Table, column: str, cell: Cell) -> str:
    if cell is None:
        return "<td>—</td>"
    if isinstance(cell, str):
        return f"<td>{html.escape(cell)}</td>"
    spec = table.formats.get(column, "")
    text = format(cell, spec) if spec else f"{cell:g}" if isinstance(cell, float) else str(cell)
    return f'<td class="genai-num">{html.escape(text)}</td>'


def table_csv(table: Table) -> str:
    """The table as CSV with full precision (``repr`` of floats)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow(["" if c is None else repr(c) if isinstance(c, float) else c for c in row])
    return buffer.getvalue()


@dataclass(frozen=True)
class Artifacts:
    """What a page needs of a figure besides its SVGs: kept in the cache, so a warm build
    calls no figure function.

    Attributes:
        table_html: The data table as HTML.
        csv: The data as CSV.
        size: Width and height in inches of the drawing, or None for a table figure.
    """

    table_html: str
    csv: str
    size: tuple[float, float] | None

    @classmethod
    def of(cls, result: FigureResult) -> Artifacts:
        """The artifacts of a figure function's result."""
        size = None if result.draw is None else (result.width, result.height)
        return cls(table_html(result.table), table_csv(result.table), size)

    def to_json(self) -> str:
        """Serialise for the cache."""
        return json.dumps({"table_html": self.table_html, "csv": self.csv, "size": self.size})

    @classmethod
    def from_json(cls, text: str) -> Artifacts:
        """Read from the cache.

        Raises:
            ValueError: Not what :meth:`to_json` writes.
        """
        data = json.loads(text)
        size = data["size"]
        if not isinstance(data["table_html"], str) or not isinstance(data["csv"], str):
            raise ValueError("not figure artifacts")
        return cls(data["table_html"], data["csv"], None if size is None else (size[0], size[1]))


def figure_html(
    artifacts: Artifacts,
    *,
    caption: str,
    alt: str,
    images: dict[str, str] | None,
    csv_url: str,
    csv_name: str,
    anchor: str | None,
) -> str:
    """A ``<figure>``: the image in each palette (or the table itself), caption, data block.

    Args:
        artifacts: The figure's table and size.
        caption: The caption (plain text).
        alt: What the figure shows, for readers who cannot see it.
        images: URL of the SVG per theme (``light``/``dark``), relative to the page; None for a
            table figure.
        csv_url: URL of the data's CSV, relative to the page.
        csv_name: File name offered when the CSV is downloaded.
        anchor: Optional id of the figure element.
    """
    ident = f' id="{html.escape(anchor)}"' if anchor else ""
    download = (
        f'<p class="genai-download"><a href="{html.escape(csv_url)}" '
        f'download="{html.escape(csv_name)}">Download the data (CSV)</a></p>'
    )
    if images is None:
        body = (
            f'<div class="genai-table" role="region" aria-label="{html.escape(alt)}" '
            f'tabindex="0">{artifacts.table_html}</div>'
        )
        data = download
    else:
        inches = artifacts.size or (7.0, 3.6)
        width, height = round(inches[0] * PX_PER_INCH), round(inches[1] * PX_PER_INCH)
        body = "".join(
            f'<img src="{html.escape(url)}#only-{theme}" alt="{html.escape(alt)}" '
            f'width="{width}" height="{height}" loading="lazy" decoding="async">'
            for theme, url in images.items()
        )
        data = (
            '<details class="genai-data"><summary>Data: the values plotted</summary>'
            f'<div class="genai-table" tabindex="0" role="region" aria-label="Data of the figure">'
            f"{artifacts.table_html}</div>{download}</details>"
        )
    # figcaption must be the figure's first or last child, so the data block follows it.
    return (
        f'<div class="genai-figure"{ident}><figure>{body}'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>{data}</div>"
    )

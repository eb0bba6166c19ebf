"""The HTML a figure block becomes, and the CSV of its data. No MkDocs, no matplotlib."""

from __future__ import annotations

import csv
import decimal
import html
import io
import json
import math
import re
from collections.abc import Mapping

from genai_notes.figures.base import Cell, Table
from genai_notes.figures.marks import Marks
from genai_notes.numbers import format_number

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
    if cell is None or isinstance(cell, str):
        return f"<td>{_data_text(cell_text(table, column, cell))}</td>"
    return f'<td class="genai-num">{_data_text(cell_text(table, column, cell))}</td>'


def _data_text(text: str) -> str:
    """A cell's text as HTML. A figure's data is data, never a template: braces and dollars are
    written as character references (the tiny model's samples quote the notes' source, ``{{ }}``
    and ``$2$`` and all), so nothing after the figure step can take them for a computed number
    or a formula."""
    return html.escape(text).replace("{", "&#123;").replace("}", "&#125;").replace("$", "&#36;")


def cell_text(table: Table, column: str, cell: Cell) -> str:
    """A cell as the data table shows it (numbers in the column's format; a gap as a dash)."""
    if cell is None:
        return "—"
    if isinstance(cell, str):
        return cell
    return format_number(cell, table.formats.get(column, ""))


def _json_cell(cell: Cell) -> Cell:
    """A cell for JSON: a float that is not finite as the CSV writes it (``inf``, ``nan``)."""
    if isinstance(cell, float) and not math.isfinite(cell):
        return repr(cell)
    return cell


def marks_json(table: Table, marks: Mapping[str, Marks]) -> str:
    """The data an explorable figure carries for ``explorable.js``, as JSON safe in a script.

    ``rows`` are the table's values as the CSV holds them (floats at full precision), ``text``
    the same cells as the data table shows them, and ``wide`` and ``phone`` each drawing's
    marks: ``[x, y, row, series]`` in the SVG's user units (``width`` by ``height``).
    """
    data = {
        "media": PHONE_MEDIA,
        "columns": list(table.columns),
        "rows": [[_json_cell(cell) for cell in row] for row in table.rows],
        "text": [
            [cell_text(table, c, cell) for c, cell in zip(table.columns, row, strict=True)]
            for row in table.rows
        ],
        "wide": marks[""].to_data(),
        "phone": marks["phone-"].to_data(),
    }
    text = _without_exponents(
        json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    )
    # nothing in a script element may close it or open a comment; "{{" (only ever inside a
    # string: no JSON object starts with one) is data, never a computed number
    safe = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return safe.replace("{{", "{\\u007b")


_JSON_STRING_OR_EXPONENT = re.compile(r'"(?:\\.|[^"\\])*"|(-?\d+(?:\.\d+)?[eE][+-]?\d+)')


def _without_exponents(text: str) -> str:
    """JSON with every number in e-notation (Python's ``6.3e+16``) written out in full
    (``63000000000000000``): the same double to a parser, and no ``e+16`` in the page's
    text. Strings are left as they are."""

    def plain(match: re.Match[str]) -> str:
        number = match.group(1)
        return match.group(0) if number is None else format(decimal.Decimal(number), "f")

    return _JSON_STRING_OR_EXPONENT.sub(plain, text)


def table_csv(table: Table) -> str:
    """The table as CSV with full precision (``repr`` of floats)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow(["" if c is None else repr(c) if isinstance(c, float) else c for c in row])
    return buffer.getvalue()


PHONE_MEDIA = "screen and (max-width: 40em)"
"""Screens that get the phone drawing (Material's narrow breakpoint; print keeps the wide one)."""


def figure_html(
    table: Table,
    *,
    caption: str,
    alt: str,
    images: dict[str, str] | None,
    sizes: tuple[tuple[float, float], tuple[float, float]] | None,
    csv_url: str,
    csv_name: str,
    anchor: str | None,
    data_table: str | None = None,
    marks: Mapping[str, Marks] | None = None,
    marks_script: str | None = None,
) -> str:
    """A ``<figure>``: the drawing in each palette (or the table itself), caption, data block.

    Args:
        table: The figure's data.
        caption: The caption, already escaped HTML.
        alt: What the figure shows (plain text), for readers who cannot see it.
        images: URL of each SVG variant (``light``, ``dark``, ``phone-light``, ``phone-dark``),
            relative to the page; None for a table figure.
        sizes: Wide and phone drawing sizes in inches; None for a table figure.
        csv_url: URL of the data's CSV, relative to the page.
        csv_name: File name offered when the CSV is downloaded.
        anchor: Optional id of the figure element.
        data_table: The table's HTML as rendered already, or what stands for it (a build
            passes a placeholder under a drawing and inserts the table after search indexing);
            default: rendered here.
        marks: Where each table row was plotted in the wide (``""``) and phone (``"phone-"``)
            drawing; when given, the figure is explorable (``data-explorable``, focusable,
            its marks beside the drawing as JSON for ``explorable.js``).
        marks_script: That JSON as :func:`marks_json` rendered it already (a build memoises
            it); default: rendered here.
    """
    ident = f' id="{html.escape(anchor)}"' if anchor else ""
    download = (
        f'<p class="genai-download"><a href="{html.escape(csv_url)}" '
        f'download="{html.escape(csv_name)}">Download the data (CSV)</a></p>'
    )
    rendered = table_html(table) if data_table is None else data_table
    if images is None or sizes is None:
        body = (
            f'<div class="genai-table" role="region" aria-label="{html.escape(alt)}" '
            f'tabindex="0">{rendered}</div>'
        )
        data = download
    else:
        body = "".join(_picture(images, sizes, theme, alt) for theme in ("light", "dark"))
        data = (
            '<details class="genai-data"><summary>Data: the values plotted</summary>'
            f'<div class="genai-table" tabindex="0" role="region" aria-label="Data of the figure">'
            f"{rendered}</div>{download}</details>"
        )
    explorable = ""
    script = ""
    if images is not None and marks and "" in marks and "phone-" in marks:
        explorable = ' data-explorable tabindex="0"'
        script = (
            '<script type="application/json" class="genai-marks">'
            f"{marks_json(table, marks) if marks_script is None else marks_script}</script>"
        )
    # figcaption must be the figure's first or last child, so the data block follows it.
    return (
        f'<div class="genai-figure"{ident}><figure{explorable}>{body}'
        f"<figcaption>{caption}</figcaption></figure>{script}{data}</div>"
    )


def _picture(
    images: dict[str, str],
    sizes: tuple[tuple[float, float], tuple[float, float]],
    theme: str,
    alt: str,
) -> str:
    """One palette's drawing: the phone SVG below :data:`PHONE_MEDIA`, the wide one above.

    The ``#only-light``/``#only-dark`` mark stays on the ``<img>`` so Material's palette CSS
    shows one palette; the ``<source>`` only swaps the file on narrow screens.
    """
    (width, height), (phone_width, phone_height) = (
        (round(w * PX_PER_INCH), round(h * PX_PER_INCH)) for w, h in sizes
    )
    return (
        f'<picture><source media="{PHONE_MEDIA}" '
        f'srcset="{html.escape(images["phone-" + theme])}" '
        f'width="{phone_width}" height="{phone_height}">'
        f'<img src="{html.escape(images[theme])}#only-{theme}" alt="{html.escape(alt)}" '
        f'width="{width}" height="{height}" loading="lazy" decoding="async"></picture>'
    )

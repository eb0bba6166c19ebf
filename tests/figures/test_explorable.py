"""Explorable figures: the marks a drawing records and the data the page embeds beside it.

The embedded rows are compared with the CSV as a reader downloads it (parsed here with the csv
module), and the embedded text with the data table's cells; the marks of a real figure with
its table rows worked out from its parameters.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from genai_notes.figures import registry
from genai_notes.figures.base import Table
from genai_notes.figures.html import figure_html, table_csv, table_html
from genai_notes.figures.marks import Mark, Marks
from genai_notes.figures.render import render_svg_marks
from genai_notes.figures.style import LIGHT

TABLE = Table(
    ("model", "parameters", "memory (GB)"),
    (("tiny </script> <!--", 1e9, 2.0), ("big", 7e9, 14.000000000000002), ("gap", 3e9, None)),
    {"parameters": ".3g", "memory (GB)": ".1f"},
)
IMAGES = {v: f"a-{v}.svg" for v in ("light", "dark", "phone-light", "phone-dark")}
MARKS = {
    "": Marks(504.0, 259.2, ("memory (GB)",), (Mark(10, 20, 0, 0), Mark(30, 5, 1, 0))),
    "phone-": Marks(270.0, 336.96, ("memory (GB)",), (Mark(5, 40, 0, 0), Mark(20, 10, 1, 0))),
}


def _html(marks: Any = MARKS, table: Table = TABLE) -> str:
    return figure_html(
        table,
        caption="Memory",
        alt="Memory of two models",
        images=IMAGES,
        sizes=((7.0, 3.6), (3.75, 4.68)),
        csv_url="a.csv",
        csv_name="a.csv",
        anchor=None,
        marks=marks,
    )


def _embedded(page: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" class="genai-marks">(.*?)</script>', page)
    assert found is not None
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def test_an_explorable_figure_is_marked_focusable_and_carries_its_marks() -> None:
    page = _html()
    assert '<figure data-explorable tabindex="0">' in page
    data = _embedded(page)
    assert data["wide"] == {
        "width": 504.0,
        "height": 259.2,
        "series": ["memory (GB)"],
        "marks": [[10, 20, 0, 0], [30, 5, 1, 0]],
    }
    assert data["phone"]["marks"] == [[5, 40, 0, 0], [20, 10, 1, 0]]
    assert data["media"] == "screen and (max-width: 40em)"  # the <source>'s own query
    assert f'media="{data["media"]}"' in page


def test_the_embedded_rows_equal_the_csv_and_the_text_equals_the_data_table() -> None:
    data = _embedded(_html())
    rows = list(csv.reader(io.StringIO(table_csv(TABLE))))
    assert data["columns"] == rows[0]
    for embedded, written in zip(data["rows"], rows[1:], strict=True):
        for e, w in zip(embedded, written, strict=True):
            if isinstance(e, str) or e is None:
                assert (e or "") == w
            else:  # the same double, however it is spelled (7000000000 for 7e9)
                assert float(e) == float(w)
    assert data["rows"][1][2] == 14.000000000000002  # full precision, as in the CSV
    cells = re.findall(r"<td[^>]*>(.*?)</td>", table_html(TABLE))
    assert [html.unescape(c) for c in cells] == [t for row in data["text"] for t in row]
    assert data["text"][1] == ["big", "7\u00a0×\u00a010⁹", "14.0"]


def test_a_cell_cannot_close_the_script_it_is_embedded_in() -> None:
    page = _html()
    script = page.split('class="genai-marks">', 1)[1].split("</script>", 1)[0]
    assert "<" not in script and ">" not in script
    assert _embedded(page)["rows"][0][0] == "tiny </script> <!--"


def test_a_figure_without_marks_is_not_explorable() -> None:
    for marks in (None, {}):
        page = _html(marks)
        assert "data-explorable" not in page and "genai-marks" not in page


def test_sampling_temperature_has_a_mark_per_token_and_temperature_in_both_drawings() -> None:
    figures = registry.collect(["genai_notes.figures.sampling"])
    temperatures = [0.5, 2.0]
    tokens = ["a", "b", "c"]
    result = figures["sampling.temperature"].call(
        {"logits": [2.0, 1.0, 0.0], "temperatures": temperatures, "tokens": tokens}
    )
    for size in ((result.width, result.height), result.phone_size):
        _, marks = render_svg_marks(result, LIGHT, size)
        assert marks.series == ("p at T = 0.5", "p at T = 2")
        # each bar shows its token's row: 3 tokens x 2 temperatures, tokens left to right
        assert [(m.series, m.row) for m in marks.marks] == [
            (s, r) for s in (0, 1) for r in range(3)
        ]
        # a bar's top: the larger probability is higher on the page (smaller SVG y)
        first = [m for m in marks.marks if m.series == 0]
        assert first[0].y < first[1].y < first[2].y


def _guide_list() -> list[str]:
    """The figures the authoring guide says are explorable (its "Explorable today" list)."""
    guide = (Path(__file__).resolve().parents[2] / "docs/authoring/index.md").read_text("utf-8")
    listed = guide.split("Explorable today", 1)[1].split("\n\n", 1)[0]
    return re.findall(r"`([a-z_]+\.[a-z_0-9]+)`", listed)


def test_the_guide_lists_the_issue_s_figures() -> None:
    listed = _guide_list()
    issue = ["scaling.kaplan", "scaling.isoflop", "memory.training_stack", "memory.zero_stages"]
    assert {*issue, "sampling.temperature", "sampling.top_k_top_p"} <= set(listed)
    assert len(listed) >= 10


@pytest.mark.parametrize("name", _guide_list())
def test_each_figure_the_guide_lists_is_explorable(name: str) -> None:
    figures = registry.collect(list(registry.BUILTIN_MODULES))
    result = figures[name].call({})
    for size in ((result.width, result.height), result.phone_size):
        _, marks = render_svg_marks(result, LIGHT, size)
        assert marks.marks, name
        assert all(0 <= m.x <= marks.width and 0 <= m.y <= marks.height for m in marks.marks)


def test_embedded_numbers_are_written_out_never_in_e_notation() -> None:
    """No ``6.3e+16`` in the page's text: the script's JSON spells numbers in full (the same
    doubles to a parser), and leaves strings as they are."""
    table = Table(("label", "FLOPs", "rate"), (("1e+5 steps", 6.3e16, 1.2e-07),), {})
    marks = {"": Marks(10.0, 10.0, ("FLOPs",), (Mark(1, 2, 0, 0),)), "phone-": MARKS["phone-"]}
    page = _html(marks, table)
    script = page.split('class="genai-marks">', 1)[1].split("</script>", 1)[0]
    assert '"1e+5 steps"' in script
    assert re.search(r"\d[eE][+-]?\d", script.replace("1e+5 steps", "")) is None
    assert _embedded(page)["rows"] == [["1e+5 steps", 6.3e16, 1.2e-07]]


def test_a_data_cell_is_never_a_formula_or_a_computed_number() -> None:
    """The tiny model's samples quote the notes' source: "$2$" and "{{ x }}" in a cell stay
    text (character references), so no later step takes them for math or a number."""
    table = Table(("sample",), (("to $2$: {{ x }}",),), {})
    cell = re.findall(r"<td[^>]*>(.*?)</td>", table_html(table))[0]
    assert "$" not in cell and "{" not in cell and "}" not in cell
    assert html.unescape(cell) == "to $2$: {{ x }}"

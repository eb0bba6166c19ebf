"""Explorable figures in Chromium: keys, pointer and tap show the values of the CSV's rows.

Each announced value is checked against the CSV the page offers (read from the built site),
formatted here with the figure's own column formats; the marks' places against the drawing
the page shows. Over HTTP, at 390 px, in both palettes (axe), and from the unzipped offline
copy over file://.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.base import AXE_FILE_PATH

from genai_notes.figures import registry
from genai_notes.numbers import format_number
from tests.browser.helpers import guard, settled

pytestmark = pytest.mark.browser

PAGE = "week1/scaling-laws"
"""The scaling-laws page: Kaplan's power laws and the iso-FLOP curves, both explorable."""

_VIOLATIONS = """async (options) => {
  const result = await axe.run(document, options);
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.length} x, e.g. ${v.nodes[0].target.join(" ")}`);
}"""


def _figure(page: Any, column: str) -> tuple[Any, dict[str, Any]]:
    """The explorable figure whose table has ``column``, and its embedded data."""
    figures = page.locator("figure[data-explorable]")
    for i in range(figures.count()):
        figure = figures.nth(i)
        data = figure.evaluate(
            "f => { let n = f.nextElementSibling;"
            " while (n && !n.classList.contains('genai-marks')) n = n.nextElementSibling;"
            " return JSON.parse(n.textContent); }"
        )
        if column in data["columns"]:
            figure.scroll_into_view_if_needed()
            return figure, data
    raise AssertionError(f"no explorable figure with a column {column!r}")


def _csv_rows(page: Any, figure: Any, site: Path | None) -> list[list[str]]:
    """The CSV the figure's Download link offers, read from the built files."""
    href = figure.evaluate("f => f.parentElement.querySelector('.genai-download a').href")
    if site is None:  # over HTTP
        text = page.request.get(href).text()
    else:
        text = Path(href.removeprefix("file://")).read_text(encoding="utf-8")
    return list(csv.reader(io.StringIO(text)))


def _expected(name: str, rows: list[list[str]], row: int) -> list[str]:
    """``column: value`` for each cell of CSV row ``row``, formatted as the figure's table
    formats that column (the figure drawn here at its defaults)."""
    formats = registry.collect(list(registry.BUILTIN_MODULES))[name].call({}).table.formats
    parts = []
    for column, cell in zip(rows[0], rows[row + 1], strict=True):
        try:
            value = float(cell)
        except ValueError:
            shown = cell or "—"
        else:
            number: float | int = int(cell) if cell.lstrip("-").isdigit() else value
            shown = format_number(number, formats.get(column, ""))
        parts.append(f"{column}: {shown}")
    return parts


def _readout(figure: Any) -> tuple[str, int, str]:
    readout = figure.locator(".genai-explore-readout")
    readout.wait_for(state="visible")
    assert readout.get_attribute("aria-live") == "polite"
    return (
        readout.inner_text(),
        int(readout.get_attribute("data-row")),
        readout.get_attribute("data-series"),
    )


def _keyboard_walk(page: Any, site: Path | None) -> None:
    figure, data = _figure(page, "compute (FLOPs)")  # the iso-FLOP curves
    rows = _csv_rows(page, figure, site)
    # the embedded values are the CSV's
    assert data["columns"] == rows[0]
    for embedded, written in zip(data["rows"], rows[1:], strict=True):
        for cell, text in zip(embedded, written, strict=True):
            if isinstance(cell, str) or cell is None:
                assert (cell or "") == text
            else:  # the same float, bit for bit (JSON numbers reach Python as int or float)
                assert float(cell) == float(text)
    figure.focus()
    seen = []
    for key in [None, "ArrowRight", "ArrowRight", "ArrowRight", "ArrowDown", "ArrowRight"]:
        if key:
            page.keyboard.press(key)
        text, row, series = _readout(figure)
        for part in _expected("scaling.isoflop", rows, row):
            assert part in text, (part, text)
        assert text.startswith(series + " — ")
        seen.append((row, series))
    # Right steps along a curve (the next model size), Down to the next curve, Right along it
    assert [r for r, _ in seen[:4]] == [0, 1, 2, 3]
    assert len({s for _, s in seen[:4]}) == 1 and seen[4][1] != seen[3][1]
    assert seen[5][1] == seen[4][1] and seen[5][0] == seen[4][0] + 1
    ring = figure.locator(".genai-explore-ring")
    assert ring.is_visible()
    page.keyboard.press("Escape")
    assert not ring.is_visible()
    assert not figure.locator(".genai-explore-readout").is_visible()


@pytest.fixture
def page_at(browser: Any, site_url: str) -> Iterator[Any]:
    contexts: list[Any] = []

    def opener(**context_args: Any) -> Any:
        context = browser.new_context(**context_args)
        contexts.append(context)
        page = context.new_page()
        blocked, errors = guard(page)
        page.goto(site_url + PAGE + "/", wait_until="load")
        settled(page)
        page.blocked, page.errors = blocked, errors  # type: ignore[attr-defined]
        return page

    yield opener
    for context in contexts:
        context.close()


def test_arrow_keys_step_through_the_iso_flop_marks_announcing_csv_rows(page_at: Any) -> None:
    page = page_at()
    assert page.locator("figure[data-explorable]").count() >= 2
    _keyboard_walk(page, None)
    assert page.blocked == [] and page.errors == []


def _mark_on_screen(
    figure: Any, data: dict[str, Any], which: str, index: int
) -> tuple[float, float]:
    """Where mark ``index`` of the ``which`` drawing is on screen, from the shown image."""
    figure.scroll_into_view_if_needed()
    # Drawings load lazily: wait until the shown one has chosen its file.
    figure.evaluate(
        """f => new Promise(done => { const shown = () => [...f.querySelectorAll('picture img')]
                 .find(img => img.getBoundingClientRect().width > 0 && img.currentSrc);
               const check = () => shown() ? done() : setTimeout(check, 50); check(); })"""
    )
    box = figure.evaluate(
        """f => { const i = [...f.querySelectorAll('picture img')]
                    .find(img => img.getBoundingClientRect().width > 0);
                  const r = i.getBoundingClientRect();
                  return [r.left, r.top, r.width, r.height, i.currentSrc]; }"""
    )
    drawing = data[which]
    x, y = drawing["marks"][index][:2]
    assert ("-phone-" in box[4]) == (which == "phone")
    return box[0] + x / drawing["width"] * box[2], box[1] + y / drawing["height"] * box[3]


def test_a_pointer_near_a_mark_shows_that_mark_s_row(page_at: Any) -> None:
    page = page_at(viewport={"width": 1280, "height": 900})
    figure, data = _figure(page, "loss (nats/token)")
    index = len(data["wide"]["marks"]) // 2
    x, y = _mark_on_screen(figure, data, "wide", index)
    page.mouse.move(x + 4, y - 3)
    _, row, _ = _readout(figure)
    assert row == data["wide"]["marks"][index][2]
    ring = figure.locator(".genai-explore-ring").bounding_box()
    assert abs(ring["x"] + ring["width"] / 2 - x) < 1.5
    assert abs(ring["y"] + ring["height"] / 2 - y) < 1.5


def test_a_tap_at_390_px_uses_the_phone_drawing_s_marks(page_at: Any) -> None:
    page = page_at(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    figure, data = _figure(page, "compute (FLOPs)")
    index = 5
    x, y = _mark_on_screen(figure, data, "phone", index)
    page.touchscreen.tap(x + 2, y + 2)
    text, row, _ = _readout(figure)
    assert row == data["phone"]["marks"][index][2]
    box = figure.locator(".genai-explore-readout").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    rows = _csv_rows(page, figure, None)
    for part in _expected("scaling.isoflop", rows, row):
        assert part in text, (part, text)


@pytest.mark.parametrize("palette", ["light", "dark"])
def test_axe_is_clean_with_a_value_shown(browser: Any, site_url: str, palette: str) -> None:
    context = browser.new_context(color_scheme=palette)
    context.add_init_script(path=str(AXE_FILE_PATH))
    page = context.new_page()
    try:
        page.goto(site_url + PAGE + "/", wait_until="load")
        settled(page)
        figure, _ = _figure(page, "compute (FLOPs)")
        figure.focus()
        page.keyboard.press("ArrowRight")
        _readout(figure)
        found = page.evaluate(_VIOLATIONS, {"resultTypes": ["violations"]})
        assert found == []
        assert figure.evaluate("f => getComputedStyle(f).outlineStyle") != "none"
    finally:
        context.close()


def test_the_offline_copy_explores_by_keyboard_from_file_urls(
    browser: Any, offline_copy: Path
) -> None:
    context = browser.new_context()
    page = context.new_page()
    outside, errors = guard(page, lambda url: url.startswith(("file:", "data:", "blob:")))
    try:
        page.goto((offline_copy / f"{PAGE}.html").as_uri(), wait_until="load")
        _keyboard_walk(page, offline_copy)
        assert outside == [] and errors == []
    finally:
        context.close()

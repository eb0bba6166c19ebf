"""Layout on every page, measured in Chromium: nothing scrolls sideways at 1280 px, a phone's
wide tables keep a visible scroll cue, no heading wraps its ¶ alone onto a line, and numeric
table cells are right-aligned in tabular figures."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.site.helpers import nav_sources, page_path

pytestmark = pytest.mark.browser

# Every box that could scroll sideways: the document, Material's table wrapper, the figures'
# data boxes, code blocks, figures and display maths. A box "scrolls" when its content is wider
# than it by more than a pixel (sub-pixel rounding).
_SIDEWAYS = """() => {
  const boxes = [document.scrollingElement, ...document.querySelectorAll(
    ".md-typeset .md-typeset__scrollwrap, .md-typeset .genai-table, .md-typeset pre, " +
    ".md-typeset pre > code, .md-typeset .genai-figure, .md-typeset figure, " +
    ".md-typeset .math-display, .md-typeset table")];
  const name = (box) => box === document.scrollingElement ? "the document" :
    box.tagName.toLowerCase() + (box.className ? "." + String(box.className).split(" ")[0] : "") +
    " near '" + (box.closest("[id]") || {id: ""}).id + "'";
  return boxes.filter((box) => box.scrollWidth > box.clientWidth + 1 && box.clientWidth > 0)
    .map((box) => `${name(box)}: ${box.scrollWidth} px of content in ${box.clientWidth} px`);
}"""

# At 390 px: every table box that scrolls sideways has the visible "scrolls sideways" line
# right above it, and its shadow cue (a background image) is set.
_CUES = """() => {
  const missing = [];
  const boxes = document.querySelectorAll(
    ".md-typeset .md-typeset__scrollwrap, .md-typeset .genai-table");
  for (const box of boxes) {
    if (box.parentElement.closest(".genai-table")) continue;
    if (!box.offsetParent || box.scrollWidth <= box.clientWidth + 1) continue;
    const hint = box.previousElementSibling;
    const shown = hint && hint.classList.contains("genai-scroll-hint") &&
      hint.getBoundingClientRect().height > 0 && getComputedStyle(hint).visibility === "visible";
    const shadow = getComputedStyle(box).backgroundImage.includes("gradient");
    if (!shown || !shadow) missing.push((box.querySelector("th") || box).textContent.slice(0, 40));
  }
  return missing;
}"""

# Numeric cells found by their text (the test's own pattern, not the page's marker): in a
# column whose every filled body cell is a number, possibly with a unit, each cell must be
# right-aligned and set in tabular figures. A column of bit patterns ("10000000") is not one.
_ALIGNMENT = r"""() => {
  const power = "(\\s*\u00d7\\s*10[\u2070\u00b9\u00b2\u00b3\u2074-\u2079\u207b]+)?";
  const number = new RegExp("^[\u2212+\\-\u2248~<>]?\\s*[$]?\\d[\\d,.\u202f\u00a0\u2009 ]*" +
    power + "\\s*(%|[A-Za-z\u00b5/]{1,12})?$");
  const wrong = [];
  for (const table of document.querySelectorAll(".md-typeset table:not([class])")) {
    if (!table.offsetParent && !table.closest("details")) continue;
    const rows = [...table.tBodies].flatMap((body) => [...body.rows]);
    const width = Math.max(0, ...rows.map((row) => row.cells.length));
    for (let c = 0; c < width; c++) {
      const cells = rows.map((row) => row.cells[c]).filter((cell) => cell &&
        cell.tagName === "TD" && !["", "\u2014"].includes(cell.textContent.trim()));
      const texts = cells.map((cell) => cell.textContent.trim());
      if (!texts.length || !texts.every((text) => number.test(text))) continue;
      if (texts.every((text) => /^[01]{5,}$/.test(text))) continue;
      for (const cell of cells) {
        const style = getComputedStyle(cell);
        const align = style.textAlign;
        const tabular = style.fontVariantNumeric.includes("tabular-nums");
        if ((align !== "right" && align !== "end") || !tabular) {
          wrong.push(`'${cell.textContent.trim()}' is ${align}, ${style.fontVariantNumeric}`);
          break;
        }
      }
    }
  }
  return wrong;
}"""

# Each heading's permalink (the ¶ Material shows on hover) sits on the line of the heading's
# last word: a ¶ alone on a line of its own leaves an empty-looking line under the heading.
_LONE_PERMALINKS = """() => [...document.querySelectorAll(
    ".md-typeset :is(h1, h2, h3, h4, h5, h6) > .headerlink")].flatMap((link) => {
  const words = document.createRange();
  words.selectNodeContents(link.parentElement);
  words.setEndBefore(link);
  const lines = [...words.getClientRects()];
  if (!lines.length || !link.offsetParent) return [];
  const last = lines[lines.length - 1];
  return link.getBoundingClientRect().top >= last.bottom - 2
    ? [link.parentElement.textContent.slice(0, 60)] : [];
})"""

# Calculator tables: no header word is broken over two lines (a hyphen is a break opportunity:
# "After top-k" became "After top-" over "k"), and a table that scrolls sideways shows the
# same edge shadows as the page's tables.
_CALCULATOR_TABLES = """() => {
  const found = [];
  for (const box of document.querySelectorAll(".md-typeset .genai-calc__table")) {
    if (!box.offsetParent) continue;
    for (const th of box.querySelectorAll("thead th")) {
      const text = th.firstChild && th.firstChild.nodeType === 3 ? th.firstChild : null;
      if (!text) continue;
      for (const match of text.data.matchAll(/\\S+/g)) {
        const word = document.createRange();
        word.setStart(text, match.index);
        word.setEnd(text, match.index + match[0].length);
        const tops = new Set([...word.getClientRects()].map((r) => Math.round(r.top)));
        if (tops.size > 1) found.push(`'${match[0]}' broken over lines`);
      }
    }
    const shadow = getComputedStyle(box).backgroundImage.includes("gradient");
    if (box.scrollWidth > box.clientWidth + 1 && !shadow) found.push("scrolls with no shadow cue");
  }
  return found;
}"""

# An inline formula right after an opening bracket starts on the bracket's line: "in GB ("
# at the end of one line and "10⁹ bytes)" on the next read as a broken sentence.
_BRACKET_LEFT_BEHIND = """() => [...document.querySelectorAll(".md-typeset math")].flatMap((m) => {
  const math = m;
  if (math.getAttribute("display") === "block" || !math.getClientRects().length) return [];
  let node = math.previousSibling;
  while (node && node.nodeType === 1 && !node.textContent) node = node.previousSibling;
  if (node && node.nodeType === 1 && node.lastChild) node = node.lastChild;
  if (!node || node.nodeType !== 3 || !node.data.endsWith("(")) return [];
  const bracket = document.createRange();
  bracket.setStart(node, node.data.length - 1);
  bracket.setEnd(node, node.data.length);
  const top = bracket.getBoundingClientRect().bottom;
  const first = math.getClientRects()[0];
  return first && Math.abs(first.bottom - top) > 6
    ? [`"(" left behind before ${math.getAttribute("alttext")}`] : [];
})"""


@pytest.fixture(scope="module")
def pages(browser: Any, site_url: str) -> Iterator[Any]:
    """A function that opens each page at a width and returns what ``script`` found there."""
    contexts: list[Any] = []

    def visit(width: int, script: str) -> dict[str, list[str]]:
        context = browser.new_context(viewport={"width": width, "height": 900})
        contexts.append(context)
        page = context.new_page()
        found: dict[str, list[str]] = {}
        for source in nav_sources():
            page.goto(site_url + page_path(source), wait_until="load")
            page.wait_for_timeout(50)  # the template's table script runs on the next frame
            result = page.evaluate(script)
            if result:
                found[source] = result
        return found

    yield visit
    for context in contexts:
        context.close()


def test_no_element_of_any_page_scrolls_sideways_at_1280(pages: Any) -> None:
    assert pages(1280, _SIDEWAYS) == {}


def test_wide_tables_on_a_phone_show_a_scroll_cue(pages: Any) -> None:
    assert pages(390, _CUES) == {}


@pytest.mark.parametrize("width", [1280, 390])
def test_no_heading_wraps_its_permalink_onto_a_line_of_its_own(pages: Any, width: int) -> None:
    assert pages(width, _LONE_PERMALINKS) == {}


@pytest.mark.parametrize("width", [1280, 390])
def test_calculator_tables_keep_header_words_whole_and_cue_scrolling(
    pages: Any, width: int
) -> None:
    assert pages(width, _CALCULATOR_TABLES) == {}


@pytest.mark.parametrize("width", [1280, 390])
def test_no_inline_formula_leaves_its_opening_bracket_on_the_line_before(
    pages: Any, width: int
) -> None:
    assert pages(width, _BRACKET_LEFT_BEHIND) == {}


def test_numeric_cells_are_right_aligned_in_tabular_figures_on_every_page(pages: Any) -> None:
    assert pages(1280, _ALIGNMENT) == {}


# The catalogue's parameter names: Material lets code break anywhere in a table cell, which
# split "group_sizes" over two lines at 1280 px.
_BROKEN_NAMES = """() => [...document.querySelectorAll(
    ".md-typeset .genai-catalogue-params td:first-child code")]
  .filter((code) => code.getClientRects().length > 1
    || code.getBoundingClientRect().height > 1.8 * parseFloat(getComputedStyle(code).fontSize))
  .map((code) => code.textContent)"""


def test_catalogue_parameter_names_stay_on_one_line(browser: Any, site_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site_url + "authoring/figures/", wait_until="load")
    assert page.locator(".genai-catalogue-params td:first-child code").count() >= 40
    assert page.evaluate(_BROKEN_NAMES) == []
    context.close()


# A default value breaks only at its spaces: at 390 px ["cats", "chase", "mice"] was cut
# before its commas, a line holding a lone ",".
_COMMA_LINES = """() => [...document.querySelectorAll(
    ".md-typeset .genai-catalogue-params td:nth-child(3) code")].filter((code) => {
  const text = code.firstChild;
  if (!text || text.nodeType !== Node.TEXT_NODE) return false;
  const range = document.createRange();
  let top = null;
  for (let i = 0; i < text.length; i++) {
    range.setStart(text, i);
    range.setEnd(text, i + 1);
    const box = range.getBoundingClientRect();
    if (box.width === 0) continue;
    const starts = top !== null && box.top > top + 2;
    if (starts && text.data[i] === ",") return true;
    if (top === null || starts) top = box.top;
  }
  return false;
}).map((code) => code.textContent)"""


def test_catalogue_defaults_never_start_a_line_with_a_comma(browser: Any, site_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(site_url + "authoring/figures/", wait_until="load")
    assert page.evaluate(_COMMA_LINES) == []
    context.close()


# On a phone, highlighted code keeps its lines (it scrolls in its box): a wrapped Python line
# started again at the margin, unindented, and read as a new statement. A block has as many
# line boxes as lines of source.
_WRAPPED_CODE = """() => [...document.querySelectorAll(".md-typeset div.highlight pre > code")]
  .filter((code) => code.querySelector(":scope > span[class]"))
  .filter((code) => {
    const lines = code.textContent.replace(/\\n$/, "").split("\\n").length;
    const height = parseFloat(getComputedStyle(code).lineHeight);
    const padding = parseFloat(getComputedStyle(code).paddingTop)
      + parseFloat(getComputedStyle(code).paddingBottom);
    return Math.round((code.scrollHeight - padding) / height) > lines;
  }).map((code) => code.textContent.slice(0, 40))"""


@pytest.mark.parametrize("path", ["week3/architecture/", "week3/preference-and-reasoning/"])
def test_highlighted_code_keeps_its_lines_on_a_phone(
    browser: Any, site_url: str, path: str
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(site_url + path, wait_until="load")
    assert page.locator(".md-typeset div.highlight pre > code > span[class]").count() > 0
    assert page.evaluate(_WRAPPED_CODE) == []
    context.close()


# Punctuation after an inline formula stays on the formula's line: at 1280 px the stop after
# "d × k" on the PEFT page began the next line alone.
_ORPHANED_PUNCTUATION = """() => [...document.querySelectorAll(
    ".md-typeset math:not([display=block])")].filter((math) => {
    const next = math.nextSibling;
    if (!next || next.nodeType !== Node.TEXT_NODE || !/^[.,;:!?)]/.test(next.data)) return false;
    const range = document.createRange();
    range.setStart(next, 0);
    range.setEnd(next, 1);
    const stop = range.getBoundingClientRect();
    const box = math.getBoundingClientRect();
    if (box.height === 0 || stop.height === 0) return false;  // folded away, not laid out
    return stop.top >= box.bottom - 2;
  }).map((math) => math.getAttribute("alttext"))"""


@pytest.mark.parametrize("width", [1280, 390])
def test_punctuation_after_inline_math_stays_on_its_line(
    browser: Any, site_url: str, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    found = {}
    for path in ("week2/peft/", "week3/rlhf/", "week3/preference-and-reasoning/"):
        page.goto(site_url + path, wait_until="load")
        orphans = page.evaluate(_ORPHANED_PUNCTUATION)
        if orphans:
            found[path] = orphans
    context.close()
    assert found == {}

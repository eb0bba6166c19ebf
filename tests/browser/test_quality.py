"""Quality of the built site in Chromium: axe-core in both palettes, the keyboard, phone width,
the offline copy and the PDF."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.base import AXE_FILE_PATH
from mkdocs.utils import yaml_load

from tests.browser.helpers import guard, settled
from tests.site.helpers import (
    ROOT,
    nav_sources,
    page_path,
)

pytestmark = pytest.mark.browser

# Colours are all a palette changes, so the dark palette re-runs only the colour rules.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
SCHEMES = {"light": "default", "dark": "slate"}

_VIOLATIONS = """async (options) => {
  const result = await axe.run(document, options);
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.length} x, e.g. ${v.nodes[0].target.join(" ")}`
      + ` -- ${v.nodes[0].failureSummary.replace(/\\s+/g, " ").slice(0, 200)}`);
}"""

_FOCUS_RING = """(element) => {
  const style = getComputedStyle(element);
  return style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 1;
}"""


@pytest.mark.parametrize("palette", sorted(SCHEMES))
def test_axe_finds_no_serious_or_critical_violation_on_any_page(
    browser: Any, site_url: str, palette: str
) -> None:
    context = browser.new_context(color_scheme=palette)
    context.add_init_script(path=str(AXE_FILE_PATH))
    page = context.new_page()
    options: dict[str, Any] = {"resultTypes": ["violations"]}
    if palette == "dark":
        options["runOnly"] = {"type": "rule", "values": COLOUR_RULES}
    found: list[str] = []
    try:
        for source in nav_sources():
            page.goto(site_url + page_path(source), wait_until="load")
            settled(page)
            scheme = page.locator("body").get_attribute("data-md-color-scheme")
            assert scheme == SCHEMES[palette], source
            found += [f"{source}: {v}" for v in page.evaluate(_VIOLATIONS, options)]
    finally:
        context.close()
    assert found == []


@pytest.fixture
def keyboard_page(browser: Any) -> Iterator[Any]:
    """A desktop-sized page for a reader on the keyboard."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield context.new_page()
    context.close()


def _tab_to(page: Any, selector: str, limit: int = 400) -> Any:
    """Press Tab until the focused element matches ``selector``; return it."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate_handle("document.activeElement")
        if page.evaluate("([e, s]) => e.matches(s)", [focused, selector]):
            return focused
    pytest.fail(f"{limit} presses of Tab never reached {selector}")


def test_palette_toggle_works_by_tab_and_enter_with_a_focus_ring(
    keyboard_page: Any, site_url: str
) -> None:
    page = keyboard_page
    page.goto(site_url, wait_until="load")
    option = _tab_to(page, "input.md-option")
    # The radio itself is invisible; the ring is drawn on the icon that follows it.
    assert page.evaluate(f"(e) => ({_FOCUS_RING})(e.nextElementSibling)", option)
    schemes = []
    for _ in range(3):
        page.keyboard.press("Enter")
        schemes.append(page.locator("body").get_attribute("data-md-color-scheme"))
    assert schemes[:2] == ["default", "slate"]
    assert page.locator("body").get_attribute("data-md-color-media") == "(prefers-color-scheme)"


_QUIET_FOR_300_MS = """(selector) => new Promise((resolve) => {
  const target = document.querySelector(selector);
  const observer = new MutationObserver(() => {
    clearTimeout(timer);
    timer = setTimeout(done, 300);
  });
  let timer = setTimeout(done, 300);
  function done() { observer.disconnect(); resolve(true); }
  observer.observe(target, { childList: true, subtree: true, characterData: true });
})"""


def test_search_works_by_tab_typing_arrows_enter_and_escape(
    keyboard_page: Any, site_url: str
) -> None:
    page = keyboard_page
    page.goto(site_url, wait_until="load")
    field = _tab_to(page, "input.md-search__input")
    assert page.evaluate(_FOCUS_RING, field)
    page.keyboard.press("Escape")
    # Material closes the search on the key's event; give a loaded machine a moment
    page.wait_for_function("() => !document.getElementById('__search').checked", timeout=5_000)
    field = _tab_to(page, "input.md-search__input")
    page.keyboard.type("Chinchilla", delay=20)
    page.locator(".md-search-result__item").first.wait_for(state="visible", timeout=10_000)
    # the list is drawn again for each letter's results: wait until it stops changing, or the
    # arrow may focus a result that is about to be replaced (CI, under load)
    page.evaluate(_QUIET_FOR_300_MS, ".md-search-result")
    page.keyboard.press("ArrowDown")
    link = page.evaluate_handle("document.activeElement")
    assert page.evaluate("(e) => e.matches('.md-search-result__link')", link)
    assert page.evaluate(_FOCUS_RING, link)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"week1/scaling-laws/"))


def test_navigation_works_by_tab_and_enter(keyboard_page: Any, site_url: str) -> None:
    page = keyboard_page
    page.goto(site_url, wait_until="load")
    link = _tab_to(page, ".md-nav__link[href$='week1/transformers/']")
    assert page.evaluate(_FOCUS_RING, link)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"week1/transformers/$"))
    assert "Transformer" in page.locator("h1").first.inner_text()


@pytest.mark.parametrize("path", ["week1/scaling-laws/", "week1/generation-config/"])
def test_every_collapsible_block_opens_and_closes_by_tab_and_enter(
    keyboard_page: Any, site_url: str, path: str
) -> None:
    page = keyboard_page
    page.goto(site_url + path, wait_until="load")
    # Every summary the reader can see (a walkthrough's steps not shown are not in the way).
    total = page.eval_on_selector_all(
        "details > summary", "(all) => all.filter((s) => s.getClientRects().length > 0).length"
    )
    assert total >= 1
    visited = 0
    for _ in range(1000):
        page.keyboard.press("Tab")
        focused = page.evaluate_handle("document.activeElement")
        tag = page.evaluate("(e) => e.tagName", focused)
        if tag == "BODY" and visited:
            break  # Tab wrapped past the end of the page
        if tag != "SUMMARY":
            continue
        visited += 1
        assert page.evaluate(_FOCUS_RING, focused), f"summary {visited} has no focus ring"
        is_open = "(e) => e.parentElement.open"
        before = page.evaluate(is_open, focused)
        page.keyboard.press("Enter")
        assert page.evaluate(is_open, focused) is not before
        page.keyboard.press("Enter")
        assert page.evaluate(is_open, focused) is before
        if visited == total:
            break
    assert visited == total


def test_no_page_scrolls_sideways_at_phone_width(browser: Any, site_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    wide = []
    try:
        for source in nav_sources():
            page.goto(site_url + page_path(source), wait_until="load")
            settled(page)
            scroll, inner = page.evaluate(
                "[document.documentElement.scrollWidth, window.innerWidth]"
            )
            if scroll > inner:
                culprit = page.evaluate(_WIDEST)
                wide.append(f"{source}: {scroll} px > {inner} px, widest: {culprit}")
    finally:
        context.close()
    assert wide == []


# The element reaching furthest right that is not inside a box that scrolls: the culprit.
_WIDEST = """() => {
  let worst = null, right = 0;
  for (const e of document.querySelectorAll(".md-main *")) {
    const r = e.getBoundingClientRect().right;
    if (r > right) { right = r; worst = e; }
  }
  return worst ? `${worst.tagName}.${worst.className} (${Math.round(right)} px)` : "?";
}"""


def test_offline_copy_searches_chinchilla_from_file_urls(browser: Any, offline_copy: Path) -> None:
    index = offline_copy / "index.html"
    context = browser.new_context()
    page = context.new_page()
    outside, errors = guard(page, lambda url: url.startswith(("file:", "data:", "blob:")))
    try:
        page.goto(index.as_uri(), wait_until="load")
        page.keyboard.press("/")
        page.locator("input.md-search__input").press_sequentially("Chinchilla", delay=20)
        result = page.locator(".md-search-result__link").first
        result.wait_for(state="visible", timeout=15_000)
        result.click()
        page.wait_for_url(re.compile(r"week1/scaling-laws\.html"))
        assert "Chinchilla" in page.locator("article").inner_text()
        assert outside == []
        assert errors == []
    finally:
        context.close()


def _expected_bookmarks() -> list[str]:
    """The chapter titles of mkdocs.yml's navigation, read here, not by scripts/pdf.py.

    The PDF is the course: every titled page in the navigation's order, without the
    "Authoring" section (for the people who write the notes).
    """
    with (ROOT / "mkdocs.yml").open(encoding="utf-8") as file:
        nav = yaml_load(file)["nav"]
    titles: list[str] = []

    def walk(items: list[Any]) -> None:
        for item in items:
            for title, value in item.items():
                if isinstance(value, list):
                    if title != "Authoring":
                        walk(value)
                else:
                    titles.append(title)

    walk(nav)
    return titles


def _flatten(outline: list[Any]) -> Iterator[Any]:
    for item in outline:
        if isinstance(item, list):
            yield from _flatten(item)
        else:
            yield item


def _first_page(reader: Any, item: Any) -> int:
    number: int = reader.get_destination_page_number(item)
    return number


def _body_size(pages: list[Any]) -> float:
    """The font size in points that most characters of ``pages`` are printed at."""
    import math
    from collections import Counter

    sizes: Counter[float] = Counter()

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        # The size on paper: the font size times the vertical scale of text and page matrices.
        scale = math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3])
        sizes[round(size * scale, 1)] += len(text.strip())

    for page in pages:
        page.extract_text(visitor_text=visit)
    return sizes.most_common(1)[0][0]


def test_course_pdf_has_a_bookmark_per_chapter_and_no_raw_tex(
    site_dir: Path, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    target = tmp_path / "course.pdf"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts/pdf.py"),
            "--site",
            str(site_dir),
            "--out",
            str(target),
        ],
        cwd=ROOT,
        check=True,
    )
    reader = PdfReader(target)
    expected = _expected_bookmarks()
    assert expected[0] == "Home"
    assert "Reinforcement learning from human feedback" in expected
    assert "Authoring guide" not in expected

    def leaves(outline: list[Any]) -> Iterator[str]:
        for position, item in enumerate(outline):
            if isinstance(item, list):
                yield from leaves(item)
            elif not (position + 1 < len(outline) and isinstance(outline[position + 1], list)):
                yield item.title

    assert list(leaves(reader.outline)) == expected
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) > len(expected)
    for raw in ("\\frac", "\\(", "\\["):
        assert raw not in text, f"raw TeX {raw!r} in the PDF"
    # A formula left as TeX: dollars around TeX syntax (a lone '$', as in a regular
    # expression of a code example, is not math).
    formula = re.search(r"\$[^$\n]*[\\^_{][^$\n]*\$", text)
    assert formula is None, f"raw TeX {formula.group(0)!r} in the PDF"
    assert "Chinchilla" in text
    assert "(https://arxiv.org/abs/" in text  # external links print their address
    assert "127.0.0.1" not in text  # the site's own links do not
    # Numbered as one book, not chapter by chapter: each page ends with its own number.
    last_words = [page.extract_text().split()[-1:] for page in reader.pages]
    assert last_words == [[str(n)] for n in range(1, len(reader.pages) + 1)]
    # 11 pt body text in every chapter: Chromium shrinks a whole chapter to fit anything too
    # wide, which would show as a smaller most common size on the chapter's first pages.
    firsts = sorted({_first_page(reader, item) for item in _flatten(reader.outline)})
    for start, end in zip(firsts, [*firsts[1:], len(reader.pages)], strict=True):
        pages = reader.pages[start : min(end, start + 2)]
        assert _body_size(pages) == pytest.approx(11.0, abs=0.05), f"page {start + 1}"

"""Tap or click to enlarge a figure: an Enlarge button per drawing opens a modal dialog."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.helpers import guard

pytestmark = pytest.mark.browser

PAGE = "week1/scaling-laws/"


@pytest.fixture
def context(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    width = getattr(request, "param", 1280)
    context = browser.new_context(viewport={"width": width, "height": 900})
    yield context
    context.close()


def _first_button(page: Any) -> Any:
    button = page.locator(".genai-figure .genai-zoom-button").first
    button.scroll_into_view_if_needed()
    return button


def test_every_drawn_figure_has_an_enlarge_button(context: Any, site_url: str) -> None:
    page = context.new_page()
    page.goto(site_url + PAGE, wait_until="load")
    drawn = page.locator(".genai-figure:has(figure picture)").count()
    assert drawn >= 3
    assert page.locator(".genai-figure .genai-zoom-button").count() == drawn
    # table figures (no drawing) get none
    assert page.locator(".genai-figure:not(:has(picture)) .genai-zoom-button").count() == 0


def test_enter_opens_the_drawing_at_full_width_and_escape_returns_focus(
    context: Any, site_url: str
) -> None:
    page = context.new_page()
    _, errors = guard(page)
    page.goto(site_url + PAGE, wait_until="load")
    button = _first_button(page)
    button.focus()
    page.keyboard.press("Enter")
    dialog = page.locator("dialog.genai-zoom")
    assert dialog.evaluate("d => d.open") is True
    image = dialog.locator("img")
    image.evaluate("i => i.decode()")
    # the wide drawing of the palette shown, nearly as wide as the window
    assert image.get_attribute("src").endswith("-light.svg")
    assert image.evaluate("i => i.getBoundingClientRect().width") > 0.9 * 1280 - 60
    assert dialog.locator(".genai-zoom__caption").inner_text().strip() != ""
    assert page.evaluate("document.activeElement.classList.contains('genai-zoom__close')")
    page.keyboard.press("Escape")
    assert dialog.evaluate("d => d.open") is False
    assert page.evaluate("document.activeElement.classList.contains('genai-zoom-button')")
    assert errors == []


def test_space_opens_and_the_close_button_closes(context: Any, site_url: str) -> None:
    page = context.new_page()
    page.goto(site_url + PAGE, wait_until="load")
    button = _first_button(page)
    button.focus()
    page.keyboard.press(" ")
    dialog = page.locator("dialog.genai-zoom")
    assert dialog.evaluate("d => d.open") is True
    page.keyboard.press("Enter")  # focus is on Close
    assert dialog.evaluate("d => d.open") is False


@pytest.mark.parametrize("context", [390], indirect=True)
def test_a_tap_enlarges_on_a_phone_to_the_wide_drawing_at_its_natural_width(
    context: Any, site_url: str
) -> None:
    page = context.new_page()
    page.goto(site_url + PAGE, wait_until="load")
    _first_button(page).click()
    dialog = page.locator("dialog.genai-zoom")
    assert dialog.evaluate("d => d.open") is True
    image = dialog.locator("img")
    # the wide drawing (not the phone one), its labels at their designed size: it scrolls
    assert "phone" not in image.get_attribute("src")
    assert image.evaluate("i => i.getBoundingClientRect().width") >= 672
    page.mouse.click(2, 2)  # the backdrop
    assert dialog.evaluate("d => d.open") is False


def test_enlarging_works_from_a_file_url(context: Any, site_dir: Path) -> None:
    page = context.new_page()
    _, errors = guard(page, lambda url: url.startswith(("file:", "data:", "blob:")))
    page.goto((site_dir / PAGE / "index.html").as_uri(), wait_until="load")
    _first_button(page).click()
    dialog = page.locator("dialog.genai-zoom")
    assert dialog.evaluate("d => d.open") is True
    assert dialog.locator("img").evaluate("i => i.decode().then(() => i.naturalWidth)") > 0
    assert [e for e in errors if "zoom" in e] == []


# The last line of these captions runs to the right edge at both widths (the button was laid
# over it by a negative top margin).
@pytest.mark.parametrize("context", [1280, 390], indirect=True)
@pytest.mark.parametrize("page_path", ["week2/evaluation/", "week3/rag/"])
def test_the_enlarge_button_never_covers_its_caption(
    context: Any, site_url: str, page_path: str
) -> None:
    page = context.new_page()
    page.goto(site_url + page_path, wait_until="load")
    covered = page.evaluate(
        """() => [...document.querySelectorAll('.genai-figure .genai-zoom-button')].filter(b => {
          const caption = b.closest('.genai-figure').querySelector('figcaption');
          const range = document.createRange();
          range.selectNodeContents(caption);
          const box = b.getBoundingClientRect();
          return [...range.getClientRects()].some(line => line.bottom > box.top + 0.5
            && line.top < box.bottom && line.right > box.left && line.left < box.right);
        }).length"""
    )
    assert page.locator(".genai-figure .genai-zoom-button").count() >= 2
    assert covered == 0

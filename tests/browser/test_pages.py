"""Every page in Chromium: nothing fetched from other hosts, no console error, and the
palette toggle and search work."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.helpers import guard
from tests.site.helpers import nav_sources, page_path

pytestmark = pytest.mark.browser


def _open(browser: Any, url: str) -> tuple[Any, Any, list[str], list[str]]:
    """A fresh page that aborts and records every request to another host."""
    context = browser.new_context()
    page = context.new_page()
    blocked, errors = guard(page)
    page.goto(url, wait_until="networkidle")
    return context, page, blocked, errors


@pytest.mark.parametrize("source", nav_sources())
def test_page_loads_nothing_from_other_hosts_and_logs_no_error(
    browser: Any, site_url: str, source: str
) -> None:
    context, page, blocked, errors = _open(browser, site_url + page_path(source))
    try:
        assert page.locator("h1").first.is_visible()
        assert blocked == []
        assert errors == []
    finally:
        context.close()


def test_palette_toggle_switches_to_dark_and_back(browser: Any, site_url: str) -> None:
    context, page, _, _ = _open(browser, site_url)
    try:
        body = page.locator("body")
        start = body.get_attribute("data-md-color-media")
        assert start == "(prefers-color-scheme)"
        schemes = []
        for _ in range(3):
            page.locator("label.md-header__button[for^='__palette']:visible").click()
            schemes.append(body.get_attribute("data-md-color-scheme"))
        assert schemes[:2] == ["default", "slate"]
        assert body.get_attribute("data-md-color-media") == start
    finally:
        context.close()


def test_search_for_transformer_shows_results(browser: Any, site_url: str) -> None:
    context, page, blocked, errors = _open(browser, site_url)
    try:
        page.keyboard.press("/")
        # Material searches on key events, so type like a reader rather than fill().
        page.locator("input.md-search__input").press_sequentially("transformer", delay=20)
        results = page.locator(".md-search-result__item")
        results.first.wait_for(state="visible", timeout=10_000)
        assert results.count() >= 1
        assert "transformers" in page.locator(".md-search-result__link").first.get_attribute("href")
        assert blocked == [] and errors == []
    finally:
        context.close()

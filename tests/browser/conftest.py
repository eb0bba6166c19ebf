"""Chromium through Playwright. Without Chromium: skipped loudly, or failed when CI is set."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def chromium_path() -> str | None:
    """Debian's Chromium, found on PATH."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless Chromium for the whole session."""
    import os

    path = chromium_path()
    if path is None:
        reason = (
            "BROWSER TESTS NOT RUN: no Chromium on PATH. Install it "
            "(apt-get install -y chromium) to run them."
        )
        if os.environ.get("CI"):
            pytest.fail(reason + " CI is set, so this is a failure.")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()

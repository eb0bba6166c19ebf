"""Chromium through Playwright. Without Chromium: skipped loudly, or failed when CI is set."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
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


@pytest.fixture(scope="session")
def offline_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The offline zip, built once for the session as ``scripts/offline`` builds it (figures
    from the session's cache, never the working tree's), unzipped: its ``genai-notes`` folder."""
    from tests.site.helpers import ROOT, isolated_config, session_figure_cache

    folder = tmp_path_factory.mktemp("offline-copy")
    archive = folder / "offline.zip"
    config = isolated_config(
        folder / "config", ROOT / "mkdocs.offline.yml", cache_dir=session_figure_cache()
    )
    subprocess.run(
        [sys.executable, str(ROOT / "scripts/offline.py"), "-f", str(config), str(archive)],
        cwd=ROOT,
        check=True,
    )
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(folder / "unzipped")
    root = folder / "unzipped/genai-notes"
    assert (root / "index.html").is_file()
    return root

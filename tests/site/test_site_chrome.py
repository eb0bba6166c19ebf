"""The frame around every page: the version in the footer, no placeholder repository links."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

from tests.site.helpers import ROOT, html_files


def test_the_footer_shows_pyprojects_version(site_dir: Path) -> None:
    with (ROOT / "pyproject.toml").open("rb") as file:
        version = tomllib.load(file)["project"]["version"]
    for page in html_files(site_dir):
        if page.name == "404.html":
            continue
        text = page.read_text(encoding="utf-8")
        assert f"Version {version}" in text, page.relative_to(site_dir)


def test_no_page_links_to_a_placeholder_repository(site_dir: Path) -> None:
    for page in html_files(site_dir):
        assert "example/genai-notes" not in page.read_text(encoding="utf-8")


@pytest.mark.skipif(bool(os.environ.get("REPO_URL")), reason="REPO_URL is set for this build")
def test_without_repo_url_there_is_no_repository_link_and_no_edit_pencil(site_dir: Path) -> None:
    for page in html_files(site_dir):
        text = page.read_text(encoding="utf-8")
        assert 'class="md-source"' not in text, page.relative_to(site_dir)
        assert 'rel="edit"' not in text, page.relative_to(site_dir)

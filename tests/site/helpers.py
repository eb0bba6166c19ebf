"""Reading the built site: its pages from the navigation, and their HTML."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from mkdocs.config import load_config

ROOT = Path(__file__).resolve().parents[2]


def nav_sources() -> list[str]:
    """Every Markdown file named in mkdocs.yml's navigation, in order."""
    config = load_config(str(ROOT / "mkdocs.yml"))
    found: list[str] = []

    def walk(items: object) -> None:
        if isinstance(items, list):
            for item in items:
                walk(item)
        elif isinstance(items, dict):
            for value in items.values():
                walk(value)
        elif isinstance(items, str) and items.endswith(".md"):
            found.append(items)

    walk(config["nav"])
    return found


def page_path(source: str) -> str:
    """The URL path of a page built with directory URLs: week1/x.md -> week1/x/."""
    stem = source.removesuffix(".md")
    if stem == "index":
        return ""
    return stem.removesuffix("/index") + "/"


def html_files(site: Path) -> list[Path]:
    """Every HTML file of the built site."""
    return sorted(site.rglob("*.html"))


def run_mkdocs(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run this environment's ``mkdocs`` with ``args`` in ``cwd`` (output captured, no check)."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", *args],
        cwd=cwd,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env},
        capture_output=True,
        text=True,
        check=False,
    )

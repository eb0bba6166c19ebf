"""Fixtures shared by every test level: the real site built once, served on 127.0.0.1."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.site.helpers import (
    isolated_config,
    model_cache,
    run_mkdocs,
    serve_folder,
    session_figure_cache,
    session_folder,
)

ROOT = Path(__file__).resolve().parent.parent
# Every build of the suite uses the repository's tiny-model cache and keeps its model (see
# tests.site.helpers.model_cache, which trains it once if the notes changed).
os.environ["GENAI_TINYLM"] = "keep"
os.environ["GENAI_TINYLM_CACHE"] = str(ROOT / ".cache" / "tinylm")


def build_site(site_dir: Path, *extra: str, config: Path = ROOT / "mkdocs.yml") -> None:
    """Build ``config`` strictly into ``site_dir`` with the project's own mkdocs.

    Never with ``--quiet`` (it hides the warnings strict mode counts). Figures are drawn into a
    cache of this session's own, never the working tree's ``.cache``, so a suite cannot pass
    on stale figures.
    """
    folder = Path(tempfile.mkdtemp(prefix="config-", dir=session_folder()))
    model_cache()  # the model of the notes as they are, trained at most once per session
    isolated = isolated_config(folder, config, cache_dir=session_figure_cache())
    result = run_mkdocs(
        ROOT,
        "build",
        "--strict",
        "-f",
        str(isolated),
        "--site-dir",
        str(site_dir),
        *extra,
    )
    if result.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}")


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site, built strictly once per test session."""
    site = tmp_path_factory.mktemp("built") / "site"
    build_site(site)
    return site


@pytest.fixture(scope="session")
def site_url(site_dir: Path) -> Iterator[str]:
    """The built site served over HTTP on 127.0.0.1 (a free port)."""
    with serve_folder(site_dir) as url:
        yield url

"""Fixtures shared by every test level: the real site built once, served on 127.0.0.1."""

from __future__ import annotations

import functools
import http.server
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.site.helpers import (
    isolated_config,
    run_mkdocs,
    session_figure_cache,
    session_folder,
)

ROOT = Path(__file__).resolve().parent.parent


def build_site(site_dir: Path, *extra: str, config: Path = ROOT / "mkdocs.yml") -> None:
    """Build ``config`` strictly into ``site_dir`` with the project's own mkdocs.

    Never with ``--quiet`` (it hides the warnings strict mode counts). Figures are drawn into a
    cache of this session's own, never the working tree's ``.cache``, so a suite cannot pass
    on stale figures.
    """
    folder = Path(tempfile.mkdtemp(prefix="config-", dir=session_folder()))
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


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output clean."""


@pytest.fixture(scope="session")
def site_url(site_dir: Path) -> Iterator[str]:
    """The built site served over HTTP on 127.0.0.1 (a free port)."""
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()

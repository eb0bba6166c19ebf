"""Reading the built site: its pages from the navigation, and their HTML."""

from __future__ import annotations

import atexit
import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import yaml
from mkdocs.config import load_config
from mkdocs.utils import yaml_load

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


def isolated_config(
    folder: Path, config: Path = ROOT / "mkdocs.yml", cache_dir: Path | None = None
) -> Path:
    """A configuration in ``folder`` that builds ``config`` with figures in ``cache_dir``.

    The cache defaults to ``folder/cache``.
    Build tests use it so they draw into a temporary cache and never read or write the working
    tree's ``.cache`` (a suite must not pass on stale figures). The file inherits ``config``
    and lives outside the project, so every path MkDocs resolves against the config's folder is
    made absolute; INHERIT replaces lists, so the plugin and hook lists are restated. Run the
    build with the project root as working folder (pymdownx.snippets' base_path is relative).
    """
    with config.open(encoding="utf-8") as file:
        parent = yaml_load(file)
    plugins: list[object] = []
    for plugin in parent.get("plugins", []):
        name = plugin if isinstance(plugin, str) else next(iter(plugin))
        if name == "genai-notes":
            options = {} if isinstance(plugin, str) else dict(plugin[name] or {})
            glossary = Path(options.get("glossary", "includes/abbreviations.md"))
            options["glossary"] = str(ROOT / glossary)
            options["cache_dir"] = str(cache_dir or folder / "cache")
            # One tiny model for the whole suite: the repository's model cache, never a
            # temporary one (training takes about two minutes; see model_cache()).
            options["model_cache_dir"] = str(model_cache())
            plugin = {name: options}
        plugins.append(plugin)
    theme = dict(parent.get("theme") or {})
    theme["custom_dir"] = str(ROOT / theme.get("custom_dir", "overrides"))
    settings: dict[str, object] = {
        "INHERIT": str(config),
        "docs_dir": str(ROOT / parent.get("docs_dir", "docs")),
        "theme": theme,
        "plugins": plugins,
    }
    if parent.get("hooks"):
        settings["hooks"] = [str(ROOT / hook) for hook in parent["hooks"]]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / config.name
    path.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    return path


_SESSION: list[Path] = []


def session_folder() -> Path:
    """A temporary folder for this test session (removed at exit)."""
    if not _SESSION:
        folder = Path(tempfile.mkdtemp(prefix="genai-notes-tests-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        _SESSION.append(folder)
    return _SESSION[0]


def session_figure_cache() -> Path:
    """The figure cache that this session's builds share: empty when the session starts.

    Never the working tree's ``.cache``: every figure a test sees was drawn by this session.
    """
    return session_folder() / "figures"


def model_cache() -> Path:
    """The tiny model's cache that every test and build of a session shares: the repository's
    ``.cache/tinylm`` (as ``mkdocs build`` in the working tree uses), so the suite trains the
    model at most once, and not at all when the notes did not change since the last build.

    The first call makes sure it holds the model of the notes as they are (training it if
    not); tests/conftest.py then has every build keep that model (``GENAI_TINYLM=keep``), so a
    test that edits a copy of a page does not retrain, nor prune the shared model.
    """
    folder = ROOT / ".cache" / "tinylm"
    if not _MODEL_READY:
        from genai_notes.engine import tinymodel

        tinymodel.prepare(ROOT / "docs", folder, retrain=True)
        _MODEL_READY.append(True)
    return folder


_MODEL_READY: list[bool] = []


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files without logging each request."""

    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output clean."""


@contextlib.contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """``folder`` over HTTP on 127.0.0.1 (a free port), as the URL of its root."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

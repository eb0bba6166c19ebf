"""The real site with every figure cached: nothing drawn, and matplotlib never imported.

Each build runs in its own Python process through the MkDocs API, into a temporary site
folder and with a temporary copy of the project's figure cache, so the project's ``.cache``
is left as it was. No timings here: ``scripts/bench`` measures those.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.site.helpers import ROOT

PROJECT_CACHE = ROOT / ".cache/plugin/genai-notes"

# Build once; log INFO (the plugin's "figures: ..." line) to stderr; report on stdout whether
# this process imported matplotlib.
BUILD = """
import json, logging, sys
from mkdocs.commands.build import build
from mkdocs.config import load_config

import genai_notes.figures.html as tables

rendered = []
# count data tables and explorable figures' marks rendered anew (not memoised)
for name in ("table_html", "table_csv", "marks_json"):
    def counted(*args, _render=getattr(tables, name), **kwargs):
        rendered.append(1)
        return _render(*args, **kwargs)
    setattr(tables, name, counted)

import genai_notes.plugin.fragments as fragments

converted = []  # count problems converted on their own (not memoised)
def counting(config, _make=fragments.converter):
    convert = _make(config)
    def counted(text):
        converted.append(1)
        return convert(text)
    return counted
fragments.converter = counting

config_file, site_dir, cache_dir = sys.argv[1:4]
handler = logging.StreamHandler(sys.stderr)
logging.getLogger("mkdocs").addHandler(handler)
logging.getLogger("mkdocs").setLevel(logging.INFO)
config = load_config(config_file, site_dir=site_dir)
config.plugins["genai-notes"].config.cache_dir = cache_dir
build(config)
modules = ("matplotlib", "numpy", "tokenizers", "latex2mathml")
loaded = {name: name in sys.modules for name in modules}
print(json.dumps({**loaded, "tables": len(rendered), "converted": len(converted)}))
"""


@dataclass(frozen=True)
class Build:
    """What one build of the real site reported."""

    drawn: int
    cached: int
    failed: int
    matplotlib: bool
    numpy: bool
    tokenizers: bool
    latex2mathml: bool
    tables_rendered: int
    problems_converted: int
    replayed: int
    built: int


def _build(site_dir: Path, cache_dir: Path) -> Build:
    result = subprocess.run(
        [sys.executable, "-c", BUILD, str(ROOT / "mkdocs.yml"), str(site_dir), str(cache_dir)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    match = re.search(r"figures: (\d+) drawn, (\d+) from the cache, (\d+) failed", result.stderr)
    assert match, result.stderr
    drawn, cached, failed = (int(group) for group in match.groups())
    pages = re.search(r"pages: (\d+) replayed from the page memo, (\d+) built", result.stderr)
    assert pages, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    return Build(
        drawn,
        cached,
        failed,
        report["matplotlib"],
        report["numpy"],
        report["tokenizers"],
        report["latex2mathml"],
        report["tables"],
        report["converted"],
        int(pages.group(1)),
        int(pages.group(2)),
    )


def _memos(folder: str, names: list[str]) -> list[str]:
    """The memo files of a cache folder (``numbers.json``...), not the figures' manifests,
    which are named by their 24-character key."""
    return [
        name for name in names if name.endswith(".json") and len(name) != len("0" * 24 + ".json")
    ]


@pytest.fixture(scope="module")
def cold_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """A build with the project's figures cached but every memo empty."""
    folder = tmp_path_factory.mktemp("cache-cold")
    cache_dir = folder / "cache"
    if PROJECT_CACHE.is_dir():
        shutil.copytree(PROJECT_CACHE, cache_dir, ignore=_memos)
    return _build(folder / "site", cache_dir)


@pytest.fixture(scope="module")
def warm_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder in which a first build of the real site drew every figure."""
    folder = tmp_path_factory.mktemp("cache-behaviour")
    cache_dir = folder / "cache"
    if PROJECT_CACHE.is_dir():  # a head start; the first build draws whatever is missing
        shutil.copytree(PROJECT_CACHE, cache_dir)
    first = _build(folder / "site-first", cache_dir)
    assert first.failed == 0, "a figure of the real site failed to draw"
    return cache_dir


@pytest.fixture(scope="module")
def warm_build(warm_cache: Path) -> Build:
    """A build of the real site whose figures a first build has all cached."""
    return _build(warm_cache.parent / "site-warm", warm_cache)


@pytest.fixture(scope="module")
def memo_build(warm_cache: Path, tmp_path_factory: pytest.TempPathFactory) -> Build:
    """A warm build without the page memo: each page redone from the other memos (what a
    build does for the pages an author edited)."""
    cache_dir = tmp_path_factory.mktemp("cache-memos") / "cache"
    shutil.copytree(warm_cache, cache_dir)
    (cache_dir / "pages.json").unlink()
    return _build(cache_dir.parent / "site", cache_dir)


@pytest.fixture(params=["warm_build", "memo_build"])
def any_warm_build(request: pytest.FixtureRequest) -> Build:
    """Each warm build: replayed from the page memo, and redone from the other memos."""
    found: Build = request.getfixturevalue(request.param)
    return found


def test_a_warm_build_replays_every_page(warm_build: Build, memo_build: Build) -> None:
    assert warm_build.built == 0
    assert warm_build.replayed > 20
    assert memo_build.replayed == 0
    assert memo_build.built == warm_build.replayed


def test_a_warm_build_of_the_real_site_draws_no_figure(warm_build: Build) -> None:
    assert warm_build.drawn == 0
    assert warm_build.failed == 0
    assert warm_build.cached > 0


def test_a_fully_cached_build_of_the_real_site_does_not_import_matplotlib(
    any_warm_build: Build,
) -> None:
    assert any_warm_build.drawn == 0
    assert not any_warm_build.matplotlib


def test_a_warm_build_renders_no_data_table_again(any_warm_build: Build) -> None:
    """The first build kept every figure's HTML and CSV table, and every explorable figure's
    marks, in its memo, after the figures were placed (a memo saved before that step would be
    empty)."""
    assert any_warm_build.tables_rendered == 0


def test_a_warm_build_loads_neither_numpy_nor_the_tiny_model(any_warm_build: Build) -> None:
    """Every number, problem and figure comes from a memo or the cache, and the tiny model's
    entry is found by its key and checked by its hash: nothing needs numpy or tokenizers."""
    assert not any_warm_build.numpy
    assert not any_warm_build.tokenizers


def test_a_warm_build_converts_no_formula_again(any_warm_build: Build) -> None:
    """Formulas in the text and in headings (the table of contents) come from the MathML memo,
    so the converter is never imported."""
    assert not any_warm_build.latex2mathml


def test_a_warm_build_converts_no_problem_again(any_warm_build: Build) -> None:
    """Each problem's HTML (converted on its own by the site's Markdown) comes from the memo."""
    assert any_warm_build.problems_converted == 0


def test_a_cold_build_converts_each_problem_on_its_own(cold_build: Build) -> None:
    """The counter above can see conversions: a build with empty memos converts every
    problem of the notes (more than a hundred of them)."""
    assert cold_build.problems_converted > 100

"""The figure cache: keys from the bytes of every module a figure depends on, entries checked
whole, unused entries pruned."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from genai_notes.engine import figure_cache
from genai_notes.engine.figure_cache import Entry, FigureCache
from genai_notes.engine.files import import_closure
from genai_notes.figures import registry
from genai_notes.figures.base import Table

TABLE = Table(("x", "y"), ((1, 2.5), (2, None)), {"y": ".1f"})
SVGS = {variant: f"<svg id='{variant}'/>".encode() for variant in figure_cache.VARIANTS}


def _entry() -> Entry:
    return Entry(TABLE, (7.0, 3.6), (3.75, 4.68))


def test_an_entry_round_trips_with_its_table(tmp_path: Path) -> None:
    cache = FigureCache(tmp_path)
    cache.put("a" * 24, _entry(), SVGS)
    assert FigureCache(tmp_path).get("a" * 24) == _entry()


def test_cached_files_are_readable_by_all_as_the_site_they_are_linked_into(
    tmp_path: Path,
) -> None:
    """A web server reads the site as another user: a drawing linked from the cache must not
    keep the owner-only mode of a temporary file."""
    FigureCache(tmp_path).put("a" * 24, _entry(), SVGS)
    modes = {path.name: path.stat().st_mode & 0o777 for path in tmp_path.iterdir()}
    assert len(modes) == 5 and set(modes.values()) == {0o644}


@pytest.mark.parametrize("damage", ["truncate", "edit", "delete", "manifest"])
def test_a_damaged_entry_is_a_miss(tmp_path: Path, damage: str) -> None:
    cache = FigureCache(tmp_path)
    key = "b" * 24
    cache.put(key, _entry(), SVGS)
    svg = cache.svg_path(key, "phone-dark")
    if damage == "truncate":
        svg.write_bytes(svg.read_bytes()[:5])
    elif damage == "edit":
        svg.write_bytes(svg.read_bytes().replace(b"phone", b"wrong"))
    elif damage == "delete":
        svg.unlink()
    else:
        (tmp_path / f"{key}.json").write_text("{not json")
    assert FigureCache(tmp_path).get(key) is None


def test_prune_keeps_only_what_the_build_used(tmp_path: Path) -> None:
    FigureCache(tmp_path).put("c" * 24, _entry(), SVGS)
    FigureCache(tmp_path).put("d" * 24, _entry(), SVGS)
    (tmp_path / "mathml.json").write_text("{}")
    cache = FigureCache(tmp_path)
    assert cache.get("c" * 24) is not None
    removed = cache.prune()
    assert removed == 5  # d's manifest and four SVGs
    assert sorted(p.name.split("-")[0].split(".")[0] for p in tmp_path.iterdir()) == sorted(
        ["c" * 24] * 5 + ["mathml"]
    )


def test_the_key_changes_with_name_parameters_and_code() -> None:
    key = figure_cache.figure_key("a.b", {"x": 1}, "stamp")
    assert key != figure_cache.figure_key("a.c", {"x": 1}, "stamp")
    assert key != figure_cache.figure_key("a.b", {"x": 2}, "stamp")
    assert key != figure_cache.figure_key("a.b", {"x": 1}, "other")
    assert key == figure_cache.figure_key("a.b", {"x": 1}, "stamp")


def test_the_code_stamp_changes_when_any_imported_module_changes(tmp_path: Path) -> None:
    package = tmp_path / "stampdemo"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "helper.py").write_text("VALUE = 1\n")
    (package / "fig.py").write_text("from stampdemo.helper import VALUE\n")
    (package / "other.py").write_text("X = 1\n")
    sys.path.insert(0, str(tmp_path))
    try:
        files = import_closure(["stampdemo.fig"])
        assert {p.name for p in files} == {"__init__.py", "fig.py", "helper.py"}
    finally:
        sys.path.remove(str(tmp_path))


PROBE = """
import json, sys
from genai_notes.engine import drawing
from genai_notes.figures import registry
from genai_notes.figures.html import table_csv, table_html
module = sys.argv[1]
figures = registry.collect([module])
drawing.start_in_process([module])
artefacts = tuple(json.loads(sys.argv[2]))  # (name, path) of the artefacts the module reads
for name in figures:
    outcome = drawing.draw(drawing.Job("k", name, figures[name].check({}), artefacts))
    assert outcome.error is None, outcome.error
    table_html(outcome.table), table_csv(outcome.table)
print(json.dumps(sorted(m.__file__ for n, m in sys.modules.items()
                        if n.startswith("genai_notes") and getattr(m, "__file__", None))))
"""


@pytest.mark.parametrize("module", registry.BUILTIN_MODULES)
def test_the_key_covers_every_module_that_drawing_and_tables_import(
    module: str, tmp_path: Path
) -> None:
    """Draw every figure of the module in a fresh interpreter and list what it imported (the
    tiny model's figures with the tinylm tests' small model as their artefact)."""
    artefacts = []
    if module == "genai_notes.figures.tinymodel":
        from genai_notes.tinylm import artefact
        from tests.unit.tinylm_helpers import small_model

        weights = tmp_path / "tinylm-small.bin"
        weights.write_bytes(artefact.weights_file(small_model()))
        artefacts.append(["tinylm", str(weights)])
    run = subprocess.run(
        [sys.executable, "-c", PROBE, module, json.dumps(artefacts)],
        capture_output=True,
        text=True,
        check=True,
    )
    imported = {Path(p).resolve() for p in json.loads(run.stdout.splitlines()[-1])}
    covered = import_closure([module, *figure_cache.RENDERING_MODULES])
    assert imported <= covered, sorted(str(p) for p in imported - covered)

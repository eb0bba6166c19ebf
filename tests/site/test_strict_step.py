"""scripts/test's strict step (scripts/strict_build.py) fails on a page with a broken link.

``mkdocs build --strict --quiet`` would pass that page: --quiet drops warnings before strict
mode counts them. The step runs on a temporary copy of the project, with its own figure cache
(a head start from this session's, never the working tree's).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.site.helpers import ROOT, model_cache, session_figure_cache

sys.path.insert(0, str(ROOT / "scripts"))
try:
    from strict_build import keep  # scripts/strict_build.py
finally:
    sys.path.remove(str(ROOT / "scripts"))


def _copy_project(target: Path) -> Path:
    target.mkdir()
    model_cache()  # the shared tiny model (conftest keeps it: an edited copy does not retrain)
    for name in ("mkdocs.yml", "pyproject.toml", "docs", "includes", "overrides", "scripts"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target / name)
    (target / "node_modules").symlink_to(ROOT / "node_modules")  # the math font's package
    if session_figure_cache().is_dir():
        shutil.copytree(session_figure_cache(), target / ".cache/plugin/genai-notes")
    return target


def test_a_broken_link_fails_the_strict_step_and_is_shown(tmp_path: Path) -> None:
    project = _copy_project(tmp_path / "project")
    page = project / "docs/week1/lifecycle.md"
    page.write_text(
        page.read_text(encoding="utf-8") + "\nSee [the missing page](no-such-page.md).\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "scripts/strict_build.py", "--site-dir", str(tmp_path / "site")],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode != 0, result.stdout
    assert "no-such-page.md" in result.stdout
    assert "WARNING" in result.stdout
    assert "strict build failed" in result.stdout
    assert not any(line.startswith("INFO") for line in result.stdout.splitlines())
    assert "end of life" not in result.stdout + result.stderr  # Material's banner is silenced


def test_the_filter_drops_info_records_and_keeps_everything_else() -> None:
    output = [
        "INFO    -  Cleaning site directory\n",
        "INFO    -  The following pages exist in the docs directory, but are not in nav:\n",
        "             - draft.md\n",
        "WARNING -  Doc file 'a.md' contains a link 'b.md', but the target is not found.\n",
        "ERROR   -  Error reading page 'c.md'\n",
        "  a detail of the error\n",
        "Aborted with 1 warnings in strict mode!\n",
    ]
    assert list(keep(output)) == [output[3], output[4], output[5], output[6]]

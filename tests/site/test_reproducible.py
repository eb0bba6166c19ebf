"""Two clean builds of the same commit are byte-identical, every file, figures included."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml
from mkdocs.utils import yaml_load

from tests.site.helpers import ROOT

# Any fixed instant will do when git is missing; scripts/_setup.sh uses the last commit's.
_FALLBACK_EPOCH = "1700000000"


def _epoch() -> str:
    result = subprocess.run(
        ["git", "-C", str(ROOT), "log", "-1", "--format=%ct"],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() or _FALLBACK_EPOCH


def _config(folder: Path) -> Path:
    """A configuration that inherits mkdocs.yml and draws figures into its own empty cache.

    It lives outside the project, so every path that MkDocs resolves against the config's
    folder is made absolute. INHERIT replaces lists, so the plugin list is restated.
    """
    with (ROOT / "mkdocs.yml").open(encoding="utf-8") as file:
        parent = yaml_load(file)
    plugins: list[object] = []
    for plugin in parent.get("plugins", []):
        name = plugin if isinstance(plugin, str) else next(iter(plugin))
        if name == "genai-notes":
            options = {} if isinstance(plugin, str) else dict(plugin[name] or {})
            glossary = Path(options.get("glossary", "includes/abbreviations.md"))
            options["glossary"] = str(ROOT / glossary)
            options["cache_dir"] = str(folder / "cache")
            plugin = {name: options}
        plugins.append(plugin)
    config = {
        "INHERIT": str(ROOT / "mkdocs.yml"),
        "docs_dir": str(ROOT / "docs"),
        "theme": {"name": "material", "custom_dir": str(ROOT / "overrides")},
        "plugins": plugins,
        "hooks": [str(ROOT / hook) for hook in parent.get("hooks", [])],
    }
    path = folder / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def _start_build(folder: Path, epoch: str) -> subprocess.Popen[str]:
    folder.mkdir()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": epoch}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--quiet",
            "-f",
            str(_config(folder)),
            "--site-dir",
            str(folder / "site"),
        ],
        cwd=ROOT,  # pymdownx.snippets' base_path is relative to the working folder
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def test_two_clean_builds_with_empty_caches_are_byte_identical(tmp_path: Path) -> None:
    epoch = _epoch()
    # Both at once: each draws its figures from scratch, and together they take the time of one.
    builds = [_start_build(tmp_path / name, epoch) for name in ("first", "second")]
    for build in builds:
        output, _ = build.communicate(timeout=600)
        assert build.returncode == 0, output
    first, second = (_files(tmp_path / name / "site") for name in ("first", "second"))
    assert len(first) > 50
    assert any(name.endswith(".svg") for name in first)
    assert sorted(first) == sorted(second)
    differ = [name for name in first if first[name] != second[name]]
    assert differ == []
    # The caches were really empty: every figure was drawn by each build.
    for name in ("first", "second"):
        assert any((tmp_path / name / "cache").rglob("*.svg"))

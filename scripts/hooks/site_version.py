"""MkDocs hook: the version the site footer shows (overrides/partials/copyright.html).

The version is pyproject.toml's (the same the release workflow checks against the tag); in a
git checkout the short commit is added, so a page says which build it came from. It is put in
``extra.site_version``: Material reserves ``extra.version`` for its version selector, which
would fetch a versions.json.
"""

from __future__ import annotations

import subprocess
import tomllib
from importlib import metadata
from pathlib import Path
from typing import Any


def _version(root: Path) -> str:
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        with pyproject.open("rb") as file:
            return str(tomllib.load(file)["project"]["version"])
    try:
        return metadata.version("genai-notes")
    except metadata.PackageNotFoundError:
        return "unknown"


def _commit(root: Path) -> str | None:
    try:
        result = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short=10", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return None
    if result.returncode != 0:
        return None
    return result.stdout.strip() or None


def on_config(config: Any) -> Any:
    """Set ``extra.site_version`` (e.g. "0.1.0 (3f2c1ab9de)") unless the config gives one."""
    root = Path(__file__).resolve().parents[2]
    if not config.extra.get("site_version"):
        commit = _commit(root)
        version = _version(root)
        config.extra["site_version"] = f"{version} ({commit})" if commit else version
    return config

"""Release hygiene: CHANGELOG.md in Keep a Changelog sections, checked before a tag is released."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
try:
    from release_notes import release_notes, sections  # scripts/release_notes.py
finally:
    sys.path.remove(str(ROOT / "scripts"))

CHANGELOG = """# Changelog

## [Unreleased]

### Added
- Something new.

## [0.2.0] - 2026-12-24

### Fixed
- A bug.

## [0.1.0] - 2026-11-28

### Added
- The notes.
"""


def _project(tmp_path: Path, version: str, changelog: str = CHANGELOG) -> Path:
    (tmp_path / "pyproject.toml").write_text(f'[project]\nversion = "{version}"\n')
    (tmp_path / "CHANGELOG.md").write_text(changelog)
    return tmp_path


def test_sections_split_by_version_with_their_dates() -> None:
    found = sections(CHANGELOG)
    assert list(found) == ["Unreleased", "0.2.0", "0.1.0"]
    assert found["Unreleased"] == (None, "### Added\n- Something new.\n")
    assert found["0.2.0"] == ("2026-12-24", "### Fixed\n- A bug.\n")


def test_a_tag_matching_pyproject_and_a_dated_section_gives_its_notes(tmp_path: Path) -> None:
    assert release_notes("v0.2.0", _project(tmp_path, "0.2.0")) == "### Fixed\n- A bug.\n"


@pytest.mark.parametrize(
    ("tag", "version", "message"),
    [
        ("0.2.0", "0.2.0", "is not vMAJOR.MINOR.PATCH"),
        ("v0.2.0", "0.1.0", "pyproject.toml says version 0.1.0"),
        ("v0.3.0", "0.3.0", "no section '## [0.3.0] - YYYY-MM-DD'"),
    ],
)
def test_a_tag_that_is_not_ready_says_why(
    tmp_path: Path, tag: str, version: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        release_notes(tag, _project(tmp_path, version))


def test_the_projects_changelog_has_unreleased_and_a_section_per_release() -> None:
    found = sections((ROOT / "CHANGELOG.md").read_text(encoding="utf-8"))
    assert next(iter(found)) == "Unreleased"
    releases = [version for version in found if version != "Unreleased"]
    assert releases, "no release section"
    for version in releases:
        date, body = found[version]
        assert date is not None, version
        assert "### " in body, version  # Added / Changed / Fixed ...
    with (ROOT / "pyproject.toml").open("rb") as file:
        declared = tomllib.load(file)["project"]["version"]
    # The version in pyproject.toml is released (has a section) or about to be (Unreleased).
    assert declared in found or found["Unreleased"][1].strip()

"""The release notes of a tag: its CHANGELOG.md section, after checking the tag is releasable.

``python scripts/release_notes.py v0.2.0`` prints the body of ``## [0.2.0] - YYYY-MM-DD`` and
exits 0 only if pyproject.toml's version is 0.2.0 and that section exists, is dated and is not
empty. The release workflow runs it before it builds anything; run it yourself before tagging.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADING = re.compile(r"^## \[(?P<version>[^\]]+)\](?: - (?P<date>\d{4}-\d{2}-\d{2}))?\s*$")


def sections(changelog: str) -> dict[str, tuple[str | None, str]]:
    """Each ``## [VERSION] - DATE`` section of a Keep a Changelog file: version -> (date, body)."""
    found: dict[str, tuple[str | None, str]] = {}
    current: str | None = None
    date: str | None = None
    body: list[str] = []
    for line in [*changelog.splitlines(), "## [end]"]:
        match = HEADING.match(line)
        if match is None:
            if current is not None:
                body.append(line)
            continue
        if current is not None:
            found[current] = (date, "\n".join(body).strip() + "\n")
        current, date, body = match.group("version"), match.group("date"), []
    found.pop("end", None)
    return found


def release_notes(tag: str, root: Path = ROOT) -> str:
    """The notes for ``tag`` (vX.Y.Z); ValueError says what is not ready."""
    if not re.fullmatch(r"v\d+\.\d+\.\d+", tag):
        raise ValueError(f"tag {tag!r} is not vMAJOR.MINOR.PATCH")
    version = tag.removeprefix("v")
    with (root / "pyproject.toml").open("rb") as file:
        declared = tomllib.load(file)["project"]["version"]
    if declared != version:
        raise ValueError(f"tag {tag} but pyproject.toml says version {declared} (bump it first)")
    found = sections((root / "CHANGELOG.md").read_text(encoding="utf-8"))
    if version not in found:
        raise ValueError(
            f"CHANGELOG.md has no section '## [{version}] - YYYY-MM-DD' "
            "(rename [Unreleased] to it and open a new, empty [Unreleased])"
        )
    date, body = found[version]
    if date is None:
        raise ValueError(f"CHANGELOG.md's section [{version}] has no date")
    if not body.strip():
        raise ValueError(f"CHANGELOG.md's section [{version}] is empty")
    return body


def main() -> None:
    """Print the notes of the tag given, or one line saying why it cannot be released."""
    if len(sys.argv) != 2:
        sys.exit("usage: python scripts/release_notes.py vX.Y.Z")
    try:
        sys.stdout.write(release_notes(sys.argv[1]))
    except ValueError as error:
        sys.exit(f"release_notes: {error}")


if __name__ == "__main__":
    main()

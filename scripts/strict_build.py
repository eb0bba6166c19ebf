"""A strict build that gates: ``mkdocs build --strict`` without ``--quiet``, output filtered.

``--quiet`` raises MkDocs' log level above WARNING before strict mode counts warnings, so
``mkdocs build --strict --quiet`` passes a page with a broken link. This runs the build at the
normal level (strict mode sees every warning) and filters what it prints instead: INFO lines
and their continuation lines are dropped, every WARNING, ERROR and anything else is kept.
scripts/test, scripts/pdf, scripts/offline and the Pages workflow all build through it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUIET_ENV = {"NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}


def keep(lines: Iterable[str]) -> Iterator[str]:
    """The lines of MkDocs' output worth showing: all but INFO records and their tails."""
    in_info = False
    for line in lines:
        if line.startswith("INFO"):
            in_info = True
            continue
        if in_info and (line.startswith((" ", "\t")) or not line.strip()):
            continue  # an INFO record's continuation (e.g. a list of pages)
        in_info = False
        yield line


def strict_build(
    site_dir: Path, config: Path | None = None, *extra: str, cwd: Path = ROOT
) -> tuple[int, str]:
    """Build ``config`` strictly into ``site_dir``: (exit code, filtered output)."""
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)]
    if config is not None:
        command += ["-f", str(config)]
    result = subprocess.run(
        [*command, *extra],
        cwd=cwd,
        env={**os.environ, **QUIET_ENV},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    return result.returncode, "".join(keep(result.stdout.splitlines(keepends=True)))


def main() -> None:
    """Parse arguments, build, print the filtered output and exit with MkDocs' code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", "-d", type=Path, required=True)
    parser.add_argument("--config-file", "-f", type=Path, help="default: mkdocs.yml")
    args, extra = parser.parse_known_args()
    code, output = strict_build(args.site_dir, args.config_file, *extra)
    sys.stdout.write(output)
    if code != 0:
        print(f"strict build failed (mkdocs exited with {code}); the lines above say why.")
    sys.exit(code)


if __name__ == "__main__":
    main()

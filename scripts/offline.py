"""Build the offline copy (mkdocs.offline.yml) and zip it, byte for byte the same each time."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from strict_build import strict_build  # scripts/strict_build.py

ROOT = Path(__file__).resolve().parent.parent
FOLDER = "genai-notes"  # the one folder inside the zip


def build(site: Path, config: Path = ROOT / "mkdocs.offline.yml") -> None:
    """Build the offline configuration strictly into ``site`` (warnings shown, never hidden)."""
    code, output = strict_build(site, config)
    sys.stdout.write(output)
    if code != 0:
        sys.exit(f"scripts/offline: the strict build failed (mkdocs exited with {code}).")


def write_zip(site: Path, target: Path) -> None:
    """Zip ``site`` under one folder, sorted, every entry dated SOURCE_DATE_EPOCH."""
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "315532800"))  # default: 1980-01-01
    stamp = time.gmtime(max(epoch, 315532800))[:6]
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".zip.part")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in site.rglob("*") if p.is_file()):
            entry = zipfile.ZipInfo(f"{FOLDER}/{path.relative_to(site).as_posix()}", stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, path.read_bytes())
    os.replace(partial, target)


def main() -> None:
    """Parse arguments, build and zip."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("zip", nargs="?", type=Path, default=ROOT / "dist/genai-notes-offline.zip")
    parser.add_argument(
        "-f",
        "--config-file",
        type=Path,
        default=ROOT / "mkdocs.offline.yml",
        help="the configuration to build (default: mkdocs.offline.yml)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        build(site, args.config_file.resolve())
        write_zip(site, args.zip.resolve())
    print(args.zip)


if __name__ == "__main__":
    main()

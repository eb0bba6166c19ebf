"""MkDocs hook: ship the OpenType math font with the site, copied from its npm package.

Formulas are MathML rendered by the browser, which draws them with whatever math font the
system has (or none), so they look different everywhere. The site ships Noto Sans Math (an
OpenType font with a MATH table, SIL Open Font License 1.1) from the npm package
``@fontsource/noto-sans-math`` (pinned in package.json, installed by ``npm ci`` in
scripts/_setup.sh): this hook adds the font and its licence to the build as files, and
``docs/stylesheets/extra.css`` declares it with ``@font-face``. The binary is never committed.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parents[2]
"""The project's folder (this file is overrides/hooks/math_font.py), where npm installs."""
PACKAGE = Path("node_modules/@fontsource/noto-sans-math")
FONT = "files/noto-sans-math-latin-400-normal.woff2"
SHIPPED = {
    FONT: "assets/fonts/noto-sans-math.woff2",
    "LICENSE": "assets/fonts/noto-sans-math-LICENSE.txt",
}


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the font and its licence from the installed npm package."""
    package = ROOT / PACKAGE
    for source, uri in SHIPPED.items():
        path = package / source
        if not path.is_file():
            raise PluginError(
                f"math font: {path} is missing; install the site's npm packages with "
                "'npm ci' (scripts/_setup.sh does)"
            )
        files.append(File.generated(config, uri, abs_src_path=str(path)))
    return files

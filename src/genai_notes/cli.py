"""``genai-notes``: render one figure outside MkDocs, or list the figures.

    genai-notes figures
    genai-notes figure sampling.temperature temperatures=[0.5,1,2] -o temperature.svg

Parameters are ``key=value`` with YAML values, checked exactly as the site build checks a
figure block, with the same messages. The SVG is byte-identical to the site's for the same
parameters and theme.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from genai_notes.figures import registry
from genai_notes.figures.html import table_csv, table_html
from genai_notes.figures.style import THEMES


class UsageError(Exception):
    """A mistake on the command line: printed as one sentence, exit status 2."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "figures":
            return _list(args.module)
        return _figure(args)
    except UsageError as exc:
        print(f"genai-notes: {exc}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="genai-notes", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("figures", help="list the figures and their parameters")
    listing.add_argument("--module", action="append", default=[], help="extra figure module")
    one = commands.add_parser("figure", help="render one figure to SVG, PNG, CSV or HTML")
    one.add_argument("name", help="the figure's name, e.g. sampling.temperature")
    one.add_argument("params", nargs="*", metavar="key=value", help="parameters (YAML values)")
    one.add_argument(
        "-o", "--output", type=Path, required=True, help="file to write (.svg, .png, .csv, .html)"
    )
    one.add_argument("--theme", choices=[t.name for t in THEMES], default="light")
    one.add_argument("--module", action="append", default=[], help="extra figure module")
    return parser


def _figures(extra: Sequence[str]) -> dict[str, registry.FigureDef]:
    return registry.collect([*registry.BUILTIN_MODULES, *extra])


def _list(extra: Sequence[str]) -> int:
    for figure in _figures(extra).values():
        print(f"{figure.name}: {figure.info.summary}")
        for p in figure.parameters:
            allowed = f"; {p.allowed}" if p.allowed else ""
            print(f"    {p.name} ({p.type_name}{allowed}) = {p.default!r}: {p.meaning}")
    return 0


def parse_params(pairs: Sequence[str]) -> dict[str, Any]:
    """``key=value`` pairs, each value read as YAML (``[1, 2]``, ``0.5``, ``true``, text).

    Raises:
        UsageError: A pair without ``=``, or a value that is not valid YAML.
    """
    params: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"parameters are key=value, got {pair!r}")
        try:
            params[key.strip()] = yaml.safe_load(value)
        except yaml.YAMLError as exc:
            raise UsageError(f"the value of {key!r} is not valid YAML: {exc}") from None
    return params


def _figure(args: argparse.Namespace) -> int:
    figures = _figures(args.module)
    try:
        figure = registry.lookup(figures, args.name)
        result = figure.call(parse_params(args.params))
    except registry.ParameterError as exc:
        raise UsageError(f"figure {args.name}: {exc}") from None
    suffix = args.output.suffix.lower()
    if suffix == ".csv":
        args.output.write_text(table_csv(result.table), encoding="utf-8")
    elif suffix == ".html":
        args.output.write_text(table_html(result.table), encoding="utf-8")
    elif suffix in (".svg", ".png"):
        if result.draw is None:
            raise UsageError(f"figure {args.name} is a table: write it to a .csv or .html file")
        from genai_notes.figures.render import render_png, render_svg

        theme = next(t for t in THEMES if t.name == args.theme)
        render = render_svg if suffix == ".svg" else render_png
        args.output.write_bytes(render(result, theme))
    else:
        raise UsageError(
            f"cannot write {suffix or 'a file without suffix'}: use .svg, .png, .csv or .html"
        )
    print(args.output)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""``genai-notes``: render one figure outside MkDocs, list the figures, or check pages.

    genai-notes figures
    genai-notes figure sampling.temperature temperatures=[0.5,1,2] -o temperature.svg
    genai-notes check docs/week1/scaling-laws.md     # or no page: the whole site

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
        if args.command == "check":
            return _check(args)
        return _figure(args)
    except UsageError as exc:
        print(f"genai-notes: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"genai-notes: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
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
    checking = commands.add_parser(
        "check", help="the strict build's author checks on pages (all when none is named)"
    )
    checking.add_argument("pages", nargs="*", type=Path, metavar="PAGE", help="docs/....md")
    checking.add_argument("-f", "--config-file", type=Path, default=Path("mkdocs.yml"))
    return parser


def _figures(extra: Sequence[str]) -> dict[str, registry.FigureDef]:
    problems: list[str] = []
    found = registry.collect(
        [*registry.BUILTIN_MODULES, *extra], on_error=lambda module, p: problems.append(p)
    )
    if problems:
        raise UsageError(f"cannot load a figure module: {problems[0]}")
    return found


def _check(args: argparse.Namespace) -> int:
    if not args.config_file.is_file():
        raise UsageError(f"no {args.config_file} here (run from the project folder, or pass -f)")
    from genai_notes.plugin.check import check

    try:
        messages = check(args.config_file, args.pages)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    for message in messages:
        print(message)
    where = f"{len(args.pages)} page(s)" if args.pages else "the whole site"
    print(f"genai-notes check: {len(messages)} problem(s) in {where}", file=sys.stderr)
    return 1 if messages else 0


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

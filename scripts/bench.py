"""Build benchmark of the genai-notes site (run through ``scripts/bench``).

Variants, each built in a fresh ``python -m mkdocs build`` process and interleaved round by
round so that a change in the machine's load hits them all alike:

1. ``floor``: the plugin switched off entirely (``enabled: false``): plain Material, with raw
   TeX, raw ``{{ }}`` and figure blocks left as code. Every cost of the plugin (MathML,
   computed numbers, the glossary page, figures) is measured against it.
2. ``warm``: every figure in the cache.
3. ``cold``: an empty cache (emptied before every run).
4. ``edit-page``: warm, after appending a line to one Markdown page; ``edit-figure``: warm,
   after editing the source of one figure function (a bench-only module loaded through the
   plugin's ``figure_modules`` option and used by one block).
5. ``10x floor``, ``10x cold``, ``10x warm``: a generated site with 10 times the pages and
   figures (the pages plus nine copies under ``copies/NN/``, each copy's figure blocks with a
   numeric parameter varied so that its figures differ).

Everything runs on a temporary copy of ``docs``, ``includes``, ``overrides`` and
``mkdocs.yml`` with its own cache folders; the project's files and ``.cache`` are untouched.
The variant configs are small ``INHERIT: mkdocs.yml`` files.

Measures: wall time (``time.perf_counter`` around the process, start-up included), CPU time
of the build and its worker processes (user + system, from ``os.wait4``, which reports a child
with the descendants it reaped), and peak resident memory, read by the child itself at exit
with ``getrusage``: ``RUSAGE_SELF`` for the build process and ``RUSAGE_CHILDREN`` for the
largest figure worker. The child also reports whether it imported matplotlib, and the build's
``figures: N drawn, M from the cache`` line is checked for each variant.

``--warm-only`` runs the warm build and the floor only, in alternating order (A B, B A, ...);
``--instructions`` counts the instructions of one warm build and one floor build under
valgrind's callgrind instead of timing them: on a shared machine the CPU time of a two-second
build varies by a tenth from run to run, the count by well under one per cent.

Then save-to-reload under ``mkdocs serve`` (warm cache) is timed for a one-paragraph edit,
with and without ``--dirty``: from the write of the page to the first answer that holds the
new paragraph.

Then every page of the warm build is weighed as a reader downloads it: its HTML, the figures
it shows (both themes' SVGs: an ``<img>`` hidden by CSS is still fetched), the styles and
scripts it links, and the search index and worker that Material's search loads, each
gzip-compressed (level 6, a common server default).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from genai_notes.figures import blocks, catalogue, registry

ROOT = Path(__file__).resolve().parent.parent
COPIED = ("docs", "includes", "overrides", "scripts/hooks", "pyproject.toml", "mkdocs.yml")
PAGE_LIMIT = 500 * 1024
EDITED_PAGE = "week1/prompts.md"
FIGURE_PAGE = "week1/lifecycle.md"
STATS = re.compile(r"figures: (\d+) drawn, (\d+) from the cache, (\d+) failed")

BENCH_FIGURES = '''\
"""A bench-only figure whose source scripts/bench.py edits between runs."""

from __future__ import annotations

from genai_notes.figures.base import FigureResult, Table, figure

EDIT = 0


@figure("bench.edited")
def edited(points: int = 6) -> FigureResult:
    """A straight line whose slope the bench changes by editing EDIT.

    Args:
        points: How many points to draw.
    """
    xs = [float(i) for i in range(points)]
    ys = [x * (1 + EDIT / 100) for x in xs]

    def draw(fig, theme):
        ax = fig.add_subplot()
        ax.plot(xs, ys, color=theme.series[0])
        ax.set_xlabel("x")

    return FigureResult(Table.from_columns({"x": xs, "y": ys}), draw, width=4.0, height=3.0)
'''

BENCH_BLOCK = """
```figure
name: bench.edited
caption: A bench-only figure.
alt: A straight rising line.
```
"""

# A child build: run `python -m mkdocs ...` in this process, then report its own peak memory,
# its largest worker's, and whether matplotlib was imported. alter_sys=False keeps this `-c`
# module as __main__, so spawned figure workers do not re-run it.
CHILD = """
import json, resource, runpy, sys
sys.argv = ["mkdocs", *sys.argv[1:]]
status = 0
try:
    runpy.run_module("mkdocs", run_name="__main__")
except SystemExit as exc:
    status = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
report = {
    "rss_main": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    "rss_worker": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    "matplotlib": "matplotlib" in sys.modules,
}
print("BENCH " + json.dumps(report), file=sys.stderr)
sys.exit(status)
"""


@dataclass
class Run:
    """One timed build."""

    wall: float
    cpu: float
    rss_main_mb: float
    rss_worker_mb: float
    matplotlib: bool
    drawn: int
    cached: int
    failed: int


@dataclass
class Variant:
    """A way of building, with what to do before each run and what its log must say."""

    name: str
    config: Path
    site: Path
    before: Callable[[int], None] = lambda _: None
    expect_drawn: int | None = None
    runs: list[Run] = field(default_factory=list)


def main() -> int:
    """Set up the copies, run every variant, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=11, help="runs of each variant (>= 11)")
    parser.add_argument("--reloads", type=int, default=3, help="timed reloads under serve")
    parser.add_argument("--scale-reps", type=int, default=3, help="runs of each 10x variant")
    parser.add_argument("--copies", type=int, default=10, help="size of the scaled site")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="count the instructions of one warm and one floor build under valgrind's "
        "callgrind (after one cold build): the same every run, where time varies by 10%%",
    )
    parser.add_argument(
        "--warm-only",
        action="store_true",
        help="only the warm build against the floor, in alternating order (after one cold build)",
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="genai-bench-"))
    started = time.perf_counter()
    try:
        # Other people edit the working tree meanwhile: build from a snapshot of the package,
        # so that no cache key changes under the bench.
        shutil.copytree(ROOT / "src" / "genai_notes", work / "src" / "genai_notes")
        os.environ["PYTHONPATH"] = str(work / "src")
        # The tiny model is benched on its own (scripts/bench_tinylm.py): every variant uses
        # the last model trained in the working tree's .cache/tinylm and never retrains it.
        os.environ["GENAI_TINYLM"] = "keep"
        base = _variants(_copy_project(work / "base"), work, "")
        if args.warm_only or args.instructions:
            _build(base["cold"])
            if args.instructions:
                print(_instructions([base["floor"], base["warm"]]))
                return 0
            _rounds([base["warm"], base["floor"]], args.reps, alternate=True)
            print()
            print(_table([base["floor"], base["warm"]], floors={"": base["floor"]}))
            return 0
        scale = _variants(_scaled_project(work / "scale", args.copies), work, f"{args.copies}x ")
        print(_machine(), "\n", flush=True)
        main_set = [base[n] for n in ("cold", "warm", "edit-page", "edit-figure", "floor")]
        _rounds(main_set, args.reps)
        scale_set = [scale[n] for n in ("cold", "warm", "floor")]
        _rounds(scale_set, args.scale_reps)
        ordered = [base[n] for n in ("floor", "warm", "cold", "edit-page", "edit-figure")]
        ordered += [scale[n] for n in ("floor", "cold", "warm")]
        print()
        print(_table(ordered, floors={"": base["floor"], f"{args.copies}x": scale["floor"]}))
        print(_notes(args, base["cold"].runs[0].drawn, scale["cold"].runs[0].drawn))
        print(_cold_speed(base["cold"], scale["cold"]))
        print(_reloads(base["warm"].config, args.reloads))
        print(_weights(base["warm"].site))
        print(f"\nBench time: {(time.perf_counter() - started) / 60:.1f} min; files in {work}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def _machine() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"Machine: nproc {os.cpu_count()}, {model}, Python {sys.version.split()[0]}, "
        f"load average at start {load}"
    )


def _copy_project(target: Path) -> Path:
    """A copy of the site sources, with the bench-only figure module and one block using it."""
    target.mkdir(parents=True)
    for name in COPIED:
        source = ROOT / name
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target / name)
    (target / "node_modules").symlink_to(ROOT / "node_modules")  # the math font's package
    (target / "benchfigs.py").write_text(BENCH_FIGURES, encoding="utf-8")
    page = target / "docs" / FIGURE_PAGE
    page.write_text(page.read_text(encoding="utf-8") + BENCH_BLOCK, encoding="utf-8")
    return target


def _variants(project: Path, work: Path, prefix: str) -> dict[str, Variant]:
    """The variants of one site; they share one cache, emptied before each cold run.

    Each round runs cold first, so the warm and edit runs that follow find every figure cached.
    """
    tag = prefix.strip() or "base"
    cache = work / f"cache-{tag}"

    def site(name: str) -> Path:
        return work / f"site-{tag}-{name}"

    def empty_cache(_: int) -> None:
        shutil.rmtree(cache, ignore_errors=True)

    def edit_page(run: int) -> None:
        page = project / "docs" / EDITED_PAGE
        page.write_text(page.read_text() + f"\nBench edit {run}.\n", encoding="utf-8")

    def edit_figure(run: int) -> None:
        module = project / "benchfigs.py"
        text = re.sub(r"^EDIT = \d+$", f"EDIT = {run + 1}", module.read_text(), flags=re.M)
        module.write_text(text, encoding="utf-8")

    models = str(ROOT / ".cache" / "tinylm")
    with_cache = _config(project, "cached", {"cache_dir": str(cache), "model_cache_dir": models})
    floor = _config(project, "floor", {"enabled": False})
    return {
        "floor": Variant(f"{prefix}floor", floor, site("floor")),
        "cold": Variant(f"{prefix}cold", with_cache, site("cold"), empty_cache),
        "warm": Variant(f"{prefix}warm", with_cache, site("warm"), expect_drawn=0),
        "edit-page": Variant(f"{prefix}edit page", with_cache, site("edit-page"), edit_page, 0),
        "edit-figure": Variant(
            f"{prefix}edit figure", with_cache, site("edit-fig"), edit_figure, 1
        ),
    }


def _config(project: Path, name: str, options: dict[str, Any]) -> Path:
    """An ``INHERIT: mkdocs.yml`` config that sets genai-notes options (lists are replaced)."""
    parent = _read_config(project / "mkdocs.yml")
    plugins = []
    for entry in parent.get("plugins", []):
        plugin_name = entry if isinstance(entry, str) else next(iter(entry))
        if plugin_name == "genai-notes":
            settings = {} if isinstance(entry, str) else dict(entry[plugin_name] or {})
            settings.update(options, figure_modules=["benchfigs"])
            entry = {"genai-notes": settings}
        plugins.append(entry)
    child: dict[str, Any] = {"INHERIT": "mkdocs.yml", "plugins": plugins}
    nav = project / "nav.yml"
    if nav.exists():
        child["nav"] = yaml.safe_load(nav.read_text(encoding="utf-8"))
    path = project / f"bench-{name}.yml"
    path.write_text(yaml.safe_dump(child, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, whose ``!ENV`` values the bench does not need."""


_ConfigLoader.add_constructor("!ENV", lambda loader, node: None)


def _read_config(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.load(path.read_text(encoding="utf-8"), Loader=_ConfigLoader)
    return data


def _scaled_project(target: Path, copies: int) -> Path:
    """The site plus ``copies - 1`` copies of every page under ``copies/NN/``.

    Relative links stay inside each copy, so they resolve; the nav gets one section per copy.
    The catalogue marker is expanded in the copies so that its figures can be varied too.
    """
    project = _copy_project(target)
    sys.path.insert(0, str(project))  # for benchfigs
    figures = registry.collect([*registry.BUILTIN_MODULES, "benchfigs"])
    parent = _read_config(project / "mkdocs.yml")
    nav = list(parent["nav"])
    docs = project / "docs"
    pages = sorted(p for p in docs.rglob("*.md"))
    for number in range(1, copies):
        folder = f"copies/{number:02d}"
        for page in pages:
            relative = page.relative_to(docs)
            text = catalogue.expand(page.read_text(encoding="utf-8"), figures)
            out = docs / folder / relative
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(_vary_blocks(text, figures, number), encoding="utf-8")
        nav.append({f"Copy {number:02d}": _prefix_nav(parent["nav"], folder)})
    (project / "nav.yml").write_text(yaml.safe_dump(nav, allow_unicode=True), encoding="utf-8")
    return project


def _prefix_nav(items: Any, folder: str) -> Any:
    if isinstance(items, list):
        return [_prefix_nav(item, folder) for item in items]
    if isinstance(items, dict):
        return {key: _prefix_nav(value, folder) for key, value in items.items()}
    if isinstance(items, str) and items.endswith(".md"):
        return f"{folder}/{items}"
    return items


def _vary_blocks(markdown: str, figures: dict[str, registry.FigureDef], number: int) -> str:
    """Each figure block with one numeric parameter nudged, so the copy's figure differs."""
    lines = markdown.splitlines()
    for raw in reversed(list(blocks.find_blocks(markdown))):
        try:
            block = blocks.parse_block(raw)
            figure = figures[block.name]
        except (blocks.BlockError, KeyError):
            continue
        params = _varied(figure, dict(block.params), number)
        body: dict[str, Any] = {"name": block.name, "params": params}
        body.update(caption=block.caption, alt=block.alt)
        if block.id:
            body["id"] = block.id
        text = yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=10_000)
        fence = [f"{raw.indent}```figure"]
        fence += [f"{raw.indent}{line}" for line in text.splitlines()]
        lines[raw.start : raw.end] = [*fence, f"{raw.indent}```"]
    return "\n".join(lines) + "\n"


def _varied(figure: registry.FigureDef, params: dict[str, Any], number: int) -> dict[str, Any]:
    """``params`` with the first numeric parameter that accepts a nudge nudged by ``number``."""
    current = figure.check(params)
    for parameter in figure.parameters:
        value = current[parameter.name]
        for candidate in _nudges(parameter.kind, value, number):
            trial = {**params, parameter.name: candidate}
            try:
                figure.function(**figure.check(trial))
            except Exception:  # this nudge is not allowed here; try the next
                continue
            return trial
    return params


def _nudges(kind: Any, value: Any, number: int) -> Iterator[Any]:
    if isinstance(value, bool) or value is None:
        return
    if kind is float and isinstance(value, int | float):
        yield value * (1 + number / 100)
        yield value * (1 - number / 100)
    elif kind is int and isinstance(value, int):
        yield value + number
        yield value - number
    elif isinstance(value, list) and value and isinstance(value[0], int | float):
        first = value[0]
        nudged = first * (1 + number / 100) if isinstance(first, float) else first + number
        yield [nudged, *value[1:]]


def _rounds(variants: list[Variant], reps: int, *, alternate: bool = False) -> None:
    """Run every variant once per round; ``alternate`` reverses the order every other round
    (A B, B A, ...), so that what a build leaves to the next (warm file caches, a machine
    slowing down or speeding up) weighs on each variant alike."""
    for number in range(reps):
        for variant in reversed(variants) if alternate and number % 2 else variants:
            variant.before(number)
            run = _build(variant)
            if variant.expect_drawn is not None and run.drawn != variant.expect_drawn:
                raise SystemExit(
                    f"bench: {variant.name} drew {run.drawn} figures, "
                    f"expected {variant.expect_drawn}"
                )
            if variant.expect_drawn is None and run.drawn:  # cold: the same every round
                variant.expect_drawn = run.drawn
            if run.failed:
                raise SystemExit(f"bench: {variant.name}: {run.failed} figures failed to draw")
            variant.runs.append(run)
            print(
                f"  round {number + 1}/{reps} {variant.name:<14} {run.wall:6.1f} s wall "
                f"{run.cpu:6.1f} s CPU  drawn {run.drawn}",
                flush=True,
            )


def _build(variant: Variant) -> Run:
    """Build once in a fresh process; time it and read its report."""
    command = [sys.executable, "-c", CHILD, "build", "-f", str(variant.config)]
    command += ["-d", str(variant.site)]
    log = variant.site.with_suffix(".log")
    with log.open("w") as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    text = log.read_text()
    report = re.search(r"^BENCH (.*)$", text, re.M)
    stats = STATS.search(text)
    if process.returncode != 0 or report is None:
        raise SystemExit(f"bench: {variant.name} failed:\n{text[-3000:]}")
    data = json.loads(report.group(1))
    drawn, cached, failed = (int(g) for g in stats.groups()) if stats else (0, 0, 0)
    return Run(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        rss_main_mb=data["rss_main"] / 1024,
        rss_worker_mb=data["rss_worker"] / 1024,
        matplotlib=data["matplotlib"],
        drawn=drawn,
        cached=cached,
        failed=failed,
    )


def _instructions(variants: list[Variant]) -> str:
    """Instructions each variant's build executes (user space, the build process: a warm
    build starts no figure worker), counted by callgrind, side by side, as a Markdown table.
    On a shared machine the CPU time of a two-second build varies by a tenth from run to run,
    while this count varies by well under one per cent."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise SystemExit("bench: --instructions needs valgrind (apt-get install valgrind)")
    counts = {}
    for variant in variants:
        out = variant.site.with_suffix(".callgrind")
        command = [valgrind, "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable]
        command += [
            "-m",
            "mkdocs",
            "build",
            "-q",
            "-f",
            str(variant.config),
            "-d",
            str(variant.site),
        ]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        found = re.search(r"^summary: (\d+)$", out.read_text() if out.exists() else "", re.M)
        if result.returncode != 0 or found is None:
            raise SystemExit(
                f"bench: {variant.name} under callgrind failed:\n{result.stderr[-3000:]}"
            )
        counts[variant.name] = int(found.group(1))
    floor = counts[variants[0].name]
    rows = [
        f"| {name} | {count / 1e9:.2f} | {count / floor:.3f} |" for name, count in counts.items()
    ]
    return "\n".join(["| Variant | Instructions (G) | x floor |", "| --- | ---: | ---: |", *rows])


def _table(variants: list[Variant], floors: dict[str, Variant]) -> str:
    rows = [
        "| Variant | Runs | Wall median (s) | Wall min-max (s) | x floor (wall) | CPU median (s) "
        "| x floor (CPU) | Peak RSS main / worker (MB) | Drawn | matplotlib imported |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for variant in variants:
        scaled = [prefix for prefix in floors if prefix and variant.name.startswith(prefix)]
        floor = floors[scaled[0] if scaled else ""]
        wall = [r.wall for r in variant.runs]
        cpu = [r.cpu for r in variant.runs]
        floor_wall = statistics.median(r.wall for r in floor.runs)
        floor_cpu = statistics.median(r.cpu for r in floor.runs)
        main_rss = max(r.rss_main_mb for r in variant.runs)
        worker_rss = max(r.rss_worker_mb for r in variant.runs)
        imported = sorted({"yes" if r.matplotlib else "no" for r in variant.runs})
        rows.append(
            f"| {variant.name} | {len(wall)} | {statistics.median(wall):.1f} "
            f"| {min(wall):.1f}-{max(wall):.1f} | {statistics.median(wall) / floor_wall:.2f} "
            f"| {statistics.median(cpu):.1f} | {statistics.median(cpu) / floor_cpu:.2f} "
            f"| {main_rss:.0f} / {worker_rss:.0f} | {variant.runs[-1].drawn} "
            f"| {'/'.join(imported)} |"
        )
    return "\n".join(rows)


def _notes(args: argparse.Namespace, figures: int, scaled: int) -> str:
    return (
        f"\nFigures drawn cold: {figures} distinct (incl. 1 bench-only figure); "
        f"{args.copies}x site: {scaled}.\n"
        f"Runs: {args.reps} per variant, {args.scale_reps} per {args.copies}x variant "
        "(fewer, to keep the bench short), interleaved in rounds: cold, warm, edits, floor.\n"
        "x floor: ratio of medians to the floor of the same site (the plugin off). "
        "CPU: user + system time of the build and its workers.\n"
        "Peak RSS: the build process, and the largest figure worker (0: none started)."
    )


def _cold_speed(*colds: Variant) -> str:
    lines = []
    for cold in colds:
        wall = statistics.median(r.wall for r in cold.runs)
        drawn = cold.runs[0].drawn
        lines.append(f"{cold.name}: {drawn} figures in {wall:.1f} s wall, {drawn / wall:.1f} per s")
    return "\nCold builds (each figure function called once per miss):\n" + "\n".join(lines)


def _reloads(config: Path, count: int) -> str:
    """Median save-to-reload of ``mkdocs serve``, plain and ``--dirty``, for a paragraph edit."""
    rows = []
    for flags in ((), ("--dirty",)):
        times = [t for t in _serve_times(config, flags, count) if t is not None]
        shown = f"{statistics.median(times):.2f} s" if times else "no reload seen"
        rows.append(f"| {' '.join(('serve', *flags))} | {len(times)} | {shown} |")
    return "\n".join(
        [
            "\nSave-to-reload under serve:",
            "| Command | Reloads | Median |",
            "| --- | ---: | ---: |",
            *rows,
        ]
    )


def _serve_times(config: Path, flags: tuple[str, ...], count: int) -> list[float | None]:
    import socket
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [sys.executable, "-m", "mkdocs", "serve", "-f", str(config), *flags]
    command += ["--dev-addr", f"127.0.0.1:{port}"]
    page = config.parent / "docs" / EDITED_PAGE
    base = urlsplit(os.environ.get("SITE_URL", "")).path.strip("/")
    path = "/".join(part for part in (base, EDITED_PAGE.removesuffix(".md")) if part)
    url = f"http://127.0.0.1:{port}/{path}/"
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def served(marker: str, seconds: float) -> float | None:
        start = time.perf_counter()
        while time.perf_counter() - start < seconds:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if marker in response.read().decode("utf-8"):
                        return time.perf_counter() - start
            except OSError:
                pass
            time.sleep(0.05)
        return None

    try:
        if served("</html>", 120) is None:
            return []
        found: list[float | None] = []
        for number in range(count):
            marker = f"Reload marker {number} {'-'.join(flags)}."
            start = time.perf_counter()
            page.write_text(page.read_text(encoding="utf-8") + f"\n{marker}\n", encoding="utf-8")
            waited = served(marker, 60)
            found.append(None if waited is None else time.perf_counter() - start)
            time.sleep(1.0)
        return found
    finally:
        server.terminate()
        server.wait(timeout=30)


class _Assets(HTMLParser):
    """The URLs a page makes the browser fetch: styles, scripts, images."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "link" and "stylesheet" in (found.get("rel") or "").split():
            self._add("style", found.get("href"))
        elif tag == "script":
            self._add("script", found.get("src"))
        elif tag == "img":
            src = found.get("src") or ""
            self._add("figure" if "assets/figures/" in src else "image", src)

    def _add(self, kind: str, url: str | None) -> None:
        if url and not urlsplit(url).scheme and not url.startswith("data:"):
            self.urls.append((kind, unquote(urlsplit(url).path)))


def _gz(path: Path, memo: dict[Path, int]) -> int:
    if path not in memo:
        memo[path] = len(gzip.compress(path.read_bytes(), compresslevel=6, mtime=0))
    return memo[path]


def _weights(site: Path) -> str:
    """Per page: compressed bytes of HTML, figures, styles and scripts, and search."""
    memo: dict[Path, int] = {}
    search = [p for p in (site / "search").glob("*") if p.suffix in (".json", ".js")]
    search += sorted((site / "assets/javascripts/workers").glob("search*.js"))
    search_bytes = sum(_gz(p, memo) for p in search)
    rows = []
    for page in sorted(site.rglob("*.html")):
        parser = _Assets()
        parser.feed(page.read_text(encoding="utf-8"))
        parts = {"figure": 0, "style": 0, "script": 0, "image": 0}
        for kind, url in dict.fromkeys(parser.urls):
            target = (page.parent / url).resolve()
            if target.is_file():
                parts[kind] += _gz(target, memo)
        html_bytes = _gz(page, memo)
        bundle = parts["style"] + parts["script"] + parts["image"]
        total = html_bytes + parts["figure"] + bundle + search_bytes
        rows.append((total, page.relative_to(site).as_posix(), html_bytes, parts["figure"], bundle))
    rows.sort(reverse=True)
    lines = [
        "\nBytes a reader downloads per page (gzip -6, KB; search = index + worker, "
        f"{search_bytes / 1024:.0f} KB, counted on every page):",
        "| Page | HTML | Figures | Styles + scripts | Total |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for total, name, html_bytes, figure_bytes, bundle in rows:
        lines.append(
            f"| {name} | {html_bytes / 1024:.0f} | {figure_bytes / 1024:.0f} "
            f"| {bundle / 1024:.0f} | {total / 1024:.0f} |"
        )
    heaviest = rows[0]
    verdict = "within" if heaviest[0] <= PAGE_LIMIT else "OVER"
    lines.append(
        f"\nHeaviest page: {heaviest[1]}, {heaviest[0] / 1024:.0f} KB compressed "
        f"({verdict} the 500 KB budget)."
    )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())

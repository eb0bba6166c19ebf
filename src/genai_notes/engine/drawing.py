"""Drawing figures: each figure function called once per miss, in worker processes.

A worker imports the figure modules and matplotlib once, then for each job calls the figure
function once and returns everything the page needs: the four SVGs (two palettes, wide and phone
sizes), the data table, the sizes and where each table row was plotted (the marks). Each SVG
is checked to parse before it leaves the worker.
The pool lives as long as its owner (a whole ``mkdocs serve`` session) and is closed on
shutdown; a worker whose parent dies exits by itself, so a killed build leaves no process
behind. Failures come back as messages with the traceback kept for verbose logs. No MkDocs here.
"""

from __future__ import annotations

import os
import threading
import time
import traceback
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported when drawing starts: a warm build draws nothing
    from concurrent.futures import Future, ProcessPoolExecutor

    from genai_notes.figures.base import Table
    from genai_notes.figures.marks import Marks

PARENT_CHECK_SECONDS = 1.0
"""How often a worker checks that the build that started it is still alive."""


@dataclass(frozen=True)
class Job:
    """One figure to draw: its cache key, registered name and checked parameters."""

    key: str
    name: str
    params: dict[str, Any]
    artefacts: tuple[tuple[str, str], ...] = ()
    """Build artefacts the figure reads, as (name, path) (see ``genai_notes.figures.artefacts``)."""


@dataclass(frozen=True)
class Outcome:
    """What drawing one job gave: SVGs by variant, table, sizes and marks, or an error.

    ``marks`` holds, for the wide (``""``) and the phone (``"phone-"``) drawing, where each
    point of the table was plotted (the same in both palettes); empty for a figure with none.
    """

    key: str
    svgs: dict[str, bytes] | None = None
    table: Table | None = None
    size: tuple[float, float] | None = None
    phone_size: tuple[float, float] | None = None
    marks: dict[str, Marks] | None = None
    error: str | None = None
    details: str | None = None


_FIGURES: dict[str, Any] = {}


def start_worker(modules: Sequence[str], parent: int) -> None:
    """Import figure modules and matplotlib once; exit when the parent process is gone."""
    import matplotlib

    from genai_notes.figures import registry

    matplotlib.use("svg")
    _FIGURES.clear()
    _FIGURES.update(registry.collect(modules, on_error=lambda module, problem: None))
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(PARENT_CHECK_SECONDS)
        if os.getppid() != parent:
            os._exit(1)


def draw(job: Job) -> Outcome:
    """Call the figure function once and render all it needs (in a worker, or in-process)."""
    from genai_notes.figures import artefacts
    from genai_notes.figures.render import render_svg_marks
    from genai_notes.figures.style import THEMES

    try:
        figure = _FIGURES[job.name]
        artefacts.use(job.artefacts)
        result = figure.function(**job.params)
        if result.draw is None:
            return Outcome(job.key, svgs={}, table=result.table)
        svgs: dict[str, bytes] = {}
        marks: dict[str, Marks] = {}
        sizes = {"": (result.width, result.height), "phone-": result.phone_size}
        for prefix, size in sizes.items():
            for theme in THEMES:
                # the palettes share a geometry: the marks of the first serve both
                svg, found = render_svg_marks(result, theme, size, find_marks=prefix not in marks)
                ET.fromstring(svg)  # a drawing that does not parse never reaches the cache
                svgs[f"{prefix}{theme.name}"] = svg
                marks.setdefault(prefix, found)
        if not all(m.marks for m in marks.values()):
            marks = {}
    except Exception as exc:
        return Outcome(
            job.key, error=f"{type(exc).__name__}: {exc}", details=traceback.format_exc()
        )
    return Outcome(
        job.key,
        svgs=svgs,
        table=result.table,
        size=(result.width, result.height),
        phone_size=result.phone_size,
        marks=marks,
    )


class DrawingPool:
    """Worker processes that draw jobs; started on first use, reused until closed."""

    def __init__(self, modules: Sequence[str], workers: int | None = None) -> None:
        """Draw figures from ``modules`` on ``workers`` processes (default: one per core)."""
        self.modules = tuple(modules)
        self.workers = workers or os.cpu_count() or 1
        self._pool: ProcessPoolExecutor | None = None

    def run(self, jobs: Sequence[Job]) -> Iterator[Outcome]:
        """Draw every job, yielding each outcome as soon as it is ready.

        One job with no pool running is drawn in this process (starting workers costs more).
        """
        if not jobs:
            return
        if self._pool is None and (len(jobs) == 1 or self.workers == 1):
            start_in_process(self.modules)
            for job in jobs:
                yield draw(job)
            return
        from concurrent.futures import as_completed

        pool = self._ensure()
        futures: dict[Future[Outcome], Job] = {pool.submit(draw, job): job for job in jobs}
        for future in as_completed(futures):
            try:
                yield future.result()
            except Exception as exc:  # a worker that died (killed, out of memory)
                job = futures[future]
                self.close()
                yield Outcome(job.key, error=f"the drawing process failed: {exc}")

    def _ensure(self) -> ProcessPoolExecutor:
        if self._pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            # spawn: safe beside mkdocs serve's threads, and workers import current code.
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(
                self.workers, context, start_worker, (self.modules, os.getpid())
            )
        return self._pool

    def close(self) -> None:
        """Stop the workers (they finish nothing more); safe to call twice."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def start_in_process(modules: Iterable[str]) -> None:
    """Prepare this process to draw (as a worker would, without the parent watch)."""
    import matplotlib

    from genai_notes.figures import registry

    matplotlib.use("svg")
    _FIGURES.clear()
    _FIGURES.update(registry.collect(modules, on_error=_ignore))


def _ignore(module: str, problem: str) -> None:
    """Import problems are reported by the build that checks the blocks, not by a worker."""

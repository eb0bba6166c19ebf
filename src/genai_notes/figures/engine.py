"""Render the figures a build needs, in parallel across the machine's cores.

Each job names a figure and its checked parameters; a worker process imports the figure
modules (and matplotlib) once, then draws its jobs in both themes. Failures come back as
messages, with the traceback kept for verbose logs. No MkDocs here.
"""

from __future__ import annotations

import multiprocessing
import os
import traceback
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from genai_notes.figures import registry
from genai_notes.figures.render import render_svg
from genai_notes.figures.style import THEMES


@dataclass(frozen=True)
class Job:
    """One figure to draw."""

    key: str
    name: str
    params: dict[str, Any]


@dataclass(frozen=True)
class Outcome:
    """What drawing one job gave: SVGs by theme, or an error."""

    key: str
    svgs: dict[str, bytes] | None = None
    error: str | None = None
    details: str | None = None


_WORKER_FIGURES: dict[str, registry.FigureDef] = {}


def _start_worker(modules: Sequence[str]) -> None:
    """Import figure modules and matplotlib once per worker process."""
    import matplotlib

    matplotlib.use("svg")
    _WORKER_FIGURES.update(registry.collect(modules))


def _draw(job: Job) -> Outcome:
    try:
        result = _WORKER_FIGURES[job.name].call(job.params)
        svgs = {theme.name: render_svg(result, theme) for theme in THEMES}
    except Exception as exc:
        return Outcome(
            job.key, error=f"{type(exc).__name__}: {exc}", details=traceback.format_exc()
        )
    return Outcome(job.key, svgs=svgs)


def render_all(jobs: Sequence[Job], modules: Sequence[str]) -> list[Outcome]:
    """Draw every job, on as many processes as there are cores (one job: in this process)."""
    if not jobs:
        return []
    workers = min(len(jobs), os.cpu_count() or 1)
    if workers == 1:
        _start_worker(modules)
        try:
            return [_draw(job) for job in jobs]
        finally:
            _WORKER_FIGURES.clear()
    # spawn: safe beside mkdocs serve's threads, and workers always import current code.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, context, _start_worker, (tuple(modules),)) as pool:
        return list(pool.map(_draw, jobs))

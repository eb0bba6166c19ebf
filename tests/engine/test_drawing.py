"""Drawing: one call of the figure function per miss gives everything; no orphan workers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from genai_notes.engine import drawing
from genai_notes.engine.figure_cache import VARIANTS

COUNTING_MODULE = '''
"""A figure that counts its calls in a file."""
from pathlib import Path
from genai_notes.figures.base import FigureResult, Table, figure

COUNTER = Path(__file__).with_suffix(".calls")


@figure("counting.line")
def line(points: int = 3) -> FigureResult:
    """A line that counts its calls."""
    with COUNTER.open("a") as handle:
        handle.write("x")
    table = Table(("x", "y"), tuple((i, i * i) for i in range(points)))

    def draw(fig, theme) -> None:
        fig.add_subplot().plot([r[0] for r in table.rows], [r[1] for r in table.rows])

    return FigureResult(table, draw)
'''


def test_one_call_gives_four_svgs_the_table_and_the_sizes(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "countingfigs.py").write_text(COUNTING_MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    drawing.start_in_process(["countingfigs"])
    outcome = drawing.draw(drawing.Job("k", "counting.line", {"points": 4}))
    assert outcome.error is None
    assert (tmp_path / "countingfigs.calls").read_text() == "x"
    assert outcome.svgs is not None and set(outcome.svgs) == set(VARIANTS)
    for svg in outcome.svgs.values():
        assert ET.fromstring(svg).tag.endswith("svg")
    assert outcome.table is not None and outcome.table.rows[-1] == (3, 9)
    assert outcome.size == (7.0, 3.6) and outcome.phone_size == (3.75, 4.68)


def test_an_error_in_a_figure_comes_back_as_a_message(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "countingfigs.py").write_text(COUNTING_MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    drawing.start_in_process(["countingfigs"])
    outcome = drawing.draw(drawing.Job("k", "counting.line", {"points": "three"}))
    assert outcome.svgs is None and outcome.error is not None and "TypeError" in outcome.error


def test_a_pool_draws_each_job_once_in_its_workers(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "countingfigs.py").write_text(COUNTING_MODULE)
    sys.path.insert(0, str(tmp_path))
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])
    )
    pool = drawing.DrawingPool(["countingfigs"], workers=2)
    try:
        jobs = [drawing.Job(f"k{n}", "counting.line", {"points": n}) for n in (2, 3, 4)]
        outcomes = list(pool.run(jobs))
        again = list(pool.run([drawing.Job("k5", "counting.line", {"points": 5})]))
    finally:
        pool.close()
        sys.path.remove(str(tmp_path))
    assert sorted(o.key for o in outcomes) == ["k2", "k3", "k4"]
    assert all(o.error is None for o in outcomes + again)
    assert (tmp_path / "countingfigs.calls").read_text() == "xxxx"


KILLED_BUILD = textwrap.dedent(
    """
    import sys, time
    from genai_notes.engine import drawing
    pool = drawing.DrawingPool(["genai_notes.figures.sampling"], workers=2)
    jobs = [drawing.Job(f"k{n}", "sampling.temperature", {}) for n in range(2)]
    list(pool.run(jobs))
    print(" ".join(str(p) for p in pool._pool._processes), flush=True)
    time.sleep(60)
    """
)


def test_workers_exit_when_the_build_that_started_them_is_killed() -> None:
    build = subprocess.Popen(
        [sys.executable, "-c", KILLED_BUILD], stdout=subprocess.PIPE, text=True
    )
    assert build.stdout is not None
    with build.stdout:
        workers = [int(pid) for pid in build.stdout.readline().split()]
        assert len(workers) == 2
        os.kill(build.pid, signal.SIGKILL)
        build.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.2)
    assert not any(_alive(pid) for pid in workers)


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, dead but not yet reaped by init, counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
    except (OSError, IndexError):
        return False
    return state != "Z"

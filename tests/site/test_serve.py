"""``mkdocs serve`` with the plugin: errors show on the page while the server keeps answering,
edited package code is reloaded, and the drawing workers end with the server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.site.test_figure_blocks import CONFIG, FIGURE_MODULE

PAGE = """\
# Served

```figure
name: mini.line
caption: A line.
alt: A rising line.
```

```figure
name: mini.other
caption: Another line.
alt: Another rising line.
```

Value {{ 2 + 3 | .0f }} here.
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return str(response.read().decode("utf-8"))


def _wait_for(check: Callable[[], bool], seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail("the server did not reach the expected state in time")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str, subprocess.Popen[str]]]:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/index.md").write_text(PAGE)
    (tmp_path / "abbreviations.md").write_text("*[LLM]: Large language model.\n")
    (tmp_path / "mkdocs.yml").write_text(CONFIG)
    (tmp_path / "minifigs.py").write_text(FIGURE_MODULE)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=tmp_path,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        yield tmp_path, f"http://127.0.0.1:{port}/", server
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
        server.wait()
        if server.stderr is not None:
            server.stderr.close()


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(") ", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def test_an_error_in_a_figure_module_shows_on_the_page_and_the_server_keeps_answering(
    served: tuple[Path, str, subprocess.Popen[str]],
) -> None:
    project, url, server = served
    _wait_for(lambda: 'class="genai-figure"' in _get(url))
    assert "Value 5 here." in _get(url)
    module = project / "minifigs.py"
    good = module.read_text()
    module.write_text(good.replace("def line(", "def line(("))  # a syntax error
    _wait_for(lambda: "syntax error" in _get(url))
    page = _get(url)
    assert 'class="admonition failure genai-error"' in page
    assert "minifigs.py:" in page
    assert "Value 5 here." in page  # the rest of the page still builds
    module.write_text(good.replace("return theme.series[1]", "return theme.text"))
    _wait_for(lambda: "syntax error" not in _get(url) and 'class="genai-figure"' in _get(url))
    assert server.poll() is None


def test_the_drawing_workers_end_with_the_server(
    served: tuple[Path, str, subprocess.Popen[str]],
) -> None:
    project, url, server = served
    _wait_for(lambda: 'class="genai-figure"' in _get(url))
    module = project / "minifigs.py"
    module.write_text(module.read_text().replace("return theme.series[1]", "return theme.text"))
    # Two figures to draw again: drawn by a pool of worker processes that outlives the build.
    _wait_for(lambda: len(_children(server.pid)) >= 2, seconds=60)
    workers = _children(server.pid)
    server.send_signal(signal.SIGINT)
    server.wait(timeout=30)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in workers):
        time.sleep(0.2)
    alive = [
        p
        for p in workers
        if Path(f"/proc/{p}/stat").exists()
        and Path(f"/proc/{p}/stat").read_text().rsplit(") ", 1)[1][0] != "Z"
    ]
    assert alive == []

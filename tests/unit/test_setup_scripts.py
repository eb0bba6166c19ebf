"""scripts/_setup.sh and scripts/serve, on temporary copies: what a new author meets first.

No install happens here: a broken .venv is made by hand in a copy of the scripts, and the
set-up's own diagnosis is asked for; scripts/serve's address checks run before any set-up.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _copy_scripts(tmp_path: Path) -> Path:
    (tmp_path / "scripts").mkdir()
    for name in ("_setup.sh", "serve"):
        shutil.copy2(ROOT / "scripts" / name, tmp_path / "scripts" / name)
    return tmp_path


def _problem(project: Path, **env: str) -> str:
    """What _setup.sh says is wrong with ``project/.venv`` (empty: nothing)."""
    result = subprocess.run(
        ["bash", "-c", "source scripts/_setup.sh && _venv_problem"],
        cwd=project,
        env={"PATH": "/usr/bin:/bin", "GENAI_SETUP_DEFINE_ONLY": "1", **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def _venv(project: Path) -> Path:
    """A real, bare venv (no pip: quick to make) in ``project/.venv``."""
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(project / ".venv")], check=True
    )
    return project / ".venv"


def test_a_missing_python_is_a_broken_venv(tmp_path: Path) -> None:
    project = _copy_scripts(tmp_path)
    (project / ".venv/bin").mkdir(parents=True)
    assert _problem(project) == ".venv has no runnable bin/python"


def test_a_venv_without_pip_is_broken(tmp_path: Path) -> None:
    project = _copy_scripts(tmp_path)
    _venv(project)
    assert _problem(project) == ".venv has no working pip"


def test_a_python_that_no_longer_runs_is_broken(tmp_path: Path) -> None:
    project = _copy_scripts(tmp_path)
    python = _venv(project) / "bin/python"
    python.unlink()
    python.write_text("#!/bin/sh\nexit 1\n")
    python.chmod(0o755)
    assert _problem(project) == ".venv's Python does not run or is older than 3.11"


def test_an_unfinished_install_is_broken(tmp_path: Path) -> None:
    project = _copy_scripts(tmp_path)
    venv = _venv(project)
    # pip: the test's own environment stands in (it only has to answer --version).
    pip = venv / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    (pip / "site-packages/pip").mkdir(parents=True, exist_ok=True)
    (pip / "site-packages/pip/__main__.py").write_text("print('pip 99')\n")
    (pip / "site-packages/pip/__init__.py").write_text("")
    assert _problem(project) == ""
    (venv / ".genai-notes-installing").touch()
    assert _problem(project) == "the last install into .venv did not finish"


def test_a_venv_of_another_python_than_asked_for_is_broken(tmp_path: Path) -> None:
    project = _copy_scripts(tmp_path)
    venv = _venv(project)
    other = tmp_path / "python-3.99"
    other.write_text("#!/bin/sh\necho '(3, 99)'\n")
    other.chmod(0o755)
    assert "another Python than PYTHON=" in _problem(project, PYTHON=str(other))
    assert venv.is_dir()


def _serve(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "scripts/serve", *args],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port: int = taken.getsockname()[1]
        yield port


def test_serve_refuses_a_busy_port_and_names_a_free_one(tmp_path: Path, busy_port: int) -> None:
    project = _copy_scripts(tmp_path)
    result = _serve(project, "--dev-addr", f"127.0.0.1:{busy_port}")
    assert result.returncode == 1
    assert f"127.0.0.1:{busy_port} is already in use" in result.stderr
    assert "scripts/serve --dev-addr 127.0.0.1:" in result.stderr
    assert not (project / ".venv").exists()  # checked before any set-up


@pytest.mark.parametrize("form", ["--dev-addr={addr}", "-a{addr}"])
def test_serve_reads_every_form_of_dev_addr(tmp_path: Path, busy_port: int, form: str) -> None:
    project = _copy_scripts(tmp_path)
    result = _serve(project, form.format(addr=f"127.0.0.1:{busy_port}"))
    assert result.returncode == 1
    assert "already in use" in result.stderr


def test_serve_wants_host_and_port(tmp_path: Path) -> None:
    project = _copy_scripts(tmp_path)
    result = _serve(project, "--dev-addr", "8001")
    assert result.returncode == 2
    assert "HOST:PORT" in result.stderr


def test_serve_binds_to_loopback_unless_asked() -> None:
    serve = (ROOT / "scripts/serve").read_text(encoding="utf-8")
    assert "addr=127.0.0.1:8000" in serve
    assert "0.0.0.0" not in serve

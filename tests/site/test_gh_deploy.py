"""`mkdocs gh-deploy` against a local bare repository standing in for GitHub."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.site.helpers import ROOT, model_cache, session_figure_cache

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@localhost",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@localhost",
    "NO_MKDOCS_2_WARNING": "1",
}


def _run(args: list[str], cwd: Path) -> str:
    result = subprocess.run(
        args, cwd=cwd, env={**os.environ, **GIT_ENV}, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"{args}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_gh_deploy_pushes_a_complete_site_to_the_gh_pages_branch(tmp_path: Path) -> None:
    model_cache()  # the shared tiny model, trained at most once per session
    remote = tmp_path / "remote.git"
    _run(["git", "init", "--bare", "--quiet", str(remote)], tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    # node_modules: the math font the build copies into the site (npm ci installs it)
    names = ("mkdocs.yml", "pyproject.toml", ".gitignore", "docs", "includes", "overrides")
    for name in (*names, "node_modules"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, work / name)
        else:
            shutil.copy2(source, work / name)
    (work / "scripts/hooks").mkdir(parents=True)
    shutil.copy2(ROOT / "scripts/hooks/site_version.py", work / "scripts/hooks")
    # A head start from the figures this session drew (never the working tree's .cache).
    if session_figure_cache().is_dir():
        shutil.copytree(session_figure_cache(), work / ".cache/plugin/genai-notes")
    _run(["git", "init", "--quiet", "-b", "main"], work)
    _run(["git", "add", "-A"], work)
    _run(["git", "commit", "--quiet", "-m", "notes"], work)
    _run(["git", "remote", "add", "origin", str(remote)], work)

    # Never --quiet: it drops the warnings --strict counts.
    _run([sys.executable, "-m", "mkdocs", "gh-deploy", "--strict", "--force"], work)

    files = _run(["git", "ls-tree", "-r", "--name-only", "gh-pages"], remote).split()
    for required in ("index.html", "404.html", "sitemap.xml", ".nojekyll"):
        assert required in files
    assert "week1/scaling-laws/index.html" in files

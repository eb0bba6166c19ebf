"""The GitHub workflow, checked without GitHub: GitHub's schema, the project's rules, ShellCheck.

The schema is the one check-jsonschema ships (SchemaStore's github-workflow.json, plus its
rule that every job has timeout-minutes). The workflow itself runs the real actionlint on
GitHub; here ShellCheck reads every ``run:`` block as actionlint would (when it is installed:
``.ci/run`` installs it, and with CI set its absence is a failure).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github/workflows/pages.yml"
# The current major of each official action used, checked in its repository on 2026-12-01
# (tags and action.yml's runs.using): all node24 but configure-pages (node20, its newest).
CURRENT_MAJORS = {
    "actions/checkout": "v7",
    "actions/setup-python": "v7",
    "actions/cache": "v5",
    "actions/configure-pages": "v5",
    "actions/upload-pages-artifact": "v5",
    "actions/upload-artifact": "v7",
    "actions/deploy-pages": "v5",
}


def _workflow() -> dict[Any, Any]:
    # PyYAML reads the key "on" as True (YAML 1.1); BaseLoader keeps every scalar a string.
    with WORKFLOW.open(encoding="utf-8") as file:
        loaded: dict[Any, Any] = yaml.load(file, Loader=yaml.BaseLoader)
    return loaded


def _steps(job: str) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = _workflow()["jobs"][job]["steps"]
    return steps


@pytest.mark.parametrize(
    "schema", ["vendor.github-workflows", "custom.github-workflows-require-timeout"]
)
def test_workflow_passes_githubs_schema(schema: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(WORKFLOW)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_official_action_is_at_its_current_major() -> None:
    used = [
        step["uses"]
        for job in _workflow()["jobs"].values()
        for step in job["steps"]
        if "uses" in step
    ]
    assert used
    for reference in used:
        action, _, version = reference.partition("@")
        assert action in CURRENT_MAJORS, f"{reference}: not an action this test knows"
        assert version == CURRENT_MAJORS[action], (
            f"{reference}: current is {CURRENT_MAJORS[action]}"
        )


def test_permissions_are_per_job_and_the_build_only_reads() -> None:
    workflow = _workflow()
    assert workflow["permissions"] == {}
    jobs = workflow["jobs"]
    for name, job in jobs.items():
        assert "permissions" in job, name
        assert int(job["timeout-minutes"]) <= 30, name
    assert jobs["test"]["permissions"] == {"contents": "read"}
    assert set(jobs["build"]["permissions"].values()) == {"read"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert jobs["release"]["permissions"] == {"contents": "write"}


def test_tests_run_before_anything_is_deployed_or_released() -> None:
    jobs = _workflow()["jobs"]
    assert jobs["build"]["needs"] == "test"
    assert jobs["deploy"]["needs"] == "build"
    assert jobs["release"]["needs"] == "test"
    runs = " ".join(step.get("run", "") for step in _steps("test"))
    assert "scripts/strict_build.py" in runs
    assert "pytest" in runs
    assert "actionlint" in runs
    # Pull requests build but never deploy; only main deploys.
    assert "pull_request" in _workflow()["on"]
    assert "github.event_name != 'pull_request'" in jobs["deploy"]["if"]
    assert "refs/heads/main" in jobs["deploy"]["if"]


def test_pip_and_the_figure_cache_are_keyed_by_the_lock_file_and_the_code() -> None:
    for job in ("test", "build", "release"):
        setup = next(s for s in _steps(job) if s.get("uses", "").startswith("actions/setup-python"))
        assert setup["with"]["cache"] == "pip"
        assert "constraints.txt" in setup["with"]["cache-dependency-path"]
    cache = next(s for s in _steps("build") if s.get("uses", "").startswith("actions/cache"))
    assert cache["with"]["path"] == ".cache/plugin/genai-notes"
    assert "hashFiles('constraints.txt', 'src/genai_notes/**')" in cache["with"]["key"]


def test_the_sites_addresses_come_from_the_repository_it_runs_in() -> None:
    build = next(s for s in _steps("build") if s.get("name") == "Build strictly")
    env = build["env"]
    assert env["REPO_URL"] == "${{ github.server_url }}/${{ github.repository }}"
    assert env["REPO_NAME"] == "${{ github.repository }}"
    assert "${{ github.event.repository.default_branch }}" in env["EDIT_URI"]
    assert env["PAGES_URL"] == "${{ steps.pages.outputs.base_url }}"
    assert "SITE_URL=" in build["run"]
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for key, variable in [
        ("site_url", "SITE_URL"),
        ("repo_url", "REPO_URL"),
        ("repo_name", "REPO_NAME"),
        ("edit_uri", "EDIT_URI"),
    ]:
        assert re.search(rf"^{key}: !ENV {variable}$", config, re.MULTILINE), key
    assert "example" not in config


def test_no_build_anywhere_is_strict_and_quiet() -> None:
    """--quiet drops warnings before strict mode counts them: strict builds must not use it."""
    offenders = []
    for folder in ("scripts", ".github", ".ci", "tests"):
        for path in sorted((ROOT / folder).rglob("*")):
            if not path.is_file() or path.suffix not in {"", ".py", ".yml", ".yaml", ".sh"}:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            if path.suffix == ".py":
                # An argument list [...] that has both flags as string literals.
                for match in re.finditer(r"\[[^\[\]]*\]", text):
                    arguments = match.group()
                    if '"--strict"' in arguments and re.search(r'"(--quiet|-q)"', arguments):
                        offenders.append(str(path.relative_to(ROOT)))
                continue
            for line_no, line in enumerate(text.splitlines(), 1):
                command = line.split("#", 1)[0]
                if "mkdocs" in command and re.search(r"--quiet|\s-q\b", command):
                    offenders.append(f"{path.relative_to(ROOT)}:{line_no}")
    assert offenders == []


def _shellcheck() -> str | None:
    found = shutil.which("shellcheck")
    if found is None:
        reason = "ShellCheck is not installed (apt-get install -y shellcheck)"
        if os.environ.get("CI"):
            pytest.fail(reason + "; CI is set, so this is a failure")
        pytest.skip(reason)
    return found


def test_every_run_block_passes_shellcheck(tmp_path: Path) -> None:
    shellcheck = _shellcheck()
    expression = re.compile(r"\$\{\{.*?\}\}")
    problems = []
    for name, job in _workflow()["jobs"].items():
        for index, step in enumerate(job["steps"]):
            if "run" not in step:
                continue
            # As actionlint does: expressions become a placeholder word before ShellCheck reads it.
            script = tmp_path / f"{name}-{index}.sh"
            script.write_text(expression.sub("_expr_", step["run"]), encoding="utf-8")
            result = subprocess.run(
                [shellcheck, "-s", "bash", "-S", "warning", str(script)],
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                problems.append(f"job {name}, step {step.get('name', index)}:\n{result.stdout}")
    assert problems == []


def test_the_scripts_pass_shellcheck() -> None:
    shellcheck = _shellcheck()
    scripts = [ROOT / ".ci/run", ROOT / "scripts/_setup.sh"]
    scripts += [p for p in sorted((ROOT / "scripts").iterdir()) if p.is_file() and not p.suffix]
    result = subprocess.run(
        [shellcheck, "-x", "-P", "SCRIPTDIR", "-S", "warning", "-s", "bash", *map(str, scripts)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout

"""Author mistakes in a real (small) site: a warning naming page and line, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from tests.site.helpers import ROOT, run_mkdocs

MINI_CONFIG = """\
site_name: mini
plugins:
  - genai-notes:
      glossary: abbreviations.md
markdown_extensions:
  - pymdownx.arithmatex:
      generic: true
"""


def _mini_site(tmp_path: Path, page: str, config: str = MINI_CONFIG) -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/index.md").write_text(page, encoding="utf-8")
    (tmp_path / "abbreviations.md").write_text("*[LLM]: Large language model.\n")
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    return tmp_path


def _build(project: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    return run_mkdocs(project, "build", "--site-dir", "site", *flags)


def test_failed_computed_number_names_page_and_line_and_fails_strict(tmp_path: Path) -> None:
    page = (
        "---\ntitle: Mini\n---\n# Mini\n\nText.\n\n"
        "Weights: {{ memory.weights_bytes(1e9, 'fp99') }}.\n"
    )
    result = _build(_mini_site(tmp_path, page), "--strict")
    assert result.returncode != 0
    assert "docs/index.md:8:10: computed number" in result.stderr
    assert "fp99" in result.stderr
    assert "Traceback" not in result.stderr


def test_failed_computed_number_shows_on_page_when_not_strict(tmp_path: Path) -> None:
    project = _mini_site(tmp_path, "# Mini\n\nA {{ nosuch.thing(1) }} B\n")
    result = _build(project)
    assert result.returncode == 0
    assert "docs/index.md:3:3: computed number '{{ nosuch.thing(1) }}' failed: unknown name" in (
        result.stderr
    )
    html = (project / "site/index.html").read_text(encoding="utf-8")
    assert "computed number failed: nosuch.thing(1)" in html


def test_bad_formula_names_page_and_line_and_shows_an_error_box(tmp_path: Path) -> None:
    page = "# Mini\n\nGood $x^2$.\n\n$$\n\\frac{1}{\n$$\n\nUnknown $\\nosuchcommand{x}$.\n"
    project = _mini_site(tmp_path, page)
    result = _build(project)
    assert "docs/index.md:6:1: cannot render the formula" in result.stderr
    assert (
        "docs/index.md:9:10: cannot render the formula «\\nosuchcommand{x}»: unknown command"
        in (result.stderr)
    )
    assert result.stderr.count("WARNING") == 2  # one message per bad formula, nothing bogus
    assert "Traceback" not in result.stderr
    html = (project / "site/index.html").read_text(encoding="utf-8")
    assert html.count('class="admonition failure genai-error"') == 2
    assert "<math" in html
    assert _build(project, "--strict").returncode != 0


def test_code_keeps_its_braces_and_dollars(tmp_path: Path) -> None:
    page = "# Mini\n\n`{{ x }}` and `$y$`\n\n```text\n{{ not evaluated }} $z$\n```\n"
    project = _mini_site(tmp_path, page)
    result = _build(project, "--strict")
    assert result.returncode == 0, result.stderr
    html = (project / "site/index.html").read_text(encoding="utf-8")
    assert "{{ x }}" in html
    assert "{{ not evaluated }}" in html


def test_bad_glossary_line_is_a_warning_naming_the_line(tmp_path: Path) -> None:
    project = _mini_site(tmp_path, "# Mini\n\n<!-- glossary -->\n")
    (project / "abbreviations.md").write_text("*[LLM]: Large language model.\nnot an entry\n")
    result = _build(project)
    assert result.returncode == 0  # the rest of the glossary still works
    assert "abbreviations.md:2:1: not a glossary entry" in result.stderr
    assert "Traceback" not in result.stderr
    html = (project / "site/index.html").read_text(encoding="utf-8")
    assert "genai-error" in html and "<dt>LLM</dt>" in html
    assert _build(project, "--strict").returncode != 0


def test_config_rejects_a_mistyped_option(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    config = MINI_CONFIG.replace("glossary: abbreviations.md", "enabled: maybe")
    project = _mini_site(tmp_path, "# Mini\n", config)
    with pytest.raises(Abort):
        load_config(str(project / "mkdocs.yml"))
    assert "Expected type: <class 'bool'> but received: <class 'str'>" in caplog.text


def test_config_rejects_a_missing_glossary(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = MINI_CONFIG.replace("glossary: abbreviations.md", "glossary: nosuch.md")
    project = _mini_site(tmp_path, "# Mini\n", config)
    with pytest.raises(Abort):
        load_config(str(project / "mkdocs.yml"))
    assert "nosuch.md" in caplog.text


def test_project_config_loads_with_the_plugin() -> None:
    config = load_config(str(ROOT / "mkdocs.yml"))
    plugin = config.plugins["genai-notes"]
    assert plugin.config.enabled is True
    assert Path(plugin.config.glossary).name == "abbreviations.md"


def test_a_dollar_that_is_not_math_is_reported_with_its_line(tmp_path: Path) -> None:
    page = "# Mini\n\nFine $x$.\n\nThen $s = $ 4 and more.\n"
    result = _build(_mini_site(tmp_path, page), "--strict")
    assert result.returncode != 0
    assert "docs/index.md:5:6: a '$' was left as text" in result.stderr


def test_lines_after_a_figure_block_are_those_of_the_file(tmp_path: Path) -> None:
    page = (
        "# Mini\n\n```figure\nname: sampling.temperature\ncaption: c\nalt: a\n```\n\n"
        "After {{ nosuch.x }} here.\n"
    )
    result = _build(_mini_site(tmp_path, page))
    assert "docs/index.md:9:7: computed number '{{ nosuch.x }}' failed" in result.stderr


CHECK = (sys.executable, "-c", "import sys, genai_notes.cli as c; sys.exit(c.main())", "check")


def test_the_check_command_gives_the_strict_builds_message_and_status(tmp_path: Path) -> None:
    """``genai-notes check`` runs a page through the engine as a build does (also after a clean
    build recorded the site's pages), without building."""
    page = "# Mini\n\nText.\n\nWeights: {{ memory.weights_bytes(1e9, 'fp99') }}.\n"
    project = _mini_site(tmp_path, "# Mini\n\nText.\n")
    assert _build(project, "--strict").returncode == 0
    clean = subprocess.run([*CHECK], cwd=project, capture_output=True, text=True, check=False)
    assert clean.returncode == 0, clean.stderr
    (project / "docs/index.md").write_text(page, encoding="utf-8")
    broken = subprocess.run(
        [*CHECK, "docs/index.md"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert broken.returncode == 1
    assert "docs/index.md:5:10: computed number" in broken.stdout
    assert "Traceback" not in broken.stderr

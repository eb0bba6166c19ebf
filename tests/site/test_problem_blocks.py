"""Problem blocks in a real (small) site: the page's markup, problems in admonitions, computed
givens, the Solutions appendix, and a bad block failing the strict build with page:line."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from tests.site.helpers import run_mkdocs

CONFIG = """\
site_name: mini
nav:
  - Chapter: chapter.md
  - Solutions: solutions.md
plugins:
  - genai-notes:
      glossary: abbreviations.md
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - pymdownx.arithmatex:
      generic: true
  - pymdownx.superfences
"""

PROBLEM = """\
```problem
id: {id}
title: Weights of a 7B model
question: |
  A model has {{{{ 7e9 | .3g }}}} parameters stored in bf16.
  How much memory do its weights take?
answer: memory.weights_bytes(7e9, "bf16") / 1e9
unit: {unit}
solution:
  - text: Two bytes per parameter.
    formula: 'M = 2\\,N'
    result: memory.weights_bytes(7e9, "bf16") / 1e9
mistakes:
  - answer: {mistake}
    feedback: That is fp32, four bytes per parameter.
```
"""


def _problem(problem_id: str = "weights-7b", unit: str = "GB", mistake: str = "28") -> str:
    return PROBLEM.format(id=problem_id, unit=unit, mistake=mistake)


def _site(tmp_path: Path, chapter: str) -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/chapter.md").write_text(chapter, encoding="utf-8")
    (tmp_path / "docs/solutions.md").write_text(
        "# Solutions\n\n<!-- genai-notes:solutions -->\n", encoding="utf-8"
    )
    (tmp_path / "abbreviations.md").write_text("*[LLM]: Large language model.\n")
    (tmp_path / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    return tmp_path


def _build(project: Path) -> subprocess.CompletedProcess[str]:
    return run_mkdocs(project, "build", "--strict", "--site-dir", "site")


def test_a_good_problem_builds_with_its_markup_and_its_solution_in_the_appendix(
    tmp_path: Path,
) -> None:
    indented = "".join(f"    {line}\n" if line else "\n" for line in _problem("boxed").splitlines())
    chapter = "# Chapter\n\n" + _problem() + '\n!!! example "In a box"\n\n' + indented
    project = _site(tmp_path, chapter)
    result = _build(project)
    assert result.returncode == 0, result.stderr
    html = (project / "site/chapter/index.html").read_text(encoding="utf-8")
    # 7e9 parameters x 2 bytes (bf16) = 14e9 bytes = 14 GB.
    assert re.search(r'data-problem="weights-7b" data-answer="14\.0" data-unit="GB"', html)
    assert re.search(r"A model has 7\W×\W10⁹ parameters", html)  # the computed given
    assert "<math" in html  # the step's formula became MathML
    boxed = html.split('<div class="admonition example">', 1)[1]
    assert 'data-problem="boxed"' in boxed
    appendix = (project / "site/solutions/index.html").read_text(encoding="utf-8")
    assert "genai-notes:solutions" not in appendix
    assert '<h2 class="genai-solutions-chapter">Chapter</h2>' in appendix
    assert '<a href="../chapter/#problem-weights-7b">Weights of a 7B model</a>' in appendix
    assert '<a href="../chapter/#problem-boxed">' in appendix
    assert "= 14\u00a0GB" in appendix or "= 14&nbsp;GB" in appendix
    assert "<math" in appendix


def test_an_unknown_unit_fails_the_strict_build_with_page_and_line(tmp_path: Path) -> None:
    chapter = "# Chapter\n\nText.\n\n" + _problem(unit="furlongs")
    result = _build(_site(tmp_path, chapter))
    assert result.returncode != 0
    assert "docs/chapter.md:12:1: problem block 'weights-7b': unknown unit 'furlongs'" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr


def test_a_mistake_equal_to_the_answer_fails_with_its_line(tmp_path: Path) -> None:
    chapter = "# Chapter\n\n" + _problem(mistake="7e9 * 2 / 1e9")
    result = _build(_site(tmp_path, chapter))
    assert result.returncode != 0
    assert "docs/chapter.md:16:1: problem block 'weights-7b': mistakes[0] computes 14" in (
        result.stderr
    )


def test_an_answer_that_does_not_compute_fails_with_its_line(tmp_path: Path) -> None:
    chapter = "# Chapter\n\n" + _problem().replace('"bf16") / 1e9\nunit', '"bf99") / 1e9\nunit')
    result = _build(_site(tmp_path, chapter))
    assert result.returncode != 0
    assert "docs/chapter.md:9:1: problem block 'weights-7b': 'answer' does not compute" in (
        result.stderr
    )


def test_a_duplicate_id_fails_at_the_second_block(tmp_path: Path) -> None:
    chapter = "# Chapter\n\n" + _problem() + "\n" + _problem()
    result = _build(_site(tmp_path, chapter))
    assert result.returncode != 0
    second = 3 + _problem().count("\n") + 1
    assert f"docs/chapter.md:{second + 1}:1: problem block 'weights-7b': the id" in result.stderr


def test_a_bad_computed_given_in_the_question_names_its_own_line(tmp_path: Path) -> None:
    chapter = "# Chapter\n\n" + _problem().replace("{{ 7e9 | .3g }}", "{{ nosuch.x(1) }}")
    result = _build(_site(tmp_path, chapter))
    assert result.returncode != 0
    assert "docs/chapter.md:7:" in result.stderr
    assert "nosuch" in result.stderr

"""The figure catalogue and the ``genai-notes`` command agree with the site build."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

from genai_notes.figures import registry
from tests.site.helpers import run_mkdocs

MINI = """\
site_name: mini
plugins:
  - genai-notes:
      glossary: abbreviations.md
"""

BLOCK = """\
# Mini

```figure
name: sampling.temperature
params:
  temperatures: {temperatures}
caption: Two temperatures.
alt: Bars of six tokens at two temperatures.
```
"""


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "genai_notes.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def _mini_site(tmp_path: Path, temperatures: str) -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/index.md").write_text(BLOCK.format(temperatures=temperatures))
    (tmp_path / "abbreviations.md").write_text("*[LLM]: Large language model.\n")
    (tmp_path / "mkdocs.yml").write_text(MINI)
    return tmp_path


def test_catalogue_lists_every_figure_and_every_parameter(site_dir: Path) -> None:
    page = (site_dir / "authoring/figures/index.html").read_text(encoding="utf-8")
    figures = registry.collect(registry.BUILTIN_MODULES)
    assert len(figures) >= 20
    for figure in figures.values():
        anchor = figure.name.replace(".", "-")
        assert f'id="{anchor}"' in page, figure.name
        section = page.split(f'id="{anchor}"', 1)[1].split("<h3", 1)[0]
        text = html.unescape(re.sub(r"<[^>]+>", "", section))  # tooltips wrap terms in <abbr>
        assert figure.info.summary in text
        assert 'class="genai-figure"' in section, f"{figure.name} has no thumbnail"
        for parameter in figure.parameters:
            assert f"<code>{parameter.name}</code>" in section, (figure.name, parameter.name)


def test_command_draws_the_same_bytes_as_the_site(tmp_path: Path) -> None:
    project = _mini_site(tmp_path, "[0.5, 2.0]")
    assert run_mkdocs(project, "build", "--strict", "-d", "site").returncode == 0
    page = (project / "site/index.html").read_text(encoding="utf-8")
    for theme in ("light", "dark"):
        src = re.search(rf'src="(assets/figures/\w+-{theme}\.svg)#only-{theme}"', page)
        assert src, theme
        out = tmp_path / f"cli-{theme}.svg"
        result = _cli(
            "figure",
            "sampling.temperature",
            "temperatures=[0.5, 2.0]",
            "-o",
            str(out),
            "--theme",
            theme,
            cwd=project,
        )
        assert result.returncode == 0, result.stderr
        assert out.read_bytes() == (project / "site" / src.group(1)).read_bytes()


def test_a_bad_parameter_gives_the_same_sentence_in_the_build_and_the_command(
    tmp_path: Path,
) -> None:
    project = _mini_site(tmp_path, "[0.5, -1]")
    build = run_mkdocs(project, "build", "-d", "site")
    command = _cli(
        "figure", "sampling.temperature", "temperatures=[0.5, -1]", "-o", "x.svg", cwd=project
    )
    assert command.returncode == 2
    message = re.search(r"figure sampling\.temperature: (parameter .+)", command.stderr)
    assert message, command.stderr
    assert "must be in" in message.group(1)
    assert f"docs/index.md:6:1: figure sampling.temperature: {message.group(1)}" in build.stderr
    assert not (project / "x.svg").exists()


def test_command_lists_every_figure(tmp_path: Path) -> None:
    listing = _cli("figures", cwd=tmp_path).stdout
    for name in registry.collect(registry.BUILTIN_MODULES):
        assert f"{name}: " in listing


def test_command_rejects_a_table_figure_as_an_image(tmp_path: Path) -> None:
    result = _cli("figure", "scaling.compute_table", "-o", "t.svg", cwd=tmp_path)
    assert result.returncode == 2
    assert "is a table: write it to a .csv or .html file" in result.stderr
    csv = _cli("figure", "scaling.compute_table", "-o", "t.csv", cwd=tmp_path)
    assert csv.returncode == 0
    assert (tmp_path / "t.csv").read_text().startswith("model,")

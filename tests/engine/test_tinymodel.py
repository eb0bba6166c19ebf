"""The tiny model as a build artefact: which model a build uses (build retrains, serve keeps the
last one and says so), and figure keys that follow the model's digest, so a retrained model
never shows an old figure. With a small configuration (a second or two of training)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from genai_notes.engine import tinymodel
from genai_notes.engine.build import Build, Settings, Where
from genai_notes.engine.drawing import DrawingPool
from genai_notes.figures import registry
from tests.unit.tinylm_helpers import CORPUS, SMALL

ROOT = Path(__file__).resolve().parents[2]
PAGE = """# Page

```figure
name: tinymodel.loss
caption: The loss.
alt: A line chart.
```

```figure
name: sampling.temperature
caption: Temperatures.
alt: A bar chart.
```
"""


def _docs(folder: Path, extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i, text in enumerate(CORPUS):
        (folder / f"page{i}.md").write_text(text + extra, encoding="utf-8")
    return folder


def _build(tmp_path: Path, docs: Path, *, retrain: bool) -> tuple[Build, list[str]]:
    warnings: list[str] = []
    settings = Settings(
        cache_dir=tmp_path / "figures",
        figure_modules=registry.BUILTIN_MODULES,
        glossary_path=ROOT / "includes/abbreviations.md",
        glossary_label="includes/abbreviations.md",
        docs_dir=docs,
        model_cache_dir=tmp_path / "model",
        retrain_model=retrain,
        model_hyperparameters=SMALL,
    )
    build = Build(settings, DrawingPool(settings.figure_modules, workers=1), warnings.append)
    return build, warnings


def _keys(build: Build) -> list[str | None]:
    build.markdown("p.md", Where("docs/p.md", PAGE), PAGE)
    keys = [p.key for p in build.pages["p.md"].figures]
    build._blocks.save()  # the block memo, as finish() saves it
    return keys


def test_a_changed_corpus_changes_the_model_figures_keys_only(tmp_path: Path) -> None:
    docs = _docs(tmp_path / "docs")
    first, warnings = _build(tmp_path, docs, retrain=True)
    before = _keys(first)
    assert first.model().current and not warnings
    # the same notes again: the same model, the same keys (the memo's path too)
    again, _ = _build(tmp_path, docs, retrain=True)
    assert _keys(again) == before
    # one page edited: retrained, and only the figure drawn from the model gets a new key
    _docs(docs, extra=" One more sentence about the softmax.")
    edited, _ = _build(tmp_path, docs, retrain=True)
    after = _keys(edited)
    assert edited.model().digest != first.model().digest
    # placements are listed from the last block up: [temperature, loss]
    assert after[0] == before[0]
    assert after[1] != before[1]


def test_serve_keeps_the_last_model_and_says_so(tmp_path: Path) -> None:
    docs = _docs(tmp_path / "docs")
    built, _ = _build(tmp_path, docs, retrain=True)
    keys = _keys(built)
    entries = sorted((tmp_path / "model").glob("tinylm-*"))
    _docs(docs, extra=" An edit made while serving.")
    served, warnings = _build(tmp_path, docs, retrain=False)
    assert _keys(served) == keys  # no retraining: the cached figures stay valid
    model = served.model()
    assert not model.current and model.digest == built.model().digest
    assert "as of" in model.note() and "mkdocs build" in model.note()
    assert sorted((tmp_path / "model").glob("tinylm-*")) == entries  # nothing trained
    assert not warnings
    # a build then retrains, records the new model as the latest and prunes the old one
    rebuilt, _ = _build(tmp_path, docs, retrain=True)
    assert rebuilt.model().current and rebuilt.model().digest != model.digest
    latest = json.loads((tmp_path / "model" / tinymodel.LATEST).read_text())
    assert latest["entry"] == rebuilt.model().path.name
    assert sorted((tmp_path / "model").glob("tinylm-*")) == [rebuilt.model().path]


def test_the_note_of_a_current_model_has_no_date(tmp_path: Path) -> None:
    built, _ = _build(tmp_path, _docs(tmp_path / "docs"), retrain=True)
    note = built.model().note()
    assert "as they are now" in note and "UTC" not in note


def test_a_damaged_latest_record_is_ignored(tmp_path: Path) -> None:
    docs = _docs(tmp_path / "docs")
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / tinymodel.LATEST).write_text('{"entry": "../../etc/passwd"}')
    served, _ = _build(tmp_path, docs, retrain=False)
    assert served.model().current  # no usable latest model: trained on the notes as they are


def test_a_page_with_a_playground_gets_the_weights_and_the_note(tmp_path: Path) -> None:
    built, _ = _build(tmp_path, _docs(tmp_path / "docs"), retrain=True)
    page = "<div data-tinylm-playground></div>\n"
    built.markdown("p.md", Where("docs/p.md", page), page)
    added: dict[str, str | None] = {}

    def url_for(uri: str, path: Path | None, content: str | None) -> str:
        added[uri] = content if path is None else path.read_text(encoding="utf-8")
        return uri

    html = built.fill_figures("p.md", page, url_for)
    assert "data-model-note=" in html and 'data-model-state="current"' in html
    assert added["javascripts/tinylm-weights.js"] is not None
    assert added["javascripts/tinylm-weights.js"].startswith("window.genaiNotesTinyLMWeights")


def test_a_page_without_the_model_does_not_train_it(tmp_path: Path) -> None:
    build, _ = _build(tmp_path, _docs(tmp_path / "docs"), retrain=True)
    page = "# Plain\n\nNo model here.\n"
    build.markdown("p.md", Where("docs/p.md", page), page)
    assert build.fill_figures("p.md", page, lambda u, p, c: u) == page
    assert build.model_used is None
    assert not (tmp_path / "model").exists()


@pytest.mark.parametrize(
    ("command", "override", "expected"),
    [
        ("build", "", True),
        ("serve", "", False),
        ("serve", "retrain", True),
        ("build", "keep", False),
    ],
)
def test_retrain_policy(command: str, override: str, expected: bool) -> None:
    from genai_notes.plugin.plugin import retrain_model

    assert retrain_model(command, override) is expected


def test_the_weights_script_file_is_written_once_and_rewritten_when_altered(
    tmp_path: Path,
) -> None:
    built, _ = _build(tmp_path, _docs(tmp_path / "docs"), retrain=True)
    model = built.model()
    script = model.weights_file()
    assert script.read_text(encoding="utf-8") == model.weights_script()
    written = script.stat().st_mtime_ns, script.stat().st_ino
    again = model.weights_file()
    assert again == script and (again.stat().st_mtime_ns, again.stat().st_ino) == written
    script.write_text(script.read_text(encoding="utf-8")[:-100], encoding="utf-8")  # truncated
    assert model.weights_file().read_text(encoding="utf-8") == model.weights_script()

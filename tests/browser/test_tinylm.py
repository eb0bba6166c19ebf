"""The tiny model in Chromium from file://: tinylm.js loads its weights through the base64
script beside it, and its tokens, logits and attention equal the Python model's."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from genai_notes.tinylm import artefact
from tests.browser.helpers import guard
from tests.site.helpers import serve_folder
from tests.unit.tinylm_helpers import small_model

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tinylm from file://</title></head>
<body><p>tiny model test page</p><script src="javascripts/tinylm.js"></script></body></html>
"""


@pytest.fixture
def model_page(browser: Any, tmp_path: Path) -> Iterator[Any]:
    """A page on disk that includes only tinylm.js, with the weights script beside it."""
    scripts = tmp_path / "javascripts"
    scripts.mkdir()
    shutil.copy(ROOT / "docs/javascripts/tinylm.js", scripts / "tinylm.js")
    (scripts / "tinylm-weights.js").write_text(artefact.weights_script(small_model()))
    (tmp_path / "index.html").write_text(PAGE)
    context = browser.new_context()
    page = context.new_page()
    blocked, errors = guard(page, lambda url: url.startswith("file://"))
    page.goto((tmp_path / "index.html").as_uri())
    page.expected_errors = []  # console errors a test provokes on purpose
    yield page
    context.close()
    errors = [e for e in errors if not any(x in e for x in page.expected_errors)]
    assert not blocked, blocked
    assert not errors, errors


def test_ready_resolves_from_file_and_logits_equal_python(model_page: Any) -> None:
    trained = small_model()
    rng = np.random.default_rng(11)
    prompts = [
        [int(i) for i in rng.integers(0, trained.vocab_size, size=n)]
        for n in (1, 5, trained.context_length)
    ]
    result = model_page.evaluate(
        """async (prompts) => {
          const m = await window.genaiNotes.tinyModel.ready;
          return {vocabSize: m.vocabSize, contextLength: m.contextLength,
                  logits: prompts.map((ids) => m.nextTokenLogits(ids))};
        }""",
        prompts,
    )
    assert result["vocabSize"] == trained.vocab_size
    assert result["contextLength"] == trained.context_length
    for ids, got in zip(prompts, result["logits"], strict=True):
        want = trained.next_token_logits(ids)
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5 * np.max(np.abs(want)))


def test_tokens_and_attention_equal_python_in_the_browser(model_page: Any) -> None:
    trained = small_model()
    text = "Sampling with a temperature: 🙂 «quotes» and 12,345 numbers."
    result = model_page.evaluate(
        """async (text) => {
          const m = await window.genaiNotes.tinyModel.ready;
          const ids = m.encode(text);
          return {ids, back: m.decode(ids), attention: m.attention(ids)};
        }""",
        text,
    )
    ids = trained.tokenizer.encode(text)
    assert result["ids"] == ids
    assert result["back"] == text
    np.testing.assert_allclose(result["attention"], trained.attention(ids), atol=1e-12)


def test_weights_load_only_when_ready_is_read(browser: Any, tmp_path: Path) -> None:
    scripts = tmp_path / "javascripts"
    scripts.mkdir()
    shutil.copy(ROOT / "docs/javascripts/tinylm.js", scripts / "tinylm.js")
    (scripts / "tinylm-weights.js").write_text(artefact.weights_script(small_model()))
    (tmp_path / "index.html").write_text(PAGE)
    context = browser.new_context()
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url.rsplit("/", 1)[-1]))
    page.goto((tmp_path / "index.html").as_uri())
    page.wait_for_load_state("load")
    assert "tinylm-weights.js" not in requested
    page.evaluate("() => window.genaiNotes.tinyModel.ready.then(() => true)")
    context.close()
    assert "tinylm-weights.js" in requested


def test_fetch_is_refused_from_file_which_is_why_the_weights_are_a_script(
    model_page: Any,
) -> None:
    model_page.expected_errors = ["Access to fetch at 'file://", "net::ERR_FAILED"]
    outcome = model_page.evaluate(
        """() => fetch("javascripts/tinylm-weights.js").then(() => "fetched", () => "refused")"""
    )
    assert outcome == "refused"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """tmp_path over HTTP on 127.0.0.1 (the fetch route needs http:)."""
    with serve_folder(tmp_path) as url:
        yield url


def write_http_page(root: Path, with_bin: bool) -> None:
    scripts = root / "javascripts"
    scripts.mkdir()
    shutil.copy(ROOT / "docs/javascripts/tinylm.js", scripts / "tinylm.js")
    (scripts / "tinylm-weights.js").write_text(artefact.weights_script(small_model()))
    if with_bin:
        (scripts / "tinylm.bin").write_bytes(artefact.weights_file(small_model()))
    tag = '<script src="javascripts/tinylm.js" data-weights-bin="tinylm.bin"></script>'
    (root / "index.html").write_text(
        PAGE.replace('<script src="javascripts/tinylm.js"></script>', tag)
    )


@pytest.mark.parametrize("with_bin", [True, False])
def test_over_http_the_binary_is_fetched_and_the_script_is_the_fallback(
    browser: Any, tmp_path: Path, served: str, with_bin: bool
) -> None:
    write_http_page(tmp_path, with_bin)
    context = browser.new_context()
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url.rsplit("/", 1)[-1]))
    blocked, errors = guard(page)
    page.goto(served + "index.html")
    ids = [1, 2, 3]
    got = page.evaluate(
        "async (ids) => (await window.genaiNotes.tinyModel.ready).nextTokenLogits(ids)", ids
    )
    context.close()
    want = small_model().next_token_logits(ids)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5 * np.max(np.abs(want)))
    assert "tinylm.bin" in requested
    assert ("tinylm-weights.js" in requested) is not with_bin
    assert not blocked
    assert [e for e in errors if "404" not in e] == []


def test_ready_rejects_with_the_url_when_the_weights_script_is_missing(
    browser: Any, tmp_path: Path
) -> None:
    scripts = tmp_path / "javascripts"
    scripts.mkdir()
    shutil.copy(ROOT / "docs/javascripts/tinylm.js", scripts / "tinylm.js")
    (tmp_path / "index.html").write_text(PAGE)
    context = browser.new_context()
    page = context.new_page()
    page.goto((tmp_path / "index.html").as_uri())
    message = page.evaluate(
        "() => window.genaiNotes.tinyModel.ready.then(() => 'loaded', (e) => e.message)"
    )
    context.close()
    assert message.startswith("could not load file://")
    assert message.endswith("/javascripts/tinylm-weights.js")

"""docs/javascripts/tinylm.js against the Python model, in QuickJS (a JavaScript engine from
PyPI): the same token ids, the same logits to 1e-5 relative, the same attention weights."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import quickjs

from genai_notes.tinylm import weights
from genai_notes.tinylm.tokenizer import train_tokenizer

from .test_tinylm_tokenizer import ODD_TEXTS
from .tinylm_helpers import CORPUS, small_model

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = (ROOT / "docs/javascripts/tinylm.js").read_text(encoding="utf-8")


def js_call(context: quickjs.Context, expression: str) -> Any:
    return json.loads(context.eval(f"JSON.stringify({expression})"))


@pytest.fixture(scope="module")
def js() -> quickjs.Context:
    """A QuickJS context with the small model loaded through the weights global, as the
    page's tinylm-weights.js sets it."""
    context = quickjs.Context()
    encoded = base64.b64encode(weights.to_bytes(small_model())).decode("ascii")
    context.eval(f"var window = globalThis; window.{weights.WEIGHTS_GLOBAL} = '{encoded}';")
    context.eval(SCRIPT)
    context.eval("genaiNotes.tinyModel.ready.then((m) => { globalThis.readyGave = m; });")
    while context.execute_pending_job():
        pass
    return context


def test_ready_resolves_from_the_weights_global(js: quickjs.Context) -> None:
    trained = small_model()
    assert js_call(js, "genaiNotes.tinyModel.vocabSize") == trained.vocab_size
    assert js_call(js, "genaiNotes.tinyModel.contextLength") == trained.context_length
    assert js_call(js, "genaiNotes.tinyModel.header.param_count") == trained.param_count
    assert js_call(js, "globalThis.readyGave === genaiNotes.tinyModel")


def test_calls_before_ready_fail_with_a_message() -> None:
    context = quickjs.Context()
    context.eval("var window = globalThis;")
    context.eval(SCRIPT)
    with pytest.raises(quickjs.JSException, match="not ready"):
        context.eval("genaiNotes.tinyModel.encode('a')")


@pytest.mark.parametrize("text", [*ODD_TEXTS, *CORPUS])
def test_js_encodes_to_the_ids_python_gives_and_decodes_back(
    js: quickjs.Context, text: str
) -> None:
    ids = small_model().tokenizer.encode(text)
    arg = json.dumps(text)
    assert js_call(js, f"genaiNotes.tinyModel.encode({arg})") == ids
    assert js_call(js, f"genaiNotes.tinyModel.decode(genaiNotes.tinyModel.encode({arg}))") == text


def test_js_tokenizer_agrees_with_python_on_every_page_of_the_notes() -> None:
    pages = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").rglob("*.md"))]
    tokenizer = train_tokenizer(pages, 768)
    context = quickjs.Context()
    context.eval("var window = globalThis;")
    context.eval(SCRIPT)
    context.eval(
        f"var T = new genaiNotes.TinyLM.Tokenizer({json.dumps(list(tokenizer.vocab))}, "
        f"{json.dumps([list(m) for m in tokenizer.merges])});"
    )
    for page in pages:
        assert js_call(context, f"T.encode({json.dumps(page)})") == tokenizer.encode(page)


def test_js_next_token_logits_equal_python_to_1e_5_relative(js: quickjs.Context) -> None:
    trained = small_model()
    rng = np.random.default_rng(7)
    for length in (1, 2, 7, trained.context_length, trained.context_length + 9):
        ids = [int(i) for i in rng.integers(0, trained.vocab_size, size=length)]
        got = np.array(js_call(js, f"genaiNotes.tinyModel.nextTokenLogits({ids})"))
        want = trained.next_token_logits(ids)
        assert got.shape == (trained.vocab_size,)
        # Elementwise relative, with the largest logit as the scale for logits near zero.
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5 * np.max(np.abs(want)))


def test_js_attention_weights_equal_python(js: quickjs.Context) -> None:
    trained = small_model()
    ids = trained.tokenizer.encode("The attention layer lets every token look")
    got = np.array(js_call(js, f"genaiNotes.tinyModel.attention({ids})"))
    want = trained.attention(ids)
    assert got.shape == (2, 4, len(ids), len(ids))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-12)


def test_js_rejects_ids_outside_the_vocabulary(js: quickjs.Context) -> None:
    with pytest.raises(quickjs.JSException, match="token ids"):
        js.eval("genaiNotes.tinyModel.nextTokenLogits([1, 300])")


def test_token_by_token_calls_reuse_the_cache_and_give_the_same_logits(
    js: quickjs.Context,
) -> None:
    # Growing prompts reuse the previous call's keys and values; past the context the window
    # slides and everything is recomputed. Either way: equal to a fresh model's logits, and
    # to Python's.
    trained = small_model()
    rng = np.random.default_rng(5)
    ids = [int(i) for i in rng.integers(0, trained.vocab_size, size=trained.context_length + 3)]
    encoded = base64.b64encode(weights.to_bytes(trained)).decode("ascii")
    js.eval(f"var fresh = () => genaiNotes.TinyLM.fromBase64('{encoded}');")
    for n in (1, 2, 3, 10, 11, trained.context_length, trained.context_length + 1, len(ids)):
        prefix = ids[:n]
        cached = js_call(js, f"genaiNotes.tinyModel.nextTokenLogits({prefix})")
        assert cached == js_call(js, f"fresh().nextTokenLogits({prefix})")
        want = trained.next_token_logits(prefix)
        np.testing.assert_allclose(cached, want, rtol=1e-5, atol=1e-5 * np.max(np.abs(want)))


def test_one_more_token_runs_one_position(js: quickjs.Context) -> None:
    encoded = base64.b64encode(weights.to_bytes(small_model())).decode("ascii")
    js.eval(f"var m = genaiNotes.TinyLM.fromBase64('{encoded}'); m.nextTokenLogits([5, 6, 7]);")
    assert js_call(js, "m.positionsRun") == 3
    js.eval("m.nextTokenLogits([5, 6, 7, 8]);")
    assert js_call(js, "m.positionsRun") == 1
    js.eval("m.nextTokenLogits([5, 6, 9, 8]);")  # not an extension: all positions again
    assert js_call(js, "m.positionsRun") == 4

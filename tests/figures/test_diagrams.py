"""Tests for the architecture diagrams: transformer, attention.

References: Vaswani et al. (2017), "Attention Is All You Need", Figure 1 and Section 3, for the
blocks; the worked example on docs/week1/transformers.md for the attention numbers.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from genai_notes.figures import registry
from genai_notes.figures.registry import FigureDef, ParameterError
from genai_notes.figures.render import render_svg
from genai_notes.figures.style import DARK, LIGHT, Theme
from tests.figures.helpers import (
    assert_same_svg_with_text_twice,
    column,
    drawn_with_renderer,
    each_theme,
)

FIGURES = registry.collect(["genai_notes.figures.diagrams"])


def fig(name: str) -> FigureDef:
    return FIGURES[name]


# --- transformer ---


def blocks(params: dict[str, Any]) -> list[tuple[str, str]]:
    result = fig("diagrams.transformer").call(params)
    return list(zip(column(result, "stack"), column(result, "block"), strict=True))


def test_transformer_encoder_layer_is_attention_then_feed_forward_each_with_add_and_norm() -> None:
    encoder = [b for s, b in blocks({}) if s == "encoder"]
    assert encoder == [
        "Input tokens",
        "Input embedding + positional encoding (d_model = 512)",
        "Multi-head self-attention (h = 8)",
        "Add & norm",
        "Feed-forward (d_ff = 2048)",
        "Add & norm",
    ]


def test_transformer_decoder_layer_has_masked_attention_cross_attention_and_feed_forward() -> None:
    decoder = [b for s, b in blocks({}) if s == "decoder"]
    sublayers = [b for b in decoder if b != "Add & norm"][2:]
    assert [b.split(" (")[0] for b in sublayers] == [
        "Masked multi-head self-attention",
        "Cross-attention over encoder output",
        "Feed-forward",
    ]
    assert decoder.count("Add & norm") == 3
    assert [b for s, b in blocks({}) if s == "output"] == [
        "Linear",
        "Softmax",
        "Output probabilities",
    ]


def test_transformer_variants_keep_only_their_stacks() -> None:
    encoder_only = blocks({"variant": "encoder-only"})
    assert {s for s, _ in encoder_only} == {"encoder", "output"}
    decoder_only = blocks({"variant": "decoder-only"})
    assert {s for s, _ in decoder_only} == {"decoder", "output"}
    assert not any("Cross" in b for _, b in decoder_only)
    assert any("Cross" in b for _, b in blocks({"variant": "encoder-decoder"}))


def test_transformer_marks_the_layer_blocks_with_the_number_of_layers() -> None:
    result = fig("diagrams.transformer").call({"n_layers": 12})
    repeated = dict(zip(column(result, "block"), column(result, "repeated"), strict=False))
    assert repeated["Add & norm"] == "\u00d7 12"
    assert repeated["Linear"] == "once"
    assert "\u00d7 12" in render_svg(result, LIGHT).decode()


@pytest.mark.parametrize(
    "params",
    [{"n_layers": 0}, {"variant": "decoder"}, {"d_model": 512, "n_heads": 7}, {"n_layers": 2.5}],
)
def test_transformer_refuses_bad_parameters(params: dict[str, Any]) -> None:
    with pytest.raises(ParameterError):
        fig("diagrams.transformer").call(params)


# --- attention ---

# The worked example on the transformers page.
Q = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
K = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
V = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 2.0]])


def reference_attention(
    q: np.ndarray, k: np.ndarray, v: np.ndarray, causal: bool
) -> tuple[np.ndarray, np.ndarray]:
    """softmax(QK^T / sqrt(d_k)) V, written out with exp and sums (Vaswani et al., eq. 1)."""
    scores = q @ k.T / math.sqrt(q.shape[1])
    if causal:
        scores = np.where(np.tril(np.ones_like(scores, dtype=bool)), scores, -np.inf)
    e = np.exp(scores)
    weights = e / e.sum(axis=1, keepdims=True)
    return weights, weights @ v


def weights_and_outputs(result: Any, n: int, d_v: int) -> tuple[np.ndarray, np.ndarray]:
    rows = np.array([row[1:] for row in result.table.rows], dtype=float)
    assert rows.shape == (n, n + d_v)
    return rows[:, :n], rows[:, n:]


@pytest.mark.parametrize("causal", [False, True])
def test_attention_table_equals_softmax_of_scaled_scores(causal: bool) -> None:
    result = fig("diagrams.attention").call({"causal": causal})
    weights, outputs = weights_and_outputs(result, 3, 2)
    expected_w, expected_out = reference_attention(Q, K, V, causal)
    np.testing.assert_allclose(weights, expected_w, rtol=0, atol=1e-12)
    np.testing.assert_allclose(outputs, expected_out, rtol=0, atol=1e-12)


def test_attention_defaults_reproduce_the_worked_example_on_the_page() -> None:
    weights, outputs = weights_and_outputs(fig("diagrams.attention").call({}), 3, 2)
    page = [[0.401, 0.401, 0.198], [0.198, 0.401, 0.401], [0.248, 0.503, 0.248]]
    np.testing.assert_allclose(weights.round(3), page)
    np.testing.assert_allclose(outputs.round(3), [[0.797, 0.797], [1.0, 1.203], [0.745, 1.0]])


def test_attention_causal_mask_gives_the_page_rows_and_exact_zeros() -> None:
    result = fig("diagrams.attention").call({"causal": True})
    weights, _ = weights_and_outputs(result, 3, 2)
    np.testing.assert_allclose(weights[0], [1.0, 0.0, 0.0])
    np.testing.assert_allclose(weights[1].round(3), [0.330, 0.670, 0.0])
    assert weights[0, 1] == 0.0 and weights[0, 2] == 0.0 and weights[1, 2] == 0.0


def test_attention_accepts_other_sizes_and_a_different_value_width() -> None:
    rng = np.random.default_rng(7)
    q, k, v = rng.normal(size=(4, 3)), rng.normal(size=(4, 3)), rng.normal(size=(4, 1))
    params = {
        "q": q.ravel().tolist(),
        "k": k.ravel().tolist(),
        "v": v.ravel().tolist(),
        "n_tokens": 4,
        "d_k": 3,
        "tokens": ["a", "b", "c", "d"],
    }
    weights, outputs = weights_and_outputs(fig("diagrams.attention").call(params), 4, 1)
    expected_w, expected_out = reference_attention(q, k, v, causal=False)
    np.testing.assert_allclose(weights, expected_w, rtol=1e-12)
    np.testing.assert_allclose(outputs, expected_out, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"tokens": ["a", "b"]}, "tokens"),
        ({"q": [1.0, 0.0, 0.0, 1.0]}, "q must hold"),
        ({"d_k": 3}, "q must hold"),
        ({"k": [1.0, 0.0, 1.0, 1.0, 0.0]}, "k must hold"),
        ({"v": [1.0, 0.0, 0.0, 1.0]}, "v has 4 numbers"),
        ({"n_tokens": 9}, "n_tokens"),
        ({"q": [1.0, 0.0, 0.0, 1.0, 1.0, float("nan")]}, "finite"),
    ],
)
def test_attention_refuses_mismatched_sizes(params: dict[str, Any], message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        fig("diagrams.attention").call(params)


def test_attention_hatches_masked_cells_only_when_causal() -> None:
    plain = render_svg(fig("diagrams.attention").call({}), LIGHT).decode()
    causal = render_svg(fig("diagrams.attention").call({"causal": True}), LIGHT).decode()
    assert "masked" not in plain
    assert "masked (a later token)" in causal


# --- rendering ---


@pytest.mark.parametrize("name", sorted(FIGURES))
@each_theme
def test_every_diagram_renders_text_as_text_and_the_same_bytes_twice(
    name: str, theme: Theme
) -> None:
    assert_same_svg_with_text_twice(fig(name), theme)


@pytest.mark.parametrize("variant", ["encoder-only", "decoder-only"])
def test_single_stack_transformers_render(variant: str) -> None:
    svg = render_svg(fig("diagrams.transformer").call({"variant": variant}), DARK)
    assert b"Softmax" in svg


# --- pre-training objectives ---


def test_objectives_default_is_the_courses_sentence_under_each_objective() -> None:
    result = fig("diagrams.pretraining_objectives").call({})
    # The course's example sentence, "The teacher teaches the student".
    assert column(result, "input") == [
        "The [MASK] teaches the student",  # masked LM hides "teacher"
        "The teacher teaches the",  # causal LM reads every token but the last ...
        "The teacher <X> student",  # span corruption replaces "teaches the" by a sentinel
    ]
    assert column(result, "target") == [
        "teacher",
        "teacher teaches the student",  # ... and predicts each next one
        "<X> teaches the <Y>",  # the dropped span after its sentinel, then a final one
    ]
    assert [f.split(" (")[0] for f in column(result, "model family")] == [
        "encoder-only",
        "decoder-only",
        "encoder-decoder",
    ]


def test_objectives_take_their_own_sentence_mask_and_span() -> None:
    params = {"tokens": ["a", "b", "c", "d"], "masked": 3, "span_start": 0, "span_length": 1}
    result = fig("diagrams.pretraining_objectives").call(params)
    assert column(result, "input") == ["a b c [MASK]", "a b c", "<X> b c d"]
    assert column(result, "target") == ["d", "b c d", "<X> a <Y>"]


@pytest.mark.parametrize(
    "params", [{"masked": 5}, {"span_start": 4, "span_length": 2}, {"tokens": ["a", "b"]}]
)
def test_objectives_refuse_a_mask_or_span_outside_the_sentence(params: dict[str, Any]) -> None:
    with pytest.raises(ParameterError):
        fig("diagrams.pretraining_objectives").call(
            fig("diagrams.pretraining_objectives").check(params)
        )


@each_theme
def test_objectives_draw_as_text_and_the_same_svg_twice(theme: Theme) -> None:
    assert_same_svg_with_text_twice(fig("diagrams.pretraining_objectives"), theme)


def test_phone_flow_text_wraps_by_what_a_formula_shows() -> None:
    """The phone drawing's boxes wrap a formula by the letters it shows: "(d_ff = 2048)" is
    short, so "Add & norm" was never split, yet it once was, its TeX counted as 17 letters."""
    result = fig("diagrams.transformer").call({})
    drawn, _ = drawn_with_renderer(result, LIGHT, result.phone_size)
    lines = [line.strip() for t in drawn.axes[0].texts for line in t.get_text().split("\n")]
    assert any("Feed-forward" in line for line in lines)
    assert [line for line in lines if line == "norm" or line.endswith("&")] == []

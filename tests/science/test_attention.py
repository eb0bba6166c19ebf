"""Scaled dot-product attention against hand-worked matrices (Vaswani et al. 2017, eq. 1)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from genai_notes.science import attention


def test_two_tokens_without_a_mask() -> None:
    # Q = K = I (d_k = 2): scores I, scaled I / sqrt 2; softmax row 1 of (0.7071, 0)
    steps = attention.attention_steps(
        [[1, 0], [0, 1]], [[1, 0], [0, 1]], [[1, 2], [3, 4]], causal=False
    )
    assert steps.scores.tolist() == [[1.0, 0.0], [0.0, 1.0]]
    assert steps.scaled[0, 0] == pytest.approx(1 / math.sqrt(2))
    high = math.exp(1 / math.sqrt(2)) / (math.exp(1 / math.sqrt(2)) + 1)  # 2.0281 / 3.0281
    assert steps.weights[0].tolist() == pytest.approx([high, 1 - high])
    assert steps.output[0].tolist() == pytest.approx(
        [high + 3 * (1 - high), 2 * high + 4 * (1 - high)]
    )
    assert steps.masked.tolist() == steps.scaled.tolist()


def test_the_causal_mask_hides_later_keys_and_gives_them_zero_weight() -> None:
    steps = attention.attention_steps([[1, 0], [0, 1]], [[1, 0], [0, 1]], [[1, 2], [3, 4]])
    assert steps.masked[0, 1] == -np.inf
    assert steps.weights[0].tolist() == [1.0, 0.0]
    assert steps.output[0].tolist() == [1.0, 2.0]  # the first token sees only its own value


def test_the_example_halves_the_scores_of_was() -> None:
    steps = attention.example_steps()
    assert steps.d_k == 4
    assert steps.scores[2].tolist() == [1.0, 1.0, 2.0, 0.0]
    assert steps.scaled[2].tolist() == [0.5, 0.5, 1.0, 0.0]
    assert steps.weights.sum(axis=1).tolist() == pytest.approx([1.0] * 4)


@pytest.mark.parametrize(
    ("q", "k", "v", "words"),
    [
        ([[1, 0]], [[1, 0, 0]], [[1]], "same width"),
        ([[1, 0]], [[1, 0]], [[1], [2]], "one row per token"),
        ([[1, 0]], [[1, 0], [0, 1]], [[1], [2]], "as many queries as keys"),
        ([[1, float("nan")]], [[1, 0]], [[1]], "finite"),
        ([1, 0], [[1, 0]], [[1]], "2-D"),
    ],
)
def test_bad_shapes_are_refused(q: object, k: object, v: object, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        attention.attention_steps(q, k, v)  # type: ignore[arg-type]

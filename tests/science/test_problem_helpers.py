"""Tests for the science functions the week-1 problems use.

Expected values are worked by hand in the comments, from the definitions cited in each
function's docstring (Vaswani et al. 2017 and the Llama 3 8B config for attention weights,
Broder 1997 for Jaccard, Leskovec et al., Mining of Massive Datasets 3.4.2, for LSH).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from genai_notes.science import memory, retrieval, sampling


def test_attention_params_without_gqa_is_four_h_squared() -> None:
    # 2017 base model: h = 512, 8 heads of 64: W_q, W_k, W_v, W_o of 512 x 512 = 4 * 512**2.
    assert memory.attention_params(512, 8) == 4 * 512 * 512 == 1_048_576


def test_attention_params_llama3_8b_gqa() -> None:
    # h = 4096, 32 query heads and 8 KV heads of 128: 2*4096*4096 + 2*4096*1024.
    assert memory.attention_params(4096, 32, 8, 128) == 33_554_432 + 8_388_608


def test_attention_params_matches_transformer_params_term() -> None:
    # One layer, no MLP to speak of: transformer_params minus its MLP and embedding terms.
    whole = memory.transformer_params(1, 4096, 1, n_heads=32, n_kv_heads=8, d_ff=1)
    assert memory.attention_params(4096, 32, 8) == whole - 2 * 4096 * 1 - 1 * 4096


def test_attention_params_refuses_zero_heads() -> None:
    with pytest.raises(ValueError, match="n_heads"):
        memory.attention_params(4096, 0)


def test_kept_count_top_p() -> None:
    # Probabilities 0.5, 0.3, 0.2 (logits = their logs): top_p 0.7 keeps 0.5 and the 0.3 that
    # crosses 0.7, two tokens; top_p 0.9 needs the third as well.
    logits = [math.log(0.5), math.log(0.3), math.log(0.2)]
    assert sampling.kept_count(logits, top_p=0.7) == 2
    assert sampling.kept_count(logits, top_p=0.9) == 3
    assert sampling.kept_count(logits, top_p=0.5) == 1
    assert sampling.kept_count(logits, top_k=1) == 1
    assert sampling.kept_count(logits) == 3


def test_kept_count_ignores_masked_tokens() -> None:
    assert sampling.kept_count([0.0, -math.inf, 0.0]) == 2


def test_draw_from_uniform_inverts_the_cdf() -> None:
    # Cumulative 0.5, 0.8, 1.0: u in [0, 0.5) -> 0, [0.5, 0.8) -> 1, [0.8, 1) -> 2.
    probs = [0.5, 0.3, 0.2]
    assert sampling.draw_from_uniform(probs, 0.0) == 0
    assert sampling.draw_from_uniform(probs, 0.49) == 0
    assert sampling.draw_from_uniform(probs, 0.5) == 1
    assert sampling.draw_from_uniform(probs, 0.79) == 1
    assert sampling.draw_from_uniform(probs, 0.85) == 2


def test_draw_from_uniform_never_draws_zero_probability() -> None:
    assert sampling.draw_from_uniform([0.4, 0.6, 0.0], 0.999999) == 1


@pytest.mark.parametrize("u", [-0.1, 1.0, float("nan"), True])
def test_draw_from_uniform_refuses_bad_u(u: float) -> None:
    with pytest.raises(ValueError, match="u must be"):
        sampling.draw_from_uniform([0.5, 0.5], u)


def test_shingle_jaccard_word_trigrams() -> None:
    # "the cat sat on the mat": the cat sat, cat sat on, sat on the, on the mat.
    # "the cat sat on a mat":   the cat sat, cat sat on, sat on a,   on a mat.
    # Shared 2 of 6 distinct: 2 / 6.
    j = retrieval.shingle_jaccard("the cat sat on the mat", "the cat sat on a mat", n=3)
    assert j == pytest.approx(2 / 6)


def test_shingle_jaccard_unigrams_are_sets() -> None:
    # {the, cat, sat, on, mat} and {the, cat, sat, on, a, mat}: 5 shared of 6.
    j = retrieval.shingle_jaccard("The cat sat on the mat.", "the cat sat on a mat", n=1)
    assert j == pytest.approx(5 / 6)


def test_shingle_jaccard_refuses_short_text() -> None:
    with pytest.raises(ValueError, match="text_b needs at least 3 words"):
        retrieval.shingle_jaccard("a b c", "a b", n=3)


def test_minhash_candidate_probability() -> None:
    # One bucket of one hash: P = J. r = 2, b = 2, J = 0.5: 1 - (1 - 0.25)**2 = 0.4375.
    assert retrieval.minhash_candidate_probability(0.3, 1, 1) == pytest.approx(0.3)
    assert retrieval.minhash_candidate_probability(0.5, 2, 2) == pytest.approx(0.4375)
    assert retrieval.minhash_candidate_probability(1.0, 8, 14) == 1.0
    assert retrieval.minhash_candidate_probability(0.0, 8, 14) == 0.0


@pytest.mark.parametrize("j", [-0.1, 1.5, float("nan"), True])
def test_minhash_candidate_probability_refuses_bad_similarity(j: float) -> None:
    with pytest.raises(ValueError, match="similarity"):
        retrieval.minhash_candidate_probability(j, 8, 14)


def test_draw_from_uniform_agrees_with_a_seeded_sample() -> None:
    # sample() draws rng.random() once and inverts the CDF; the same number gives the same token.
    probs = [0.1, 0.2, 0.3, 0.4]
    for seed in range(20):
        u = np.random.default_rng(seed).random()
        drawn = sampling.sample(probs, np.random.default_rng(seed))
        assert sampling.draw_from_uniform(probs, u) == drawn

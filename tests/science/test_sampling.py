"""Tests for genai_notes.science.sampling.

Reference: Hugging Face transformers, src/transformers/generation/logits_process.py
(TemperatureLogitsWarper, TopKLogitsWarper, TopPLogitsWarper), applied in that order by
``generate(do_sample=True)``. ``hf_*`` below are numpy ports of those warpers.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from numpy.typing import NDArray

from genai_notes.science import sampling

FloatArray = NDArray[np.float64]


def reference_softmax(logits: FloatArray) -> FloatArray:
    """exp(z) / sum exp(z), written out for small finite logits."""
    weights = np.exp(logits)
    result: FloatArray = weights / weights.sum()
    return result


def hf_top_k(scores: FloatArray, top_k: int) -> FloatArray:
    """Port of TopKLogitsWarper: remove scores < the k-th largest score."""
    k = min(top_k, scores.size)
    kth_largest = np.sort(scores)[::-1][k - 1]
    return np.where(scores < kth_largest, -np.inf, scores)


def hf_top_p(scores: FloatArray, top_p: float, min_tokens_to_keep: int = 1) -> FloatArray:
    """Port of TopPLogitsWarper: sort ascending, remove cumulative probs <= 1 - top_p."""
    order = np.argsort(scores, kind="stable")
    sorted_logits = scores[order]
    finite = np.isfinite(sorted_logits)
    probs = np.zeros(scores.size)
    probs[finite] = reference_softmax(sorted_logits[finite])
    cumulative = np.cumsum(probs)
    remove = cumulative <= (1 - top_p)
    remove[-min_tokens_to_keep:] = False
    out = scores.copy()
    out[order[remove]] = -np.inf
    return out


def hf_next_token_probs(
    logits: FloatArray, temperature: float, top_k: int, top_p: float
) -> FloatArray:
    """Temperature, top-k, top-p, softmax: the order of generate's warper list."""
    scores = hf_top_p(hf_top_k(logits / temperature, top_k), top_p)
    probs = np.zeros(scores.size)
    finite = np.isfinite(scores)
    probs[finite] = reference_softmax(scores[finite])
    return probs


# --- softmax -------------------------------------------------------------------------


def test_softmax_matches_the_definition_exp_over_sum() -> None:
    logits = np.array([2.0, 1.0, 0.1, -3.0])
    np.testing.assert_allclose(sampling.softmax(logits), reference_softmax(logits), rtol=1e-15)


def test_softmax_divides_logits_by_the_temperature_like_temperature_logits_warper() -> None:
    logits = np.array([2.0, 1.0, 0.1])
    np.testing.assert_allclose(
        sampling.softmax(logits, temperature=0.5), reference_softmax(logits / 0.5), rtol=1e-15
    )


def test_softmax_is_stable_for_huge_logits() -> None:
    np.testing.assert_array_equal(sampling.softmax([1000.0, 1000.0]), [0.5, 0.5])


def test_softmax_returns_float64_that_sums_to_one() -> None:
    probs = sampling.softmax(np.array([3, 1, 2], dtype=np.int32))
    assert probs.dtype == np.float64
    assert math.isclose(probs.sum(), 1.0, rel_tol=1e-15)


def test_softmax_gives_minus_infinity_logits_exactly_zero() -> None:
    probs = sampling.softmax([0.0, -np.inf, 0.0])
    assert probs[1] == 0.0
    np.testing.assert_array_equal(probs[[0, 2]], [0.5, 0.5])


def test_low_temperature_sharpens_and_high_temperature_flattens() -> None:
    logits = [2.0, 1.0, 0.0]
    cold = sampling.softmax(logits, temperature=0.1)
    hot = sampling.softmax(logits, temperature=100.0)
    assert cold[0] > 0.999
    np.testing.assert_allclose(hot, [1 / 3] * 3, atol=0.01)


# --- top-k ---------------------------------------------------------------------------


def test_top_k_keeps_the_k_most_likely_tokens_and_zeroes_the_rest() -> None:
    probs = sampling.next_token_probs([1.0, 4.0, 3.0, 2.0], top_k=2)
    assert probs[0] == 0.0 and probs[3] == 0.0
    np.testing.assert_allclose(probs[[1, 2]], reference_softmax(np.array([4.0, 3.0])))


def test_top_k_keeps_every_token_tied_with_the_kth_largest() -> None:
    """TopKLogitsWarper removes only scores < the k-th largest, so ties survive."""
    probs = sampling.next_token_probs([3.0, 2.0, 2.0, 1.0], top_k=2)
    assert np.count_nonzero(probs) == 3
    assert probs[3] == 0.0


def test_top_k_larger_than_the_vocabulary_keeps_everything() -> None:
    logits = [1.0, 2.0, 3.0]
    np.testing.assert_allclose(
        sampling.next_token_probs(logits, top_k=50), sampling.softmax(logits)
    )


# --- top-p ---------------------------------------------------------------------------


def test_top_p_keeps_the_token_that_crosses_the_threshold() -> None:
    # Four equal tokens (0.25 each, exact): 0.25 + 0.25 = 0.5 < 0.6, so a third is needed.
    probs = sampling.next_token_probs([0.0, 0.0, 0.0, 0.0], top_p=0.6)
    np.testing.assert_array_equal(probs, [1 / 3, 1 / 3, 1 / 3, 0.0])


def test_top_p_stops_when_the_cumulative_probability_reaches_p_exactly() -> None:
    probs = sampling.next_token_probs([0.0, 0.0, 0.0, 0.0], top_p=0.5)
    np.testing.assert_array_equal(probs, [0.5, 0.5, 0.0, 0.0])


def test_top_p_never_keeps_fewer_than_one_token() -> None:
    probs = sampling.next_token_probs([5.0, 1.0, 0.0], top_p=1e-9)
    np.testing.assert_array_equal(probs, [1.0, 0.0, 0.0])


def test_top_p_of_one_keeps_every_token() -> None:
    logits = [10.0, 0.0, -30.0]
    np.testing.assert_array_equal(
        sampling.next_token_probs(logits, top_p=1.0), sampling.softmax(logits)
    )


def test_top_p_keeps_the_most_likely_tokens_not_the_first_ones() -> None:
    probs = sampling.next_token_probs([0.0, 3.0, 1.0, 2.5], top_p=0.5)
    assert probs[1] == 1.0


def test_pipeline_matches_a_port_of_hugging_face_warpers_on_random_logits() -> None:
    """temperature -> TopKLogitsWarper -> TopPLogitsWarper -> softmax (logits_process.py)."""
    rng = np.random.default_rng(2024)
    for _ in range(500):
        logits = rng.normal(scale=3.0, size=int(rng.integers(2, 40)))
        temperature = float(rng.uniform(0.2, 2.0))
        top_k = int(rng.integers(1, logits.size + 3))
        top_p = float(rng.uniform(0.05, 0.99))
        ours = sampling.next_token_probs(logits, temperature=temperature, top_k=top_k, top_p=top_p)
        theirs = hf_next_token_probs(logits, temperature, top_k, top_p)
        np.testing.assert_array_equal(ours > 0, theirs > 0)
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-300)


def test_removed_tokens_get_exactly_zero_and_the_rest_sum_to_one() -> None:
    probs = sampling.next_token_probs(np.linspace(-2, 2, 11), temperature=0.8, top_k=6, top_p=0.7)
    assert set(np.unique(probs[probs < 1e-3])) <= {0.0}
    assert math.isclose(probs.sum(), 1.0, rel_tol=1e-12)


# --- stages --------------------------------------------------------------------------


def test_stages_apply_temperature_then_top_k_then_top_p() -> None:
    result = sampling.stages([2.0, 1.0, 0.5, 0.0, -1.0], temperature=0.5, top_k=3, top_p=0.9)
    np.testing.assert_array_equal(result.scaled_logits, [4.0, 2.0, 1.0, 0.0, -2.0])
    np.testing.assert_allclose(result.probs, reference_softmax(result.scaled_logits))
    np.testing.assert_array_equal(result.kept_top_k, [True, True, True, False, False])
    np.testing.assert_allclose(result.after_top_k[:3], reference_softmax(np.array([4.0, 2.0, 1.0])))
    # after top-k: 0.844, 0.114, 0.042 -> 0.844 < 0.9 so the second token is kept too.
    np.testing.assert_array_equal(result.kept, [True, True, False, False, False])
    np.testing.assert_allclose(result.final[:2], reference_softmax(np.array([4.0, 2.0])))
    assert result.final is result.after_top_p


def test_stages_without_filters_leave_the_softmax_unchanged() -> None:
    result = sampling.stages([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(result.final, result.probs)
    assert result.kept.all() and result.kept_top_k.all()
    assert result.top_k is None and result.top_p is None


# --- greedy, sample, entropy ---------------------------------------------------------


def test_greedy_returns_the_argmax() -> None:
    assert sampling.greedy([0.1, 2.5, -1.0]) == 1


def test_greedy_picks_the_first_index_at_ties_like_torch_argmax() -> None:
    assert sampling.greedy([1.0, 3.0, 3.0, 0.0]) == 1


def test_sample_is_reproducible_with_a_seeded_generator() -> None:
    probs = [0.1, 0.2, 0.3, 0.4]
    first = [sampling.sample(probs, np.random.default_rng(7)) for _ in range(5)]
    rng_a, rng_b = np.random.default_rng(11), np.random.default_rng(11)
    run_a = [sampling.sample(probs, rng_a) for _ in range(50)]
    run_b = [sampling.sample(probs, rng_b) for _ in range(50)]
    assert run_a == run_b
    assert len(set(first)) == 1


def test_sample_frequencies_follow_the_probabilities() -> None:
    probs = np.array([0.5, 0.3, 0.2, 0.0])
    rng = np.random.default_rng(0)
    draws = np.array([sampling.sample(probs, rng) for _ in range(20_000)])
    frequencies = np.bincount(draws, minlength=4) / draws.size
    np.testing.assert_allclose(frequencies[:3], probs[:3], atol=0.015)


def test_sample_never_draws_a_zero_probability_token() -> None:
    probs = np.array([0.0, 0.5, 0.0, 0.5, 0.0])
    rng = np.random.default_rng(3)
    draws = {sampling.sample(probs, rng) for _ in range(2000)}
    assert draws == {1, 3}


def test_entropy_of_a_uniform_distribution_is_log_n_in_nats_and_bits() -> None:
    uniform = [0.25] * 4
    assert math.isclose(sampling.entropy(uniform), math.log(4))
    assert math.isclose(sampling.entropy(uniform, base=2), 2.0)


def test_entropy_of_a_certain_outcome_is_zero() -> None:
    assert sampling.entropy([0.0, 1.0, 0.0]) == 0.0


def test_entropy_falls_as_temperature_falls() -> None:
    logits = [2.0, 1.0, 0.5, 0.0]
    entropies = [sampling.entropy(sampling.softmax(logits, t)) for t in (2.0, 1.0, 0.5)]
    assert entropies[0] > entropies[1] > entropies[2]


# --- errors --------------------------------------------------------------------------


@pytest.mark.parametrize("temperature", [0.0, -1.0, float("nan"), float("inf")])
def test_temperature_must_be_positive(temperature: float) -> None:
    with pytest.raises(ValueError, match=r"temperature must be a finite number > 0, got"):
        sampling.next_token_probs([1.0, 2.0], temperature=temperature)


@pytest.mark.parametrize("top_k", [0, -3, 1.5, True])
def test_top_k_must_be_an_integer_of_at_least_one(top_k: object) -> None:
    with pytest.raises(ValueError, match=rf"top_k must be an integer >= 1, got {top_k!r}"):
        sampling.next_token_probs([1.0, 2.0], top_k=top_k)  # type: ignore[arg-type]


def test_top_p_error_names_the_parameter_and_the_range() -> None:
    with pytest.raises(ValueError, match=re.escape("top_p must be in (0, 1], got 1.5")):
        sampling.next_token_probs([1.0, 2.0], top_p=1.5)


@pytest.mark.parametrize("top_p", [0.0, -0.1, float("nan")])
def test_top_p_outside_zero_one_is_refused(top_p: float) -> None:
    with pytest.raises(ValueError, match=re.escape("top_p must be in (0, 1]")):
        sampling.next_token_probs([1.0, 2.0], top_p=top_p)


@pytest.mark.parametrize(
    ("logits", "message"),
    [
        ([], "non-empty 1-D"),
        ([[1.0, 2.0]], "non-empty 1-D"),
        ([float("nan"), 1.0], "no NaN or \\+inf"),
        ([float("inf"), 1.0], "no NaN or \\+inf"),
        ([-np.inf, -np.inf], "at least one finite value"),
    ],
)
def test_logits_that_cannot_be_normalised_are_refused(logits: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        sampling.next_token_probs(logits)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=message):
        sampling.greedy(logits)  # type: ignore[arg-type]


def test_a_temperature_that_overflows_the_logits_is_refused() -> None:
    with pytest.raises(ValueError, match="overflowed"):
        sampling.softmax([1e308, 0.0], temperature=1e-10)


@pytest.mark.parametrize("probs", [[0.5, 0.6], [-0.1, 1.1], [float("nan"), 1.0], [], [[0.5, 0.5]]])
def test_sample_and_entropy_refuse_an_invalid_distribution(probs: object) -> None:
    with pytest.raises(ValueError, match="probs must"):
        sampling.sample(probs, np.random.default_rng(0))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="probs must"):
        sampling.entropy(probs)  # type: ignore[arg-type]


@pytest.mark.parametrize("base", [1.0, 0.0, -2.0])
def test_entropy_base_must_be_positive_and_not_one(base: float) -> None:
    with pytest.raises(ValueError, match="base must be a finite number > 0"):
        sampling.entropy([0.5, 0.5], base=base)


# --- top-p at the boundary, with probabilities that come from logits ----------------------


def test_top_p_stops_at_a_sum_that_rounds_just_below_p() -> None:
    # Issue 14, correction 25: 0.5 + 0.3 summed from softmax outputs lands a hair below 0.8,
    # yet the two tokens reach 0.8 and the rule keeps exactly them.
    logits = np.log([0.3, 0.1, 0.1, 0.5])
    probs = sampling.next_token_probs(logits, top_p=0.8)
    assert np.count_nonzero(probs) == 2
    assert probs[3] == pytest.approx(0.5 / 0.8) and probs[0] == pytest.approx(0.3 / 0.8)


def test_ten_equal_tokens_and_top_p_0_8_keep_eight() -> None:
    # In floating point 0.1 added eight times is 0.7999999999999999.
    assert sum([0.1] * 8) < 0.8
    assert np.count_nonzero(sampling.next_token_probs(np.zeros(10), top_p=0.8)) == 8


@pytest.mark.parametrize("n", [3, 5, 7, 10, 20])
def test_n_equal_logits_keep_k_tokens_for_top_p_k_over_n(n: int) -> None:
    for k in range(1, n + 1):
        probs = sampling.next_token_probs(np.full(n, 1.5), top_p=k / n)
        assert np.count_nonzero(probs) == k, (n, k)


def test_a_sum_clearly_below_p_still_takes_the_next_token() -> None:
    # A billionth over 0.8 is far more than a few ulps: the third token is needed.
    logits = np.log([0.3, 0.1, 0.1, 0.5])
    assert np.count_nonzero(sampling.next_token_probs(logits, top_p=0.8 + 1e-9)) == 3


def test_top_p_tolerance_is_a_few_ulps() -> None:
    assert sampling.top_p_tolerance(0.8) == 8 * 2.0**-53  # 0.8 lies in [0.5, 1): ulp 2**-53
    assert sampling.top_p_tolerance(0.25) == 8 * 2.0**-54

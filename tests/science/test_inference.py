"""Tests for genai_notes.science.inference.

Expected values are worked by hand from the primary sources:

* Kaplan et al. 2020, arXiv 2001.08361, section 2.1 and Table 1: forward FLOPs per token
  ``2N + 2 n_layer n_ctx d_attn``.
* Leviathan, Kalman, Matias 2023, arXiv 2211.17192: equation 1, expected tokens per step
  ``(1 - a^(g+1)) / (1 - a)``; Theorem 3.8, improvement factor
  ``(1 - a^(g+1)) / ((1 - a)(g c + 1))``.
* NVIDIA H100 Tensor Core GPU datasheet: H100 SXM, 3.35 TB/s of HBM3 bandwidth and
  1,979 BF16 Tensor TFLOPS *with sparsity* (half, 989.5, dense).
* meta-llama/Llama-3.1-8B ``config.json``: 32 layers, 8 key-value heads of 128, hidden 4096.
"""

from __future__ import annotations

import math

import pytest

from genai_notes.science import inference, memory

H100_BANDWIDTH = 3.35e12
H100_BF16_DENSE = 1979e12 / 2


def test_forward_pass_is_two_flops_per_parameter_per_token() -> None:
    assert inference.forward_flops(7e9, 1) == 14e9
    assert inference.forward_flops(8e9, 2000) == 2 * 8e9 * 2000 == 3.2e13


def test_attention_term_is_kaplans_two_n_layer_n_ctx_d_attn() -> None:
    # GPT-3 175B: 96 layers, d_attn 12288, n_ctx 2048 -> 2 x 96 x 2048 x 12288 per token.
    per_token = inference.attention_flops_per_token(96, 2048, 12288)
    assert per_token == 2 * 96 * 2048 * 12288 == 4_831_838_208
    # Beside 2N = 350e9 that is about 1.4%: Kaplan's "small when d_model > n_ctx / 12".
    assert per_token / (2 * 175e9) == pytest.approx(0.0138, abs=1e-4)


def test_attention_over_a_sequence_grows_with_the_square_of_its_length() -> None:
    short = inference.sequence_attention_flops(32, 4096, 4096)
    long = inference.sequence_attention_flops(32, 8192, 4096)
    assert short == 2 * 32 * 4096**2 * 4096
    assert long == 4 * short


def test_attention_scores_of_one_layer_fill_memory_quadratically() -> None:
    # 32 heads x 8192^2 scores x 2 bytes = 4,294,967,296 bytes = 4 GiB for one layer.
    assert inference.attention_scores_bytes(32, 8192) == 32 * 8192 * 8192 * 2 == 2**32
    assert inference.attention_scores_bytes(32, 4096, batch=2) == 2**32 / 2


def test_roofline_takes_the_slower_of_compute_and_memory() -> None:
    assert inference.roofline_seconds(1e12, 1e9, 1e12, 1e12) == 1.0  # compute: 1 s vs 1 ms
    assert inference.roofline_seconds(1e9, 2e12, 1e12, 1e12) == 2.0  # memory: 2 s vs 1 ms


def test_single_sequence_decode_of_an_8b_model_on_h100_is_bandwidth_bound() -> None:
    weights = memory.weights_bytes(8e9, "bf16")  # 16 GB
    step = inference.decode_step(8e9, weights, peak_flops=H100_BF16_DENSE, bandwidth=H100_BANDWIDTH)
    assert step.memory_seconds == pytest.approx(16e9 / 3.35e12)  # 4.78 ms
    assert step.compute_seconds == pytest.approx(16e9 / 989.5e12)  # 16 microseconds
    assert step.memory_bound
    assert step.tokens_per_second == pytest.approx(3.35e12 / 16e9)  # 209.4 tokens/s
    assert step.tokens_per_second == pytest.approx(
        inference.max_decode_tokens_per_second(H100_BANDWIDTH, weights)
    )


def test_batching_shares_the_weight_reads_until_compute_catches_up() -> None:
    weights = 16e9
    one = inference.decode_step(8e9, weights, peak_flops=1e15, bandwidth=2e12, batch=1)
    many = inference.decode_step(8e9, weights, peak_flops=1e15, bandwidth=2e12, batch=64)
    # No KV cache: 64 sequences read the same 16 GB, so the step time is unchanged
    # (8 ms) and throughput is 64x.
    assert many.memory_seconds == one.memory_seconds == 8e-3
    assert many.throughput == pytest.approx(64 * one.throughput)
    # Compute: 2 x 8e9 x 64 / 1e15 = 1.024 ms, still under 8 ms.
    assert many.compute_seconds == pytest.approx(1.024e-3)
    assert many.memory_bound
    huge = inference.decode_step(8e9, weights, peak_flops=1e15, bandwidth=2e12, batch=1000)
    assert huge.compute_seconds == pytest.approx(16e-3)
    assert not huge.memory_bound


def test_kv_cache_reads_are_paid_per_sequence() -> None:
    kv = memory.kv_cache_bytes(32, 8, 128, seq_len=4096)  # Llama 3.1 8B: 512 MiB at 4K
    assert kv == 2 * 32 * 8 * 128 * 4096 * 2 == 536_870_912
    step = inference.decode_step(
        8e9, 16e9, peak_flops=1e15, bandwidth=2e12, batch=10, kv_bytes_per_sequence=kv
    )
    assert step.n_bytes == 16e9 + 10 * kv


def test_utilisation_scales_both_peaks() -> None:
    full = inference.decode_step(8e9, 16e9, peak_flops=1e15, bandwidth=2e12)
    half = inference.decode_step(8e9, 16e9, peak_flops=1e15, bandwidth=2e12, utilisation=0.5)
    assert half.seconds == pytest.approx(2 * full.seconds)


def test_compute_bound_batch_is_the_ops_to_bytes_ratio_of_the_gpu() -> None:
    # H100 SXM, bf16 weights: 989.5e12 x 2 / (2 x 3.35e12) = 295.4 sequences.
    batch = inference.compute_bound_batch(H100_BF16_DENSE, H100_BANDWIDTH, 2.0)
    assert batch == pytest.approx(989.5e12 / 3.35e12)
    assert round(batch) == 295
    # At that batch the two bounds of decode_step meet.
    step = inference.decode_step(
        1e9, 2e9, peak_flops=H100_BF16_DENSE, bandwidth=H100_BANDWIDTH, batch=1
    )
    assert step.compute_seconds * batch == pytest.approx(step.memory_seconds)


def test_prefill_of_a_long_prompt_is_compute_bound() -> None:
    # 2 x 8e9 x 2000 = 3.2e13 FLOPs over 1e15 FLOP/s = 32 ms; reading 16 GB takes 8 ms.
    seconds = inference.prefill_seconds(8e9, 2000, 16e9, peak_flops=1e15, bandwidth=2e12)
    assert seconds == pytest.approx(0.032)
    # A one-token prompt costs one read of the weights.
    assert inference.prefill_seconds(
        8e9, 1, 16e9, peak_flops=1e15, bandwidth=2e12
    ) == pytest.approx(8e-3)


def test_max_sequences_counts_whole_caches_beside_the_weights() -> None:
    assert inference.max_sequences_in_memory(80e9, 16e9, 0.5e9) == 128
    assert inference.max_sequences_in_memory(80e9, 16e9, 0.6e9) == 106  # 64 / 0.6 = 106.7
    assert inference.max_sequences_in_memory(10e9, 16e9, 1e9) == 0


@pytest.mark.parametrize(
    ("acceptance", "draft", "expected"),
    [
        (0.0, 5, 1.0),  # every draft rejected: the target still adds one token
        (1.0, 5, 6.0),  # every draft accepted, plus the bonus token
        (0.5, 1, 1.5),  # 1 + 0.5
        (0.8, 4, 1 + 0.8 + 0.8**2 + 0.8**3 + 0.8**4),  # 3.3616
    ],
)
def test_expected_tokens_follow_leviathan_equation_1(
    acceptance: float, draft: int, expected: float
) -> None:
    assert inference.speculative_expected_tokens(acceptance, draft) == pytest.approx(expected)


def test_speedup_follows_leviathan_theorem_3_8() -> None:
    # a = 0.8, g = 4, c = 0.05: 3.3616 / (4 x 0.05 + 1) = 2.8013.
    assert inference.speculative_speedup(0.8, 4, 0.05) == pytest.approx(3.3616 / 1.2)
    # A free draft model (c = 0) gives the expected token count itself.
    assert inference.speculative_speedup(0.8, 4, 0.0) == pytest.approx(3.3616)
    # A useless draft (a = 0) only costs time.
    assert inference.speculative_speedup(0.0, 3, 0.1) == pytest.approx(1 / 1.3)


def test_best_draft_length_trades_acceptance_against_draft_cost() -> None:
    # a = 0.8, c = 0.05, (1 - 0.8^(g+1)) / (0.2 (1 + 0.05 g)) by hand: g = 6 -> 3.040,
    # g = 7 -> 3.082, g = 8 -> 4.32891 / 1.4 = 3.092, g = 9 -> 4.46313 / 1.45 = 3.078.
    assert inference.best_draft_tokens(0.8, 0.05) == 8
    assert inference.speculative_speedup(0.8, 8, 0.05) == pytest.approx(4.32891 / 1.4, rel=1e-5)
    # A cheaper, better draft model makes longer drafts pay.
    assert inference.best_draft_tokens(0.95, 0.01) > inference.best_draft_tokens(0.6, 0.2)


@pytest.mark.parametrize("bad", [-0.1, 1.5, math.nan, True])
def test_acceptance_must_be_a_probability(bad: object) -> None:
    with pytest.raises(ValueError, match="acceptance must be a number in"):
        inference.speculative_expected_tokens(bad, 4)  # type: ignore[arg-type]


def test_decode_step_refuses_bad_arguments() -> None:
    with pytest.raises(ValueError, match="batch must be an integer >= 1"):
        inference.decode_step(8e9, 16e9, peak_flops=1e15, bandwidth=2e12, batch=0)
    with pytest.raises(ValueError, match="kv_bytes_per_sequence"):
        inference.decode_step(8e9, 16e9, peak_flops=1e15, bandwidth=2e12, kv_bytes_per_sequence=-1)
    with pytest.raises(ValueError, match="utilisation"):
        inference.decode_step(8e9, 16e9, peak_flops=1e15, bandwidth=2e12, utilisation=0)

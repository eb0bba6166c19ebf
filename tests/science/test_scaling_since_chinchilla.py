"""Tests for the post-Chinchilla additions to genai_notes.science.scaling.

Expected values are hand-worked: 6 N_active D for DeepSeek-V3 (37B active, 14.8T tokens;
DeepSeek-AI 2024, arXiv 2412.19437); the pipeline bubble (p - 1) / (m + p - 1) (Narayanan et
al. 2021, section 2.2.1: (p - 1) / m of the ideal time); Muennighoff et al. 2023 eq. 5; the
Llama 3 token fit 0.29 C^0.53 (Grattafiori et al. 2024, section 3.2.1).
"""

from __future__ import annotations

import math

import pytest

from genai_notes.science import scaling


def test_moe_compute_counts_active_parameters() -> None:
    assert scaling.moe_training_flops(37e9, 14.8e12) == pytest.approx(3.2856e24)


def test_inference_costs_a_third_of_training_per_token() -> None:
    assert scaling.inference_flops(7e9, 1000) == 1.4e13
    assert scaling.inference_flops(7e9, 1) * 3 == scaling.training_flops(7e9, 1)


@pytest.mark.parametrize(
    ("stages", "microbatches", "expected"),
    [(1, 8, 0.0), (4, 1, 0.75), (4, 4, 3 / 7), (4, 16, 3 / 19), (8, 32, 7 / 39)],
)
def test_pipeline_bubble_is_the_fill_and_drain_share(
    stages: int, microbatches: int, expected: float
) -> None:
    assert scaling.pipeline_bubble_fraction(stages, microbatches) == pytest.approx(expected)


def test_bubble_over_busy_time_is_megatrons_p_minus_1_over_m() -> None:
    bubble = scaling.pipeline_bubble_fraction(8, 32)
    assert bubble / (1 - bubble) == pytest.approx(7 / 32)


def test_mfu_divides_model_flops_by_peak() -> None:
    # 6 * 1e9 * 50,000 tokens/s = 3e14 FLOP/s over 2 GPUs of 1e15: 15%.
    assert scaling.model_flops_utilization(1e9, 5e4, 1e15, n_gpus=2) == pytest.approx(0.15)


def test_repeated_data_is_nearly_as_good_for_a_few_epochs() -> None:
    unique = 100e9
    assert scaling.effective_unique_tokens(unique, 1) == unique
    four = 100e9 + 100e9 * 15.4 * (1 - math.exp(-3 / 15.4))
    assert scaling.effective_unique_tokens(unique, 4) == pytest.approx(four)
    assert four / (4 * unique) > 0.9
    # Many epochs approach U (1 + R*).
    assert scaling.effective_unique_tokens(unique, 1000) == pytest.approx(16.4 * unique, 1e-3)


def test_fewer_than_one_epoch_is_refused() -> None:
    with pytest.raises(ValueError, match="epochs"):
        scaling.effective_unique_tokens(1e9, 0.5)


def test_llama3_fit_with_printed_constants() -> None:
    assert scaling.llama3_optimal_tokens(1e22) == pytest.approx(0.29 * 1e22**0.53)
    # Rounded constants give about 10.5T at 3.8e25 FLOPs (the paper reports 16.55T).
    assert scaling.llama3_optimal_tokens(3.8e25) == pytest.approx(1.046e13, rel=5e-3)

"""Tests for genai_notes.science.memory.

Sources: the DeepLearning.AI / AWS course "Generative AI with Large Language Models",
week 1 slide "Computational challenges of training LLMs"; Rajbhandari et al. 2019, "ZeRO:
Memory Optimizations Toward Training Trillion Parameter Models", arXiv 1910.02054.
"""

from __future__ import annotations

import re

import pytest

from genai_notes.science import memory, units


def test_bytes_per_param_of_each_dtype() -> None:
    """fp32 4, fp16 2, bf16 2, int8 1, int4 0.5 bytes (bits / 8)."""
    expected_bits = {"fp32": 32, "fp16": 16, "bf16": 16, "int8": 8, "int4": 4}
    assert {name: memory.bytes_per_param(name) for name in memory.DTYPES} == {
        name: bits / 8 for name, bits in expected_bits.items()
    }


def test_unknown_dtype_error_lists_the_allowed_ones() -> None:
    expected = "dtype must be one of 'fp32', 'fp16', 'bf16', 'int8', 'int4', got 'fp8'"
    with pytest.raises(ValueError, match=re.escape(expected)):
        memory.bytes_per_param("fp8")


def test_dtypes_cannot_be_modified() -> None:
    with pytest.raises(TypeError):
        memory.DTYPES["fp8"] = 1.0  # type: ignore[index]


def test_course_one_billion_parameters_take_4_gb_at_fp32() -> None:
    """Course slide: 1B parameters x 4 bytes = 4 x 10^9 bytes = 4 GB."""
    assert units.to_gb(memory.weights_bytes(1e9, "fp32")) == 4.0
    assert units.to_gb(memory.weights_bytes(1e9, "int8")) == 1.0


def test_course_training_needs_4_plus_20_extra_bytes_per_parameter() -> None:
    """Course slide: Adam +8, gradients +4, activations and temp memory +8 bytes."""
    breakdown = memory.course_training_bytes(1e9)
    assert breakdown.per_param() == (
        ("weights (fp32)", 4.0),
        ("Adam optimizer states (2 x fp32)", 8.0),
        ("gradients (fp32)", 4.0),
        ("activations and temporary memory", 8.0),
    )
    assert breakdown.bytes_per_param - breakdown.get("weights (fp32)") / 1e9 == 20.0


def test_course_training_a_1b_model_needs_about_24_gb_6x_the_weights() -> None:
    """Course: "approximately 6x" the weights; 24 GB of GPU RAM for 1B parameters."""
    breakdown = memory.course_training_bytes(1e9)
    assert units.to_gb(breakdown.total) == 24.0
    assert breakdown.total / memory.weights_bytes(1e9, "fp32") == 6.0


def test_zero_mixed_precision_adam_is_16_bytes_per_parameter() -> None:
    """ZeRO section 3.1: 2Ψ + 2Ψ fp16, plus K = 12 for fp32 copy, momentum, variance."""
    breakdown = memory.mixed_precision_adam_bytes(1e9)
    assert breakdown.bytes_per_param == 16.0
    optimizer = sum(b for label, b in breakdown.items if label.startswith("optimizer"))
    assert optimizer / 1e9 == memory.ADAM_MIXED_PRECISION_K


def test_zero_gpt2_1_5b_needs_24_gb_of_model_states_against_3_gb_of_fp16_weights() -> None:
    """ZeRO section 3.1: a 1.5B-parameter GPT-2 needs at least 24 GB; 3 GB of fp16 weights."""
    breakdown = memory.mixed_precision_adam_bytes(1.5e9)
    assert units.to_gb(breakdown.total) == pytest.approx(24.0)
    assert units.to_gb(breakdown.get("parameters (fp16)")) == pytest.approx(3.0)


@pytest.mark.parametrize(("stage", "printed_gb"), [(0, 120.0), (1, 31.4), (2, 16.6), (3, 1.9)])
def test_zero_figure_1_per_gpu_memory(stage: int, printed_gb: float) -> None:
    """ZeRO Figure 1: Ψ = 7.5B, N_d = 64, K = 12 gives 120, 31.4, 16.6, 1.9 GB."""
    per_gpu = memory.zero_bytes_per_gpu(7.5e9, 64, stage)
    assert round(units.to_gb(per_gpu), 1) == printed_gb


def test_zero_stages_reduce_memory_4x_8x_and_n_times() -> None:
    """ZeRO section 1: P_os 4x, P_os+g 8x, P_os+g+p linear in the DP degree (large N)."""
    n_gpus = 1_000_000
    baseline = memory.zero_bytes_per_gpu(1e9, n_gpus, 0)
    ratios = [baseline / memory.zero_bytes_per_gpu(1e9, n_gpus, stage) for stage in (1, 2, 3)]
    assert ratios[0] == pytest.approx(4.0, rel=1e-4)
    assert ratios[1] == pytest.approx(8.0, rel=1e-4)
    assert ratios[2] == pytest.approx(n_gpus)


def test_zero_on_one_gpu_is_plain_mixed_precision_adam() -> None:
    expected = memory.mixed_precision_adam_bytes(2e9).total
    for stage in memory.ZERO_STAGES:
        assert memory.zero_bytes_per_gpu(2e9, 1, stage) == expected


def test_zero_breakdown_partitions_one_more_state_per_stage() -> None:
    parts = [memory.zero_breakdown_per_gpu(8e9, 8, stage).per_param() for stage in range(4)]
    assert [dict(p) for p in parts] == [
        {"parameters (fp16)": 2.0, "gradients (fp16)": 2.0, "optimizer states": 12.0},
        {"parameters (fp16)": 2.0, "gradients (fp16)": 2.0, "optimizer states": 1.5},
        {"parameters (fp16)": 2.0, "gradients (fp16)": 0.25, "optimizer states": 1.5},
        {"parameters (fp16)": 0.25, "gradients (fp16)": 0.25, "optimizer states": 1.5},
    ]


def test_zero_optimizer_bytes_sets_k() -> None:
    """ZeRO keeps K general; e.g. K = 4 leaves (2 + 2 + 4)Ψ at stage 0."""
    assert memory.zero_bytes_per_gpu(1e9, 4, 0, optimizer_bytes=4) == 8e9


def test_breakdown_total_sums_the_parts_and_get_rejects_unknown_labels() -> None:
    breakdown = memory.MemoryBreakdown(n_params=10.0, items=(("a", 30.0), ("b", 50.0)))
    assert breakdown.total == 80.0
    assert breakdown.bytes_per_param == 8.0
    assert breakdown.labels == ("a", "b")
    with pytest.raises(KeyError, match="no part labelled 'c'"):
        breakdown.get("c")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_params": 0, "n_gpus": 8, "stage": 1}, "n_params must be a finite number > 0"),
        ({"n_params": 1e9, "n_gpus": 0, "stage": 1}, "n_gpus must be an integer >= 1"),
        ({"n_params": 1e9, "n_gpus": 2.5, "stage": 1}, "n_gpus must be an integer >= 1"),
        ({"n_params": 1e9, "n_gpus": 8, "stage": 4}, "stage must be one of 0, 1, 2, 3"),
        ({"n_params": 1e9, "n_gpus": 8, "stage": True}, "stage must be one of 0, 1, 2, 3"),
        (
            {"n_params": 1e9, "n_gpus": 8, "stage": 1, "optimizer_bytes": 0},
            "optimizer_bytes must be a finite number > 0",
        ),
    ],
)
def test_zero_refuses_bad_arguments(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        memory.zero_bytes_per_gpu(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("n_params", [0, -1e9, float("nan"), float("inf")])
def test_parameter_counts_must_be_positive(n_params: float) -> None:
    with pytest.raises(ValueError, match="n_params must be a finite number > 0"):
        memory.course_training_bytes(n_params)
    with pytest.raises(ValueError, match="n_params must be a finite number > 0"):
        memory.weights_bytes(n_params)


# --- checkpointing and 8-bit Adam ------------------------------------------------------


def test_full_checkpointing_keeps_each_layers_16_bit_input() -> None:
    # Korthikanti et al. 2022, section 4: 2 s b h L bytes; Llama 2 7B shape at s = 4096.
    assert memory.checkpointed_activation_bytes(32, 4096, 4096, 1) == 2 * 4096 * 4096 * 32


def test_eight_bit_adam_needs_ten_bytes_per_parameter() -> None:
    breakdown = memory.adam8bit_mixed_precision_bytes(1e9)
    assert breakdown.bytes_per_param == 10.0
    assert breakdown.get("8-bit momentum") == 1e9


def test_an_80_gb_gpu_holds_the_weights_of_20b_fp32_40b_fp16_and_160b_int4_parameters() -> None:
    # 80e9 bytes / 4 bytes = 20e9; / 2 bytes = 40e9; / 0.5 bytes = 160e9.
    assert memory.params_that_fit(80e9, "fp32") == 20e9
    assert memory.params_that_fit(80e9, "fp16") == 40e9
    assert memory.params_that_fit(80e9, "int4") == 160e9


def test_params_that_fit_rounds_down_to_a_whole_count_that_fits() -> None:
    # 10 bytes / 4 bytes per fp32 parameter = 2.5: two parameters fit, the third does not.
    assert memory.params_that_fit(10, "fp32") == 2
    assert memory.weights_bytes(memory.params_that_fit(24e9, "int8"), "int8") <= 24e9


def test_params_that_fit_refuses_no_memory() -> None:
    with pytest.raises(ValueError, match="memory_bytes"):
        memory.params_that_fit(0, "fp16")

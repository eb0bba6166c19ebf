"""Tests for genai_notes.science.parallelism against ZeRO (Rajbhandari et al. 2019) and
Korthikanti et al. 2022 (arXiv 2205.05198), with hand-worked values and property checks."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from genai_notes.science import parallelism

# ZeRO section 3.1 and Figure 1: a 7.5B model with mixed-precision Adam needs 16 bytes per
# parameter, 120 GB; over 64 data-parallel GPUs stage 1 leaves 31.4 GB, stage 2 16.6 GB and
# stage 3 1.9 GB per GPU.
ZERO_FIGURE_1 = [(0, 120.0), (1, 31.4), (2, 16.6), (3, 1.9)]


@pytest.mark.parametrize(("stage", "gb"), ZERO_FIGURE_1)
def test_model_states_reproduce_zero_figure_1(stage: int, gb: float) -> None:
    result = parallelism.model_states_bytes_per_gpu(7.5e9, dp=64, zero_stage=stage)
    assert result / 1e9 == pytest.approx(gb, abs=0.05)


def test_tensor_and_pipeline_split_the_states_before_zero() -> None:
    # 70e9 parameters over tp=8, pp=4: 70e9 / 32 = 2.1875e9 each; ZeRO-1 over dp=16 leaves
    # (2 + 2) + 12 / 16 = 4.75 bytes per local parameter.
    result = parallelism.model_states_bytes_per_gpu(70e9, tp=8, pp=4, dp=16, zero_stage=1)
    assert result == pytest.approx(2.1875e9 * 4.75)


def test_zero_3_states_fall_as_one_over_dp() -> None:
    base = parallelism.model_states_bytes_per_gpu(13e9, tp=2, dp=1, zero_stage=3)
    for dp in (2, 3, 8, 64, 1000):
        shard = parallelism.model_states_bytes_per_gpu(13e9, tp=2, dp=dp, zero_stage=3)
        assert shard == pytest.approx(base / dp)


def test_more_tensor_parallelism_never_raises_per_gpu_weights() -> None:
    rng = np.random.default_rng(3)
    for _ in range(200):
        n = float(10 ** rng.uniform(8, 12))
        stage, dp = int(rng.integers(0, 4)), int(rng.integers(1, 64))
        sizes = [1, 2, 4, 8, 16, 32]
        weights = [
            parallelism.training_memory_per_gpu(
                n_params=n, n_layers=32, d_model=4096, n_heads=32, seq_len=2048,
                tp=tp, dp=dp, zero_stage=stage,
            ).get("weights")
            for tp in sizes
        ]  # fmt: skip
        assert all(b <= a for a, b in itertools.pairwise(weights))


def test_pipeline_stages_must_divide_the_layers() -> None:
    with pytest.raises(ValueError, match=r"pp \(pipeline stages\) must divide n_layers"):
        parallelism.training_memory_per_gpu(
            n_params=7e9, n_layers=30, d_model=4096, n_heads=32, seq_len=2048, pp=4
        )
    ok = parallelism.training_memory_per_gpu(
        n_params=7e9, n_layers=30, d_model=4096, n_heads=32, seq_len=2048, pp=5
    )
    assert ok.get("weights") == pytest.approx(2 * 7e9 / 5)


def test_activations_per_layer_follow_korthikanti_table_2() -> None:
    s, b, h, a, t = 2048, 1, 12288, 96, 8  # GPT-3 175B shape, the paper's running example
    sbh = s * b * h
    cases = {
        ("none", False, 1): sbh * (34 + 5 * a * s / h),
        ("none", False, t): sbh * (10 + 24 / t + 5 * a * s / (h * t)),
        ("none", True, t): sbh * (34 / t + 5 * a * s / (h * t)),
        ("selective", False, t): sbh * (10 + 24 / t),
        ("selective", True, t): sbh * 34 / t,
        ("full", False, t): sbh * 2,
    }
    for (recompute, sp, tp), expected in cases.items():
        got = parallelism.activation_bytes_per_layer(
            h, a, s, b, tp=tp, sequence_parallel=sp, recompute=recompute
        )
        assert got == pytest.approx(expected), (recompute, sp, tp)


def test_first_pipeline_stage_holds_all_layers_worth_of_activations_under_1f1b() -> None:
    kw = {"n_params": 7e9, "n_layers": 32, "d_model": 4096, "n_heads": 32, "seq_len": 2048}
    one = parallelism.training_memory_per_gpu(**kw).get("activations")  # type: ignore[arg-type]
    four = parallelism.training_memory_per_gpu(pp=4, **kw).get("activations")  # type: ignore[arg-type]
    few = parallelism.training_memory_per_gpu(pp=4, n_microbatches=2, **kw).get("activations")  # type: ignore[arg-type]
    assert four == pytest.approx(one)
    assert few == pytest.approx(one / 2)  # 8 layers x 2 micro-batches in flight


def test_llama_2_7b_full_fine_tuning_by_hand() -> None:
    # bf16 mixed Adam, one GPU: 2 + 2 + 4 + 8 = 16 bytes x 6.738e9 = 107.8 GB of states;
    # activations 32 x 4096 x 4096 x (34 + 5 x 32 x 4096 / 4096) = 104.2 GB.
    result = parallelism.training_memory_per_gpu(
        n_params=6.738e9, n_layers=32, d_model=4096, n_heads=32, seq_len=4096
    )
    assert result.labels == (
        "weights",
        "gradients",
        "master weights (fp32)",
        "optimizer states",
        "activations",
    )
    assert result.total - result.get("activations") == pytest.approx(16 * 6.738e9)
    assert result.get("activations") == pytest.approx(32 * 4096 * 4096 * (34 + 160))


def test_eight_bit_adam_and_sgd_change_only_the_optimizer_states() -> None:
    kw = {"n_params": 1e9, "n_layers": 16, "d_model": 2048, "n_heads": 16, "seq_len": 1024}
    adam8 = parallelism.training_memory_per_gpu(optimizer="adam-8bit", **kw)  # type: ignore[arg-type]
    sgd = parallelism.training_memory_per_gpu(optimizer="sgd", precision="fp32", **kw)  # type: ignore[arg-type]
    assert adam8.get("optimizer states") == 2e9
    assert sgd.get("optimizer states") == 4e9 and "master weights (fp32)" not in sgd.labels
    assert sgd.get("weights") == 4e9 and sgd.get("gradients") == 4e9


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tp": 3}, "tp must divide n_heads"),
        ({"cp": 3}, "cp must divide seq_len"),
        ({"zero_stage": 4}, "zero_stage must be one of"),
        ({"recompute": "some"}, "recompute must be one of"),
        ({"precision": "fp16"}, "precision must be one of"),
    ],
)
def test_bad_settings_are_refused_with_their_name(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parallelism.training_memory_per_gpu(
            n_params=7e9,
            n_layers=32,
            d_model=4096,
            n_heads=32,
            seq_len=2048,
            **kwargs,  # type: ignore[arg-type]
        )

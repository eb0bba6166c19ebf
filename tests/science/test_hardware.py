"""Tests for genai_notes.science.hardware: presets against their published counts and
datasheets, and the serving maths against hand-worked values."""

from __future__ import annotations

import pytest

from genai_notes.science import hardware

# Parameter counts printed on each model's Hugging Face page (safetensors metadata).
PUBLISHED = {
    "Llama 2 7B": 6_738_415_616,
    "Llama 3 8B": 8_030_261_248,
    "Llama 3 70B": 70_553_706_496,
    "Mistral 7B": 7_241_732_096,
    "Mixtral 8x7B": 46_702_792_704,
}


@pytest.mark.parametrize("name", list(hardware.MODELS))
def test_shapes_give_their_count_once_the_norms_are_added(name: str) -> None:
    # shape_params leaves out the RMSNorm weights: two per layer and a final one, h each.
    shape = hardware.MODELS[name]
    total, active = hardware.shape_params(shape)
    assert total + (2 * shape.n_layers + 1) * shape.d_model == shape.n_params
    assert active <= total
    if name in PUBLISHED:
        assert shape.n_params == PUBLISHED[name]


def test_mixtral_activates_about_13b_of_its_47b() -> None:
    # Jiang et al. 2024 (arXiv 2401.04088), section 2: 47B parameters, 13B active per token.
    total, active = hardware.shape_params(hardware.MODELS["Mixtral 8x7B"])
    assert round(total / 1e9) == 47 and round(active / 1e9) == 13


def test_gpu_presets_carry_their_datasheet_figures() -> None:
    h100 = hardware.GPUS["H100 SXM"]
    assert (h100.memory_gb, h100.bandwidth_gb_s) == (80.0, 3350.0)
    assert h100.dense_tflops["bf16"] * 2 == 1979.0  # the datasheet's with-sparsity figure
    assert hardware.GPUS["A100 80GB SXM"].dense_tflops["bf16"] == 312.0
    assert hardware.GPUS["H200 SXM"].memory_gb == 141.0
    assert all(gpu.source for gpu in hardware.GPUS.values())


def test_4_bit_formats_carry_their_scales() -> None:
    # 70e9 weights: int4 with a 16-bit scale per 128 is 4.125 bits, 36.1 GB, not 35 GB.
    assert hardware.weights_bytes(70e9, "int4-g128") == pytest.approx(70e9 * 4.125 / 8)
    assert hardware.weights_bytes(70e9, "mxfp4") == pytest.approx(70e9 * 4.25 / 8)
    assert hardware.WEIGHT_FORMATS["nf4-dq"] == pytest.approx(4.127, abs=1e-3)
    # Keeping 1e9 parameters (embeddings) in bf16: 69e9 x 0.515625 + 1e9 x 2.
    kept = hardware.weights_bytes(70e9, "int4-g128", unquantized_params=1e9)
    assert kept == pytest.approx(69e9 * 4.125 / 8 + 2e9)


def test_kv_cache_per_token_with_grouped_query_attention() -> None:
    # Llama 3 8B: 2 x 32 layers x 8 heads x 128 x 2 bytes = 131,072 bytes per token.
    assert hardware.kv_bytes_per_token(32, 8, 128, "bf16") == 131_072
    # Over tp=4 each GPU keeps 2 heads; over tp=16, one (replicated).
    assert hardware.kv_bytes_per_token(32, 8, 128, "bf16", tp=4) == 131_072 / 4
    assert hardware.kv_bytes_per_token(32, 8, 128, "bf16", tp=16) == 131_072 / 8


def test_concurrent_sequences_and_context_on_an_h100() -> None:
    # 0.9 x 80e9 - 16e9 = 56e9 free; 8,192 tokens x 131,072 bytes = 1.0737e9 per sequence.
    fits = hardware.max_concurrent_sequences(80e9, 16e9, 131_072, 8192)
    assert fits == 52  # 56e9 / 1.073741824e9 = 52.15
    assert hardware.max_context_tokens(80e9, 16e9, 131_072, batch=52) == 8216
    assert hardware.max_concurrent_sequences(24e9, 30e9, 131_072, 8192) == 0


def test_decode_is_bounded_by_bandwidth_over_bytes_read() -> None:
    # 16e9 bytes of weights at 3.35e12 B/s: at most 209.4 tokens/s at batch 1.
    assert hardware.decode_tokens_per_second(3.35e12, 16e9, 0) == pytest.approx(209.375)
    # Batch 32 with 0.5e9 bytes of cache each: (16e9 + 16e9) / 3.35e12 per step.
    per_seq = hardware.decode_tokens_per_second(3.35e12, 16e9, 0.5e9, 32)
    assert per_seq == pytest.approx(3.35e12 / 32e9)
    # A compute bound slower than the bandwidth bound wins.
    slow = hardware.decode_tokens_per_second(
        3.35e12, 16e9, 0, 1000, flops_per_token=16e9, peak_flops=989.5e12
    )
    assert slow == pytest.approx(989.5e12 / (1000 * 16e9))


def test_experts_touched_grows_from_k_to_all() -> None:
    assert hardware.experts_touched(8, 2, 1) == pytest.approx(2)
    assert hardware.experts_touched(8, 2, 2) == pytest.approx(8 * (1 - 0.75**2))
    assert hardware.experts_touched(8, 2, 200) == pytest.approx(8)
    with pytest.raises(ValueError, match="experts_per_token"):
        hardware.experts_touched(8, 9, 1)


def test_serving_llama_3_8b_on_one_h100_by_hand() -> None:
    est = hardware.serve_preset("Llama 3 8B", "H100 SXM", "bf16", context=8192, batch=32)
    assert est.weights_per_gpu == 8_030_261_248 * 2
    assert est.kv_per_sequence == 8192 * 131_072  # 1.07 GB per request
    # 0.9 x 80e9 - 16.06e9 = 55.94e9 free, 52 requests of 1.0737e9.
    assert est.fit == 52
    # Batch 1 reads 16.06e9 + 1.0737e9 bytes per token: 3.35e12 / 17.134e9 = 195.5 tokens/s.
    assert est.decode_batch_1 == pytest.approx(3.35e12 / (16_060_522_496 + 1_073_741_824))
    assert est.decode_total == pytest.approx(32 * est.decode_per_request)


def test_a_dense_model_reads_all_its_weights_a_moe_only_what_it_routes_to() -> None:
    assert hardware.weight_bytes_read(7e9, 7e9, 1, 1, 64, 2.0) == 14e9
    # Mixtral-like: 47e9 total, 13e9 active, 8 experts, 2 per token: one expert is
    # (47 - 13) / 6 = 5.667e9, the shared part 47 - 8 x 5.667 = 1.667e9.
    one = hardware.weight_bytes_read(47e9, 13e9, 8, 2, 1, 1.0)
    assert one == pytest.approx(13e9)
    assert hardware.weight_bytes_read(47e9, 13e9, 8, 2, 10_000, 1.0) == pytest.approx(47e9)


def test_serving_measurements_are_the_printed_figures() -> None:
    """The printed values, checked against the stored sources.

    - XiongjieDai/GPU-Benchmarks-on-LLM-Inference README, "LLaMA 3" NVIDIA table:
      ``| 4090 24GB | ... | 8B F16 | 54.84 | 54.34 | 52.63 | 50.88 |`` under
      ``tg 512 | tg 1024 | tg 4096 | tg 8192``: 54.34 tokens/s for tg 1024.
    - NVIDIA NIM LLMs Benchmarking 1.0.0, Performance, Llama-3.3-70b-instruct, Version 1.8.0,
      "2 x H100 80G", "fp8 TP2", "5000 Input Tokens / 500 Output Tokens":
      ``| 1 | 406.77 | 18.58 | 51.67 |`` (concurrency, TTFT ms, ITL ms, throughput).
    - NVIDIA/TensorRT-LLM docs/source/performance.md (commit 138f96d), "H100 GPUs (FP8)",
      "Throughput (out tok/s/GPU)": ``LLaMA 7B | 48 | 1 | 2048 | 2048 | 2,740``,
      ``LLaMA 7B | 112 | 1 | 128 | 2048 | 6,818``, ``LLaMA 70B | 64 | 2 | 2048 | 2048 | 547``,
      ``LLaMA 70B | 480 | 4 | 128 | 2048 | 1,486``.
    """
    printed = [
        (m.printed, m.metric, m.tp, m.batch, m.input_tokens, m.output_tokens)
        for m in hardware.SERVING_MEASUREMENTS
    ]
    assert printed == [
        (54.34, "tokens/s", 1, 1, 0, 1024),
        (18.58, "ITL ms", 2, 1, 5000, 500),
        (2740.0, "tokens/s/GPU", 1, 48, 2048, 2048),
        (6818.0, "tokens/s/GPU", 1, 112, 128, 2048),
        (547.0, "tokens/s/GPU", 2, 64, 2048, 2048),
        (1486.0, "tokens/s/GPU", 4, 480, 128, 2048),
    ]
    for m in hardware.SERVING_MEASUREMENTS:
        assert m.model in hardware.MODELS
        assert m.gpu in hardware.GPUS


def test_measured_speed_converts_each_metric() -> None:
    rows = hardware.SERVING_MEASUREMENTS
    assert hardware.measured_tokens_per_second(rows[0]) == pytest.approx(54.34)
    # One request at 18.58 ms between tokens: 1000 / 18.58 tokens/s.
    assert hardware.measured_tokens_per_second(rows[1]) == pytest.approx(1000 / 18.58)
    # 547 tokens/s on each of two GPUs.
    assert hardware.measured_tokens_per_second(rows[4]) == pytest.approx(1094.0)


def test_predicted_speed_at_batch_1_on_a_4090_by_hand() -> None:
    # Every bf16 weight (2 x 8,030,261,248 bytes) and the fp16 cache of the mean context of
    # 512 tokens (2 x 32 layers x 8 heads x 128 x 2 bytes a token) read once per token at
    # 1,008 GB/s; the compute bound (2N FLOPs at 165.2 TFLOP/s, 0.1 ms) does not bind.
    by_hand = 1008e9 / (2 * 8_030_261_248 + 2 * 32 * 8 * 128 * 2 * 512)
    assert by_hand == pytest.approx(62.5, abs=0.05)
    predicted = hardware.predicted_tokens_per_second(hardware.SERVING_MEASUREMENTS[0])
    assert predicted == pytest.approx(by_hand)


def test_predicted_speed_at_batch_48_on_an_h100_by_hand() -> None:
    # fp8 weights with bf16 embeddings: 6,738,415,616 + 2 x 32,000 x 4,096 bytes; 48 fp8
    # caches of 2,048 + 1,024 tokens, 2 x 32 x 32 x 128 bytes a token; 3,350 GB/s.
    weights = 6_738_415_616 + 2 * 32_000 * 4096
    caches = 48 * (2048 + 1024) * 2 * 32 * 32 * 128
    by_hand = 48 * 3350e9 / (weights + caches)
    assert 3500 < by_hand < 3550
    predicted = hardware.predicted_tokens_per_second(hardware.SERVING_MEASUREMENTS[2])
    assert predicted == pytest.approx(by_hand)


def test_predictions_bound_the_measurements_from_above() -> None:
    for m in hardware.SERVING_MEASUREMENTS:
        assert hardware.predicted_tokens_per_second(m) > hardware.measured_tokens_per_second(m)


def test_each_measured_batch_fits_at_its_full_length() -> None:
    # The runs happened, so the calculator must not claim their batch is out of memory.
    for m in hardware.SERVING_MEASUREMENTS:
        estimate = hardware.serve_preset(
            m.model, m.gpu, m.fmt, kv_format=m.kv_format, tp=m.tp,
            context=m.input_tokens + m.output_tokens, batch=m.batch,
        )  # fmt: skip
        assert estimate.fit >= m.batch, m.setup

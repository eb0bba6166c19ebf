"""Tests for genai_notes.calculators: the Python twins of the in-browser calculators and the
generated constants file they share with the JavaScript."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from genai_notes import calculators
from genai_notes.science import memory, scaling

ROOT = Path(__file__).resolve().parents[2]


def test_committed_constants_file_is_what_gen_constants_writes() -> None:
    committed = (ROOT / calculators.CONSTANTS_JS).read_text(encoding="utf-8")
    assert committed == calculators.constants_js(), (
        "docs/javascripts/genai-constants.js is out of date: run scripts/gen-constants"
    )


def test_constants_js_is_a_script_setting_plain_json() -> None:
    text = calculators.constants_js()
    match = re.search(r"window\.genaiNotesConstants = (\{.*\});\n\Z", text, re.DOTALL)
    assert match is not None
    data = json.loads(match.group(1))
    assert data["dtypes"] == dict(memory.DTYPES)
    assert data["fits"]["epoch2024"]["beta"] == scaling.FITS["epoch2024"].beta
    assert [m["name"] for m in data["knownModels"]] == [m.name for m in scaling.KNOWN_MODELS]


def test_model_shapes_give_their_published_counts_within_one_percent() -> None:
    for name, shape in calculators.MODEL_SHAPES.items():
        count = memory.transformer_params(
            shape["n_layers"],
            shape["d_model"],
            shape["vocab"],
            n_heads=shape["n_heads"],
            n_kv_heads=shape["n_kv_heads"],
            head_dim=shape["head_dim"],
            d_ff=shape["d_ff"],
            gated_mlp=shape["gated_mlp"],
            tied_embeddings=shape["tied_embeddings"],
        )
        assert abs(count - shape["n_params"]) / shape["n_params"] < 0.01, name


def test_flops_from_gpu_hours_multiplies_out() -> None:
    # 1,024 A100s for 30 days at 40% of 312 TFLOPS.
    flops = calculators.flops_from_gpu_hours(1024, 720, 312, 0.4)
    assert flops == pytest.approx(1024 * 720 * 3600 * 312e12 * 0.4, rel=1e-15)


@pytest.mark.parametrize("utilization", [0, 1.01, -0.5])
def test_flops_from_gpu_hours_refuses_utilization_outside_0_to_1(utilization: float) -> None:
    with pytest.raises(ValueError, match="utilization"):
        calculators.flops_from_gpu_hours(8, 1, 312, utilization)


LLAMA_7B = {
    "n_params": 6.738e9,
    "n_layers": 32,
    "d_model": 4096,
    "n_heads": 32,
    "n_kv_heads": 32,
    "head_dim": 128,
    "seq_len": 4096,
}


def test_inference_is_weights_plus_a_16_bit_kv_cache() -> None:
    result = calculators.vram_breakdown("inference", "int4", **LLAMA_7B)
    assert result.labels == ("weights (int4)", "KV cache (fp16)")
    assert result.get("weights (int4)") == 0.5 * 6.738e9
    assert result.get("KV cache (fp16)") == 2 * 32 * 32 * 128 * 4096 * 2


def test_full_fine_tuning_is_zero_model_states_plus_activations() -> None:
    # Worked by hand: ZeRO-3 on 8 GPUs keeps 2 + 2 + 12 bytes per parameter, each / 8
    # (Rajbhandari et al. 2019, section 5); Korthikanti et al.'s activations for 32 layers,
    # s = h = 4096, a = 32: 32 x 4096 x 4096 x (34 + 5 x 32 x 4096 / 4096) = 32 x 4096^2 x 194.
    result = calculators.vram_breakdown("full", "bf16", stage=3, n_gpus=8, **LLAMA_7B)
    assert result.labels == (
        "parameters (bf16)",
        "gradients (bf16)",
        "optimizer states",
        "activations (16-bit)",
    )
    n = 6.738e9
    assert result.get("parameters (bf16)") == pytest.approx(2 * n / 8)
    assert result.get("gradients (bf16)") == pytest.approx(2 * n / 8)
    assert result.get("optimizer states") == pytest.approx(12 * n / 8)
    assert result.get("activations (16-bit)") == 32 * 4096**2 * 194
    assert result.total == pytest.approx(16 * n / 8 + 32 * 4096**2 * 194)


def test_qlora_is_nf4_weights_and_constants_lora_adapters_and_activations() -> None:
    # Worked by hand: rank-16 LoRA on q and v of 32 layers of width 4096 trains
    # 32 x 2 x 16 x (4096 + 4096) = 8,388,608 parameters; NF4 with double quantization
    # stores 4 bits per weight and 8/64 + 32/(64 x 256) bits of constants (QLoRA, section 3).
    result = calculators.vram_breakdown("qlora", "int4", lora_rank=16, **LLAMA_7B)
    n, p = 6.738e9, 8_388_608
    assert result.items[:-1] == (
        ("frozen weights (NF4, 4-bit)", pytest.approx(0.5 * n)),
        ("quantization constants", pytest.approx((8 / 64 + 32 / (64 * 256)) * n / 8)),
        ("adapter weights (16-bit)", 2 * p),
        ("adapter gradients (16-bit)", 2 * p),
        ("adapter optimizer states (3 x fp32)", 12 * p),
    )


@pytest.mark.parametrize(
    ("mode", "dtype"), [("full", "int8"), ("full", "fp32"), ("lora", "int4"), ("qlora", "bf16")]
)
def test_a_format_the_mode_cannot_train_in_is_refused(mode: str, dtype: str) -> None:
    with pytest.raises(ValueError, match="dtype for"):
        calculators.vram_breakdown(mode, dtype, **LLAMA_7B)


def test_zero_settings_outside_full_fine_tuning_are_refused() -> None:
    with pytest.raises(ValueError, match="full fine-tuning only"):
        calculators.vram_breakdown("lora", "bf16", stage=2, **LLAMA_7B)


# --- the JavaScript twins in V8, without a browser ---------------------------------------


def test_javascript_twins_match_python_in_v8_on_random_inputs() -> None:
    from tests import js_twins

    all_cases = js_twins.cases()
    counts = js_twins.check(all_cases, js_twins.run_in_v8(all_cases))
    # At least 500 computed (not refused) values per function.
    assert all(compared >= 500 for compared in counts.values()), counts


@pytest.mark.parametrize("family", ["memory", "scaling", "sampling"])
def test_the_older_javascript_twins_match_python_in_v8(family: str) -> None:
    # The same cases and checks as the browser tier's, run in V8 instead of Chromium.
    from tests import js_twins
    from tests.browser import test_calculators as browser

    cases = getattr(browser, f"{family}_twin_cases")()
    runner = getattr(browser, f"{family.upper()}_JS")
    getattr(browser, f"check_{family}")(cases, js_twins.run_in_v8(cases, runner))


def test_javascript_top_p_stops_where_the_rounded_sum_reaches_p() -> None:
    # Issue 14, correction 25, in the JavaScript mirror: 0.5 + 0.3 from logits reaches 0.8
    # (two tokens kept), and ten equal tokens at top-p 0.8 keep eight, not nine.
    import math

    from tests import js_twins

    cases = [
        {"logits": [math.log(p) for p in (0.3, 0.1, 0.1, 0.5)], "p": 0.8},
        {"logits": [0.0] * 10, "p": 0.8},
        {"logits": [math.log(p) for p in (0.3, 0.1, 0.1, 0.5)], "p": 0.8 + 1e-9},
    ]
    runner = """(cases) => cases.map((c) => window.genaiNotes
      .nextTokenProbs(c.logits, {topP: c.p}).filter((p) => p > 0).length)"""
    assert js_twins.run_in_v8(cases, runner) == [2, 8, 3]  # type: ignore[arg-type]

"""Tests for genai_notes.science.peft.

Sources: Hu et al. 2021, "LoRA: Low-Rank Adaptation of Large Language Models", arXiv
2106.09685 (section 4.2, Table 4, Table 5 and appendix D.4); Dettmers et al. 2023, "QLoRA:
Efficient Finetuning of Quantized LLMs", arXiv 2305.14314 (sections 1 and 3).
"""

from __future__ import annotations

import math
import re

import pytest

from genai_notes.science import memory, peft, units

# GPT-3 175B (Brown et al. 2020, Table 2.1; the shape the LoRA paper adapts).
GPT3_D_MODEL = 12288
GPT3_LAYERS = 96


# --- LoRA parameter counts --------------------------------------------------------------------


def test_lora_params_are_rank_times_input_plus_output_width() -> None:
    """B is d_out x r and A is r x d_in: r d_out + r d_in parameters."""
    assert peft.lora_params(4096, 4096, 8) == 8 * 4096 + 8 * 4096
    assert peft.lora_params(d_in=1024, d_out=4096, rank=2) == 2 * 4096 + 2 * 1024
    assert peft.lora_params(5, 3, 3) == 24


def test_lora_paper_table_4_gpt3_budget_of_4_7m_is_rank_1_on_q_and_v() -> None:
    """Table 4 "GPT-3 (LoRA) 4.7M"; appendix D.4: r_q = r_v = 1 (or r_v = 2 alone)."""
    count = peft.lora_model_params(GPT3_D_MODEL, GPT3_LAYERS, 1, ("q", "v"))
    assert count == 4_718_592
    assert round(count / 1e6, 1) == 4.7
    assert peft.lora_model_params(GPT3_D_MODEL, GPT3_LAYERS, 2, ("v",)) == count


def test_lora_paper_table_4_gpt3_budget_of_37_7m_is_rank_8_on_q_and_v() -> None:
    """Table 4 "GPT-3 (LoRA) 37.7M"; appendix D.4: r_q = r_v = 8."""
    count = peft.lora_model_params(GPT3_D_MODEL, GPT3_LAYERS, 8)
    assert count == 37_748_736
    assert round(count / 1e6, 1) == 37.7


@pytest.mark.parametrize(
    ("targets", "rank"),
    [
        (("q",), 8),
        (("k",), 8),
        (("v",), 8),
        (("o",), 8),
        (("q", "k"), 4),
        (("q", "v"), 4),
        (("q", "k", "v", "o"), 2),
    ],
)
def test_lora_paper_table_5_configurations_share_one_18m_budget(
    targets: tuple[str, ...], rank: int
) -> None:
    """Table 5: "# of Trainable Parameters = 18M", r = 8, 4 or 2 for one, two or four types."""
    count = peft.lora_model_params(GPT3_D_MODEL, GPT3_LAYERS, rank, targets)
    assert count == 18_874_368
    # section 7.1: "roughly 35MB if stored in FP16" (36.0 MiB; 37.7 MB in units of 10^6)
    assert count * 2 / 2**20 == pytest.approx(35, rel=0.05)


def test_lora_paper_section_4_2_r4_on_q_v_cuts_the_checkpoint_about_10000x() -> None:
    """Section 4.2: "With r = 4 and only the query and value projection matrices being
    adapted, the checkpoint size is reduced by roughly 10,000x (from 350GB to 35MB)"."""
    adapter_bytes = peft.lora_model_params(GPT3_D_MODEL, GPT3_LAYERS, 4, ("q", "v")) * 2.0
    full_bytes = memory.weights_bytes(175e9, "fp16")
    assert units.to_gb(full_bytes) == 350.0
    assert adapter_bytes / 2**20 == pytest.approx(35, rel=0.05)
    assert round(math.log10(full_bytes / adapter_bytes)) == 4  # about 9,300x


def test_lora_model_params_adds_the_feed_forward_matrices_with_their_own_width() -> None:
    d_model, d_ff, layers, rank = 512, 2048, 6, 4
    count = peft.lora_model_params(
        d_model, layers, rank, ("q", "k", "v", "o", "ff_in", "ff_out"), d_ff
    )
    assert count == layers * (4 * rank * 2 * d_model + 2 * rank * (d_model + d_ff))


def test_lora_model_params_accepts_targets_in_any_order() -> None:
    assert peft.lora_model_params(64, 2, 4, ["v", "q"]) == peft.lora_model_params(64, 2, 4)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: peft.lora_params(0, 8, 1), "d_in must be an integer >= 1, got 0"),
        (lambda: peft.lora_params(8, 8, 0), "rank must be an integer >= 1, got 0"),
        (
            lambda: peft.lora_params(8, 4, 5),
            "rank must be an integer from 1 to min(d_in, d_out) = 4, got 5",
        ),
        (
            lambda: peft.lora_model_params(64, 2, 4, ("q", "x")),
            "targets must be one of 'q', 'k', 'v', 'o', 'ff_in', 'ff_out', got 'x'",
        ),
        (
            lambda: peft.lora_model_params(64, 2, 4, ("q", "q")),
            "targets must be non-empty with no repeats, got ['q', 'q']",
        ),
        (lambda: peft.lora_model_params(64, 2, 4, ()), "targets must be non-empty"),
        (lambda: peft.lora_model_params(64, 2, 4, "qv"), "targets must be a list such as"),
        (
            lambda: peft.lora_model_params(64, 2, 4, ("ff_in",)),
            "d_ff is required when targets include 'ff_in' or 'ff_out', got None",
        ),
        (lambda: peft.lora_model_params(64, 0, 4), "n_layers must be an integer >= 1, got 0"),
    ],
)
def test_lora_checks_name_the_parameter_and_range(call: object, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        call()  # type: ignore[operator]


# --- QLoRA storage ----------------------------------------------------------------------------


def test_qlora_nf4_with_blocksize_64_fp32_constants_is_4_5_bits() -> None:
    """Section 3: 32-bit constants at blocksize 64 cost 32/64 = 0.5 bits per parameter."""
    assert peft.QLORA_BITS_PER_PARAM["nf4"] == 4.5


def test_qlora_double_quantization_costs_0_127_bits_and_saves_0_373() -> None:
    """Section 3: "from 32/64 = 0.5 bits, to 8/64 + 32/(64 * 256) = 0.127 bits, a reduction
    of 0.373 bits per parameter"."""
    dq = peft.QLORA_BITS_PER_PARAM["nf4+dq"]
    assert dq == 4 + 8 / 64 + 32 / (64 * 256)
    assert round(dq - 4, 3) == 0.127
    assert round(peft.QLORA_BITS_PER_PARAM["nf4"] - dq, 3) == 0.373


def test_qlora_double_quantization_saves_about_3_gb_on_a_65b_model() -> None:
    """Section 1: "approximately 3 GB for a 65B model"."""
    without = peft.finetune_memory(65e9, "qlora", double_quant=False)
    with_dq = peft.finetune_memory(65e9, "qlora")
    assert round(units.to_gb(without.total - with_dq.total)) == 3


def test_qlora_bits_cannot_be_modified() -> None:
    with pytest.raises(TypeError):
        peft.QLORA_BITS_PER_PARAM["nf3"] = 3.0  # type: ignore[index]


# --- Fine-tuning memory -----------------------------------------------------------------------


def test_full_finetuning_is_mixed_precision_adam_16_bytes_per_parameter() -> None:
    breakdown = peft.finetune_memory(7e9, "full")
    assert breakdown == memory.mixed_precision_adam_bytes(7e9)
    assert breakdown.bytes_per_param == 16.0


def test_lora_keeps_16_bit_frozen_weights_and_trains_adapters_at_16_bytes_each() -> None:
    adapters = 4_194_304  # r = 8 on q and v of a 32-layer, 4096-wide model
    breakdown = peft.finetune_memory(7e9, "lora", trainable_params=adapters)
    assert breakdown.items == (
        ("frozen weights (16-bit)", 2 * 7e9),
        ("adapter weights (16-bit)", 2.0 * adapters),
        ("adapter gradients (16-bit)", 2.0 * adapters),
        ("adapter optimizer states (3 x fp32)", 12.0 * adapters),
    )
    assert breakdown.total == 2 * 7e9 + 16 * adapters


def test_lora_on_gpt3_needs_about_the_350gb_of_its_frozen_weights() -> None:
    """LoRA section 4.2: training VRAM on GPT-3 175B goes down "to 350GB" (model states here:
    the 16-bit weights plus 18.9M adapter parameters at 16 bytes)."""
    adapters = peft.lora_model_params(GPT3_D_MODEL, GPT3_LAYERS, 4)
    breakdown = peft.finetune_memory(175e9, "lora", trainable_params=adapters)
    assert round(units.to_gb(breakdown.total)) == 350


def test_qlora_stores_4_bit_weights_and_their_constants_then_the_adapters() -> None:
    breakdown = peft.finetune_memory(1e9, "qlora", trainable_params=1e6, double_quant=False)
    assert breakdown.per_param()[:2] == (
        ("frozen weights (NF4, 4-bit)", 0.5),
        ("quantization constants", 0.5 / 8),
    )
    assert breakdown.total == 1e9 * 4.5 / 8 + 16 * 1e6


def test_qlora_65b_model_states_fit_in_the_papers_48gb_gpu() -> None:
    """Section 1: a 65B model fine-tunes on a single 48GB GPU. With r = 64 adapters on every
    attention and feed-forward matrix of a LLaMA-65B shape (8192 wide, 80 layers, d_ff 22016),
    the model states take about 44 GB, below 48 GB (activations come on top)."""
    adapters = peft.lora_model_params(8192, 80, 64, peft.LORA_TARGETS, d_ff=22016)
    breakdown = peft.finetune_memory(65e9, "qlora", trainable_params=adapters)
    assert 40e9 < breakdown.total < 48e9


def test_method_memory_is_ordered_full_then_lora_then_qlora() -> None:
    totals = [
        peft.finetune_memory(7e9, method, trainable_params=0 if method == "full" else 4e6).total
        for method in peft.FINETUNE_METHODS
    ]
    assert totals == sorted(totals, reverse=True)


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((0, "lora"), {}, "n_params must be a finite number > 0, got 0"),
        ((7e9, "prefix"), {}, "method must be one of 'full', 'lora', 'qlora', got 'prefix'"),
        ((7e9, "lora"), {"trainable_params": -1}, "trainable_params must be a finite number >= 0"),
        ((7e9, "full"), {"trainable_params": 5}, "trainable_params must be 0 for method 'full'"),
    ],
)
def test_finetune_memory_checks_name_the_parameter_and_range(
    args: tuple[object, ...], kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        peft.finetune_memory(*args, **kwargs)  # type: ignore[arg-type]

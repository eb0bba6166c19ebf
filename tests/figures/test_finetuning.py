"""Fine-tuning figures: their tables match the science and the papers, checks, stable SVG."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import pytest

from genai_notes.figures import registry
from genai_notes.figures.registry import FigureDef, ParameterError
from genai_notes.figures.style import Theme
from genai_notes.science import memory, metrics, peft, scaling
from tests.figures.helpers import (
    assert_same_svg_with_text_twice,
    column,
    drawn_with_renderer,
    each_theme,
)

FIGURES = registry.collect(["genai_notes.figures.finetuning"])
NAMES = [
    "finetuning.lora_rank",
    "finetuning.rouge_example",
    "finetuning.memory_by_method",
    "finetuning.lora_diagram",
    "finetuning.bleu_precisions",
    "finetuning.compute_comparison",
]


def fig(name: str) -> FigureDef:
    return FIGURES[name]


def test_the_family_registers_exactly_its_six_figures() -> None:
    assert set(FIGURES) == set(NAMES)


# --- LoRA rank ---


def test_lora_rank_default_is_gpt3_and_gives_the_lora_papers_table_4_budgets() -> None:
    result = fig("finetuning.lora_rank").call({})
    by_rank = dict(
        zip(column(result, "rank"), column(result, "trainable parameters (q, v)"), strict=True)
    )
    # LoRA paper Table 4 and appendix D.4: r_q = r_v = 1 -> 4.7M, r_q = r_v = 8 -> 37.7M.
    assert round(by_rank[1] / 1e6, 1) == 4.7
    assert round(by_rank[8] / 1e6, 1) == 37.7


@pytest.mark.parametrize(
    "params", [{}, {"d_model": 4096, "n_layers": 32, "n_params": 7e9, "ranks": [4, 16, 64]}]
)
def test_lora_rank_table_is_lora_model_params_and_its_share_of_the_model(
    params: dict[str, Any],
) -> None:
    result = fig("finetuning.lora_rank").call(params)
    checked = fig("finetuning.lora_rank").check(params)
    d, layers, n = checked["d_model"], checked["n_layers"], checked["n_params"]
    ranks = column(result, "rank")
    assert ranks == sorted(checked["ranks"])
    for label, targets in (("q, v", ["q", "v"]), ("q, k, v, o", ["q", "k", "v", "o"])):
        # B is d x r and A is r x d for each adapted d x d matrix, in every layer.
        expected = [layers * len(targets) * 2 * d * r for r in ranks]
        assert column(result, f"trainable parameters ({label})") == expected
        assert column(result, f"% of model ({label})") == pytest.approx(
            [100 * e / n for e in expected]
        )
        assert expected == [peft.lora_model_params(d, layers, r, targets) for r in ranks]


@pytest.mark.parametrize(
    "params",
    [
        {"ranks": [1]},
        {"ranks": [0, 8]},
        {"d_model": 64, "ranks": [8, 128]},
        {"n_layers": 0},
        {"n_params": 10.0},
    ],
)
def test_lora_rank_refuses_bad_parameters(params: dict[str, Any]) -> None:
    with pytest.raises(ParameterError):
        fig("finetuning.lora_rank").call(params)


# --- ROUGE example ---


def test_rouge_example_default_is_the_courses_example() -> None:
    result = fig("finetuning.rouge_example").call({})
    assert column(result, "metric") == ["ROUGE-1", "ROUGE-2", "ROUGE-L"]
    # Course: ROUGE-1 recall 4/4, precision 4/5; ROUGE-2 recall 2/3, precision 2/4.
    assert column(result, "matched") == [4, 2, 4]
    assert column(result, "reference units") == [4, 3, 4]
    assert column(result, "candidate units") == [5, 4, 5]
    assert column(result, "recall") == pytest.approx([1.0, 2 / 3, 1.0])
    assert column(result, "precision") == pytest.approx([0.8, 0.5, 0.8])
    assert [round(f, 2) for f in column(result, "F1")] == [0.89, 0.57, 0.89]


@pytest.mark.parametrize(
    ("candidate", "reference", "n"),
    [
        ("the cat the cat sat on the mat", "the cat sat on the mat and the cat slept", 2),
        ("a b c d", "d c b a", 1),
        ("police kill the gunman", "the gunman kill police", 3),
    ],
)
def test_rouge_example_scores_are_the_science_scores(
    candidate: str, reference: str, n: int
) -> None:
    result = fig("finetuning.rouge_example").call(
        {"candidate": candidate, "reference": reference, "n": n}
    )
    orders = sorted({1, n})
    assert column(result, "metric") == [*(f"ROUGE-{k}" for k in orders), "ROUGE-L"]
    expected = [metrics.rouge_n(candidate, reference, k) for k in orders]
    expected.append(metrics.rouge_l(candidate, reference))
    assert column(result, "precision") == [s.precision for s in expected]
    assert column(result, "recall") == [s.recall for s in expected]
    assert column(result, "F1") == [s.f1 for s in expected]
    ref_tokens, cand_tokens = metrics.tokenize(reference), metrics.tokenize(candidate)
    assert column(result, "matched")[-1] == len(metrics.lcs(cand_tokens, ref_tokens))


@pytest.mark.parametrize(
    "params",
    [
        {"candidate": "!!!"},
        {"reference": ""},
        {"reference": " ".join(["word"] * 13)},
        {"candidate": "a" * 60},
        {"n": 0},
        {"n": 5},
    ],
)
def test_rouge_example_refuses_empty_or_overlong_texts_and_bad_n(params: dict[str, Any]) -> None:
    with pytest.raises(ParameterError):
        fig("finetuning.rouge_example").call(params)


# --- memory by method ---


def test_memory_by_method_totals_follow_the_model_state_accounting() -> None:
    result = fig("finetuning.memory_by_method").call({})
    rows = {
        (m, method): total
        for m, method, total in zip(
            column(result, "model"),
            column(result, "method"),
            column(result, "total (GB)"),
            strict=True,
        )
    }
    # full: 16 bytes per parameter (ZeRO section 3.1).
    assert rows[("7B", "full")] == pytest.approx(112.0)
    assert rows[("65B", "full")] == pytest.approx(
        memory.mixed_precision_adam_bytes(65e9).total / 1e9
    )
    # LoRA: 2 bytes per frozen parameter + 16 per adapter parameter (1% of the model).
    assert rows[("7B", "LoRA")] == pytest.approx((2 * 7e9 + 16 * 7e7) / 1e9)
    # QLoRA with double quantization: 4 + 8/64 + 32/(64*256) bits per frozen parameter.
    bits = 4 + 8 / 64 + 32 / (64 * 256)
    assert rows[("65B", "QLoRA")] == pytest.approx((65e9 * bits / 8 + 16 * 6.5e8) / 1e9)
    assert column(result, "fits in 80 GB") == ["no", "yes", "yes", "no", "no", "yes"]
    assert column(result, "fits in 24 GB") == ["no", "yes", "yes", "no", "no", "no"]


def test_memory_by_method_components_add_up_to_peft_finetune_memory() -> None:
    params = {"n_params": [13e9], "adapter_percent": 0.5, "double_quant": False}
    result = fig("finetuning.memory_by_method").call(params)
    categories = ["weights", "quantization constants", "gradients", "optimizer states"]
    for row, method in zip(result.table.rows, peft.FINETUNE_METHODS, strict=True):
        cells = dict(zip(result.table.columns, row, strict=True))
        trainable = 0 if method == "full" else 13e9 * 0.005
        breakdown = peft.finetune_memory(
            13e9, method, trainable_params=trainable, double_quant=False
        )
        assert sum(cells[f"{c} (GB)"] for c in categories) == pytest.approx(breakdown.total / 1e9)
        assert cells["total (GB)"] == pytest.approx(breakdown.total / 1e9)
    qlora = dict(zip(result.table.columns, result.table.rows[2], strict=True))
    assert qlora["quantization constants (GB)"] == pytest.approx(13e9 * 0.5 / 8 / 1e9)


def test_memory_by_method_gradients_and_optimizer_of_full_are_2_and_12_bytes() -> None:
    result = fig("finetuning.memory_by_method").call({"n_params": [1e9], "gpu_memory_gb": []})
    assert column(result, "gradients (GB)")[0] == pytest.approx(2.0)
    assert column(result, "optimizer states (GB)")[0] == pytest.approx(12.0)
    assert not any(heading.startswith("fits in") for heading in result.table.columns)


@pytest.mark.parametrize(
    "params",
    [
        {"n_params": []},
        {"n_params": [1e9, 7e9, 13e9, 70e9]},
        {"n_params": [10.0]},
        {"adapter_percent": -1.0},
        {"adapter_percent": 50.0},
        {"gpu_memory_gb": [0.0]},
        {"double_quant": "yes"},
    ],
)
def test_memory_by_method_refuses_bad_parameters(params: dict[str, Any]) -> None:
    with pytest.raises(ParameterError):
        fig("finetuning.memory_by_method").check(params)


# --- LoRA diagram ---


def test_lora_diagram_default_is_the_courses_512_by_64_example_at_rank_8() -> None:
    result = fig("finetuning.lora_diagram").call({})
    counts = dict(zip(column(result, "matrix"), column(result, "parameters"), strict=True))
    # The course: A 8 x 64 = 512, B 512 x 8 = 4,096, together 4,608 of 32,768 (about 86% fewer).
    assert counts["A"] == 512
    assert counts["B"] == 4096
    assert counts["A + B (LoRA adapter)"] == 4608
    assert counts["W0 (pre-trained)"] == 32768


@pytest.mark.parametrize("params", [{}, {"d": 4096, "k": 4096, "r": 16, "alpha": 32.0}])
def test_lora_diagram_table_is_lora_params_and_the_shapes(params: dict[str, Any]) -> None:
    checked = fig("finetuning.lora_diagram").check(params)
    d, k, r = checked["d"], checked["k"], checked["r"]
    result = fig("finetuning.lora_diagram").call(params)
    assert column(result, "shape") == [f"{d} x {k}", f"{r} x {k}", f"{d} x {r}", "", f"{d} x {k}"]
    assert column(result, "parameters") == [d * k, r * k, d * r, peft.lora_params(k, d, r), d * k]
    assert column(result, "% of W0")[3] == pytest.approx(100 * peft.lora_params(k, d, r) / (d * k))
    assert f"alpha/r = {checked['alpha']:g}/{r}" in column(result, "role")[3]


@pytest.mark.parametrize("params", [{"r": 0}, {"d": 0}, {"alpha": 0.0}, {"r": 1.5}])
def test_lora_diagram_refuses_bad_values(params: dict[str, Any]) -> None:
    with pytest.raises(ParameterError):
        fig("finetuning.lora_diagram").check(params)


def test_lora_diagram_refuses_a_rank_above_the_smaller_width() -> None:
    with pytest.raises(ParameterError, match="min"):
        fig("finetuning.lora_diagram").call({"d": 512, "k": 64, "r": 65})


# --- BLEU precisions ---

TEA_REFERENCE = "I am very happy to say that I am drinking a warm cup of tea."


def test_bleu_precisions_default_reproduces_the_courses_three_scores() -> None:
    result = fig("finetuning.bleu_precisions").call({})
    assert column(result, "r (tokens)") == [15, 15, 15, 15]
    # The course quotes 0.495, 0.730 and 0.798 for its candidates, and the reference scores 1.
    assert [round(v, 3) for v in column(result, "BLEU")] == [0.495, 0.730, 0.798, 1.0]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"reference": "the cat sat on the mat", "candidates": ["the cat sat", "a cat on the mat"]},
    ],
)
def test_bleu_precisions_table_is_what_metrics_bleu_gives(params: dict[str, Any]) -> None:
    checked = fig("finetuning.bleu_precisions").check(params)
    result = fig("finetuning.bleu_precisions").call(params)
    assert column(result, "candidate") == checked["candidates"]
    for index, text in enumerate(checked["candidates"]):
        score = metrics.bleu(text, [checked["reference"]])
        row = dict(zip(result.table.columns, result.table.rows[index], strict=True))
        assert [row[f"p{n}"] for n in range(1, 5)] == list(score.precisions)
        assert row["brevity penalty"] == score.brevity_penalty
        assert row["BLEU"] == score.bleu
        assert row["c (tokens)"] == score.candidate_length


@pytest.mark.parametrize(
    "params",
    [{"candidates": []}, {"candidates": ["a"] * 6}, {"reference": "!!!"}, {"candidates": ["..."]}],
)
def test_bleu_precisions_refuses_empty_or_too_many_texts(params: dict[str, Any]) -> None:
    with pytest.raises(ParameterError):
        fig("finetuning.bleu_precisions").call(params)


# --- training compute ---


def test_compute_comparison_rows_are_6nd_with_the_reported_values_and_sources() -> None:
    result = fig("finetuning.compute_comparison").call({})
    rows = {row[0]: dict(zip(result.table.columns, row, strict=True)) for row in result.table.rows}
    expected = {
        "Single-task fine-tune, 7B (1.5M tokens)": (7e9, 1.5e6),
        "Multi-task fine-tune, 7B (50M tokens)": (7e9, 50e6),
        "Flan-PaLM 540B instruction tuning": (540e9, 1.4e9),
        "LLaMA 7B pre-training": (7e9, 1e12),
        "PaLM 540B pre-training": (540e9, 780e9),
    }
    assert set(rows) == set(expected)
    for label, (n, d) in expected.items():
        assert rows[label]["6ND (FLOPs)"] == scaling.training_flops(n, d)
    assert rows["Flan-PaLM 540B instruction tuning"]["6ND (FLOPs)"] == pytest.approx(4.536e21)
    # Chung et al. 2022 (arXiv 2210.11416) Table 2: 5.6E+21 for Flan-PaLM 540B, 2.5E+24 for PaLM.
    assert rows["Flan-PaLM 540B instruction tuning"]["reported (FLOPs)"] == 5.6e21
    assert "2210.11416" in str(rows["Flan-PaLM 540B instruction tuning"]["source"])
    assert rows["PaLM 540B pre-training"]["reported (FLOPs)"] == 2.5e24
    assert rows["LLaMA 7B pre-training"]["reported (FLOPs)"] is None


def test_compute_comparison_follows_the_fine_tune_parameters() -> None:
    params = {"finetune_params": 13e9, "single_task_tokens": 2e6, "multi_task_tokens": 1e8}
    result = fig("finetuning.compute_comparison").call(params)
    flops = column(result, "6ND (FLOPs)")
    assert flops[:2] == [scaling.training_flops(13e9, 2e6), scaling.training_flops(13e9, 1e8)]


@pytest.mark.parametrize(
    "params", [{"finetune_params": 0.0}, {"single_task_tokens": -1.0}, {"multi_task_tokens": 1e13}]
)
def test_compute_comparison_refuses_out_of_range_counts(params: dict[str, Any]) -> None:
    with pytest.raises(ParameterError):
        fig("finetuning.compute_comparison").check(params)


# --- rendering ---


@pytest.mark.parametrize("name", NAMES)
@each_theme
def test_each_figure_renders_the_same_svg_with_text_twice(name: str, theme: Theme) -> None:
    assert_same_svg_with_text_twice(fig(name), theme)


@each_theme
def test_compute_comparison_on_a_phone_keeps_words_whole_and_labels_apart(theme: Theme) -> None:
    # seen at 390 px: "fine-" / "tune", tick labels 10^18 ... 10^26 touching, and the legend's
    # second column running to the drawing's edge
    result = fig("finetuning.compute_comparison").call({})
    drawing, renderer = drawn_with_renderer(result, theme, result.phone_size)
    ax = drawing.axes[0]
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert names and not any(line.endswith("-") for n in names for line in n.split("\n"))
    left, right = ax.get_xlim()
    ticks = [
        t.get_window_extent(renderer)
        for t, x in zip(ax.get_xticklabels(), ax.get_xticks(), strict=True)
        if left <= x <= right and t.get_text()
    ]
    assert len(ticks) >= 3
    gap = 4.0 * drawing.dpi / 72  # points between two tick labels
    assert all(b.x0 - a.x1 >= gap for a, b in pairwise(ticks))
    legend = drawing.legends[0].get_window_extent(renderer)
    assert legend.x0 >= 0 and legend.x1 <= drawing.bbox.width - 2
    # the value labels end inside the drawing, with room ("2.5 x 10^24" reached its edge)
    assert all(t.get_window_extent(renderer).x1 <= drawing.bbox.width - gap for t in ax.texts)


@pytest.mark.parametrize("phone", [False, True], ids=["wide", "phone"])
def test_rouge_example_text_never_leans_on_runs_of_spaces(phone: bool) -> None:
    # A browser collapses runs of spaces in SVG text: the wide score lines read
    # "matched 4 recall 4/4 = 1.00 precision ..." and the two notes ran into one sentence.
    from genai_notes.figures.style import LIGHT

    result = fig("finetuning.rouge_example").call({})
    drawing, _ = drawn_with_renderer(
        result, LIGHT, result.phone_size if phone else (result.width, result.height)
    )
    texts = [t.get_text() for ax in drawing.axes for t in ax.texts]
    assert any("F1 = 0.89" in t for t in texts)
    assert not [t for t in texts if "  " in t]
    if not phone:
        assert any(
            "matched 4, recall 4/4 = 1.00, precision 4/5 = 0.80, F1 = 0.89" in t for t in texts
        )

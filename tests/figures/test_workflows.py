"""Tests for the process diagrams: lifecycle, RLHF loop, RAG pipeline.

References: the lifecycle page (docs/week1/lifecycle.md) for stages, steps and loops; the RLHF
and RAG references are given above their sections.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pytest

from genai_notes.figures import registry
from genai_notes.figures.registry import FigureDef, ParameterError
from genai_notes.figures.render import render_svg
from genai_notes.figures.style import DARK, LIGHT, Theme
from tests.figures.helpers import (
    assert_same_svg_with_text_twice,
    column,
    drawn_with_renderer,
    each_theme,
    text_crowding_its_box,
)

ROOT = Path(__file__).resolve().parents[2]
FIGURES = registry.collect(["genai_notes.figures.workflows"])


def fig(name: str) -> FigureDef:
    return FIGURES[name]


def test_workflows_keep_the_diagram_names_the_pages_use() -> None:
    assert sorted(FIGURES) == ["diagrams.lifecycle", "diagrams.rag_pipeline", "diagrams.rlhf_loop"]
    assert set(FIGURES) <= set(registry.collect(registry.BUILTIN_MODULES))


# --- lifecycle ---


def test_lifecycle_lists_the_four_stages_in_order_with_their_page_sections() -> None:
    result = fig("diagrams.lifecycle").call({})
    stages = list(dict.fromkeys(s for s in column(result, "stage") if s != "loop back"))
    assert stages == ["Scope", "Select", "Adapt and align", "Application integration"]
    page = (ROOT / "docs/week1/lifecycle.md").read_text(encoding="utf-8")
    headings = set(re.findall(r"^## (.+)$", page, flags=re.MULTILINE))
    assert set(column(result, "page section")) <= headings


def test_lifecycle_adapt_and_align_has_the_four_activities_of_the_page() -> None:
    result = fig("diagrams.lifecycle").call({})
    steps = [
        step
        for stage, step in zip(column(result, "stage"), column(result, "step"), strict=True)
        if stage == "Adapt and align"
    ]
    assert steps == ["Prompt engineering", "Fine-tuning", "Align with human feedback", "Evaluate"]


def test_lifecycle_draws_every_loop_back_the_page_describes() -> None:
    result = fig("diagrams.lifecycle").call({})
    loops = [
        step
        for stage, step in zip(column(result, "stage"), column(result, "step"), strict=True)
        if stage == "loop back"
    ]
    for source, target in [
        ("Evaluate", "Prompt engineering"),
        ("Adapt and align", "Select"),
        ("Adapt and align", "Scope"),
        ("Application integration", "Adapt and align"),
    ]:
        assert any(loop.startswith(f"{source} → {target}") for loop in loops), (source, target)


def test_lifecycle_refuses_an_unknown_stage_to_highlight() -> None:
    with pytest.raises(ParameterError, match="highlight"):
        fig("diagrams.lifecycle").check({"highlight": "deploy"})


def test_lifecycle_highlight_colours_the_chosen_stage() -> None:
    plain = render_svg(fig("diagrams.lifecycle").call({}), LIGHT).decode()
    marked = render_svg(fig("diagrams.lifecycle").call({"highlight": "select"}), LIGHT).decode()
    assert LIGHT.highlight not in plain
    assert LIGHT.highlight in marked


# --- rendering ---


@pytest.mark.parametrize("name", sorted(FIGURES))
@each_theme
def test_every_diagram_renders_text_as_text_and_the_same_bytes_twice(
    name: str, theme: Theme
) -> None:
    assert_same_svg_with_text_twice(fig(name), theme)


# --- RLHF loop ---
# Reference: Ouyang et al. (2022), "Training language models to follow instructions with human
# feedback", Section 3.5 (K completions ranked, C(K, 2) comparisons; R = r - beta * KL, beta 0.02).


def rlhf_part(result: Any, part: str, heading: str) -> list[Any]:
    return [
        value
        for p, value in zip(column(result, "part"), column(result, heading), strict=True)
        if p.startswith(part)
    ]


@pytest.mark.parametrize("k", range(2, 10))
def test_rlhf_ranking_of_k_completions_gives_every_pair_once_in_rank_order(k: int) -> None:
    result = fig("diagrams.rlhf_loop").call({"k": k})
    pairs = rlhf_part(result, "reward-model pairs", "item")
    assert len(pairs) == math.comb(k, 2) == k * (k - 1) // 2
    ranked = "ABCDEFGHI"[:k]
    expected = [f"{ranked[i]} > {ranked[j]}" for i in range(k) for j in range(i + 1, k)]
    assert pairs == expected
    assert rlhf_part(result, "reward-model pairs", "order") == list(range(1, len(pairs) + 1))


def test_rlhf_default_is_four_completions_giving_six_pairs() -> None:
    result = fig("diagrams.rlhf_loop").call({})
    assert len(rlhf_part(result, "reward-model pairs", "item")) == 6
    svg = render_svg(result, LIGHT).decode()
    assert "= 4\u00b73/2 = 6 pairs" in svg  # after K(K - 1)/2, set in mathtext


def test_rlhf_loop_runs_generate_score_penalise_update_in_order() -> None:
    result = fig("diagrams.rlhf_loop").call({})
    assert rlhf_part(result, "RL loop", "item") == [
        "Prompt dataset",
        "Policy LLM",
        "Reward model",
        "Reference model",
        "Penalised reward",
        "PPO update",
    ]


@pytest.mark.parametrize(("beta", "shown"), [(0.02, "β = 0.02"), (0.2, "β = 0.2"), (0.0, "β = 0")])
def test_rlhf_shows_the_kl_weight_in_the_penalised_reward(beta: float, shown: str) -> None:
    result = fig("diagrams.rlhf_loop").call({"beta": beta})
    details = dict(zip(column(result, "item"), column(result, "what it does"), strict=True))
    assert details["Penalised reward"] == f"R = r \u2212 β·KL with {shown}"
    # in the drawing, β is mathtext (its own <text>), followed by the value
    assert shown.replace("β ", "") in render_svg(result, DARK).decode()


@pytest.mark.parametrize("params", [{"k": 1}, {"k": 10}, {"k": 3.5}, {"beta": -0.1}])
def test_rlhf_refuses_bad_parameters(params: dict[str, Any]) -> None:
    with pytest.raises(ParameterError):
        fig("diagrams.rlhf_loop").check(params)


# --- RAG pipeline ---
# Reference: the worked numbers on docs/week3/rag.md (300-token chunks, 50 overlap,
# top-5, instructions 150, question 50, 500 reserved for the answer, Llama 2's 4,096 tokens).


def budget(result: Any) -> dict[str, int]:
    return {
        step: tokens
        for lane, step, tokens in zip(
            column(result, "lane"), column(result, "step"), column(result, "tokens"), strict=True
        )
        if lane == "context window"
    }


def test_rag_defaults_split_the_llama_2_window_as_the_page_says() -> None:
    parts = budget(fig("diagrams.rag_pipeline").call({}))
    assert parts == {
        "instructions": 150,
        "retrieved chunks (5 \u00d7 300)": 1500,
        "question": 50,
        "answer (reserved)": 500,
        "unused": 4096 - 150 - 5 * 300 - 50 - 500,
        "whole window": 4096,
    }


@pytest.mark.parametrize(
    "params",
    [
        {"top_k": 10, "chunk_tokens": 512, "overlap_tokens": 64, "context_tokens": 8192},
        {"top_k": 1, "chunk_tokens": 100, "overlap_tokens": 0, "answer_tokens": 0},
        {"top_k": 20, "chunk_tokens": 1000, "context_tokens": 128000, "question_tokens": 300},
    ],
)
def test_rag_window_parts_add_up_to_the_window(params: dict[str, Any]) -> None:
    full = {
        "chunk_tokens": 300,
        "top_k": 5,
        "context_tokens": 4096,
        "instruction_tokens": 150,
        "question_tokens": 50,
        "answer_tokens": 500,
    } | params
    result = fig("diagrams.rag_pipeline").call(params)
    parts = budget(result)
    chunks = full["top_k"] * full["chunk_tokens"]
    assert parts[f"retrieved chunks ({full['top_k']} \u00d7 {full['chunk_tokens']:,})"] == chunks
    prompt = full["instruction_tokens"] + chunks + full["question_tokens"]
    assert parts["unused"] == full["context_tokens"] - prompt - full["answer_tokens"]
    assert sum(v for k, v in parts.items() if k != "whole window") == full["context_tokens"]
    steps = dict(zip(column(result, "step"), column(result, "tokens"), strict=True))
    assert steps["Augmented prompt"] == prompt
    assert steps[f"Retrieve top-{full['top_k']}"] == chunks


def test_rag_lists_the_offline_and_online_steps_in_order() -> None:
    result = fig("diagrams.rag_pipeline").call({})
    lanes = list(zip(column(result, "lane"), column(result, "step"), strict=True))
    assert [s for lane, s in lanes if lane == "offline"] == [
        "Documents",
        "Chunker",
        "Embedding model",
        "Vector store",
    ]
    assert [s for lane, s in lanes if lane == "online"] == [
        "User question",
        "Embed the question",
        "Retrieve top-5",
        "Augmented prompt",
        "LLM",
        "Answer with sources",
    ]


def test_rag_chunker_states_the_stride_between_chunk_starts() -> None:
    result = fig("diagrams.rag_pipeline").call({})
    details = dict(zip(column(result, "step"), column(result, "what happens"), strict=True))
    assert "every 250 tokens" in details["Chunker"]  # 300 - 50


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"top_k": 12}, "context window"),  # 150 + 3,600 + 50 + 500 > 4,096
        ({"context_tokens": 2048}, "context window"),  # 2,200 > 2,048
        ({"overlap_tokens": 300}, "overlap_tokens"),
        ({"chunk_tokens": 100, "overlap_tokens": 150}, "overlap_tokens"),
        ({"top_k": 0}, "top_k"),
        ({"chunk_tokens": 8}, "chunk_tokens"),
    ],
)
def test_rag_refuses_chunks_that_do_not_fit_or_bad_sizes(
    params: dict[str, Any], message: str
) -> None:
    with pytest.raises(ParameterError, match=message):
        fig("diagrams.rag_pipeline").call(params)


def test_rag_window_that_is_exactly_full_is_accepted() -> None:
    parts = budget(fig("diagrams.rag_pipeline").call({"context_tokens": 2200}))
    assert parts["unused"] == 0


# Seen on the pages at 1280 px: "(same model)" and "Step 2: reward-model data" ran past their
# boxes, "each trains the reward model", "(frozen SFT copy)" and "Answer with sources" touched
# them. Two points of room is what the other boxes keep.
@pytest.mark.parametrize("name", ["diagrams.rag_pipeline", "diagrams.rlhf_loop"])
@pytest.mark.parametrize("phone", [False, True], ids=["wide", "phone"])
def test_box_text_keeps_clear_of_its_box(name: str, phone: bool) -> None:
    result = fig(name).call({})
    size = result.phone_size if phone else (result.width, result.height)
    drawing, renderer = drawn_with_renderer(result, LIGHT, size)
    assert text_crowding_its_box(drawing, renderer, margin_pt=2.0) == []

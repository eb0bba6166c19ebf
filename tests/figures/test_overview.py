"""Overview figures: the use-case diagram and GPT-3's reported in-context accuracies."""

from __future__ import annotations

from typing import Any

import pytest

from genai_notes.figures import registry
from genai_notes.figures.registry import FigureDef, ParameterError
from genai_notes.figures.style import Theme
from tests.figures.helpers import assert_same_svg_with_text_twice, column, each_theme

FIGURES = registry.collect(["genai_notes.figures.overview"])
NAMES = ["overview.use_cases", "overview.in_context_gains"]


def fig(name: str) -> FigureDef:
    return FIGURES[name]


def test_the_family_registers_exactly_its_two_figures() -> None:
    assert set(FIGURES) == set(NAMES)


def test_the_overview_module_is_a_builtin_figure_module() -> None:
    assert "genai_notes.figures.overview" in registry.BUILTIN_MODULES


# --- use cases ---


def test_use_cases_lists_the_six_tasks_of_the_introduction_with_an_example_each() -> None:
    result = fig("overview.use_cases").call({})
    assert result.table.columns == ("task", "example prompt", "example output")
    assert column(result, "task") == [
        "Writing",
        "Summarising",
        "Translation",
        "Code",
        "Entity extraction",
        "Tool / API calls",
    ]
    assert all(row[1] and row[2] for row in result.table.rows)


def test_use_cases_refuses_an_unknown_highlight() -> None:
    with pytest.raises(ParameterError):
        fig("overview.use_cases").check({"highlight": "Poetry"})


# --- in-context gains ---

# Transcribed independently from Brown et al. 2020 (arXiv 2005.14165), Table H.1, columns
# XL (1.3B), 13B and 175B: zero-shot, one-shot, few-shot accuracy (%).
TABLE_H1 = {
    ("random insertion", "1.3B"): (0.00, 1.18, 4.18),
    ("random insertion", "13B"): (0.89, 6.62, 27.3),
    ("random insertion", "175B"): (8.26, 45.4, 67.2),
    ("TriviaQA", "1.3B"): (19.7, 26.5, 32.1),
    ("TriviaQA", "13B"): (41.8, 51.3, 57.5),
    ("TriviaQA", "175B"): (64.3, 68.0, 71.2),
}


@pytest.mark.parametrize("task", ["random insertion", "TriviaQA"])
def test_in_context_gains_are_the_values_of_table_h1(task: str) -> None:
    result = fig("overview.in_context_gains").call({"task": task})
    assert column(result, "model") == [f"GPT-3 {m}" for m in ("1.3B", "13B", "175B") for _ in "012"]
    accuracies = column(result, "accuracy (%)")
    for index, model in enumerate(("1.3B", "13B", "175B")):
        assert tuple(accuracies[3 * index : 3 * index + 3]) == TABLE_H1[(task, model)]
    assert all("2005.14165" in s and "Table H.1" in s for s in column(result, "source"))


def test_in_context_gains_175b_triviaqa_matches_table_3_3() -> None:
    # Table 3.3 of the paper: GPT-3 TriviaQA zero-shot 64.3, one-shot 68.0, few-shot 71.2.
    result = fig("overview.in_context_gains").call({"task": "TriviaQA", "models": ["175B"]})
    assert column(result, "accuracy (%)") == [64.3, 68.0, 71.2]


def test_in_context_gains_k_is_0_1_and_the_few_shot_k_of_the_task() -> None:
    for task, k in (("random insertion", 100), ("TriviaQA", 64)):
        result = fig("overview.in_context_gains").call({"task": task, "models": ["175B"]})
        assert column(result, "examples in context (K)") == [0, 1, k]


def test_in_context_gains_widen_with_size_on_the_figure_1_2_task() -> None:
    result = fig("overview.in_context_gains").call({})
    acc = column(result, "accuracy (%)")
    gains = [acc[3 * i + 2] - acc[3 * i] for i in range(3)]
    assert gains == sorted(gains)


def test_in_context_gains_orders_models_by_size() -> None:
    result = fig("overview.in_context_gains").call({"models": ["175B", "125M"]})
    assert column(result, "model")[::3] == ["GPT-3 125M", "GPT-3 175B"]


@pytest.mark.parametrize("params", [{"models": ["7B"]}, {"models": ["13B", "13B"]}])
def test_in_context_gains_refuses_unknown_or_repeated_sizes(params: dict[str, Any]) -> None:
    with pytest.raises(ParameterError):
        fig("overview.in_context_gains").call(params)


def test_in_context_gains_refuses_an_unknown_task_or_no_models() -> None:
    with pytest.raises(ParameterError):
        fig("overview.in_context_gains").check({"task": "LAMBADA"})
    with pytest.raises(ParameterError):
        fig("overview.in_context_gains").check({"models": []})


# --- rendering ---


@pytest.mark.parametrize("name", NAMES)
@each_theme
def test_each_figure_renders_the_same_svg_with_text_twice(name: str, theme: Theme) -> None:
    assert_same_svg_with_text_twice(fig(name), theme)

"""Tests for genai_notes.figures.rlhf: tables against hand-worked values, checks, rendering.

GRPO advantages with binary rewards, k correct of G: mean k/G, population std
sqrt(k (G - k)) / G, so a correct answer gets sqrt((G - k) / k) and a wrong one
-sqrt(k / (G - k)) (DeepSeekMath section 4.1.2). Gao et al.'s RL form d (alpha - beta log d)
peaks at d* = exp(alpha / beta - 1).
"""

from __future__ import annotations

import math

import pytest

from genai_notes.figures import registry
from genai_notes.figures.registry import ParameterError
from genai_notes.figures.style import Theme
from tests.figures.helpers import assert_same_svg_with_text_twice, column, each_theme

FIGURES = registry.collect(["genai_notes.figures.rlhf"])


def test_the_two_figures_are_registered() -> None:
    assert set(FIGURES) == {"rlhf.grpo_advantages", "rlhf.overoptimization"}


def test_grpo_advantages_match_the_closed_form_for_binary_rewards() -> None:
    result = FIGURES["rlhf.grpo_advantages"].call({})
    assert column(result, "correct answers in the group") == list(range(9))
    correct = column(result, "advantage of a correct answer")
    wrong = column(result, "advantage of a wrong answer")
    assert correct[0] is None and wrong[8] is None
    for k in range(1, 8):
        assert correct[k] == pytest.approx(math.sqrt((8 - k) / k))
        assert wrong[k] == pytest.approx(-math.sqrt(k / (8 - k)))
    assert correct[8] == 0.0 and wrong[0] == 0.0  # an all-equal group carries no signal


def test_grpo_sample_std_shrinks_every_advantage_by_sqrt_of_g_minus_1_over_g() -> None:
    population = column(FIGURES["rlhf.grpo_advantages"].call({}), "advantage of a correct answer")
    sample = column(
        FIGURES["rlhf.grpo_advantages"].call({"sample_std": True}), "advantage of a correct answer"
    )
    for k in range(1, 8):
        assert sample[k] == pytest.approx(population[k] * math.sqrt(7 / 8))


def test_overoptimization_peaks_where_the_formula_says() -> None:
    result = FIGURES["rlhf.overoptimization"].call({"alpha": 1.0, "beta": 0.5, "max_kl": 40.0})
    kl = column(result, "KL from the initial policy (nats)")
    gold = column(result, "gold reward gain")
    assert kl[0] == 0.0 and gold[0] == 0.0
    best = kl[gold.index(max(gold))]
    assert best == pytest.approx(math.e**2, abs=0.7)  # within one grid step of e^2
    d = math.sqrt(kl[10])
    assert gold[10] == pytest.approx(d * (1.0 - 0.5 * math.log(d)))


def test_overoptimization_refuses_a_range_that_misses_the_peak() -> None:
    with pytest.raises(ParameterError, match="raise max_kl"):
        FIGURES["rlhf.overoptimization"].call({"alpha": 3.0, "beta": 0.5, "max_kl": 10.0})


@each_theme
@pytest.mark.parametrize("name", ["rlhf.grpo_advantages", "rlhf.overoptimization"])
def test_figures_render_the_same_svg_twice(name: str, theme: Theme) -> None:
    assert_same_svg_with_text_twice(FIGURES[name], theme)

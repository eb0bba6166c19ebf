"""Tests for genai_notes.figures.rlhf: tables against hand-worked values, checks, rendering.

GRPO advantages with binary rewards, k correct of G: mean k/G, population std
sqrt(k (G - k)) / G, so a correct answer gets sqrt((G - k) / k) and a wrong one
-sqrt(k / (G - k)) (DeepSeekMath section 4.1.2). Gao et al.'s RL form d (alpha - beta log d)
peaks at d* = exp(alpha / beta - 1).
"""

from __future__ import annotations

import math
from itertools import pairwise

import pytest

from genai_notes.figures import registry
from genai_notes.figures.registry import ParameterError
from genai_notes.figures.style import Theme
from tests.figures.helpers import (
    assert_same_svg_with_text_twice,
    column,
    drawn_with_renderer,
    each_theme,
)

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


@each_theme
@pytest.mark.parametrize("size", [(7.0, 4.2), (3.75, 4.2)])
def test_grpo_no_signal_labels_are_neutral_and_clear_of_the_markers(
    theme: Theme, size: tuple[float, float]
) -> None:
    from matplotlib.colors import to_hex

    fig, renderer = drawn_with_renderer(FIGURES["rlhf.grpo_advantages"].call({}), theme, size)
    ax = fig.axes[0]
    labels = [t for t in ax.texts if t.get_text() == "no signal"]
    assert len(labels) == 2
    series = {to_hex(line.get_color()) for line in ax.get_lines() if line.get_marker() != "None"}
    frame = ax.get_window_extent(renderer)
    for label in labels:
        box = label.get_window_extent(renderer)
        # not the colour of either answer: it speaks of the whole group
        assert to_hex(label.get_color()) not in series
        assert frame.x0 + 2 < box.x0 and box.x1 < frame.x1 - 2  # inside, off the spines
        for line in ax.get_lines():  # nor on a line: 200 points along each segment
            xy = line.get_transform().transform(line.get_xydata())
            for (x0, y0), (x1, y1) in pairwise(xy):
                for t in [i / 200 for i in range(201)]:
                    px, py = x0 + t * (x1 - x0), y0 + t * (y1 - y0)
                    on = box.x0 < px < box.x1 and box.y0 < py < box.y1
                    assert not on, (label.get_text(), line.get_label())
        for k in (0, 8):
            x, y = ax.transData.transform((k, 0.0))
            r = 4.0 * fig.dpi / 72  # half a marker of 6 pt, with a point of room
            clear = box.y0 > y + r or box.y1 < y - r or box.x0 > x + r or box.x1 < x - r
            assert clear, (label.get_text(), k)

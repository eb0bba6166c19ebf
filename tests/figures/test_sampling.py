"""Tests for genai_notes.figures.sampling: tables against the science, checks, rendering.

Expected values are recomputed here from exp(z / T) / sum exp(z / T) written out, or from
genai_notes.science.sampling, never read back from the figure.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from genai_notes.figures import registry
from genai_notes.figures import sampling as figures
from genai_notes.figures.registry import ParameterError
from genai_notes.figures.style import Theme
from genai_notes.science import sampling
from tests.figures.helpers import assert_same_svg_with_text_twice, column, each_theme

FIGURES = registry.collect(["genai_notes.figures.sampling"])
LOGITS = [2.0, 1.6, 1.2, 0.9, 0.2, -1.0]
TOKENS = ["delicious", "hot", "good", "cold", "salty", "purple"]


def by_hand_softmax(logits: list[float], temperature: float) -> list[float]:
    weights = [math.exp(z / temperature) for z in logits]
    return [w / sum(weights) for w in weights]


def test_the_three_figures_are_registered() -> None:
    assert set(FIGURES) == {
        "sampling.temperature",
        "sampling.top_k_top_p",
        "sampling.greedy_vs_sampled",
    }


# --------------------------------------------------------------------------- temperature


def test_temperature_defaults_are_the_pages_worked_example() -> None:
    result = FIGURES["sampling.temperature"].call({})
    assert column(result, "token") == TOKENS
    assert column(result, "logit") == LOGITS
    for t in (0.5, 1.0, 2.0):
        assert column(result, f"p at T = {t:g}") == pytest.approx(by_hand_softmax(LOGITS, t))


def test_temperature_half_gives_the_top_token_56_percent() -> None:
    result = FIGURES["sampling.temperature"].call({})
    assert column(result, "p at T = 0.5")[0] == pytest.approx(0.558, abs=5e-4)


def test_temperature_table_matches_science_for_other_parameters() -> None:
    logits, temps = [1.0, -2.0, 0.5], [0.3, 4.0]
    result = FIGURES["sampling.temperature"].call(
        {"logits": logits, "temperatures": temps, "tokens": ["a", "b", "c"]}
    )
    for t in temps:
        expected = sampling.softmax(logits, temperature=t)
        assert column(result, f"p at T = {t:g}") == pytest.approx(list(expected))


@pytest.mark.parametrize(
    "params",
    [
        {"temperatures": [0.0]},
        {"temperatures": [0.5, 0.5]},
        {"temperatures": [20.0]},
        {"temperatures": []},
        {"tokens": ["a", "b"]},
        {"logits": [1.0]},
        {"logits": [1.0, math.nan]},
    ],
)
def test_temperature_refuses_bad_parameters(params: dict[str, Any]) -> None:
    with pytest.raises(ParameterError):
        FIGURES["sampling.temperature"].call(params)


# --------------------------------------------------------------------------- top-k, top-p


def test_top_k_keeps_the_three_most_likely_and_renormalises() -> None:
    result = FIGURES["sampling.top_k_top_p"].call({})
    probs = by_hand_softmax(LOGITS, 1.0)
    assert column(result, "probability") == pytest.approx(probs)
    assert column(result, "kept by top-k") == ["yes"] * 3 + ["no"] * 3
    top3 = sum(probs[:3])
    assert column(result, "probability after top-k") == pytest.approx(
        [p / top3 for p in probs[:3]] + [0.0] * 3
    )


def test_top_p_keeps_the_token_that_crosses_the_threshold() -> None:
    result = FIGURES["sampling.top_k_top_p"].call({})
    probs = by_hand_softmax(LOGITS, 1.0)
    cumulative = list(np.cumsum(probs))  # the example's logits are already sorted
    assert column(result, "cumulative probability (by rank)") == pytest.approx(cumulative)
    assert cumulative[2] < 0.8 < cumulative[3]  # cold crosses 0.8
    assert column(result, "kept by top-p") == ["yes"] * 4 + ["no"] * 2
    top4 = sum(probs[:4])
    assert column(result, "probability after top-p") == pytest.approx(
        [p / top4 for p in probs[:4]] + [0.0] * 2
    )


def test_top_k_top_p_ranks_unsorted_logits_like_the_science() -> None:
    logits, temperature = [0.1, 2.0, -1.0, 1.5], 0.7
    result = FIGURES["sampling.top_k_top_p"].call(
        {
            "logits": logits,
            "tokens": ["w", "x", "y", "z"],
            "temperature": temperature,
            "top_k": 2,
            "top_p": 0.5,
        }
    )
    probs = sampling.softmax(logits, temperature=temperature)
    assert column(result, "rank") == [3, 1, 4, 2]
    assert column(result, "cumulative probability (by rank)") == pytest.approx(
        [probs[1] + probs[3] + probs[0], probs[1], 1.0, probs[1] + probs[3]]
    )
    after_k = sampling.next_token_probs(logits, temperature=temperature, top_k=2)
    after_p = sampling.next_token_probs(logits, temperature=temperature, top_p=0.5)
    assert column(result, "probability after top-k") == pytest.approx(list(after_k))
    assert column(result, "probability after top-p") == pytest.approx(list(after_p))
    assert column(result, "kept by top-p") == ["yes" if p > 0 else "no" for p in after_p]


@pytest.mark.parametrize(
    "params",
    [
        {"top_k": 0},
        {"top_k": 1.5},
        {"top_p": 0.0},
        {"top_p": 1.2},
        {"temperature": 0.0},
        {"tokens": ["a"] * 5},
    ],
)
def test_top_k_top_p_refuses_bad_parameters(params: dict[str, Any]) -> None:
    with pytest.raises(ParameterError):
        FIGURES["sampling.top_k_top_p"].call(params)


# --------------------------------------------------------------------------- greedy vs sampled


def toy_logits(word: str) -> np.ndarray:
    return np.array(figures.TOY_BIGRAM[word])


def test_the_toy_model_covers_its_vocabulary() -> None:
    assert set(figures.TOY_BIGRAM) == set(figures.VOCAB)
    assert all(len(row) == len(figures.VOCAB) for row in figures.TOY_BIGRAM.values())


def test_greedy_falls_into_a_repetition_loop() -> None:
    result = FIGURES["sampling.greedy_vs_sampled"].call({})
    assert column(result, "method")[0] == "greedy"
    assert column(result, "seed")[0] is None
    words = column(result, "continuation")[0].split(" ")
    assert words == ["soup", "was", "good", ".", "the"] * 2 + ["soup", "was"]
    # the argmax of each row, followed by hand
    word = "the"
    for expected in words:
        word = figures.VOCAB[int(np.argmax(toy_logits(word)))]
        assert word == expected
    assert column(result, "words in repeated 3-grams")[0] == 8


def test_sampled_runs_replay_the_science_draws_with_their_seeds() -> None:
    params = {"prompt": "hot", "n_tokens": 7, "temperature": 0.7, "top_p": 0.9, "seeds": [3, 11]}
    result = FIGURES["sampling.greedy_vs_sampled"].call(params)
    assert column(result, "method") == ["greedy", "sampled", "sampled"]
    assert column(result, "seed") == [None, 3, 11]
    for seed, text in zip([3, 11], column(result, "continuation")[1:], strict=True):
        rng = np.random.default_rng(seed)
        word, expected = "hot", []
        for _ in range(7):
            probs = sampling.next_token_probs(toy_logits(word), temperature=0.7, top_p=0.9)
            word = figures.VOCAB[sampling.sample(probs, rng)]
            expected.append(word)
        assert text == " ".join(expected)


def test_same_seed_gives_the_same_run() -> None:
    figure = FIGURES["sampling.greedy_vs_sampled"]
    assert figure.call({"seeds": [5]}).table == figure.call({"seeds": [5]}).table


def test_repeated_positions_marks_every_word_of_a_recurring_trigram() -> None:
    words = ["a", "b", "c", "d", "a", "b", "c"]
    assert figures.repeated_positions(words) == [False] * 4 + [True] * 3
    assert figures.repeated_positions(["a", "b", "a", "b"]) == [False] * 4


@pytest.mark.parametrize(
    "params",
    [
        {"prompt": "pizza"},
        {"n_tokens": 1},
        {"n_tokens": 13},
        {"seeds": []},
        {"seeds": [1, 1]},
        {"seeds": [-1]},
        {"top_p": 0.0},
        {"temperature": 0.0},
    ],
)
def test_greedy_vs_sampled_refuses_bad_parameters(params: dict[str, Any]) -> None:
    with pytest.raises(ParameterError):
        FIGURES["sampling.greedy_vs_sampled"].call(params)


# --------------------------------------------------------------------------- rendering


@pytest.mark.parametrize("name", sorted(FIGURES))
@each_theme
def test_renders_the_same_svg_twice(name: str, theme: Theme) -> None:
    assert_same_svg_with_text_twice(FIGURES[name], theme)


def test_module_imports_without_matplotlib() -> None:
    import subprocess
    import sys

    code = (
        "import sys; import genai_notes.figures.sampling; "
        "assert not any(m.startswith('matplotlib') for m in sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)

"""Tests for genai_notes.figures.walkthroughs: the numbers each step shows, worked by hand, and
the same canvas at every step (so stepping reads as an animation)."""

from __future__ import annotations

from typing import Any

import pytest

from genai_notes.figures import registry
from genai_notes.figures.render import render_svg
from genai_notes.figures.style import Theme
from tests.figures.helpers import assert_same_svg_with_text_twice, column, each_theme

FIGURES = registry.collect(["genai_notes.figures.walkthroughs"])
STEPS: dict[str, list[Any]] = {
    "walkthroughs.attention": ["scores", "scaling", "mask", "softmax", "output"],
    "walkthroughs.sampling": ["softmax", "temperature", "top-k", "top-p"],
    "walkthroughs.kv_cache": [0, 1, 2, 3],
    "walkthroughs.ring_all_reduce": list(range(7)),
    "walkthroughs.zero3": ["sharded", "all-gather", "compute", "reduce-scatter"],
    "walkthroughs.pipeline": ["gpipe-forward", "gpipe", "1f1b"],
    "walkthroughs.ppo": ["rollout", "reward", "advantage", "update"],
}


def _call(name: str, step: Any, **params: Any) -> Any:
    return FIGURES[f"walkthroughs.{name}"].call({"step": step, **params})


def test_seven_walkthroughs_are_registered() -> None:
    assert set(FIGURES) == set(STEPS)


def _cells(result: Any, query: str) -> list[Any]:
    return [row[2] for row in result.table.rows if row[0] == query]


def test_attention_steps_for_the_query_of_was() -> None:
    # q = (1, 1, 0, 0) against the keys (1,0,0,0), (0,1,1,0), (1,1,1,1), (0,0,0,1)
    assert _cells(_call("attention", "scores"), "was") == [1.0, 1.0, 2.0, 0.0]
    assert _cells(_call("attention", "scaling"), "was") == [0.5, 0.5, 1.0, 0.0]  # / sqrt(4)
    assert _cells(_call("attention", "mask"), "was") == [0.5, 0.5, 1.0, None]  # "hot" is later
    # softmax of (0.5, 0.5, 1, -inf): e^0.5 = 1.64872, e^1 = 2.71828, sum 6.01572
    weights = _cells(_call("attention", "softmax"), "was")
    assert weights == pytest.approx([0.274068, 0.274068, 0.451863, 0.0], abs=1e-6)
    # 0.274 (2,0,1,0) + 0.274 (0,2,0,1) + 0.452 (1,1,0,0) = (1, 1, 0.274, 0.274)
    output = _cells(_call("attention", "output"), "was")
    assert output == pytest.approx([1.0, 1.0, 0.274068, 0.274068], abs=1e-6)


def test_attention_first_token_sees_only_itself() -> None:
    assert _cells(_call("attention", "softmax"), "The") == [1.0, 0.0, 0.0, 0.0]
    assert _cells(_call("attention", "output"), "The") == [2.0, 0.0, 1.0, 0.0]  # V's first row
    masked = [row[3] for row in _call("attention", "mask").table.rows if row[0] == "The"]
    assert masked == ["no", "yes", "yes", "yes"]


def test_sampling_steps_sharpen_then_cut_to_four_then_to_three() -> None:
    probs = column(_call("sampling", "top-k"), "probability")
    candidates = column(_call("sampling", "top-k"), "candidate")
    # logits / 0.7: e^2.857 = 17.41, e^2.286 = 9.83, e^1.714 = 5.55, e^1.286 = 3.62; sum 36.42
    assert probs[0] == pytest.approx(17.41 / 36.42, abs=1e-3)
    assert candidates == ["yes"] * 4 + ["no"] * 2
    # cumulative 0.478, 0.748, 0.901: "good" crosses 0.9, "cold" is dropped
    top_p = _call("sampling", "top-p")
    assert column(top_p, "candidate") == ["yes"] * 3 + ["no"] * 3
    assert column(top_p, "probability")[0] == pytest.approx(17.41 / 32.80, abs=1e-3)
    # T = 1: e^2 / (e^2 + e^1.6 + e^1.2 + e^0.9 + e^0.2 + e^-1) = 7.389 / 19.711
    assert column(_call("sampling", "softmax"), "probability")[0] == pytest.approx(
        7.389 / 19.711, abs=1e-3
    )
    temperature = column(_call("sampling", "temperature"), "probability")
    assert temperature[0] == pytest.approx(17.41 / (36.42 + 1.331 + 0.240), abs=1e-3)


def test_kv_cache_grows_by_one_token_of_half_a_megabyte() -> None:
    # Llama 2 7B: 2 (K and V) x 32 layers x 32 heads x 128 x 2 bytes = 524,288 bytes a token
    table = _call("kv_cache", 3).table
    assert [row[2] for row in table.rows] == [3, 4, 5, 6]
    assert [row[3] for row in table.rows] == [3, 1, 1, 1]
    assert [row[4] for row in table.rows] == [524_288 * n for n in (3, 4, 5, 6)]


def _ring(step: int) -> dict[tuple[int, int], float]:
    return {(row[0], row[1]): row[2] for row in _call("ring_all_reduce", step).table.rows}


def test_ring_all_reduce_sums_then_spreads_the_chunks() -> None:
    assert _ring(1)[(2, 1)] == 11  # GPU 2 added GPU 1's chunk 1 (1) to its own (10)
    done_scatter = _ring(3)
    # after n - 1 = 3 steps GPU g holds chunk g + 1 summed: 2222, 3333, 4444, 1111
    assert [done_scatter[(g, g % 4 + 1)] for g in range(1, 5)] == [2222, 3333, 4444, 1111]
    assert set(_ring(6).values()) == {1111, 2222, 3333, 4444}
    assert all(_ring(6)[(g, c)] == 1111 * c for g in range(1, 5) for c in range(1, 5))


def test_zero3_one_llama_layer_on_four_gpus() -> None:
    # 4 x 4096^2 + 3 x 4096 x 11008 = 202,375,168 weights, x 2 bytes = 404,750,336
    rows = _call("zero3", "reduce-scatter").table.rows
    assert [row[0] for row in rows] == ["sharded", "all-gather", "compute", "reduce-scatter"]
    assert rows[0][1:] == (101_187_584, 0, 0)
    assert rows[1][1:] == (404_750_336, 0, 303_562_752)
    assert rows[2][1:] == (404_750_336, 404_750_336, 0)
    assert rows[3][1:] == (101_187_584, 101_187_584, 303_562_752)


def test_pipeline_gpipe_forward_moves_one_stage_a_slot() -> None:
    table = _call("pipeline", "gpipe-forward").table
    assert len(table.rows) == 4 * 6  # forwards only
    # micro-batch j on stage s starts at slot s + j - 1 (1-based)
    assert all(row[2] == row[1] + row[3] - 1 for row in table.rows)


def test_pipeline_1f1b_keeps_the_bubble_and_interleaves() -> None:
    table = _call("pipeline", "1f1b").table
    one_f_one_b = [row for row in table.rows if row[0] == "1F1B"]
    assert len(one_f_one_b) == 2 * 4 * 6
    # 2 (m + p - 1) = 18 slots either way
    assert max(row[2] for row in table.rows) == 18
    stage1 = [row[4][0] for row in sorted(one_f_one_b) if row[1] == 1]
    assert "".join(stage1) == "fff" + "fb" * 3 + "b" * 3  # warm-up p - 1, steady, cool-down


def test_ppo_steps_reveal_reward_advantage_and_the_clipped_token() -> None:
    rows = {row[0]: row[1:] for row in _call("ppo", "update").table.rows}
    # -0.1 x (logp - logp_ref) per token, plus the score 1.0 on the last
    assert rows["reward r_t"] == pytest.approx((0.02, -0.01, -0.05, -0.02, 1.0))
    # deltas (0.12, -0.21, 0.25, 0.18, 0.1) folded back with gamma lambda = 0.95
    assert rows[r"advantage \hat A_t"] == pytest.approx(
        (0.3819031, 0.2756875, 0.51125, 0.275, 0.1), abs=1e-6
    )
    # ratio 1.3 > 1 + 0.2 with A > 0: clipped to 1.2 x 0.51125
    assert rows["clipped objective"][2] == pytest.approx(0.6135)
    assert rows["clipped objective"][1] == pytest.approx(0.7 * 0.2756875)
    assert len(_call("ppo", "rollout").table.rows) == 2


@pytest.mark.parametrize("name", sorted(STEPS))
def test_every_step_keeps_the_same_canvas(name: str) -> None:
    sizes = {
        (result.width, result.height, result.phone_size)
        for result in (FIGURES[name].call({"step": step}) for step in STEPS[name])
    }
    assert len(sizes) == 1


@each_theme
@pytest.mark.parametrize("name", sorted(STEPS))
def test_each_walkthrough_draws_text_the_same_way_twice(name: str, theme: Theme) -> None:
    assert_same_svg_with_text_twice(FIGURES[name], theme)


@pytest.mark.parametrize("name", sorted(STEPS))
def test_the_last_step_draws_at_phone_size(name: str) -> None:
    result = FIGURES[name].call({"step": STEPS[name][-1]})
    from genai_notes.figures.style import LIGHT

    assert b"<text" in render_svg(result, LIGHT, result.phone_size)


def test_an_unknown_step_is_refused() -> None:
    with pytest.raises(registry.ParameterError):
        FIGURES["walkthroughs.attention"].check({"step": "dance"})
    with pytest.raises(registry.ParameterError):
        FIGURES["walkthroughs.ring_all_reduce"].check({"step": 7})

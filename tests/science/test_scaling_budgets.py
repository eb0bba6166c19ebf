"""GPU-hours, the 20-tokens rule and replayed-data budgets (hand-worked expectations)."""

from __future__ import annotations

import pytest

from genai_notes.science import scaling


def test_gpu_hours_of_one_pf_day_on_a_one_pflops_gpu_is_24() -> None:
    # 8.64e19 FLOPs at 1e15 FLOP/s is 86,400 s, 24 hours.
    assert scaling.gpu_hours(8.64e19, 1e15) == pytest.approx(24.0)


def test_gpu_hours_at_forty_percent_utilization() -> None:
    # 6 x 7e9 x 1e12 = 4.2e22 FLOPs at 0.4 x 312e12 FLOP/s: 4.2e22 / 1.248e14 = 3.36538e8 s,
    # 93,482.9 hours.
    assert scaling.gpu_hours(4.2e22, 312e12, 0.4) == pytest.approx(4.2e22 / 1.248e14 / 3600)
    assert scaling.gpu_hours(4.2e22, 312e12, 0.4) == pytest.approx(93_482.9, rel=1e-5)


@pytest.mark.parametrize("bad", [0.0, -0.1, 1.5])
def test_gpu_hours_rejects_a_utilization_outside_0_1(bad: float) -> None:
    with pytest.raises(ValueError, match="utilization"):
        scaling.gpu_hours(1e20, 1e15, bad)


def test_rule_of_thumb_gives_chinchilla_for_its_compute() -> None:
    # Chinchilla: 70B parameters on 1.4T tokens, C = 6 x 70e9 x 1.4e12 = 5.88e23.
    n, d = scaling.rule_of_thumb_optimal(5.88e23)
    assert n == pytest.approx(70e9)
    assert d == pytest.approx(1.4e12)


def test_rule_of_thumb_with_another_ratio() -> None:
    # C = 1.2e22, r = 5: N = sqrt(1.2e22 / 30) = sqrt(4e20) = 2e10, D = 1e11.
    n, d = scaling.rule_of_thumb_optimal(1.2e22, tokens_per_param=5)
    assert n == pytest.approx(2e10)
    assert d == pytest.approx(1e11)


def test_tokens_with_replay_divides_by_the_domain_share() -> None:
    # 10B legal tokens with a quarter replay: 10 / 0.75 = 13.33B.
    assert scaling.tokens_with_replay(10e9, 0.25) == pytest.approx(13.333333e9)
    assert scaling.tokens_with_replay(10e9, 0) == pytest.approx(10e9)


@pytest.mark.parametrize("bad", [-0.1, 1.0, 2.0])
def test_tokens_with_replay_rejects_a_share_outside_0_1(bad: float) -> None:
    with pytest.raises(ValueError, match="replay_share"):
        scaling.tokens_with_replay(1e9, bad)


def test_new_functions_are_exported() -> None:
    for name in ("gpu_hours", "rule_of_thumb_optimal", "tokens_with_replay"):
        assert name in scaling.__all__

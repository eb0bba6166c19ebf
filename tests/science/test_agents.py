"""Tests for genai_notes.science.agents against hand-worked values."""

from __future__ import annotations

import pytest

from genai_notes.science import agents


def test_majority_of_five_at_sixty_percent_by_hand() -> None:
    # C(5,3) 0.6^3 0.4^2 + C(5,4) 0.6^4 0.4 + 0.6^5 = 0.3456 + 0.2592 + 0.07776.
    assert agents.majority_vote_accuracy(0.6, 5) == pytest.approx(0.68256)


def test_one_chain_is_its_own_accuracy_and_ties_are_a_coin_flip() -> None:
    assert agents.majority_vote_accuracy(0.7, 1) == pytest.approx(0.7)
    # Two chains at 0.5: both right 0.25, a tie 0.5 of which half is won.
    assert agents.majority_vote_accuracy(0.5, 2) == pytest.approx(0.5)


def test_voting_helps_only_above_one_half() -> None:
    assert agents.majority_vote_accuracy(0.6, 9) > 0.6
    assert agents.majority_vote_accuracy(0.4, 9) < 0.4


def test_loop_prompt_tokens_by_hand() -> None:
    # The notes' loop: 6 steps from 1,000 tokens adding 300 each: 6,000 + 300 x 15.
    assert agents.loop_prompt_tokens(1000, 300, 6) == 10_500
    assert agents.loop_prompt_tokens(1000, 0, 6) == 6000
    assert agents.loop_prompt_tokens(1000, 300, 1) == 1000


@pytest.mark.parametrize(
    ("call", "args"),
    [
        (agents.majority_vote_accuracy, (1.5, 3)),
        (agents.majority_vote_accuracy, (0.5, 0)),
        (agents.loop_prompt_tokens, (1000, -1, 3)),
        (agents.loop_prompt_tokens, (1000, 300, 0)),
    ],
)
def test_rejects_bad_input(call: object, args: tuple[float, ...]) -> None:
    with pytest.raises(ValueError):
        call(*args)  # type: ignore[operator]

"""Reasoning and tool use: the odds of voting and of long chains, and what an agent loop reads.

* Self-consistency (Wang et al. 2023, arXiv 2203.11171) takes a majority vote over sampled
  chains of thought. If each chain is right with probability ``p``, independently, and every
  wrong chain is simply "wrong" (one competing answer), the vote is right when more than half
  of the ``n`` chains are (:func:`majority_vote_accuracy`). Real chains are correlated, so this
  is an upper bound on the gain.
* An agent loop re-sends its growing transcript at every step: a first prompt of ``P`` tokens
  and ``a`` tokens added per step make the model read ``sum_{i<s} (P + a i)`` prompt tokens
  over ``s`` steps (:func:`loop_prompt_tokens`), quadratic in the number of steps.
"""

from __future__ import annotations

import math

from genai_notes.science._validate import positive_int


def majority_vote_accuracy(p: float, n: int) -> float:
    """Probability that a majority vote of ``n`` independent chains is right.

    ``sum_{j > n/2} C(n, j) p^j (1 - p)^(n - j)``; for even ``n`` a tie is broken by a fair
    coin, adding half the probability of exactly ``n/2`` right.

    Args:
        p: Probability that one chain is right, in [0, 1].
        n: Chains voted on, an integer >= 1.

    Returns:
        The vote's probability of being right.

    Raises:
        ValueError: For ``p`` outside [0, 1] or ``n`` below 1.
    """
    if isinstance(p, bool) or not isinstance(p, int | float) or not 0.0 <= p <= 1.0:
        raise ValueError(f"p must be in [0, 1], got {p!r}")
    count = positive_int("n", n)
    total = 0.0
    for right in range(count + 1):
        chance = math.comb(count, right) * p**right * (1.0 - p) ** (count - right)
        if 2 * right > count:
            total += chance
        elif 2 * right == count:
            total += chance / 2
    return total


def loop_prompt_tokens(first_prompt: int, per_step: int, steps: int) -> int:
    """Prompt tokens an agent reads over ``steps`` steps when each re-sends the transcript.

    ``steps * first_prompt + per_step * steps (steps - 1) / 2``: step ``i`` (from 0) reads the
    first prompt and the ``i`` steps before it.

    Args:
        first_prompt: Tokens of the first prompt (instructions, tool schemas, conversation).
        per_step: Tokens each step adds (thought, tool call and result), >= 0.
        steps: Model calls, >= 1.

    Returns:
        Prompt tokens over the whole loop.

    Raises:
        ValueError: For a negative or non-integer count, or fewer than one step.
    """
    first = positive_int("first_prompt", first_prompt)
    if isinstance(per_step, bool) or not isinstance(per_step, int) or per_step < 0:
        raise ValueError(f"per_step must be an integer >= 0, got {per_step!r}")
    count = positive_int("steps", steps)
    return count * first + per_step * count * (count - 1) // 2


# What computed numbers in the notes may name (see genai_notes.engine.expressions).
__all__ = ["loop_prompt_tokens", "majority_vote_accuracy"]

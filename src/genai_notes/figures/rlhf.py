"""Figures: RLHF and RL for reasoning (GRPO's group advantages, reward over-optimisation).

Every number drawn here comes from :mod:`genai_notes.science.rlhf`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import numpy as np

from genai_notes.figures.base import FigureResult, Range, Table, figure
from genai_notes.figures.registry import ParameterError
from genai_notes.figures.style import finished
from genai_notes.science import rlhf

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from genai_notes.figures.style import Theme


# --- GRPO: advantages of a correct and a wrong answer against successes in the group -----------


@figure("rlhf.grpo_advantages")
def grpo_advantages(
    group_size: Annotated[int, Range(2, 64)] = 8,
    sample_std: bool = False,
) -> FigureResult:
    """GRPO's advantage of a correct and of a wrong answer, for 0 to G correct in a group of G.

    Rewards are 1 (correct) or 0 (wrong); the advantage is (r - mean) / std over the group
    (DeepSeekMath section 4.1.2), and 0 for a group whose rewards are all equal.

    Args:
        group_size: Completions sampled per prompt, G (8 is TRL's default, 64 DeepSeekMath's).
        sample_std: Divide by the sample standard deviation (n - 1), as TRL does, instead of
            the population one.
    """
    ddof = 1 if sample_std else 0
    counts = list(range(group_size + 1))
    correct: list[float | None] = []
    wrong: list[float | None] = []
    for k in counts:
        advantages = rlhf.grpo_advantages([1.0] * k + [0.0] * (group_size - k), ddof=ddof)
        correct.append(advantages[0] if k > 0 else None)
        wrong.append(advantages[-1] if k < group_size else None)
    table = Table.from_columns(
        {
            "correct answers in the group": counts,
            "advantage of a correct answer": correct,
            "advantage of a wrong answer": wrong,
        },
        formats={
            "correct answers in the group": "d",
            "advantage of a correct answer": ".3f",
            "advantage of a wrong answer": ".3f",
        },
    )

    def draw(fig: Figure, theme: Theme) -> None:
        ax = fig.add_subplot()
        xs_correct = [k for k, a in zip(counts, correct, strict=True) if a is not None]
        ys_correct = [a for a in correct if a is not None]
        xs_wrong = [k for k, a in zip(counts, wrong, strict=True) if a is not None]
        ys_wrong = [a for a in wrong if a is not None]
        ax.axhline(0.0, color=theme.muted, linewidth=1.0)
        ax.plot(xs_correct, ys_correct, marker="o", color=theme.series[0], label="correct answer")
        ax.plot(xs_wrong, ys_wrong, marker="s", color=theme.series[1], label="wrong answer")
        # "no signal" is about the group, not one answer: a neutral colour (highlight read as
        # the wrong answer's orange), beside the end points on the side no line runs (centred
        # above them it sat on the markers, touched the left spine and crossed the blue line).
        for k, ha, dx, dy, va in (
            (0, "left", 7, 7, "bottom"),
            (group_size, "right", -7, -7, "top"),
        ):
            ax.annotate(
                "no signal",
                (k, 0.0),
                xytext=(dx, dy),
                textcoords="offset points",
                ha=ha,
                va=va,
                color=theme.muted,
            )
        ax.set_xlabel(f"correct answers in a group of $G$ = {group_size}")
        ax.set_ylabel(r"advantage $\hat{A}_i$")
        ax.set_xticks(counts if group_size <= 16 else counts[:: max(1, group_size // 8)])
        ax.legend(loc="upper right")

    return FigureResult(table, finished(draw), width=7.0, height=3.6)


# --- Reward over-optimisation: the gold reward after RL against a proxy ------------------------


@figure("rlhf.overoptimization")
def overoptimization(
    alpha: Annotated[float, Range(0.01, 10.0)] = 1.0,
    beta: Annotated[float, Range(0.01, 10.0)] = 0.5,
    max_kl: Annotated[float, Range(1.0, 1000.0)] = 40.0,
) -> FigureResult:
    """Gao et al.'s gold reward after RL, d(α − β log d) with d = √KL, against KL.

    The functional form is the paper's (section 1); the coefficients are illustrative.

    Args:
        alpha: The coefficient alpha_RL of the fitted form (illustrative).
        beta: The coefficient beta_RL (illustrative), > 0.
        max_kl: Largest KL from the initial policy to plot, in nats.
    """
    peak_d = rlhf.gold_reward_rl_peak(alpha, beta)
    if peak_d**2 > max_kl:
        raise ParameterError(
            f"the peak is at KL = {peak_d**2:.3g} nats, beyond max_kl = {max_kl:g}; raise max_kl"
        )
    root = np.linspace(0.0, float(np.sqrt(max_kl)), 121)  # even in d, dense near KL = 0
    kl = root**2
    gold = rlhf.gold_reward_rl(root, alpha, beta)
    assert isinstance(gold, tuple)
    peak_gold = rlhf.gold_reward_rl(peak_d, alpha, beta)
    assert isinstance(peak_gold, float)
    table = Table.from_columns(
        {"KL from the initial policy (nats)": kl.tolist(), "gold reward gain": list(gold)},
        formats={"KL from the initial policy (nats)": ".1f", "gold reward gain": ".3f"},
    )

    def draw(fig: Figure, theme: Theme) -> None:
        ax = fig.add_subplot()
        ax.axhline(0.0, color=theme.muted, linewidth=1.0)
        ax.plot(kl, gold, color=theme.series[0], label=r"gold reward $d(\alpha - \beta \log d)$")
        ax.plot([peak_d**2], [peak_gold], marker="o", color=theme.highlight)
        ax.annotate(
            f"peak at KL = {peak_d**2:.1f} nats:\nmore optimisation hurts",
            (peak_d**2, peak_gold),
            xytext=(0.3, 0.4),  # under the falling curve, clear of it (beside it, it crossed)
            textcoords="axes fraction",
            va="top",
            arrowprops={"arrowstyle": "->", "color": theme.highlight, "lw": 1.0},
            color=theme.highlight,
        )
        ax.set_xlabel(r"KL from the initial policy (nats), $d^2$")
        ax.set_ylabel("gold reward gain")
        ax.legend(loc="upper right")

    return FigureResult(table, finished(draw), width=7.0, height=3.4)

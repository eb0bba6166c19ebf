"""Tests for genai_notes.science.rlhf.

Expected values are worked by hand from the formulas of the primary sources: InstructGPT
(Ouyang et al. 2022, arXiv 2203.02155, eq. 1), PPO (Schulman et al. 2017, arXiv 1707.06347,
eqs. 7 and 9), GAE (Schulman et al. 2015, arXiv 1506.02438, eqs. 11-16), Schulman's note
"Approximating KL Divergence" (2020), Ziegler et al. 2019 (arXiv 1909.08593, section 2.2),
DPO (Rafailov et al. 2023, arXiv 2305.18290, eqs. 4, 5 and 7), GRPO (DeepSeekMath, arXiv
2402.03300, section 4.1.2), Gao et al. 2023 (arXiv 2210.10760, section 1) and pass@k (Chen
et al. 2021, arXiv 2107.03374, eq. 1).
"""

from __future__ import annotations

import math

import pytest

from genai_notes.science import rlhf

# --- reward model ------------------------------------------------------------------------------


@pytest.mark.parametrize(("k", "pairs"), [(2, 1), (4, 6), (5, 10), (9, 36)])
def test_a_ranking_of_k_completions_gives_k_choose_2_comparisons(k: int, pairs: int) -> None:
    """InstructGPT section 3.5: K = 4 to 9 completions give K choose 2 comparisons."""
    assert rlhf.comparisons_per_prompt(k) == pairs == math.comb(k, 2)


def test_a_single_completion_is_not_a_ranking() -> None:
    with pytest.raises(ValueError, match="k must be an integer >= 2"):
        rlhf.comparisons_per_prompt(1)


def test_preference_probability_is_the_sigmoid_of_the_score_difference() -> None:
    # sigma(1.5) = 1 / (1 + e^-1.5) = 1 / 1.22313016 = 0.81757448
    assert rlhf.preference_probability(2.0, 0.5) == pytest.approx(0.81757448, abs=1e-8)
    assert rlhf.preference_probability(7.0, 5.5) == pytest.approx(0.81757448, abs=1e-8)


def test_reward_model_loss_is_minus_log_sigmoid_of_the_difference() -> None:
    # -log sigma(1.5) = ln(1 + e^-1.5) = ln 1.22313016 = 0.20141328
    assert rlhf.reward_model_loss(2.0, 0.5) == pytest.approx(0.20141328, abs=1e-8)
    # the wrong order: ln(1 + e^1.5) = ln 5.48168907 = 1.70141328
    assert rlhf.reward_model_loss(0.5, 2.0) == pytest.approx(1.70141328, abs=1e-8)


def test_equal_scores_cost_ln_2_the_chance_baseline() -> None:
    assert rlhf.reward_model_loss(1.0, 1.0) == pytest.approx(math.log(2))
    assert rlhf.reward_model_loss([1.0, 6.0], [1.0, 6.0]) == pytest.approx(math.log(2))


def test_reward_model_loss_does_not_overflow_for_large_margins() -> None:
    assert rlhf.reward_model_loss(-1000.0, 1000.0) == pytest.approx(2000.0)
    assert rlhf.reward_model_loss(1000.0, -1000.0) == pytest.approx(0.0, abs=1e-300)


def test_ranking_loss_averages_over_every_ordered_pair() -> None:
    # Ranking of scores 3 > 2 > 1: pairs (3,2), (3,1), (2,1) with margins 1, 2, 1.
    # ln(1 + e^-1) = 0.31326169, ln(1 + e^-2) = 0.12692801; mean = 0.25115046
    assert rlhf.ranking_loss([3.0, 2.0, 1.0]) == pytest.approx(0.25115046, abs=1e-8)


def test_pairwise_accuracy_counts_strict_wins_and_ties_as_wrong() -> None:
    assert rlhf.pairwise_accuracy([1, 2, 3, 0], [0, 3, 1, 0]) == 0.5


def test_mismatched_lists_are_refused() -> None:
    with pytest.raises(ValueError, match="same length"):
        rlhf.reward_model_loss([1.0, 2.0], [0.0])


# --- PPO ---------------------------------------------------------------------------------------


def test_gae_hand_worked_three_token_completion() -> None:
    """Rewards 0, 0, 1; values 0.5, 0.6, 0.7; gamma 1, lambda 0.95, terminal value 0.

    deltas: 0 + 0.6 - 0.5 = 0.1, 0 + 0.7 - 0.6 = 0.1, 1 + 0 - 0.7 = 0.3.
    A_2 = 0.3; A_1 = 0.1 + 0.95 * 0.3 = 0.385; A_0 = 0.1 + 0.95 * 0.385 = 0.46575.
    """
    result = rlhf.gae([0.0, 0.0, 1.0], [0.5, 0.6, 0.7], gamma=1.0, lam=0.95)
    assert result.deltas == pytest.approx((0.1, 0.1, 0.3))
    assert result.advantages == pytest.approx((0.46575, 0.385, 0.3))
    assert result.returns == pytest.approx((0.96575, 0.985, 1.0))


def test_gae_with_lambda_0_is_the_td_residual() -> None:
    result = rlhf.gae([0.0, 0.0, 1.0], [0.5, 0.6, 0.7], gamma=1.0, lam=0.0)
    assert result.advantages == pytest.approx(result.deltas)


def test_gae_with_lambda_1_is_the_monte_carlo_return_minus_the_value() -> None:
    """GAE eq. 18: lambda = 1 gives sum_l gamma^l r_{t+l} - V(s_t)."""
    rewards, values, gamma = [0.2, -0.1, 1.0], [0.5, 0.6, 0.7], 0.9
    result = rlhf.gae(rewards, values, gamma=gamma, lam=1.0)
    mc = [sum(gamma**i * r for i, r in enumerate(rewards[t:])) for t in range(3)]
    assert result.advantages == pytest.approx([m - v for m, v in zip(mc, values, strict=True)])


def test_gae_matches_the_explicit_sum_of_discounted_residuals() -> None:
    """GAE eq. 16: A_t = sum_l (gamma lambda)^l delta_{t+l}."""
    rewards, values, gamma, lam = [0.3, -0.2, 0.0, 1.0], [0.1, 0.4, -0.3, 0.8], 0.99, 0.9
    result = rlhf.gae(rewards, values, gamma=gamma, lam=lam, last_value=0.25)
    nxt = [*values[1:], 0.25]
    deltas = [r + gamma * n - v for r, n, v in zip(rewards, nxt, values, strict=True)]
    expected = [sum((gamma * lam) ** i * d for i, d in enumerate(deltas[t:])) for t in range(4)]
    assert result.advantages == pytest.approx(expected)


@pytest.mark.parametrize(
    ("ratio", "advantage", "expected", "clipped"),
    [
        (1.5, 0.8, 0.96, True),  # min(1.2, 1.2 * 0.8): the clip stops further increase
        (1.1, 1.0, 1.1, False),  # inside the clip range: unclipped
        (0.5, 1.0, 0.5, False),  # probability fell although A > 0: keep the gradient
        (0.5, -1.0, -0.8, True),  # min(-0.5, 0.8 * -1): already decreased enough
        (1.5, -1.0, -1.5, False),  # probability rose although A < 0: keep the gradient
    ],
)
def test_clipped_surrogate_takes_the_pessimistic_minimum(
    ratio: float, advantage: float, expected: float, clipped: bool
) -> None:
    assert rlhf.clipped_surrogate(ratio, advantage) == pytest.approx(expected)
    assert rlhf.is_clipped(ratio, advantage) is clipped


def test_clipped_surrogate_returns_one_value_per_sample_for_lists() -> None:
    assert rlhf.clipped_surrogate([1.5, 0.5], [0.8, -1.0]) == pytest.approx((0.96, -0.8))


def test_value_loss_is_the_mean_squared_error() -> None:
    assert rlhf.value_loss([0.5, 0.6], [1.0, 1.0]) == pytest.approx((0.25 + 0.16) / 2)


def test_ppo_objective_subtracts_value_loss_and_adds_entropy_bonus() -> None:
    assert rlhf.ppo_objective(0.96, 0.205, 1.0) == pytest.approx(0.96 - 0.205 + 0.01)
    assert rlhf.ppo_objective(0.96, 0.205, 1.0, c1=0.5, c2=0.0) == pytest.approx(0.8575)


# --- KL ----------------------------------------------------------------------------------------


def test_kl_estimators_for_one_token_by_hand() -> None:
    # log r = -0.69 - (-0.22) = -0.47; r = e^-0.47 = 0.62500227
    assert rlhf.kl_estimate(-0.22, -0.69, "k1") == pytest.approx(0.47)
    assert rlhf.kl_estimate(-0.22, -0.69, "k2") == pytest.approx(0.5 * 0.47**2)
    assert rlhf.kl_estimate(-0.22, -0.69, "k3") == pytest.approx(0.62500227 - 1 + 0.47, abs=1e-8)


def test_k1_is_negative_where_the_policy_lowered_a_token_but_k2_and_k3_are_not() -> None:
    assert rlhf.kl_estimate(-0.36, -0.22, "k1") == pytest.approx(-0.14)
    assert rlhf.kl_estimate(-0.36, -0.22, "k2") > 0
    assert rlhf.kl_estimate(-0.36, -0.22, "k3") > 0


def test_k1_and_k3_are_unbiased_and_k2_is_biased() -> None:
    """Under tokens sampled from the policy q, E[k1] = E[k3] = KL[q, p] (Schulman 2020)."""
    q = [0.5, 0.3, 0.2]  # policy
    p = [0.2, 0.3, 0.5]  # reference
    logq = [math.log(x) for x in q]
    logp = [math.log(x) for x in p]
    truth = rlhf.exact_kl(q, p)
    # 0.5 ln 2.5 + 0.3 ln 1 + 0.2 ln 0.4 = 0.45814537 - 0.18325815 = 0.27488722
    assert truth == pytest.approx(0.27488722, abs=1e-8)
    for kind, unbiased in (("k1", True), ("k3", True), ("k2", False)):
        per_token = rlhf.kl_estimate(logq, logp, kind)
        assert isinstance(per_token, tuple)
        mean = sum(w * k for w, k in zip(q, per_token, strict=True))
        assert (mean == pytest.approx(truth)) is unbiased


def test_expected_kl_estimate_is_exact_for_k1_and_k3_only() -> None:
    q, p = [0.5, 0.3, 0.2], [0.2, 0.3, 0.5]
    truth = rlhf.exact_kl(q, p)
    assert rlhf.expected_kl_estimate(q, p, "k1") == pytest.approx(truth)
    assert rlhf.expected_kl_estimate(q, p, "k3") == pytest.approx(truth)
    # k2: 0.5 * (ln 0.4)^2 / 2 + 0.2 * (ln 2.5)^2 / 2 = 0.5 * 0.41979 + 0.2 * 0.41979 = 0.29385
    assert rlhf.expected_kl_estimate(q, p, "k2") == pytest.approx(0.7 * 0.5 * math.log(2.5) ** 2)


def test_sequence_kl_sums_the_tokens() -> None:
    logp = [-0.22, -0.51, -1.20, -0.36]
    ref = [-0.69, -0.92, -1.20, -0.22]
    assert rlhf.sequence_kl(logp, ref) == pytest.approx(0.47 + 0.41 + 0.0 - 0.14)


def test_kl_penalised_rewards_put_the_score_on_the_last_token() -> None:
    rewards = rlhf.kl_penalised_rewards(2.0, [-0.22, -0.51], [-0.69, -0.92], beta=0.2)
    assert rewards == pytest.approx((-0.2 * 0.47, 2.0 - 0.2 * 0.41))
    assert sum(rewards) == pytest.approx(2.0 - 0.2 * (0.47 + 0.41))


@pytest.mark.parametrize(
    ("kl", "expected"),
    [
        (12.0, 0.1 * (1 + 0.1 * 0.2)),  # error 0.5 is clipped to 0.2
        (8.0, 0.1),  # on target: no change
        (7.0, 0.1 * (1 - 0.1 * 0.125)),  # error -1/8, inside the clip
        (0.0, 0.1 * (1 - 0.1 * 0.2)),  # error -1 is clipped to -0.2
    ],
)
def test_adaptive_kl_step_is_ziegler_s_clipped_proportional_controller(
    kl: float, expected: float
) -> None:
    assert rlhf.adaptive_kl_step(0.1, kl, target=8.0) == pytest.approx(expected)


def test_adaptive_kl_with_the_code_s_gain_batch_over_horizon() -> None:
    """lm_human_preferences: mult = 1 + e * n_steps / horizon, e.g. 64 / 10000."""
    assert rlhf.adaptive_kl_step(0.2, 12.0, 8.0, gain=64 / 10000) == pytest.approx(
        0.2 * (1 + 0.2 * 64 / 10000)
    )


# --- DPO ---------------------------------------------------------------------------------------


def test_optimal_policy_reweights_the_reference_by_exp_reward_over_beta() -> None:
    # pi* = (0.5 e, 0.5) / (0.5 e + 0.5) = (e / (1 + e), 1 / (1 + e))
    assert rlhf.optimal_policy([0.5, 0.5], [1.0, 0.0], beta=1.0) == pytest.approx(
        (math.e / (1 + math.e), 1 / (1 + math.e))
    )


def test_implicit_reward_of_the_optimal_policy_recovers_reward_differences() -> None:
    """DPO eq. 5: r = beta log(pi*/pi_ref) + beta log Z, so differences are recovered."""
    ref, rewards, beta = [0.2, 0.5, 0.3], [1.0, -0.5, 2.0], 0.5
    optimum = rlhf.optimal_policy(ref, rewards, beta)
    implicit = rlhf.dpo_implicit_reward(
        [math.log(x) for x in optimum], [math.log(x) for x in ref], beta
    )
    assert isinstance(implicit, tuple)
    shift = rewards[0] - implicit[0]  # beta log Z, the same for every completion
    assert [r - shift for r in rewards] == pytest.approx(list(implicit))
    z = sum(p * math.exp(r / beta) for p, r in zip(ref, rewards, strict=True))
    assert shift == pytest.approx(beta * math.log(z))


def test_implicit_rewards_from_probabilities_match_the_log_probability_form() -> None:
    ref, beta = [0.5, 0.3, 0.2], 0.5
    optimum = rlhf.optimal_policy(ref, [1.0, 0.0, -1.0], beta)
    from_probs = rlhf.implicit_rewards(optimum, ref, beta)
    # reward differences 1.0 and 1.0 are recovered
    assert from_probs[0] - from_probs[1] == pytest.approx(1.0)
    assert from_probs[1] - from_probs[2] == pytest.approx(1.0)
    # and beta log(pi/pi_ref) by hand for the first completion: 0.5 ln(2 * optimum[0])
    assert from_probs[0] == pytest.approx(0.5 * math.log(optimum[0] / 0.5))


def test_dpo_loss_is_ln_2_when_the_policy_equals_the_reference() -> None:
    assert rlhf.dpo_loss(-12.0, -12.0, -14.0, -14.0) == pytest.approx(math.log(2))


def test_dpo_loss_by_hand() -> None:
    # margin = 0.1 * ((-10 + 12) - (-15 + 14)) = 0.3; ln(1 + e^-0.3) = 0.55435524
    assert rlhf.dpo_loss(-10.0, -12.0, -15.0, -14.0, beta=0.1) == pytest.approx(
        0.55435524, abs=1e-8
    )


def test_dpo_loss_equals_the_reward_model_loss_on_implicit_rewards() -> None:
    chosen = rlhf.dpo_implicit_reward(-10.0, -12.0, 0.1)
    rejected = rlhf.dpo_implicit_reward(-15.0, -14.0, 0.1)
    assert isinstance(chosen, float) and isinstance(rejected, float)
    assert rlhf.dpo_loss(-10.0, -12.0, -15.0, -14.0) == pytest.approx(
        rlhf.reward_model_loss(chosen, rejected)
    )


# --- GRPO, over-optimisation, pass@k -------------------------------------------------------------


def test_grpo_advantages_normalise_by_the_group_mean_and_std() -> None:
    # mean 0.5, population std 0.5
    assert rlhf.grpo_advantages([1, 0, 0, 1]) == pytest.approx((1.0, -1.0, -1.0, 1.0))
    # sample std sqrt(1/3) = 0.57735027: 0.5 / 0.57735027 = 0.8660254
    assert rlhf.grpo_advantages([1, 0, 0, 1], ddof=1) == pytest.approx(
        (0.8660254, -0.8660254, -0.8660254, 0.8660254)
    )


def test_grpo_rewards_a_rare_success_more_than_it_punishes_each_failure() -> None:
    # mean 0.25, population std sqrt(0.1875) = 0.4330127
    assert rlhf.grpo_advantages([1, 0, 0, 0]) == pytest.approx(
        (1.7320508, -0.5773503, -0.5773503, -0.5773503)
    )


def test_grpo_group_with_equal_rewards_gives_no_signal() -> None:
    assert rlhf.grpo_advantages([1, 1, 1, 1]) == (0.0, 0.0, 0.0, 0.0)


def test_grpo_without_scaling_only_centres() -> None:
    assert rlhf.grpo_advantages([1, 0, 0, 1], scale=False) == pytest.approx((0.5, -0.5, -0.5, 0.5))


def test_gold_reward_rl_is_zero_at_the_start_and_peaks_at_exp_alpha_over_beta_minus_1() -> None:
    assert rlhf.gold_reward_rl(0.0, 1.0, 0.5) == 0.0
    peak = rlhf.gold_reward_rl_peak(1.0, 0.5)
    assert peak == pytest.approx(math.e)
    at_peak = rlhf.gold_reward_rl(peak, 1.0, 0.5)
    assert isinstance(at_peak, float)
    assert at_peak == pytest.approx(0.5 * math.e)  # d*(alpha - beta (alpha/beta - 1)) = beta d*
    for d in (peak * 0.9, peak * 1.1):
        value = rlhf.gold_reward_rl(d, 1.0, 0.5)
        assert isinstance(value, float) and value < at_peak


def test_best_of_n_kl() -> None:
    assert rlhf.best_of_n_kl(1) == 0.0
    assert rlhf.best_of_n_kl(2) == pytest.approx(math.log(2) - 0.5)
    assert rlhf.best_of_n_kl(64) == pytest.approx(math.log(64) - 63 / 64)


@pytest.mark.parametrize(
    ("n", "c", "k", "expected"),
    [
        (10, 3, 1, 0.3),
        (10, 3, 2, 1 - 21 / 45),  # 1 - C(7,2)/C(10,2)
        (10, 0, 5, 0.0),
        (10, 8, 3, 1.0),  # fewer than k wrong samples: a correct one is always drawn
    ],
)
def test_pass_at_k_unbiased_estimator(n: int, c: int, k: int, expected: float) -> None:
    assert rlhf.pass_at_k(n, c, k) == pytest.approx(expected)


def test_bad_arguments_are_refused_with_the_parameter_named() -> None:
    with pytest.raises(ValueError, match="kind"):
        rlhf.kl_estimate(-1.0, -1.0, "k4")
    with pytest.raises(ValueError, match="epsilon"):
        rlhf.clipped_surrogate(1.0, 1.0, epsilon=1.5)
    with pytest.raises(ValueError, match="lam"):
        rlhf.gae([1.0], [0.0], lam=1.5)
    with pytest.raises(ValueError, match="c must be"):
        rlhf.pass_at_k(5, 6, 1)
    with pytest.raises(ValueError, match="at least 2"):
        rlhf.grpo_advantages([1.0])

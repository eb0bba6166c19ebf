"""Reinforcement learning from human feedback, preference optimisation and RL for reasoning.

Each function follows one primary source, named in its docstring:

* Reward model: the Bradley-Terry pairwise loss ``-log sigmoid(r_w - r_l)`` and the
  ``K choose 2`` comparisons of a ranking of K completions (Ouyang et al. 2022, "Training
  language models to follow instructions with human feedback", arXiv 2203.02155, section 3.5,
  equation 1).
* PPO: the clipped surrogate and the value loss (Schulman et al. 2017, "Proximal Policy
  Optimization Algorithms", arXiv 1707.06347, equations 7 and 9); generalised advantage
  estimation (Schulman et al. 2015, "High-Dimensional Continuous Control Using Generalized
  Advantage Estimation", arXiv 1506.02438, equations 10-16).
* KL: Schulman's three Monte-Carlo estimators k1, k2, k3 ("Approximating KL Divergence",
  joschu.net, 2020), the per-token penalised reward of Ziegler et al. 2019 ("Fine-Tuning
  Language Models from Human Preferences", arXiv 1909.08593, section 2.2, and their code
  ``lm_human_preferences/train_policy.py``) and its adaptive controller.
* DPO: the closed-form optimum of the KL-regularised objective, the implicit reward and the
  loss (Rafailov et al. 2023, arXiv 2305.18290, equations 4, 5 and 7).
* GRPO: group-relative advantages (Shao et al. 2024, "DeepSeekMath", arXiv 2402.03300,
  section 4.1.2).
* Over-optimisation: the gold-reward functional forms of Gao, Schulman and Hilton 2023
  ("Scaling Laws for Reward Model Overoptimization", ICML 2023, arXiv 2210.10760, section 1).
* pass@k: the unbiased estimator of Chen et al. 2021 ("Evaluating Large Language Models
  Trained on Code", arXiv 2107.03374, equation 1).

Log-probabilities are natural logarithms (nats). Functions that take one number per token
accept a number or a 1-D sequence and return a float or a tuple of floats, so a computed
number on a page can index the result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from genai_notes.science._validate import one_of, positive_int, positive_number

FloatArray = NDArray[np.float64]

KL_ESTIMATORS: Final = ("k1", "k2", "k3")
"""Schulman's estimators of KL[pi, pi_ref] from tokens sampled from pi, with
``r = pi_ref / pi``: k1 = -log r, k2 = (log r)^2 / 2, k3 = (r - 1) - log r."""

ADAPTIVE_KL_GAIN: Final = 0.1
"""K_beta of Ziegler et al. 2019, section 2.2: the gain of the log-space proportional
controller that adapts the KL coefficient."""

ADAPTIVE_KL_CLIP: Final = 0.2
"""Ziegler et al. 2019, section 2.2: the proportional error is clipped to [-0.2, 0.2]."""


# --- helpers -----------------------------------------------------------------------------------


def _finite(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return float(value)


def _vector(name: str, values: ArrayLike) -> FloatArray:
    array = np.atleast_1d(np.asarray(values, dtype=np.float64))
    if array.ndim != 1 or array.size == 0 or not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be a finite number or a non-empty 1-D list, got {values!r}")
    return array


def _pair(name_a: str, a: ArrayLike, name_b: str, b: ArrayLike) -> tuple[FloatArray, FloatArray]:
    first, second = _vector(name_a, a), _vector(name_b, b)
    if first.shape != second.shape:
        raise ValueError(
            f"{name_a} and {name_b} must have the same length, got {first.size} and {second.size}"
        )
    return first, second


def _out(template: ArrayLike, values: FloatArray) -> float | tuple[float, ...]:
    """A float for a scalar input, a tuple of floats for a sequence."""
    if np.ndim(template) == 0:
        return float(values[0])
    return tuple(float(v) for v in values)


def _unit_interval(name: str, value: object) -> float:
    checked = _finite(name, value)
    if not 0.0 <= checked <= 1.0:
        raise ValueError(f"{name} must be in [0, 1], got {value!r}")
    return checked


def log_sigmoid(x: float) -> float:
    """``log sigmoid(x) = -log(1 + exp(-x))``, computed without overflow.

    Args:
        x: A finite number.

    Returns:
        A number <= 0.
    """
    return -float(np.logaddexp(0.0, -_finite("x", x)))


def sigmoid(x: float) -> float:
    """The logistic function ``1 / (1 + exp(-x))``.

    Args:
        x: A finite number.

    Returns:
        A probability in (0, 1) (it rounds to 0 or 1 for |x| beyond about 37).
    """
    return math.exp(log_sigmoid(x))


# --- reward model ------------------------------------------------------------------------------


def comparisons_per_prompt(k: int) -> int:
    """Pairwise comparisons in a ranking of ``k`` completions: ``k (k - 1) / 2``.

    InstructGPT's labelers ranked K = 4 to 9 completions per prompt (section 3.5), so one
    prompt gave 6 to 36 comparisons.

    Args:
        k: Completions ranked, an integer >= 2.

    Returns:
        ``k choose 2``.

    Raises:
        ValueError: If ``k`` is not an integer >= 2.
    """
    count = positive_int("k", k)
    if count < 2:
        raise ValueError(f"k must be an integer >= 2 (a ranking needs two completions), got {k!r}")
    return count * (count - 1) // 2


def preference_probability(r_chosen: float, r_rejected: float) -> float:
    """Bradley-Terry probability that a labeler prefers the first completion.

    ``sigmoid(r_chosen - r_rejected)``: only the difference of the two scores matters.

    Args:
        r_chosen: Reward-model score of one completion.
        r_rejected: Score of the other.

    Returns:
        The probability in (0, 1).
    """
    return sigmoid(_finite("r_chosen", r_chosen) - _finite("r_rejected", r_rejected))


def reward_model_loss(r_chosen: ArrayLike, r_rejected: ArrayLike) -> float:
    """Mean pairwise reward-model loss ``-log sigmoid(r_w - r_l)`` over comparisons.

    InstructGPT's equation 1, averaged over the comparisons given (the paper divides the sum
    over a prompt's ``K choose 2`` pairs by ``K choose 2``). Equal scores give ``ln 2``.

    Args:
        r_chosen: Scores of the preferred completions, a number or a list.
        r_rejected: Scores of the rejected completions, the same length.

    Returns:
        The mean loss in nats, > 0.

    Raises:
        ValueError: For non-finite scores or lists of different lengths.
    """
    chosen, rejected = _pair("r_chosen", r_chosen, "r_rejected", r_rejected)
    return float(np.mean(np.logaddexp(0.0, -(chosen - rejected))))


def ranking_loss(scores_best_first: ArrayLike) -> float:
    """InstructGPT's reward-model loss for one ranking: the mean over all its pairs.

    Args:
        scores_best_first: Reward-model scores of K >= 2 completions, listed in the labeler's
            order from best to worst.

    Returns:
        The mean of ``-log sigmoid(r_i - r_j)`` over every pair with i ranked above j.
    """
    scores = _vector("scores_best_first", scores_best_first)
    comparisons_per_prompt(scores.size)
    winners, losers = np.triu_indices(scores.size, k=1)
    return reward_model_loss(scores[winners], scores[losers])


def pairwise_accuracy(r_chosen: ArrayLike, r_rejected: ArrayLike) -> float:
    """Share of comparisons in which the preferred completion scores strictly higher.

    This is the "accuracy" reward-model papers report; a tie counts as wrong.

    Args:
        r_chosen: Scores of the preferred completions.
        r_rejected: Scores of the rejected completions, the same length.

    Returns:
        A fraction in [0, 1].
    """
    chosen, rejected = _pair("r_chosen", r_chosen, "r_rejected", r_rejected)
    return float(np.mean(chosen > rejected))


# --- PPO ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Advantages:
    """Generalised advantage estimates of one episode.

    Attributes:
        deltas: TD residuals ``delta_t = r_t + gamma V(s_{t+1}) - V(s_t)``.
        advantages: ``A_t = sum_l (gamma lambda)^l delta_{t+l}``.
        returns: Value targets ``A_t + V(s_t)`` (the lambda-returns).
    """

    deltas: tuple[float, ...]
    advantages: tuple[float, ...]
    returns: tuple[float, ...]


def gae(
    rewards: ArrayLike,
    values: ArrayLike,
    gamma: float = 1.0,
    lam: float = 0.95,
    last_value: float = 0.0,
) -> Advantages:
    """Generalised advantage estimation over one episode (Schulman et al. 2015, eq. 16).

    Computed backwards as ``A_t = delta_t + gamma lambda A_{t+1}``, the recursion of
    ``lm_human_preferences`` and TRL's PPO trainer. For a language model an episode is one
    completion: ``t`` indexes its tokens and the value after the last token is 0.

    Args:
        rewards: Reward after each step, a 1-D list.
        values: The value head's V(s_t) for each step, the same length.
        gamma: Discount in [0, 1]; InstructGPT used no discount (1).
        lam: GAE's lambda in [0, 1]: 0 gives the one-step TD residual, 1 the Monte-Carlo
            return minus V(s_t).
        last_value: V of the state after the last step (0 when the episode has ended).

    Returns:
        The TD residuals, advantages and value targets.
    """
    reward, value = _pair("rewards", rewards, "values", values)
    discount = _unit_interval("gamma", gamma)
    trace = _unit_interval("lam", lam)
    next_values = np.append(value[1:], _finite("last_value", last_value))
    deltas = reward + discount * next_values - value
    advantages = np.zeros_like(deltas)
    running = 0.0
    for t in range(deltas.size - 1, -1, -1):
        running = float(deltas[t]) + discount * trace * running
        advantages[t] = running
    return Advantages(
        deltas=tuple(float(d) for d in deltas),
        advantages=tuple(float(a) for a in advantages),
        returns=tuple(float(a + v) for a, v in zip(advantages, value, strict=True)),
    )


def clipped_surrogate(
    ratio: ArrayLike, advantage: ArrayLike, epsilon: float = 0.2
) -> float | tuple[float, ...]:
    """PPO's per-sample objective ``min(rho A, clip(rho, 1 - eps, 1 + eps) A)`` (eq. 7).

    Args:
        ratio: Probability ratios ``rho = pi_new(a|s) / pi_old(a|s)``, each > 0.
        advantage: Advantage estimates, the same length.
        epsilon: Clip range, in (0, 1); 0.2 in the PPO paper and InstructGPT.

    Returns:
        The objective (to maximise) per sample: a float for scalar inputs.
    """
    rho, adv = _pair("ratio", ratio, "advantage", advantage)
    if np.any(rho <= 0):
        raise ValueError(f"ratio must be > 0, got {ratio!r}")
    eps = positive_number("epsilon", epsilon)
    if eps >= 1:
        raise ValueError(f"epsilon must be in (0, 1), got {epsilon!r}")
    objective = np.minimum(rho * adv, np.clip(rho, 1 - eps, 1 + eps) * adv)
    return _out(ratio, objective)


def is_clipped(ratio: float, advantage: float, epsilon: float = 0.2) -> bool:
    """Whether PPO's minimum picks the clipped term, so the sample gives no gradient.

    That happens when the ratio has left ``[1 - eps, 1 + eps]`` in the direction the
    advantage rewards: above ``1 + eps`` with ``A > 0``, below ``1 - eps`` with ``A < 0``.

    Args:
        ratio: The probability ratio, > 0.
        advantage: The advantage estimate.
        epsilon: Clip range, in (0, 1).

    Returns:
        True when the clipped term is the smaller one.
    """
    clipped_surrogate(ratio, advantage, epsilon)
    rho, adv, eps = float(ratio), float(advantage), float(epsilon)
    return (adv > 0 and rho > 1 + eps) or (adv < 0 and rho < 1 - eps)


def value_loss(predicted: ArrayLike, target: ArrayLike) -> float:
    """PPO's value loss ``(V(s_t) - V_t^targ)^2``, averaged (PPO eq. 9).

    Implementations often halve it (``lm_human_preferences``, TRL) and weight it with a
    coefficient (PPO's c1).

    Args:
        predicted: The value head's predictions.
        target: The targets, such as GAE's returns, the same length.

    Returns:
        The mean squared error.
    """
    pred, targ = _pair("predicted", predicted, "target", target)
    return float(np.mean((pred - targ) ** 2))


def ppo_objective(
    clip_term: float, value_term: float, entropy: float, c1: float = 1.0, c2: float = 0.01
) -> float:
    """PPO's combined objective ``L^CLIP - c1 L^VF + c2 S`` (eq. 9), to maximise.

    Defaults are the PPO paper's Atari settings (Table 5: c1 = 1, c2 = 0.01).

    Args:
        clip_term: The mean clipped surrogate.
        value_term: The value loss.
        entropy: The policy's mean entropy (the exploration bonus).
        c1: Weight of the value loss, >= 0.
        c2: Weight of the entropy bonus, >= 0.

    Returns:
        The objective.
    """
    weights = (_finite("c1", c1), _finite("c2", c2))
    if min(weights) < 0:
        raise ValueError(f"c1 and c2 must be >= 0, got {c1!r} and {c2!r}")
    return (
        _finite("clip_term", clip_term)
        - weights[0] * _finite("value_term", value_term)
        + weights[1] * _finite("entropy", entropy)
    )


# --- KL ----------------------------------------------------------------------------------------


def kl_estimate(
    logp: ArrayLike, logp_ref: ArrayLike, kind: str = "k1"
) -> float | tuple[float, ...]:
    """Schulman's per-token estimate of KL[pi, pi_ref] from a token sampled from pi.

    With ``log r = logp_ref - logp``: k1 = -log r (unbiased, negative for some tokens),
    k2 = (log r)^2 / 2 (biased, low variance, never negative), k3 = (r - 1) - log r
    (unbiased and never negative). GRPO's KL term is k3 (DeepSeekMath eq. 4).

    Args:
        logp: Log-probability of each sampled token under the policy pi.
        logp_ref: Its log-probability under the reference model, the same length.
        kind: ``"k1"``, ``"k2"`` or ``"k3"``.

    Returns:
        The estimate per token: a float for scalar inputs.
    """
    policy, reference = _pair("logp", logp, "logp_ref", logp_ref)
    one_of("kind", kind, KL_ESTIMATORS)
    log_r = reference - policy
    if kind == "k1":
        values = -log_r
    elif kind == "k2":
        values = 0.5 * log_r**2
    else:
        values = np.expm1(log_r) - log_r
    return _out(logp, values + 0.0)  # + 0.0 turns -0.0 (equal log-probabilities) into 0.0


def sequence_kl(logp: ArrayLike, logp_ref: ArrayLike, kind: str = "k1") -> float:
    """A completion's KL estimate: the sum of its per-token estimates.

    Args:
        logp: Per-token log-probabilities under the policy.
        logp_ref: Per-token log-probabilities under the reference, the same length.
        kind: ``"k1"``, ``"k2"`` or ``"k3"``.

    Returns:
        The summed estimate in nats.
    """
    per_token = kl_estimate(_vector("logp", logp), _vector("logp_ref", logp_ref), kind)
    assert isinstance(per_token, tuple)
    return float(sum(per_token))


def expected_kl_estimate(policy_probs: ArrayLike, ref_probs: ArrayLike, kind: str = "k1") -> float:
    """The mean of an estimator over tokens drawn from the policy, computed exactly.

    ``sum_y pi(y) k(y)`` over a small vocabulary: it equals ``exact_kl(pi, pi_ref)`` for the
    unbiased k1 and k3 and differs for k2, which is how Schulman's note compares them.

    Args:
        policy_probs: The policy's probabilities over the vocabulary, each > 0, summing to 1.
        ref_probs: The reference model's probabilities, each > 0, summing to 1.
        kind: ``"k1"``, ``"k2"`` or ``"k3"``.

    Returns:
        The estimator's expectation in nats.
    """
    policy, reference = _pair("policy_probs", policy_probs, "ref_probs", ref_probs)
    for name, dist in (("policy_probs", policy), ("ref_probs", reference)):
        if np.any(dist <= 0) or abs(float(dist.sum()) - 1.0) > 1e-9:
            raise ValueError(f"{name} must be > 0 and sum to 1, got {dist.tolist()!r}")
    per_token = kl_estimate(np.log(policy), np.log(reference), kind)
    assert isinstance(per_token, tuple)
    return float(np.dot(policy, per_token))


def exact_kl(p: ArrayLike, q: ArrayLike) -> float:
    """KL[p, q] = sum p log(p / q) of two discrete distributions, in nats.

    Args:
        p: Probabilities, summing to 1.
        q: Probabilities over the same outcomes, > 0 wherever p > 0.

    Returns:
        The divergence, >= 0.
    """
    first, second = _pair("p", p, "q", q)
    for name, dist in (("p", first), ("q", second)):
        if np.any(dist < 0) or abs(float(dist.sum()) - 1.0) > 1e-9:
            raise ValueError(f"{name} must be a probability distribution, got {dist.tolist()!r}")
    support = first > 0
    if np.any(second[support] == 0):
        raise ValueError("q must be > 0 wherever p > 0")
    return float(np.sum(first[support] * np.log(first[support] / second[support])))


def kl_penalised_rewards(
    score: float,
    logp: ArrayLike,
    logp_ref: ArrayLike,
    beta: float,
    kind: str = "k1",
) -> tuple[float, ...]:
    """Per-token rewards for PPO: ``-beta * KL_t`` on every token, plus the score on the last.

    This is how Ziegler et al. 2019 (``compute_rewards``) and TRL's PPO trainer spread
    ``R = r - beta KL`` over a completion; their sum is ``score - beta * sequence_kl``.

    Args:
        score: The reward model's score of the whole completion.
        logp: Per-token log-probabilities under the policy.
        logp_ref: Per-token log-probabilities under the reference model.
        beta: The KL coefficient, >= 0.
        kind: The per-token estimator, ``"k1"`` (InstructGPT, TRL's default) or ``"k3"``.

    Returns:
        One reward per token.
    """
    coefficient = _finite("beta", beta)
    if coefficient < 0:
        raise ValueError(f"beta must be >= 0, got {beta!r}")
    per_token = kl_estimate(_vector("logp", logp), _vector("logp_ref", logp_ref), kind)
    assert isinstance(per_token, tuple)
    rewards = [-coefficient * k + 0.0 for k in per_token]  # + 0.0: no -0.0 for equal tokens
    rewards[-1] += _finite("score", score)
    return tuple(rewards)


def adaptive_kl_step(
    beta: float, kl: float, target: float, gain: float = ADAPTIVE_KL_GAIN
) -> float:
    """One update of Ziegler et al.'s adaptive KL coefficient (section 2.2).

    ``e = clip((KL - KL_target) / KL_target, -0.2, 0.2)`` and ``beta' = beta (1 + K e)``.
    Their code (``AdaptiveKLController``) uses ``K = batch size / horizon``.

    Args:
        beta: The current coefficient, > 0.
        kl: The KL measured on the last batch, >= 0.
        target: The KL to aim for, > 0.
        gain: The controller's gain K_beta, > 0 (0.1 in the paper).

    Returns:
        The next coefficient.
    """
    current = positive_number("beta", beta)
    measured = _finite("kl", kl)
    goal = positive_number("target", target)
    k = positive_number("gain", gain)
    error = float(np.clip((measured - goal) / goal, -ADAPTIVE_KL_CLIP, ADAPTIVE_KL_CLIP))
    return current * (1 + k * error)


# --- DPO ---------------------------------------------------------------------------------------


def optimal_policy(ref_probs: ArrayLike, rewards: ArrayLike, beta: float) -> tuple[float, ...]:
    """The maximiser of ``E[r] - beta KL[pi, pi_ref]`` over a discrete set (DPO eq. 4).

    ``pi*(y) = pi_ref(y) exp(r(y) / beta) / Z``, with Z the sum that normalises it.

    Args:
        ref_probs: The reference model's probabilities of each completion, summing to 1.
        rewards: The reward of each completion, the same length.
        beta: The KL coefficient, > 0.

    Returns:
        The optimal policy's probabilities.
    """
    ref, reward = _pair("ref_probs", ref_probs, "rewards", rewards)
    if np.any(ref <= 0) or abs(float(ref.sum()) - 1.0) > 1e-9:
        raise ValueError(f"ref_probs must be > 0 and sum to 1, got {ref.tolist()!r}")
    logits = np.log(ref) + reward / positive_number("beta", beta)
    weights = np.exp(logits - logits.max())
    return tuple(float(w) for w in weights / weights.sum())


def dpo_implicit_reward(
    logp: ArrayLike, logp_ref: ArrayLike, beta: float = 0.1
) -> float | tuple[float, ...]:
    """DPO's implicit reward ``beta log(pi(y|x) / pi_ref(y|x))`` of a completion (eq. 5).

    The true reward equals it plus ``beta log Z(x)``, which is the same for every completion
    of a prompt and cancels in a comparison. TRL logs it as ``rewards/chosen`` and
    ``rewards/rejected``.

    Args:
        logp: The completion's summed log-probability under the policy.
        logp_ref: Its summed log-probability under the reference model.
        beta: DPO's beta, > 0 (TRL's default is 0.1).

    Returns:
        The implicit reward: a float for scalar inputs.
    """
    policy, reference = _pair("logp", logp, "logp_ref", logp_ref)
    return _out(logp, positive_number("beta", beta) * (policy - reference))


def implicit_rewards(
    policy_probs: ArrayLike, ref_probs: ArrayLike, beta: float
) -> tuple[float, ...]:
    """DPO's implicit rewards ``beta log(pi(y) / pi_ref(y))`` from probabilities.

    Convenient for a small set of completions, as in :func:`optimal_policy`: applied to the
    optimal policy it returns the true rewards minus ``beta log Z``.

    Args:
        policy_probs: The policy's probability of each completion, each > 0.
        ref_probs: The reference model's probabilities, each > 0, the same length.
        beta: DPO's beta, > 0.

    Returns:
        One implicit reward per completion.
    """
    policy, reference = _pair("policy_probs", policy_probs, "ref_probs", ref_probs)
    if np.any(policy <= 0) or np.any(reference <= 0):
        raise ValueError("policy_probs and ref_probs must be > 0")
    b = positive_number("beta", beta)
    return tuple(float(v) for v in b * (np.log(policy) - np.log(reference)))


def dpo_loss(
    logp_chosen: float,
    logp_ref_chosen: float,
    logp_rejected: float,
    logp_ref_rejected: float,
    beta: float = 0.1,
) -> float:
    """DPO's loss for one preference pair (eq. 7).

    ``-log sigmoid(beta [log pi(y_w)/pi_ref(y_w) - log pi(y_l)/pi_ref(y_l)])``: the reward-model
    loss with the implicit rewards in place of a reward model's scores.

    Args:
        logp_chosen: Summed log-probability of the preferred completion under the policy.
        logp_ref_chosen: The same under the reference model.
        logp_rejected: Summed log-probability of the rejected completion under the policy.
        logp_ref_rejected: The same under the reference model.
        beta: DPO's beta, > 0.

    Returns:
        The loss in nats; ``ln 2`` when the policy equals the reference.
    """
    b = positive_number("beta", beta)
    chosen = _finite("logp_chosen", logp_chosen) - _finite("logp_ref_chosen", logp_ref_chosen)
    rejected = _finite("logp_rejected", logp_rejected) - _finite(
        "logp_ref_rejected", logp_ref_rejected
    )
    margin = b * (chosen - rejected)
    return -log_sigmoid(margin)


# --- GRPO, over-optimisation and pass@k ---------------------------------------------------------


def grpo_advantages(rewards: ArrayLike, scale: bool = True, ddof: int = 0) -> tuple[float, ...]:
    """GRPO's outcome advantages for one group: ``(r_i - mean(r)) / std(r)``.

    DeepSeekMath (section 4.1.2) gives every token of completion i this advantage; no value
    model is needed. A group whose rewards are all equal carries no signal: its advantages
    are 0. TRL uses the sample standard deviation (``ddof=1``) and adds 1e-4 to it.

    Args:
        rewards: The rewards of the G >= 2 completions sampled for one prompt.
        scale: Divide by the group's standard deviation (False: only subtract the mean, as
            Dr. GRPO and TRL's ``scale_rewards="none"`` do).
        ddof: 0 for the population standard deviation, 1 for the sample one.

    Returns:
        One advantage per completion.
    """
    reward = _vector("rewards", rewards)
    if reward.size < 2:
        raise ValueError(f"rewards must hold a group of at least 2 completions, got {rewards!r}")
    if ddof not in (0, 1):
        raise ValueError(f"ddof must be 0 or 1, got {ddof!r}")
    centred = reward - reward.mean()
    std = float(reward.std(ddof=ddof))
    if scale:
        centred = centred / std if std > 0 else np.zeros_like(centred)
    return tuple(float(a) for a in centred)


def gold_reward_rl(d: ArrayLike, alpha: float, beta: float) -> float | tuple[float, ...]:
    """Gao et al.'s gold reward after RL against a proxy: ``d (alpha - beta log d)``.

    ``d = sqrt(KL[pi, pi_init])``; ``R(0) = 0``. The coefficients depend on the reward model
    and its data (the paper fits them); pass illustrative values.

    Args:
        d: Square root of the KL from the initial policy, >= 0.
        alpha: The fitted alpha_RL.
        beta: The fitted beta_RL, > 0.

    Returns:
        The gold reward gain over the initial policy.
    """
    root = _vector("d", d)
    if np.any(root < 0):
        raise ValueError(f"d must be >= 0, got {d!r}")
    a, b = _finite("alpha", alpha), positive_number("beta", beta)
    safe = np.where(root > 0, root, 1.0)
    gains = np.where(root > 0, root * (a - b * np.log(safe)), 0.0)
    return _out(d, gains)


def gold_reward_rl_peak(alpha: float, beta: float) -> float:
    """Where ``d (alpha - beta log d)`` peaks: ``d* = exp(alpha / beta - 1)``.

    Past d* more optimisation against the proxy lowers the gold reward (over-optimisation).

    Args:
        alpha: The fitted alpha_RL.
        beta: The fitted beta_RL, > 0.

    Returns:
        The peak d*; the KL there is its square.
    """
    return math.exp(_finite("alpha", alpha) / positive_number("beta", beta) - 1)


def best_of_n_kl(n: int) -> float:
    """KL from the base policy of best-of-n sampling: ``log n - (n - 1) / n`` (Gao et al.).

    Args:
        n: Samples drawn per prompt, >= 1.

    Returns:
        The KL in nats.
    """
    count = positive_int("n", n)
    return math.log(count) - (count - 1) / count


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k from n samples of which c are correct: ``1 - C(n-c, k) / C(n, k)``.

    Chen et al. 2021, equation 1. With k = 1 it is c / n, the "pass@1 averaged over n
    samples" that DeepSeek-R1 reports.

    Args:
        n: Samples drawn, >= 1.
        c: Correct samples, 0 <= c <= n.
        k: Attempts allowed, 1 <= k <= n.

    Returns:
        The estimated probability that at least one of k samples is correct.
    """
    total = positive_int("n", n)
    attempts = positive_int("k", k)
    if isinstance(c, bool) or not isinstance(c, int) or not 0 <= c <= total:
        raise ValueError(f"c must be an integer from 0 to n = {total}, got {c!r}")
    if attempts > total:
        raise ValueError(f"k must be at most n = {total}, got {k!r}")
    if total - c < attempts:
        return 1.0
    return 1.0 - math.comb(total - c, attempts) / math.comb(total, attempts)


# What computed numbers in the notes may name (see genai_notes.calc).
__all__ = [
    "ADAPTIVE_KL_CLIP",
    "ADAPTIVE_KL_GAIN",
    "KL_ESTIMATORS",
    "adaptive_kl_step",
    "best_of_n_kl",
    "clipped_surrogate",
    "comparisons_per_prompt",
    "dpo_implicit_reward",
    "dpo_loss",
    "exact_kl",
    "expected_kl_estimate",
    "gae",
    "gold_reward_rl",
    "gold_reward_rl_peak",
    "grpo_advantages",
    "implicit_rewards",
    "is_clipped",
    "kl_estimate",
    "kl_penalised_rewards",
    "log_sigmoid",
    "optimal_policy",
    "pairwise_accuracy",
    "pass_at_k",
    "ppo_objective",
    "preference_probability",
    "ranking_loss",
    "reward_model_loss",
    "sequence_kl",
    "sigmoid",
    "value_loss",
]

"""Next-token sampling: softmax, temperature, top-k, top-p, greedy and random draws.

The pipeline follows Hugging Face transformers' ``generate`` with ``do_sample=True``:
``TemperatureLogitsWarper``, then ``TopKLogitsWarper``, then ``TopPLogitsWarper``
(``transformers/generation/logits_process.py``), then a softmax over what is left.
Each warper works on logits and marks removed tokens with ``-inf``, so after the final
softmax a removed token has probability exactly 0.0 and the kept ones sum to 1.

Two deliberate, documented differences from that code:

* Top-p is computed the way it is usually stated: keep the smallest set of most likely
  tokens whose cumulative probability reaches ``top_p``, including the token that crosses
  it. Hugging Face computes the same set from the other end (it sorts ascending and drops
  tokens whose cumulative probability is ``<= 1 - top_p``); the two agree except when a
  cumulative sum lands exactly on the threshold, where Hugging Face's ``1 - top_p`` rounding
  can keep one extra token (for probabilities 0.5, 0.3, 0.2 and ``top_p=0.8`` it keeps all
  three, this module keeps two). "Reaches" allows a few ulps of rounding
  (:func:`top_p_tolerance`): probabilities 0.5 and 0.3 computed from logits sum to a hair
  under 0.8, and still stop the set at two tokens for ``top_p=0.8``. Ties in probability are
  broken by the lower token index.
* ``top_p=1.0`` keeps every token, as in ``generate``, which skips the warper at 1.0.

All arrays are 1-D float64 over the vocabulary.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real

import numpy as np
from numpy.typing import ArrayLike, NDArray

from genai_notes.science._validate import positive_int, positive_number

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class SamplingStages:
    """Every intermediate distribution of :func:`next_token_probs`, for plotting.

    Attributes:
        logits: The input logits, as float64.
        scaled_logits: ``logits / temperature``.
        probs: ``softmax(scaled_logits)``: the distribution before any filtering.
        kept_top_k: Mask of the tokens top-k keeps (all True when ``top_k`` is None).
        after_top_k: The distribution renormalised over ``kept_top_k``; this is the
            distribution top-p sees, as in Hugging Face's warper chain.
        kept: Mask of the tokens that survive both filters.
        after_top_p: The distribution renormalised over ``kept``.
        final: The distribution to sample from (the same array as ``after_top_p``).
        temperature: The temperature used.
        top_k: The top-k used, or None.
        top_p: The top-p used, or None.
    """

    logits: FloatArray
    scaled_logits: FloatArray
    probs: FloatArray
    kept_top_k: BoolArray
    after_top_k: FloatArray
    kept: BoolArray
    after_top_p: FloatArray
    final: FloatArray
    temperature: float
    top_k: int | None
    top_p: float | None


def _check_logits(logits: ArrayLike) -> FloatArray:
    """Return logits as a 1-D float64 array, refusing what cannot be normalised.

    ``-inf`` is allowed (a masked token); NaN and ``+inf`` are not, and at least one
    logit must be finite.
    """
    array = np.array(logits, dtype=np.float64)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"logits must be a non-empty 1-D array, got shape {array.shape}")
    if np.any(np.isnan(array)) or np.any(array == np.inf):
        raise ValueError("logits must be finite or -inf (no NaN or +inf values)")
    if not np.any(np.isfinite(array)):
        raise ValueError("logits must contain at least one finite value, got only -inf")
    return array


def _check_temperature(temperature: object) -> float:
    return positive_number("temperature", temperature)


def _check_top_k(top_k: object) -> int | None:
    return None if top_k is None else positive_int("top_k", top_k)


def _check_top_p(top_p: object) -> float | None:
    if top_p is None:
        return None
    if isinstance(top_p, bool) or not isinstance(top_p, Real):
        raise ValueError(f"top_p must be in (0, 1], got {top_p!r}")
    checked = float(top_p)
    if not 0 < checked <= 1:  # also refuses NaN
        raise ValueError(f"top_p must be in (0, 1], got {top_p!r}")
    return checked


def _scale(logits: FloatArray, temperature: float) -> FloatArray:
    """Divide checked logits by the temperature, refusing an overflow to +inf."""
    with np.errstate(over="ignore"):
        scaled = logits / temperature
    if np.any(scaled == np.inf):
        raise ValueError(
            f"logits / temperature overflowed to +inf; use a temperature above {temperature!r}"
        )
    return scaled


def _softmax(scaled: FloatArray) -> FloatArray:
    """Softmax of already-checked logits; ``-inf`` entries get exactly 0.0."""
    shifted = scaled - np.max(scaled)
    weights = np.exp(shifted)
    result: FloatArray = weights / np.sum(weights)
    return result


def softmax(logits: ArrayLike, temperature: float = 1.0) -> FloatArray:
    """Turn logits into probabilities, ``exp(z_i / T) / sum_j exp(z_j / T)``.

    Stable: the largest scaled logit is subtracted before exponentiating, so large
    logits do not overflow. ``-inf`` logits get probability exactly 0.0.

    Args:
        logits: 1-D logits over the vocabulary.
        temperature: T > 0. Below 1 sharpens the distribution, above 1 flattens it.

    Returns:
        A float64 array of probabilities that sums to 1.

    Raises:
        ValueError: If the logits are empty, not 1-D, contain NaN or +inf, or are all
            -inf, or if the temperature is not a finite number > 0.
    """
    array = _check_logits(logits)
    return _softmax(_scale(array, _check_temperature(temperature)))


def _top_k_mask(scaled: FloatArray, top_k: int | None) -> BoolArray:
    """Keep every token whose logit is >= the k-th largest (ties may keep more than k).

    Same rule as Hugging Face's ``TopKLogitsWarper``, which removes
    ``scores < torch.topk(scores, top_k)[0][..., -1]``.
    """
    if top_k is None or top_k >= scaled.size:
        return np.ones(scaled.size, dtype=np.bool_)
    kth_largest = np.partition(scaled, scaled.size - top_k)[scaled.size - top_k]
    mask: BoolArray = scaled >= kth_largest
    return mask


TOP_P_ULPS = 8
"""How many units in the last place of ``top_p`` a cumulative probability may fall short of
``top_p`` and still count as reaching it (see :func:`top_p_tolerance`)."""


def top_p_tolerance(top_p: float) -> float:
    """The slack in "the cumulative probability reaches ``top_p``": :data:`TOP_P_ULPS` ulps.

    A sum of rounded probabilities that should equal ``top_p`` exactly lands within a few
    ulps of it, on either side; a mass this close to ``top_p`` is treated as reaching it.

    Args:
        top_p: The threshold, in (0, 1].

    Returns:
        ``TOP_P_ULPS * numpy.spacing(top_p)``.
    """
    return TOP_P_ULPS * float(np.spacing(top_p))


def _top_p_mask(probs: FloatArray, top_p: float | None) -> BoolArray:
    """Keep the smallest most-likely set whose cumulative probability reaches ``top_p``.

    A token is kept when the probability of the tokens ranked before it is still below
    ``top_p`` (by more than :func:`top_p_tolerance`), which keeps the token that crosses the
    threshold and always the first one.
    """
    if top_p is None or top_p == 1.0:
        return np.ones(probs.size, dtype=np.bool_)
    order = np.argsort(-probs, kind="stable")
    ranked = probs[order]
    mass_before = np.cumsum(ranked) - ranked
    # "Reaches p" with a tolerance of a few ulps: softmax outputs and their running sum carry
    # rounding, so 0.5 + 0.3 taken from logits can land a hair below 0.8 and would otherwise
    # keep a third token the stated rule does not keep.
    keep_ranked = mass_before < top_p - top_p_tolerance(top_p)
    keep_ranked[0] = True
    mask = np.zeros(probs.size, dtype=np.bool_)
    mask[order] = keep_ranked
    return mask


def _masked_softmax(scaled: FloatArray, mask: BoolArray) -> FloatArray:
    return _softmax(np.where(mask, scaled, -np.inf))


def stages(
    logits: ArrayLike,
    *,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
) -> SamplingStages:
    """Run temperature, top-k and top-p and keep every intermediate result.

    Args:
        logits: 1-D logits over the vocabulary.
        temperature: T > 0, applied first.
        top_k: Keep the tokens whose scaled logit is >= the k-th largest; None keeps all.
        top_p: Then keep the smallest most-likely set whose probability reaches top_p,
            in (0, 1]; None or 1.0 keeps all.

    Returns:
        The stages, ending with the distribution to sample from.

    Raises:
        ValueError: On bad logits, ``temperature <= 0``, ``top_k`` not an integer >= 1,
            or ``top_p`` outside (0, 1]. The message names the parameter and its range.
    """
    array = _check_logits(logits)
    checked_t = _check_temperature(temperature)
    checked_k = _check_top_k(top_k)
    checked_p = _check_top_p(top_p)
    scaled = _scale(array, checked_t)
    kept_top_k = _top_k_mask(scaled, checked_k) & np.isfinite(scaled)
    after_top_k = _masked_softmax(scaled, kept_top_k)
    kept = _top_p_mask(after_top_k, checked_p) & kept_top_k
    after_top_p = _masked_softmax(scaled, kept)
    return SamplingStages(
        logits=array,
        scaled_logits=scaled,
        probs=_softmax(scaled),
        kept_top_k=kept_top_k,
        after_top_k=after_top_k,
        kept=kept,
        after_top_p=after_top_p,
        final=after_top_p,
        temperature=checked_t,
        top_k=checked_k,
        top_p=checked_p,
    )


def next_token_probs(
    logits: ArrayLike,
    *,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
) -> FloatArray:
    """The distribution ``generate(do_sample=True)`` samples the next token from.

    Temperature, then top-k, then top-p, then renormalise; removed tokens get exactly 0.0.
    See :func:`stages` for the arguments and the module docstring for how top-p treats a
    cumulative sum that lands exactly on the threshold.

    Args:
        logits: 1-D logits over the vocabulary.
        temperature: T > 0.
        top_k: Integer >= 1, or None to keep all tokens.
        top_p: In (0, 1], or None to keep all tokens.

    Returns:
        A float64 probability array that sums to 1.

    Raises:
        ValueError: On bad logits or parameters outside their ranges.
    """
    return stages(logits, temperature=temperature, top_k=top_k, top_p=top_p).final


def greedy(logits: ArrayLike) -> int:
    """Greedy decoding: the index of the largest logit.

    At ties the first (lowest) index wins, as ``numpy.argmax`` and ``torch.argmax`` do.

    Args:
        logits: 1-D logits (or probabilities: the argmax is the same).

    Returns:
        The chosen token index.

    Raises:
        ValueError: On empty, non-1-D, NaN, +inf or all -inf input.
    """
    return int(np.argmax(_check_logits(logits)))


def _check_probs(probs: ArrayLike) -> FloatArray:
    array = np.array(probs, dtype=np.float64)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"probs must be a non-empty 1-D array, got shape {array.shape}")
    if not np.all(np.isfinite(array)) or np.any(array < 0):
        raise ValueError("probs must be finite and >= 0")
    total = float(np.sum(array))
    if not math.isclose(total, 1.0, rel_tol=0.0, abs_tol=1e-6):
        raise ValueError(f"probs must sum to 1 (within 1e-6), got a sum of {total!r}")
    return array


def sample(probs: ArrayLike, rng: np.random.Generator) -> int:
    """Draw one token index from ``probs`` by inverting the cumulative distribution.

    One ``rng.random()`` per draw, so a seeded generator gives reproducible sequences.
    A token with probability 0.0 is never drawn.

    Args:
        probs: 1-D probabilities, non-negative, summing to 1 (within 1e-6).
        rng: The random generator, e.g. ``numpy.random.default_rng(0)``.

    Returns:
        The drawn token index.

    Raises:
        ValueError: If ``probs`` is not a valid distribution.
    """
    array = _check_probs(probs)
    cumulative = np.cumsum(array)
    target = rng.random() * cumulative[-1]
    index = int(np.searchsorted(cumulative, target, side="right"))
    # Rounding can put the target at the very top of the CDF; fall back to the last
    # token that has any probability.
    last_possible = int(np.flatnonzero(array > 0)[-1])
    return min(index, last_possible)


def entropy(probs: ArrayLike, base: float = math.e) -> float:
    """Shannon entropy ``-sum p log p`` of a distribution.

    In nats by default; ``base=2`` gives bits. Zero-probability tokens contribute 0.

    Args:
        probs: 1-D probabilities, non-negative, summing to 1 (within 1e-6).
        base: Logarithm base, a finite number > 0 other than 1.

    Returns:
        The entropy, >= 0.

    Raises:
        ValueError: If ``probs`` is not a valid distribution or ``base`` is invalid.
    """
    array = _check_probs(probs)
    checked_base = positive_number("base", base)
    if checked_base == 1.0:
        raise ValueError("base must be a finite number > 0 other than 1, got 1.0")
    nonzero = array[array > 0]
    nats = float(-np.sum(nonzero * np.log(nonzero)))
    return max(nats, 0.0) / math.log(checked_base)


def kept_count(
    logits: ArrayLike,
    *,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
) -> int:
    """How many tokens keep a probability above zero after temperature, top-k and top-p.

    Args:
        logits: 1-D logits over the vocabulary.
        temperature: T > 0.
        top_k: Integer >= 1, or None to keep all tokens.
        top_p: In (0, 1], or None to keep all tokens.

    Returns:
        The number of surviving tokens (``-inf`` logits never survive).

    Raises:
        ValueError: On bad logits or parameters outside their ranges.
    """
    kept = stages(logits, temperature=temperature, top_k=top_k, top_p=top_p).kept
    return int(np.count_nonzero(kept))


def draw_from_uniform(probs: ArrayLike, u: float) -> int:
    """The token that inverse-CDF sampling draws for a given uniform number ``u``.

    The token is the first whose cumulative probability exceeds ``u``; this is what
    :func:`sample` does once ``rng.random()`` has returned ``u``, so a problem can give the
    random number and ask which token comes out.

    Args:
        probs: 1-D probabilities, non-negative, summing to 1 (within 1e-6).
        u: The uniform random number, in [0, 1).

    Returns:
        The drawn token index (a token with probability 0.0 is never drawn).

    Raises:
        ValueError: If ``probs`` is not a valid distribution or ``u`` is outside [0, 1).
    """
    array = _check_probs(probs)
    if isinstance(u, bool) or not isinstance(u, Real) or not 0.0 <= float(u) < 1.0:
        raise ValueError(f"u must be a number in [0, 1), got {u!r}")
    cumulative = np.cumsum(array)
    index = int(np.searchsorted(cumulative, float(u) * cumulative[-1], side="right"))
    return min(index, int(np.flatnonzero(array > 0)[-1]))


# What computed numbers in the notes may name (see genai_notes.calc).
__all__ = [
    "draw_from_uniform",
    "entropy",
    "greedy",
    "kept_count",
    "next_token_probs",
    "sample",
    "softmax",
    "stages",
]

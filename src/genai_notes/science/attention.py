"""Scaled dot-product attention, one stage at a time.

Vaswani et al. 2017, "Attention Is All You Need" (arXiv 1706.03762), section 3.2.1, eq. 1:
``Attention(Q, K, V) = softmax(Q K^T / sqrt(d_k)) V``; a decoder masks the scores of later
positions to minus infinity before the softmax (section 3.2.3), so each token attends only to
itself and the tokens before it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class AttentionSteps:
    """Every intermediate matrix of one attention head.

    Attributes:
        scores: ``Q K^T``, one row per query token, one column per key token.
        scaled: The scores divided by ``sqrt(d_k)``.
        masked: The scaled scores with later positions at minus infinity (causal), or equal
            to ``scaled`` without a mask.
        weights: The row-wise softmax of ``masked``: each row sums to 1.
        output: ``weights V``, one row per query token.
        d_k: Width of a query and key vector.
    """

    scores: FloatArray
    scaled: FloatArray
    masked: FloatArray
    weights: FloatArray
    output: FloatArray
    d_k: int


def _matrix(name: str, value: ArrayLike) -> FloatArray:
    array = np.asarray(value, dtype=np.float64)
    if array.ndim != 2 or array.size == 0:
        raise ValueError(f"{name} must be a non-empty 2-D matrix, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must hold finite numbers")
    return array


def attention_steps(
    queries: ArrayLike, keys: ArrayLike, values: ArrayLike, causal: bool = True
) -> AttentionSteps:
    """Scores, scaling, mask, softmax and weighted values of one attention head.

    Args:
        queries: ``Q``, one row of width ``d_k`` per token.
        keys: ``K``, one row of width ``d_k`` per token (as many rows as ``values``).
        values: ``V``, one row of width ``d_v`` per token.
        causal: Mask each query's later keys (a decoder's self-attention); needs as many
            queries as keys.

    Returns:
        The intermediate matrices.

    Raises:
        ValueError: For shapes that do not match or numbers that are not finite.
    """
    q, k, v = _matrix("queries", queries), _matrix("keys", keys), _matrix("values", values)
    if q.shape[1] != k.shape[1]:
        raise ValueError(f"queries and keys must have the same width, got {q.shape} and {k.shape}")
    if k.shape[0] != v.shape[0]:
        raise ValueError(f"keys and values need one row per token, got {k.shape} and {v.shape}")
    if causal and q.shape[0] != k.shape[0]:
        raise ValueError("a causal mask needs as many queries as keys")
    d_k = int(q.shape[1])
    scores = q @ k.T
    scaled = scores / math.sqrt(d_k)
    masked = scaled.copy()
    if causal:
        masked[np.triu(np.ones_like(masked, dtype=bool), k=1)] = -np.inf
    shifted = np.exp(masked - masked.max(axis=1, keepdims=True))
    weights = shifted / shifted.sum(axis=1, keepdims=True)
    return AttentionSteps(scores, scaled, masked, weights, weights @ v, d_k)


# The notes' decoder example: four tokens, d_k = 4 so the scaling divides by 2.
EXAMPLE_QUERIES = (
    (1.0, 0.0, 1.0, 0.0),
    (0.0, 1.0, 0.0, 1.0),
    (1.0, 1.0, 0.0, 0.0),
    (0.0, 0.0, 1.0, 1.0),
)
EXAMPLE_KEYS = (
    (1.0, 0.0, 0.0, 0.0),
    (0.0, 1.0, 1.0, 0.0),
    (1.0, 1.0, 1.0, 1.0),
    (0.0, 0.0, 0.0, 1.0),
)
EXAMPLE_VALUES = (
    (2.0, 0.0, 1.0, 0.0),
    (0.0, 2.0, 0.0, 1.0),
    (1.0, 1.0, 0.0, 0.0),
    (0.0, 0.0, 2.0, 2.0),
)


def example_steps() -> AttentionSteps:
    """The stages of the notes' causal example (``EXAMPLE_QUERIES``, ``_KEYS``, ``_VALUES``),
    which the walkthrough in ``docs/week1/transformers.md`` draws and its captions quote."""
    return attention_steps(EXAMPLE_QUERIES, EXAMPLE_KEYS, EXAMPLE_VALUES, causal=True)


__all__ = ["AttentionSteps", "attention_steps", "example_steps"]

"""The model's layers as pairs of pure numpy functions: `*_forward` returns the output and
what the backward pass needs; `*_backward` takes the output's gradient and returns the
inputs' and parameters' gradients. Each pair is checked against finite differences in
`tests/unit/test_tinylm_layers.py`.

The functions keep the dtype they are given: training runs in float32 (half the memory
traffic and twice the SIMD width of float64, and the loss needs no more), the gradient checks
and the reference logits the browser is compared with run in float64.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

Array = NDArray[Any]

__all__ = [
    "attention_backward",
    "attention_forward",
    "cross_entropy_backward",
    "cross_entropy_forward",
    "rmsnorm_backward",
    "rmsnorm_forward",
    "rope_angles",
    "rope_backward",
    "rope_forward",
    "swiglu_backward",
    "swiglu_forward",
]


def rmsnorm_forward(x: Array, gain: Array, eps: float) -> tuple[Array, tuple[Array, Array]]:
    """RMSNorm over the last axis: `x / sqrt(mean(x²) + eps) * gain`."""
    inv_rms = 1.0 / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps)
    normed = x * inv_rms
    return normed * gain, (normed, inv_rms)


def rmsnorm_backward(dy: Array, gain: Array, cache: tuple[Array, Array]) -> tuple[Array, Array]:
    """Gradients of RMSNorm with respect to its input and its gain."""
    normed, inv_rms = cache
    dgain = np.sum(dy * normed, axis=tuple(range(dy.ndim - 1)))
    dnormed = dy * gain
    dx = inv_rms * (dnormed - normed * np.mean(dnormed * normed, axis=-1, keepdims=True))
    return dx, dgain


def rope_angles(length: int, head_dim: int, base: float, dtype: Any) -> tuple[Array, Array]:
    """Cosines and sines of rotary position embeddings, each `(length, head_dim / 2)`.

    Position `t` rotates the pair `(x[i], x[i + head_dim/2])` by `t * base^(-2i/head_dim)`,
    the "rotate half" layout of GPT-NeoX and LLaMA.
    """
    freqs = base ** (-np.arange(0, head_dim, 2, dtype=np.float64) / head_dim)
    angles = np.arange(length, dtype=np.float64)[:, None] * freqs[None, :]
    return np.cos(angles).astype(dtype), np.sin(angles).astype(dtype)


def rope_forward(x: Array, cos: Array, sin: Array) -> Array:
    """Rotate `x` of shape `(..., T, head_dim)` by the angles of positions `0..T-1`."""
    half = x.shape[-1] // 2
    x1, x2 = x[..., :half], x[..., half:]
    return np.concatenate((x1 * cos - x2 * sin, x2 * cos + x1 * sin), axis=-1)


def rope_backward(dy: Array, cos: Array, sin: Array) -> Array:
    """A rotation's gradient is the inverse rotation of the output's gradient."""
    half = dy.shape[-1] // 2
    d1, d2 = dy[..., :half], dy[..., half:]
    return np.concatenate((d1 * cos + d2 * sin, d2 * cos - d1 * sin), axis=-1)


def attention_forward(
    q: Array, k: Array, v: Array
) -> tuple[Array, tuple[Array, Array, Array, Array]]:
    """Causal scaled dot-product attention over `(B, H, T, head_dim)` queries, keys, values.

    Returns the output and a cache whose last item is the attention weights `(B, H, T, T)`.
    """
    length, head_dim = q.shape[-2], q.shape[-1]
    scores = (q @ np.swapaxes(k, -1, -2)) * (1.0 / np.sqrt(head_dim))
    future = np.triu(np.ones((length, length), dtype=bool), k=1)
    scores = np.where(future, -np.inf, scores)
    scores = scores - np.max(scores, axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights /= np.sum(weights, axis=-1, keepdims=True)
    return weights @ v, (q, k, v, weights)


def attention_backward(
    dout: Array, cache: tuple[Array, Array, Array, Array]
) -> tuple[Array, Array, Array]:
    """Gradients of causal attention with respect to queries, keys and values."""
    q, k, v, weights = cache
    dweights = dout @ np.swapaxes(v, -1, -2)
    dv = np.swapaxes(weights, -1, -2) @ dout
    dscores = weights * (dweights - np.sum(dweights * weights, axis=-1, keepdims=True))
    dscores *= 1.0 / np.sqrt(q.shape[-1])
    return dscores @ k, np.swapaxes(dscores, -1, -2) @ q, dv


def swiglu_forward(
    x: Array, w_gate: Array, w_up: Array, w_down: Array
) -> tuple[Array, tuple[Array, Array, Array, Array]]:
    """The SwiGLU MLP: `(silu(x W_gate) * (x W_up)) W_down`."""
    gate = x @ w_gate
    up = x @ w_up
    sig = 1.0 / (1.0 + np.exp(-gate))
    hidden = gate * sig * up
    return hidden @ w_down, (x, gate, up, sig)


def swiglu_backward(
    dy: Array, w_gate: Array, w_up: Array, w_down: Array, cache: tuple[Array, Array, Array, Array]
) -> tuple[Array, Array, Array, Array]:
    """Gradients of SwiGLU: `(dx, dw_gate, dw_up, dw_down)`."""
    x, gate, up, sig = cache
    silu = gate * sig
    hidden = silu * up
    dhidden = dy @ w_down.T
    dup = dhidden * silu
    dgate = dhidden * up * sig * (1.0 + gate * (1.0 - sig))
    x2 = x.reshape(-1, x.shape[-1])
    dw_gate = x2.T @ dgate.reshape(-1, dgate.shape[-1])
    dw_up = x2.T @ dup.reshape(-1, dup.shape[-1])
    dw_down = hidden.reshape(-1, hidden.shape[-1]).T @ dy.reshape(-1, dy.shape[-1])
    dx = dgate @ w_gate.T + dup @ w_up.T
    return dx, dw_gate, dw_up, dw_down


def cross_entropy_forward(logits: Array, targets: Array) -> tuple[float, tuple[Array, Array]]:
    """Mean next-token cross-entropy (nats) of `logits (..., V)` against integer `targets`."""
    shifted = logits - np.max(logits, axis=-1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))
    picked = np.take_along_axis(log_probs, targets[..., None], axis=-1)
    return float(-np.mean(picked)), (log_probs, targets)


def cross_entropy_backward(cache: tuple[Array, Array]) -> Array:
    """Gradient of the mean cross-entropy with respect to the logits."""
    log_probs, targets = cache
    dlogits = np.exp(log_probs)
    np.put_along_axis(
        dlogits,
        targets[..., None],
        np.take_along_axis(dlogits, targets[..., None], axis=-1) - 1.0,
        axis=-1,
    )
    return dlogits / targets.size

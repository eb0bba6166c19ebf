"""A decoder-only transformer in numpy: token embedding (tied to the output), then blocks of
pre-norm RMSNorm, causal multi-head attention with rotary position embeddings, pre-norm
RMSNorm and a SwiGLU MLP, each added to the residual stream, then a final RMSNorm.

`loss_and_grads` is one forward and backward pass over a batch; `forward` gives logits and
every layer's attention weights; `init_params` makes a seeded initialisation. Parameters are a
plain `dict[str, ndarray]` whose names (`PARAM_ORDER`) fix the layout of the weights file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from genai_notes.tinylm import layers
from genai_notes.tinylm.config import Hyperparameters
from genai_notes.tinylm.layers import Array

__all__ = [
    "Forward",
    "block_param_names",
    "forward",
    "init_params",
    "loss_and_grads",
    "param_count",
    "param_shapes",
]

Params = dict[str, Array]

_BLOCK_PARAMS = ("norm1", "wq", "wk", "wv", "wo", "norm2", "w_gate", "w_up", "w_down")


def block_param_names(layer: int) -> list[str]:
    """Names of block `layer`'s parameters, in file order."""
    return [f"layers.{layer}.{name}" for name in _BLOCK_PARAMS]


def param_shapes(hp: Hyperparameters, vocab_size: int) -> dict[str, tuple[int, ...]]:
    """Every parameter's shape, in file order."""
    d, f = hp.d_model, hp.d_ff
    block = {
        "norm1": (d,),
        "wq": (d, d),
        "wk": (d, d),
        "wv": (d, d),
        "wo": (d, d),
        "norm2": (d,),
        "w_gate": (d, f),
        "w_up": (d, f),
        "w_down": (f, d),
    }
    shapes: dict[str, tuple[int, ...]] = {"embed": (vocab_size, d)}
    for layer in range(hp.n_layers):
        for name in _BLOCK_PARAMS:
            shapes[f"layers.{layer}.{name}"] = block[name]
    shapes["norm_f"] = (d,)
    return shapes


def param_count(hp: Hyperparameters, vocab_size: int) -> int:
    """Number of trainable parameters (the output layer is tied to the embedding)."""
    return sum(int(np.prod(s)) for s in param_shapes(hp, vocab_size).values())


def init_params(hp: Hyperparameters, vocab_size: int, dtype: Any = np.float32) -> Params:
    """Seeded initialisation: gains of one, matrices normal with `init_std`, the two
    projections back into the residual stream scaled by `1/sqrt(2 n_layers)` (GPT-2's rule,
    so the stream's variance does not grow with depth)."""
    rng = np.random.default_rng(hp.seed)
    params: Params = {}
    for name, shape in param_shapes(hp, vocab_size).items():
        if len(shape) == 1:
            params[name] = np.ones(shape, dtype=dtype)
            continue
        std = hp.init_std
        if name.endswith((".wo", ".w_down")):
            std /= np.sqrt(2 * hp.n_layers)
        params[name] = (rng.standard_normal(shape) * std).astype(dtype)
    return params


@dataclass(frozen=True)
class Forward:
    """Logits `(B, T, V)` and attention weights, one `(B, H, T, T)` array per layer."""

    logits: Array
    attention: list[Array]


def _split_heads(x: Array, n_heads: int) -> Array:
    b, t, d = x.shape
    return x.reshape(b, t, n_heads, d // n_heads).transpose(0, 2, 1, 3)


def _merge_heads(x: Array) -> Array:
    b, h, t, dh = x.shape
    return x.transpose(0, 2, 1, 3).reshape(b, t, h * dh)


def _block_forward(
    x: Array, p: Params, prefix: str, hp: Hyperparameters, cos: Array, sin: Array
) -> tuple[Array, dict[str, Any]]:
    a_in, norm1_cache = layers.rmsnorm_forward(x, p[prefix + "norm1"], hp.norm_eps)
    q = layers.rope_forward(_split_heads(a_in @ p[prefix + "wq"], hp.n_heads), cos, sin)
    k = layers.rope_forward(_split_heads(a_in @ p[prefix + "wk"], hp.n_heads), cos, sin)
    v = _split_heads(a_in @ p[prefix + "wv"], hp.n_heads)
    heads, attn_cache = layers.attention_forward(q, k, v)
    merged = _merge_heads(heads)
    h = x + merged @ p[prefix + "wo"]
    m_in, norm2_cache = layers.rmsnorm_forward(h, p[prefix + "norm2"], hp.norm_eps)
    mlp, mlp_cache = layers.swiglu_forward(
        m_in, p[prefix + "w_gate"], p[prefix + "w_up"], p[prefix + "w_down"]
    )
    cache = {
        "a_in": a_in,
        "norm1": norm1_cache,
        "attn": attn_cache,
        "merged": merged,
        "norm2": norm2_cache,
        "mlp": mlp_cache,
    }
    return h + mlp, cache


def _block_backward(
    dout: Array,
    p: Params,
    prefix: str,
    hp: Hyperparameters,
    cos: Array,
    sin: Array,
    cache: dict[str, Any],
    grads: Params,
) -> Array:
    dm_in, dgate, dup, ddown = layers.swiglu_backward(
        dout, p[prefix + "w_gate"], p[prefix + "w_up"], p[prefix + "w_down"], cache["mlp"]
    )
    grads[prefix + "w_gate"], grads[prefix + "w_up"], grads[prefix + "w_down"] = (
        dgate,
        dup,
        ddown,
    )
    dh_norm, grads[prefix + "norm2"] = layers.rmsnorm_backward(
        dm_in, p[prefix + "norm2"], cache["norm2"]
    )
    dh = dout + dh_norm
    d = hp.d_model
    merged = cache["merged"].reshape(-1, d)
    grads[prefix + "wo"] = merged.T @ dh.reshape(-1, d)
    dheads = _split_heads(dh @ p[prefix + "wo"].T, hp.n_heads)
    dq, dk, dv = layers.attention_backward(dheads, cache["attn"])
    dq = _merge_heads(layers.rope_backward(dq, cos, sin))
    dk = _merge_heads(layers.rope_backward(dk, cos, sin))
    dv = _merge_heads(dv)
    a_in = cache["a_in"].reshape(-1, d)
    grads[prefix + "wq"] = a_in.T @ dq.reshape(-1, d)
    grads[prefix + "wk"] = a_in.T @ dk.reshape(-1, d)
    grads[prefix + "wv"] = a_in.T @ dv.reshape(-1, d)
    da_in = dq @ p[prefix + "wq"].T + dk @ p[prefix + "wk"].T + dv @ p[prefix + "wv"].T
    dx_norm, grads[prefix + "norm1"] = layers.rmsnorm_backward(
        da_in, p[prefix + "norm1"], cache["norm1"]
    )
    return dh + dx_norm


def _trunk_forward(
    params: Params, hp: Hyperparameters, ids: Array
) -> tuple[Array, list[dict[str, Any]], tuple[Array, Array]]:
    if ids.ndim != 2 or ids.shape[1] > hp.context:
        raise ValueError(f"ids must be (batch, <= {hp.context}), got shape {ids.shape}")
    dtype = params["embed"].dtype
    cos, sin = layers.rope_angles(ids.shape[1], hp.head_dim, hp.rope_base, dtype)
    x = params["embed"][ids]
    caches = []
    for layer in range(hp.n_layers):
        x, cache = _block_forward(x, params, f"layers.{layer}.", hp, cos, sin)
        caches.append(cache)
    return x, caches, (cos, sin)


def forward(params: Params, hp: Hyperparameters, ids: Array) -> Forward:
    """Logits and attention weights for token ids `(B, T)`, `T <= hp.context`."""
    x, caches, _ = _trunk_forward(params, hp, ids)
    final, _ = layers.rmsnorm_forward(x, params["norm_f"], hp.norm_eps)
    logits = final @ params["embed"].T
    return Forward(logits=logits, attention=[c["attn"][3] for c in caches])


def loss_and_grads(
    params: Params, hp: Hyperparameters, ids: Array, targets: Array
) -> tuple[float, Params]:
    """Mean cross-entropy of predicting `targets` from `ids` (both `(B, T)`) and its gradient
    with respect to every parameter."""
    x, caches, (cos, sin) = _trunk_forward(params, hp, ids)
    final, final_cache = layers.rmsnorm_forward(x, params["norm_f"], hp.norm_eps)
    embed = params["embed"]
    logits = final @ embed.T
    loss, ce_cache = layers.cross_entropy_forward(logits, targets)
    dlogits = layers.cross_entropy_backward(ce_cache)
    d = hp.d_model
    grads: Params = {}
    dembed = dlogits.reshape(-1, embed.shape[0]).T @ final.reshape(-1, d)
    dfinal = dlogits @ embed
    dx, grads["norm_f"] = layers.rmsnorm_backward(dfinal, params["norm_f"], final_cache)
    for layer in reversed(range(hp.n_layers)):
        dx = _block_backward(dx, params, f"layers.{layer}.", hp, cos, sin, caches[layer], grads)
    np.add.at(dembed, ids.reshape(-1), dx.reshape(-1, d))
    grads["embed"] = dembed
    return loss, grads

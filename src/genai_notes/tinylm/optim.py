"""AdamW with linear warm-up and cosine decay of the learning rate."""

from __future__ import annotations

import math

import numpy as np

from genai_notes.tinylm.config import Hyperparameters
from genai_notes.tinylm.layers import Array

__all__ = ["AdamW", "clip_global_norm", "learning_rate"]


def learning_rate(step: int, hp: Hyperparameters) -> float:
    """The learning rate of optimiser step `step` (0-based).

    Linear warm-up from `lr / warmup_steps` to `lr` over `warmup_steps` steps, then a cosine
    from `lr` down to `lr * min_lr_ratio` at the last step.
    """
    peak = hp.learning_rate
    if step < hp.warmup_steps:
        return peak * (step + 1) / hp.warmup_steps
    span = max(1, hp.steps - 1 - hp.warmup_steps)
    progress = min(1.0, (step - hp.warmup_steps) / span)
    floor = peak * hp.min_lr_ratio
    return floor + 0.5 * (peak - floor) * (1.0 + math.cos(math.pi * progress))


def clip_global_norm(grads: dict[str, Array], max_norm: float) -> float:
    """Scale all gradients in place so their joint L2 norm is at most `max_norm`; returns the
    norm before clipping."""
    norm = math.sqrt(sum(float(np.sum(g.astype(np.float64) ** 2)) for g in grads.values()))
    if norm > max_norm:
        scale = max_norm / (norm + 1e-12)
        for g in grads.values():
            g *= scale
    return norm


class AdamW:
    """Adam with decoupled weight decay (Loshchilov and Hutter, 2019), decaying matrices
    only: gains of norms are left alone, as in GPT-2 and LLaMA training code."""

    def __init__(self, params: dict[str, Array], hp: Hyperparameters) -> None:
        self._hp = hp
        self._m = {k: np.zeros_like(v) for k, v in params.items()}
        self._v = {k: np.zeros_like(v) for k, v in params.items()}
        self._t = 0

    def step(self, params: dict[str, Array], grads: dict[str, Array], lr: float) -> None:
        """One update of `params` in place."""
        hp = self._hp
        self._t += 1
        correct1 = 1.0 - hp.beta1**self._t
        correct2 = 1.0 - hp.beta2**self._t
        for name, p in params.items():
            g = grads[name]
            m, v = self._m[name], self._v[name]
            m *= hp.beta1
            m += (1.0 - hp.beta1) * g
            v *= hp.beta2
            v += (1.0 - hp.beta2) * (g * g)
            if p.ndim >= 2 and hp.weight_decay:
                p *= 1.0 - lr * hp.weight_decay
            p -= (lr / correct1) * m / (np.sqrt(v / correct2) + hp.adam_eps)

"""Every layer's backward pass against central finite differences (float64), and the model's
gradient for every parameter tensor."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from genai_notes.tinylm import layers, model
from genai_notes.tinylm.config import Hyperparameters

RNG = np.random.default_rng(20261201)
EPS = 1e-6


def numeric_grad(f: Callable[[], float], x: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Central differences of scalar f() with respect to every entry of x (changed in place)."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + EPS
        up = f()
        x[i] = old - EPS
        down = f()
        x[i] = old
        grad[i] = (up - down) / (2 * EPS)
    return grad


def assert_close(analytic: np.ndarray[Any, Any], numeric: np.ndarray[Any, Any]) -> None:
    scale = max(np.max(np.abs(numeric)), 1e-8)
    assert np.max(np.abs(analytic - numeric)) / scale < 1e-6


def test_rmsnorm_gradients_match_finite_differences() -> None:
    x = RNG.normal(size=(2, 3, 6))
    gain = RNG.normal(size=6)
    proj = RNG.normal(size=(2, 3, 6))

    def loss() -> float:
        return float(np.sum(layers.rmsnorm_forward(x, gain, 1e-5)[0] * proj))

    _, cache = layers.rmsnorm_forward(x, gain, 1e-5)
    dx, dgain = layers.rmsnorm_backward(proj, gain, cache)
    assert_close(dx, numeric_grad(loss, x))
    assert_close(dgain, numeric_grad(loss, gain))


def test_rmsnorm_output_has_unit_root_mean_square_before_the_gain() -> None:
    x = np.array([[3.0, 4.0]])  # rms = sqrt((9 + 16) / 2) = 3.5355...
    out, _ = layers.rmsnorm_forward(x, np.ones(2), 0.0)
    np.testing.assert_allclose(out, [[3.0 / np.sqrt(12.5), 4.0 / np.sqrt(12.5)]])


def test_rope_gradient_matches_finite_differences() -> None:
    x = RNG.normal(size=(2, 2, 5, 8))
    cos, sin = layers.rope_angles(5, 8, 10000.0, np.float64)
    proj = RNG.normal(size=x.shape)

    def loss() -> float:
        return float(np.sum(layers.rope_forward(x, cos, sin) * proj))

    assert_close(layers.rope_backward(proj, cos, sin), numeric_grad(loss, x))


def test_rope_leaves_position_zero_alone_and_rotates_position_one_by_one_radian() -> None:
    # head_dim 2: one pair, frequency base^0 = 1, so position t turns the pair by t radians.
    x = np.array([[1.0, 0.0], [1.0, 0.0]])
    cos, sin = layers.rope_angles(2, 2, 10000.0, np.float64)
    out = layers.rope_forward(x, cos, sin)
    np.testing.assert_allclose(out[0], [1.0, 0.0])
    np.testing.assert_allclose(out[1], [np.cos(1.0), np.sin(1.0)])


def test_attention_gradients_match_finite_differences() -> None:
    q, k, v = (RNG.normal(size=(2, 2, 4, 3)) for _ in range(3))
    proj = RNG.normal(size=(2, 2, 4, 3))

    def loss() -> float:
        return float(np.sum(layers.attention_forward(q, k, v)[0] * proj))

    _, cache = layers.attention_forward(q, k, v)
    dq, dk, dv = layers.attention_backward(proj, cache)
    assert_close(dq, numeric_grad(loss, q))
    assert_close(dk, numeric_grad(loss, k))
    assert_close(dv, numeric_grad(loss, v))


def test_attention_is_causal_and_its_rows_sum_to_one() -> None:
    q, k, v = (RNG.normal(size=(1, 1, 4, 3)) for _ in range(3))
    out, (*_, weights) = layers.attention_forward(q, k, v)
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0)
    assert np.all(np.triu(weights[0, 0], k=1) == 0.0)
    np.testing.assert_allclose(out[0, 0, 0], v[0, 0, 0])  # the first token sees only itself


def test_swiglu_gradients_match_finite_differences() -> None:
    x = RNG.normal(size=(2, 3, 4))
    w_gate, w_up, w_down = RNG.normal(size=(4, 5)), RNG.normal(size=(4, 5)), RNG.normal(size=(5, 4))
    proj = RNG.normal(size=(2, 3, 4))

    def loss() -> float:
        return float(np.sum(layers.swiglu_forward(x, w_gate, w_up, w_down)[0] * proj))

    _, cache = layers.swiglu_forward(x, w_gate, w_up, w_down)
    dx, dgate, dup, ddown = layers.swiglu_backward(proj, w_gate, w_up, w_down, cache)
    for analytic, wrt in ((dx, x), (dgate, w_gate), (dup, w_up), (ddown, w_down)):
        assert_close(analytic, numeric_grad(loss, wrt))


def test_cross_entropy_gradient_matches_finite_differences() -> None:
    logits = RNG.normal(size=(2, 3, 7))
    targets = RNG.integers(0, 7, size=(2, 3))

    def loss() -> float:
        return layers.cross_entropy_forward(logits, targets)[0]

    _, cache = layers.cross_entropy_forward(logits, targets)
    assert_close(layers.cross_entropy_backward(cache), numeric_grad(loss, logits))


def test_cross_entropy_of_uniform_logits_is_log_vocabulary() -> None:
    loss, _ = layers.cross_entropy_forward(np.zeros((1, 2, 50)), np.array([[3, 7]]))
    assert loss == pytest.approx(np.log(50))


TINY = Hyperparameters(
    vocab_size=260, d_model=8, n_layers=2, n_heads=2, d_ff=12, context=6, init_std=0.3
)


@pytest.mark.parametrize("name", list(model.param_shapes(TINY, 260)))
def test_model_gradient_of_every_parameter_matches_finite_differences(name: str) -> None:
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    params = model.init_params(TINY, 260, np.float64)
    for key, value in params.items():
        if value.ndim == 1:  # move gains off one so their gradients are exercised fully
            params[key] = value + rng.normal(scale=0.3, size=value.shape)
    ids = rng.integers(0, 260, size=(2, 6))
    targets = rng.integers(0, 260, size=(2, 6))
    _, grads = model.loss_and_grads(params, TINY, ids, targets)
    p = params[name]
    if name == "embed":  # the rows that are looked up or predicted, not all 260
        rows = np.unique(np.concatenate([ids.ravel(), targets.ravel()]))[:4]
        entries = [(int(r), c) for r in rows for c in (0, 5)]
    else:
        entries = [tuple(int(rng.integers(0, s)) for s in p.shape) for _ in range(8)]
    for index in entries:
        old = p[index]
        p[index] = old + EPS
        up, _ = model.loss_and_grads(params, TINY, ids, targets)
        p[index] = old - EPS
        down, _ = model.loss_and_grads(params, TINY, ids, targets)
        p[index] = old
        numeric = (up - down) / (2 * EPS)
        assert grads[name][index] == pytest.approx(numeric, rel=1e-5, abs=1e-9)


def test_param_count_of_the_notes_model_is_the_sum_of_its_shapes() -> None:
    # Hand count for vocab 768, d 96, 4 layers, d_ff 256: embedding 768*96 = 73,728; a block
    # has 4*96*96 = 36,864 attention, 3*96*256 = 73,728 MLP and 2*96 gains = 110,784; final
    # gain 96. Total 73,728 + 4*110,784 + 96 = 516,960.
    assert model.param_count(Hyperparameters(), 768) == 516_960

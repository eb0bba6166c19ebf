"""Optimiser, schedule, data split and training of the tiny model."""

from __future__ import annotations

import math

import numpy as np
import pytest

from genai_notes.tinylm import optim
from genai_notes.tinylm.config import Hyperparameters
from genai_notes.tinylm.train import split_tokens, train

from .tinylm_helpers import CORPUS, SMALL, small_model


def test_warm_up_is_linear_and_the_cosine_ends_at_the_floor() -> None:
    hp = Hyperparameters(learning_rate=1e-3, warmup_steps=10, steps=110, min_lr_ratio=0.1)
    assert optim.learning_rate(0, hp) == pytest.approx(1e-4)
    assert optim.learning_rate(9, hp) == pytest.approx(1e-3)
    # Halfway through the 99-step decay the cosine is at the mean of peak and floor.
    assert optim.learning_rate(10 + 99 // 2, hp) == pytest.approx(
        1e-4 + 0.5 * 9e-4 * (1 + math.cos(math.pi * 49 / 99))
    )
    assert optim.learning_rate(109, hp) == pytest.approx(1e-4)


def test_first_adamw_step_moves_each_weight_by_the_learning_rate_against_its_gradient() -> None:
    # Step 1: m_hat = g, v_hat = g², so the update is lr * g / (|g| + eps) ≈ lr * sign(g);
    # the matrix also shrinks by lr * weight_decay first, the vector does not.
    hp = Hyperparameters(weight_decay=0.5, adam_eps=0.0)
    params = {"w": np.array([[1.0, -2.0]]), "gain": np.array([1.0, 1.0])}
    grads = {"w": np.array([[0.3, -7.0]]), "gain": np.array([-0.1, 2.0])}
    optim.AdamW(params, hp).step(params, grads, lr=0.01)
    np.testing.assert_allclose(params["w"], [[1.0 * 0.995 - 0.01, -2.0 * 0.995 + 0.01]])
    np.testing.assert_allclose(params["gain"], [1.01, 0.99])


def test_clipping_scales_the_global_norm_down_to_the_limit() -> None:
    grads = {"a": np.array([3.0]), "b": np.array([4.0])}  # norm 5
    assert optim.clip_global_norm(grads, 1.0) == pytest.approx(5.0)
    np.testing.assert_allclose([grads["a"][0], grads["b"][0]], [0.6, 0.8])


def test_the_end_of_every_document_is_held_out() -> None:
    train_ids, val_ids = split_tokens([list(range(10)), list(range(100, 120))], 0.1)
    assert val_ids.tolist() == [9, 118, 119]
    assert train_ids.tolist() == [*range(9), *range(100, 118)]


def test_training_lowers_the_validation_loss() -> None:
    log = small_model().log
    assert log.val_steps[0] == 0 and log.val_steps[-1] == SMALL.steps
    assert log.val_loss[0] == pytest.approx(math.log(300), abs=0.1)  # near uniform at init
    assert log.val_loss[-1] < 0.6 * log.val_loss[0]
    assert len(log.train_loss) == len(log.learning_rate) == SMALL.steps
    assert np.mean(log.train_loss[-10:]) < np.mean(log.train_loss[:10])


def test_checkpoint_samples_start_with_the_prompt() -> None:
    samples = small_model().log.samples
    assert [s["step"] for s in samples] == [0, 30, 60]
    assert all(s["text"].startswith("The model") for s in samples)


def test_training_is_deterministic_for_a_seed() -> None:
    hp = Hyperparameters(**{**SMALL.to_dict(), "steps": 3})
    first, second = train(CORPUS, hp), train(CORPUS, hp)
    for name, value in first.params.items():
        assert np.array_equal(value, second.params[name])
    assert first.log == second.log


def test_logits_are_float64_and_use_only_the_last_context_tokens() -> None:
    trained = small_model()
    ids = trained.tokenizer.encode(CORPUS[0])[:50]
    logits = trained.next_token_logits(ids)
    assert logits.dtype == np.float64 and logits.shape == (trained.vocab_size,)
    np.testing.assert_array_equal(logits, trained.next_token_logits(ids[-SMALL.context :]))
    with pytest.raises(ValueError):
        trained.next_token_logits([trained.vocab_size])

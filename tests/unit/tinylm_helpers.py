"""Shared pieces of the tinylm tests: a tiny corpus, a small configuration, and one small
trained model (trained once per test session, a second or two)."""

from __future__ import annotations

import functools

from genai_notes.tinylm.config import Hyperparameters
from genai_notes.tinylm.train import TrainedModel, train

CORPUS = (
    "The attention layer lets every token look at the tokens before it. "
    "Each head computes queries, keys and values, and the weights of a softmax. "
    "The model is trained to predict the next token of the text. " * 6,
    "Sampling with a temperature below one sharpens the distribution; top-k keeps the k "
    "most likely tokens and top-p keeps the smallest set whose probability exceeds p. " * 6,
    "Memory for training is about sixteen bytes per parameter with Adam in mixed "
    "precision: weights, gradients, and two moments. LoRA trains a low-rank update. " * 6,
)

SMALL = Hyperparameters(
    vocab_size=300,
    d_model=32,
    n_layers=2,
    n_heads=4,
    d_ff=64,
    context=32,
    batch_size=8,
    steps=60,
    warmup_steps=5,
    learning_rate=1e-2,
    eval_every=20,
    sample_every=30,
    sample_prompt="The model",
    sample_tokens=8,
)


@functools.cache
def small_model() -> TrainedModel:
    """The SMALL configuration trained on CORPUS."""
    return train(CORPUS, SMALL)

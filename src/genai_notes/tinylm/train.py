"""Training the tiny model on a corpus, and the trained model's inference API."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from genai_notes.tinylm import model
from genai_notes.tinylm.config import Hyperparameters
from genai_notes.tinylm.layers import Array, cross_entropy_forward
from genai_notes.tinylm.optim import AdamW, clip_global_norm, learning_rate
from genai_notes.tinylm.tokenizer import BPETokenizer, train_tokenizer

__all__ = ["TrainedModel", "TrainingLog", "split_tokens", "train"]


@dataclass
class TrainingLog:
    """What happened during training, for the loss-curve and checkpoint figures."""

    train_loss: list[float] = field(default_factory=list)
    """Mean training cross-entropy (nats per token) of each step's batch, before its update."""
    learning_rate: list[float] = field(default_factory=list)
    """Learning rate of each step."""
    val_steps: list[int] = field(default_factory=list)
    """Number of updates done when each validation loss was measured (0 = initialisation)."""
    val_loss: list[float] = field(default_factory=list)
    """Mean validation cross-entropy over the whole held-out split."""
    samples: list[dict[str, Any]] = field(default_factory=list)
    """Checkpoint samples: `{"step", "prompt", "text"}` (seeded, so reproducible)."""
    train_tokens: int = 0
    """Tokens in the training split."""
    val_tokens: int = 0
    """Tokens in the validation split."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "train_loss": self.train_loss,
            "learning_rate": self.learning_rate,
            "val_steps": self.val_steps,
            "val_loss": self.val_loss,
            "samples": self.samples,
            "train_tokens": self.train_tokens,
            "val_tokens": self.val_tokens,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainingLog:
        """The inverse of `to_dict`."""
        return cls(**data)


@dataclass
class TrainedModel:
    """A tokenizer, its model's hyperparameters and float32 weights, and the training log."""

    hyperparameters: Hyperparameters
    tokenizer: BPETokenizer
    params: dict[str, Array]
    log: TrainingLog

    @property
    def vocab_size(self) -> int:
        """Number of tokens."""
        return self.tokenizer.vocab_size

    @property
    def context_length(self) -> int:
        """Longest input in tokens."""
        return self.hyperparameters.context

    @property
    def param_count(self) -> int:
        """Number of trainable parameters."""
        return sum(int(p.size) for p in self.params.values())

    def _params64(self) -> dict[str, Array]:
        return {k: v.astype(np.float64) for k, v in self.params.items()}

    def _window(self, ids: Sequence[int]) -> Array:
        if not ids:
            raise ValueError("at least one token id is needed")
        if any(not 0 <= int(i) < self.vocab_size for i in ids):
            raise ValueError(f"token ids must be in [0, {self.vocab_size})")
        return np.asarray(list(ids)[-self.context_length :], dtype=np.int64)[None, :]

    def next_token_logits(self, ids: Sequence[int]) -> Array:
        """Logits (float64, `vocab_size`) of the token after `ids` (the last `context_length`
        of them), computed in float64 from the float32 weights as the browser does."""
        out = model.forward(self._params64(), self.hyperparameters, self._window(ids))
        result: Array = out.logits[0, -1]
        return result

    def attention(self, ids: Sequence[int]) -> Array:
        """Attention weights `(n_layers, n_heads, T, T)` (float64) for a prompt."""
        out = model.forward(self._params64(), self.hyperparameters, self._window(ids))
        return np.stack([a[0] for a in out.attention])

    def generate(self, prompt: str, n_tokens: int, temperature: float = 1.0, seed: int = 0) -> str:
        """Prompt plus `n_tokens` sampled tokens, decoded."""
        ids = _sample(
            self.params,
            self.hyperparameters,
            self.tokenizer.encode(prompt),
            n_tokens,
            temperature,
            np.random.default_rng(seed),
        )
        return self.tokenizer.decode(ids)


def split_tokens(documents: Sequence[Sequence[int]], val_fraction: float) -> tuple[Array, Array]:
    """Training and validation token streams: the last `val_fraction` of each document's
    tokens is held out (so every page is represented in both and no window of the validation
    split was seen in training), the rest is training data; each split is the concatenation
    of its pieces in document order."""
    train_parts, val_parts = [], []
    for doc in documents:
        n_val = round(len(doc) * val_fraction)
        cut = len(doc) - n_val
        train_parts.append(np.asarray(doc[:cut], dtype=np.int64))
        val_parts.append(np.asarray(doc[cut:], dtype=np.int64))
    return np.concatenate(train_parts), np.concatenate(val_parts)


def _val_windows(stream: Array, context: int) -> tuple[Array, Array]:
    length = min(context, len(stream) - 1)
    if length < 1:
        raise ValueError("the validation split needs at least two tokens")
    starts = np.arange(0, len(stream) - length, length)
    x = np.stack([stream[s : s + length] for s in starts])
    y = np.stack([stream[s + 1 : s + length + 1] for s in starts])
    return x, y


def _val_loss(params: dict[str, Array], hp: Hyperparameters, x: Array, y: Array) -> float:
    total = 0.0
    chunk = 32
    for i in range(0, len(x), chunk):
        logits = model.forward(params, hp, x[i : i + chunk]).logits
        loss, _ = cross_entropy_forward(logits, y[i : i + chunk])
        total += loss * y[i : i + chunk].size
    return total / y.size


def _sample(
    params: dict[str, Array],
    hp: Hyperparameters,
    ids: list[int],
    n_tokens: int,
    temperature: float,
    rng: np.random.Generator,
) -> list[int]:
    out = list(ids)
    for _ in range(n_tokens):
        window = np.asarray(out[-hp.context :], dtype=np.int64)[None, :]
        logits = model.forward(params, hp, window).logits[0, -1].astype(np.float64)
        z = logits / max(temperature, 1e-6)
        probs = np.exp(z - z.max())
        probs /= probs.sum()
        out.append(int(rng.choice(len(probs), p=probs)))
    return out


def train(corpus_texts: Sequence[str], hp: Hyperparameters) -> TrainedModel:
    """Train the tokenizer and then the model on `corpus_texts`, deterministically.

    BLAS runs on one thread: the matrices are small, and a second OpenBLAS thread on a busy
    2-core machine spins more than it helps (measured: about half the CPU time for the same
    wall time), and one thread keeps float32 sums in one order, so runs are repeatable.

    Args:
        corpus_texts: The documents, in a fixed order.
        hp: Hyperparameters (the seed among them).

    Returns:
        The trained model with its log.
    """
    with threadpool_limits(limits=1, user_api="blas"):
        return _train(corpus_texts, hp)


def _train(corpus_texts: Sequence[str], hp: Hyperparameters) -> TrainedModel:
    tokenizer = train_tokenizer(corpus_texts, hp.vocab_size)
    docs = [tokenizer.encode(t) for t in corpus_texts]
    train_ids, val_ids = split_tokens(docs, hp.val_fraction)
    if len(train_ids) <= hp.context + 1:
        raise ValueError(
            f"the training split has {len(train_ids)} tokens; it needs more than the "
            f"context of {hp.context}"
        )
    val_x, val_y = _val_windows(val_ids, hp.context)
    params = model.init_params(hp, tokenizer.vocab_size)
    optimiser = AdamW(params, hp)
    rng = np.random.default_rng(hp.seed + 1)
    log = TrainingLog(train_tokens=len(train_ids), val_tokens=len(val_ids))
    prompt_ids = tokenizer.encode(hp.sample_prompt)

    def checkpoint(done: int) -> None:
        if done == 0 or done == hp.steps or done % hp.eval_every == 0:
            log.val_steps.append(done)
            log.val_loss.append(_val_loss(params, hp, val_x, val_y))
        if done == 0 or done == hp.steps or done % hp.sample_every == 0:
            ids = _sample(
                params,
                hp,
                prompt_ids,
                hp.sample_tokens,
                hp.sample_temperature,
                np.random.default_rng(hp.seed + 2),
            )
            log.samples.append(
                {"step": done, "prompt": hp.sample_prompt, "text": tokenizer.decode(ids)}
            )

    checkpoint(0)
    for step in range(hp.steps):
        starts = rng.integers(0, len(train_ids) - hp.context - 1, size=hp.batch_size)
        x = np.stack([train_ids[s : s + hp.context] for s in starts])
        y = np.stack([train_ids[s + 1 : s + hp.context + 1] for s in starts])
        loss, grads = model.loss_and_grads(params, hp, x, y)
        clip_global_norm(grads, hp.grad_clip)
        lr = learning_rate(step, hp)
        optimiser.step(params, grads, lr)
        log.train_loss.append(loss)
        log.learning_rate.append(lr)
        checkpoint(step + 1)
    return TrainedModel(hyperparameters=hp, tokenizer=tokenizer, params=params, log=log)

"""The hyperparameters of the tiny model and its training run, in one frozen dataclass."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Hyperparameters:
    """Everything that decides the trained weights (with the corpus and the code).

    The defaults are the notes' model: about 0.5M parameters, a 128-token context, and a
    training run of under two minutes of CPU time on this project's 2-core machine.
    """

    vocab_size: int = 768
    """Tokenizer vocabulary, the 256 byte tokens included."""
    d_model: int = 96
    """Width of the residual stream."""
    n_layers: int = 4
    """Number of transformer blocks."""
    n_heads: int = 4
    """Attention heads per block; `d_model` must be a multiple of it, with an even head width."""
    d_ff: int = 256
    """Hidden width of the SwiGLU MLP."""
    context: int = 128
    """Context length in tokens."""
    rope_base: float = 10000.0
    """Base of the rotary position embedding's frequencies."""
    norm_eps: float = 1e-5
    """Epsilon inside RMSNorm's square root."""
    init_std: float = 0.02
    """Standard deviation of the normal initialisation of weight matrices."""
    batch_size: int = 16
    """Sequences per optimiser step."""
    steps: int = 336
    """Optimiser steps."""
    learning_rate: float = 3e-3
    """Peak learning rate, reached at the end of warm-up."""
    min_lr_ratio: float = 0.1
    """The cosine decay ends at `learning_rate * min_lr_ratio`."""
    warmup_steps: int = 40
    """Linear warm-up steps."""
    weight_decay: float = 0.1
    """AdamW's decoupled weight decay, applied to matrices only."""
    beta1: float = 0.9
    """AdamW's first-moment decay."""
    beta2: float = 0.99
    """AdamW's second-moment decay."""
    adam_eps: float = 1e-8
    """AdamW's epsilon."""
    grad_clip: float = 1.0
    """Global gradient norm clip."""
    val_fraction: float = 0.1
    """Share of each document's tokens (its end) held out for validation."""
    eval_every: int = 48
    """Steps between validation losses (the first and last step are always evaluated)."""
    sample_every: int = 112
    """Steps between checkpoint samples (the first and last step always get one)."""
    sample_prompt: str = "The attention"
    """Prompt of the checkpoint samples."""
    sample_tokens: int = 40
    """Tokens generated per checkpoint sample."""
    sample_temperature: float = 0.8
    """Temperature of the checkpoint samples."""
    seed: int = 0
    """Seed of the initialisation, the batches and the samples."""

    def __post_init__(self) -> None:
        if self.vocab_size < 257:
            raise ValueError(f"vocab_size must exceed the 256 byte tokens, got {self.vocab_size}")
        if self.d_model % self.n_heads or (self.d_model // self.n_heads) % 2:
            raise ValueError(
                f"d_model={self.d_model} must split into {self.n_heads} heads of even width"
            )
        for name in ("n_layers", "d_ff", "context", "batch_size", "steps", "eval_every"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)}")
        if not 0.0 < self.val_fraction < 1.0:
            raise ValueError(f"val_fraction must be in (0, 1), got {self.val_fraction}")

    @property
    def head_dim(self) -> int:
        """Width of one attention head."""
        return self.d_model // self.n_heads

    def to_dict(self) -> dict[str, Any]:
        """The fields as a JSON-ready dict."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Hyperparameters:
        """The inverse of `to_dict`; unknown keys are an error."""
        return cls(**data)

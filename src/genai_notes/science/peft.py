"""Parameter-efficient fine-tuning: LoRA parameter counts and fine-tuning memory.

LoRA (Hu et al. 2021, "LoRA: Low-Rank Adaptation of Large Language Models", arXiv 2106.09685)
freezes a weight matrix W of shape d_out x d_in and learns its update as a product
ΔW = B A of two thin matrices, B of shape d_out x r and A of shape r x d_in, with a small rank
r. The adapter therefore has r (d_in + d_out) trainable parameters instead of d_in d_out.

QLoRA (Dettmers et al. 2023, "QLoRA: Efficient Finetuning of Quantized LLMs", arXiv
2305.14314) also stores the frozen weights in 4-bit NormalFloat (NF4), in blocks of 64 that
each keep one fp32 scale (absmax) constant. Double quantization stores those constants in
8 bits, in blocks of 256 that each keep one fp32 constant (section 3).

:func:`finetune_memory` counts model states only (weights, gradients and Adam's optimizer
states), as :func:`genai_notes.science.memory.mixed_precision_adam_bytes` does: activations,
temporary buffers and framework overhead come on top and depend on batch size and sequence
length.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Real
from types import MappingProxyType
from typing import Final

from genai_notes.science._validate import one_of, positive_int, positive_number
from genai_notes.science.memory import MemoryBreakdown, mixed_precision_adam_bytes

LORA_TARGETS: Final = ("q", "k", "v", "o", "ff_in", "ff_out")
"""Matrices of a transformer layer LoRA can adapt: the attention projections W_q, W_k, W_v
and W_o (d_model x d_model each) and the feed-forward input and output matrices
(d_model -> d_ff and d_ff -> d_model)."""

NF4_BLOCKSIZE: Final = 64
"""Weights per fp32 quantization constant in QLoRA's NF4 storage (QLoRA section 3)."""

DOUBLE_QUANT_BLOCKSIZE: Final = 256
"""Quantization constants per fp32 second-level constant under double quantization."""

QLORA_BITS_PER_PARAM: Final = MappingProxyType(
    {
        "nf4": 4.0 + 32.0 / NF4_BLOCKSIZE,
        "nf4+dq": 4.0 + 8.0 / NF4_BLOCKSIZE + 32.0 / (NF4_BLOCKSIZE * DOUBLE_QUANT_BLOCKSIZE),
    }
)
"""Bits per frozen weight in QLoRA storage, constants included (read-only mapping).

``"nf4"``: 4 bits plus one fp32 constant per 64 weights, 4 + 32/64 = 4.5 bits.
``"nf4+dq"``: with double quantization, 4 + 8/64 + 32/(64 * 256) = 4.126953125 bits. QLoRA
section 3 rounds the constants' share to 0.127 bits, "a reduction of 0.373 bits per
parameter" from 0.5, which is "approximately 3 GB for a 65B model".
"""

ADAPTER_BYTES_PER_PARAM: Final = 16.0
"""Bytes per trainable parameter under mixed-precision Adam: 16-bit weight and gradient,
fp32 copy, momentum and variance (2 + 2 + 4 + 4 + 4, ZeRO section 3.1)."""

FINETUNE_METHODS: Final = ("full", "lora", "qlora")
"""The methods :func:`finetune_memory` accepts, in this order."""


def lora_params(d_in: int, d_out: int, rank: int) -> int:
    """Trainable parameters of one LoRA adapter: B is d_out x r, A is r x d_in.

    Args:
        d_in: Input width of the adapted matrix W (its number of columns), an integer >= 1.
        d_out: Output width of W (its number of rows), an integer >= 1.
        rank: The adapter rank r, an integer from 1 to min(d_in, d_out).

    Returns:
        ``rank * (d_in + d_out)``.

    Raises:
        ValueError: For a width below 1 or a rank outside [1, min(d_in, d_out)].
    """
    n_in = positive_int("d_in", d_in)
    n_out = positive_int("d_out", d_out)
    r = positive_int("rank", rank)
    if r > min(n_in, n_out):
        raise ValueError(
            f"rank must be an integer from 1 to min(d_in, d_out) = {min(n_in, n_out)}, got {r}"
        )
    return r * (n_in + n_out)


def _check_targets(targets: Sequence[str]) -> tuple[str, ...]:
    if isinstance(targets, str):
        raise ValueError(f"targets must be a list such as ['q', 'v'], not the string {targets!r}")
    checked = tuple(one_of("targets", target, LORA_TARGETS) for target in targets)
    if not checked or len(set(checked)) != len(checked):
        raise ValueError(f"targets must be non-empty with no repeats, got {list(targets)!r}")
    return checked


def lora_model_params(
    d_model: int,
    n_layers: int,
    rank: int,
    targets: Sequence[str] = ("q", "v"),
    d_ff: int | None = None,
) -> int:
    """Trainable LoRA parameters of a transformer: one adapter per target matrix per layer.

    ``q``, ``k``, ``v`` and ``o`` are d_model x d_model, so each adds 2 d_model r per layer;
    ``ff_in`` (d_model -> d_ff) and ``ff_out`` (d_ff -> d_model) each add (d_model + d_ff) r.
    The LoRA paper's GPT-3 175B runs (d_model 12,288, 96 layers, W_q and W_v) give its
    Table 4 budgets: r = 1 gives 4,718,592 (4.7M) and r = 8 gives 37,748,736 (37.7M).

    Args:
        d_model: The model width, an integer >= 1.
        n_layers: Number of transformer layers, an integer >= 1.
        rank: The rank r of every adapter, from 1 to the smallest adapted width.
        targets: Which matrices to adapt, from ``q``, ``k``, ``v``, ``o``, ``ff_in``,
            ``ff_out``, each at most once.
        d_ff: The feed-forward width; required when ``targets`` has ``ff_in`` or ``ff_out``.

    Returns:
        The total trainable parameter count.

    Raises:
        ValueError: For a bad width, layer count, rank or target, or a feed-forward target
            without ``d_ff``.
    """
    width = positive_int("d_model", d_model)
    layers = positive_int("n_layers", n_layers)
    checked = _check_targets(targets)
    needs_ff = any(target.startswith("ff_") for target in checked)
    if needs_ff and d_ff is None:
        raise ValueError("d_ff is required when targets include 'ff_in' or 'ff_out', got None")
    ff_width = positive_int("d_ff", d_ff) if d_ff is not None else 0
    per_layer = 0
    for target in checked:
        if target == "ff_in":
            per_layer += lora_params(width, ff_width, rank)
        elif target == "ff_out":
            per_layer += lora_params(ff_width, width, rank)
        else:
            per_layer += lora_params(width, width, rank)
    return layers * per_layer


def _non_negative(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    if value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return float(value)


def _adapter_items(trainable: float) -> tuple[tuple[str, float], ...]:
    return (
        ("adapter weights (16-bit)", 2.0 * trainable),
        ("adapter gradients (16-bit)", 2.0 * trainable),
        ("adapter optimizer states (3 x fp32)", 12.0 * trainable),
    )


def finetune_memory(
    n_params: float,
    method: str,
    *,
    trainable_params: float = 0,
    double_quant: bool = True,
) -> MemoryBreakdown:
    """Model-state memory of fine-tuning with Adam: full, LoRA or QLoRA.

    * ``"full"``: every parameter is trained in mixed precision, 16 bytes per parameter,
      exactly :func:`~genai_notes.science.memory.mixed_precision_adam_bytes`.
    * ``"lora"``: the frozen base weights in 16 bits (2 bytes per parameter, no gradients or
      optimizer states) plus ``trainable_params`` adapter parameters at 16 bytes each.
    * ``"qlora"``: the frozen base weights in NF4 with their quantization constants
      (:data:`QLORA_BITS_PER_PARAM`, 4.127 bits with double quantization, 4.5 without) plus
      the adapters as for LoRA.

    Model states only: activations, temporary buffers and QLoRA's paged optimizer traffic are
    not included. All ``n_params`` are treated as quantized for QLoRA, though in practice
    embeddings and the output layer often stay in 16 bits.

    Args:
        n_params: Parameters of the base model, > 0.
        method: ``"full"``, ``"lora"`` or ``"qlora"``.
        trainable_params: Adapter parameters for ``"lora"`` and ``"qlora"``, >= 0 (see
            :func:`lora_model_params`); must stay 0 for ``"full"``.
        double_quant: For ``"qlora"`` only: whether the constants are double-quantized.

    Returns:
        The parts, in bytes, in stacking order: the base weights (and for QLoRA their
        constants) first, then the adapter's weights, gradients and optimizer states.

    Raises:
        ValueError: For a non-positive parameter count, an unknown method, a negative
            adapter count, or adapter parameters given with ``"full"``.
    """
    n = positive_number("n_params", n_params)
    checked_method = one_of("method", method, FINETUNE_METHODS)
    trainable = _non_negative("trainable_params", trainable_params)
    if checked_method == "full":
        if trainable != 0:
            raise ValueError(
                "trainable_params must be 0 for method 'full' (every parameter is trained), "
                f"got {trainable_params!r}"
            )
        return mixed_precision_adam_bytes(n)
    if checked_method == "lora":
        base: tuple[tuple[str, float], ...] = (("frozen weights (16-bit)", 2.0 * n),)
    else:
        bits = QLORA_BITS_PER_PARAM["nf4+dq" if double_quant else "nf4"]
        base = (
            ("frozen weights (NF4, 4-bit)", 4.0 * n / 8),
            ("quantization constants", (bits - 4.0) * n / 8),
        )
    return MemoryBreakdown(n_params=n, items=base + _adapter_items(trainable))


# What computed numbers in the notes may name (see genai_notes.calc).
__all__ = [
    "ADAPTER_BYTES_PER_PARAM",
    "DOUBLE_QUANT_BLOCKSIZE",
    "FINETUNE_METHODS",
    "LORA_TARGETS",
    "NF4_BLOCKSIZE",
    "QLORA_BITS_PER_PARAM",
    "finetune_memory",
    "lora_model_params",
    "lora_params",
]

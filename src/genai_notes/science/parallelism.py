"""Training memory per GPU when a model is split over data, tensor, pipeline, sequence and
context parallelism, with ZeRO, activation recomputation, a precision policy and an optimizer.

The model states follow ZeRO (Rajbhandari et al. 2019, arXiv 1910.02054, section 5): each
parameter costs weight, gradient, master-copy and optimizer bytes; tensor and pipeline
parallelism split the parameters over ``tp * pp`` GPUs (an even split is assumed, embeddings
included), and ZeRO stage 1, 2 and 3 then shard the optimizer states (with the master copy),
the gradients and the weights over the ``dp`` data-parallel replicas.

Activations follow Korthikanti et al. 2022, "Reducing Activation Recomputation in Large
Transformer Models" (arXiv 2205.05198), Table 2, per layer with 16-bit activations (s sequence,
b micro-batch, h hidden size, a heads, t tensor-parallel size):

* no recomputation, tensor parallel: ``s b h (10 + 24/t + 5 a s / (h t))``;
* with sequence parallelism: ``s b h (34/t + 5 a s / (h t))``;
* selective recomputation (the attention scores are recomputed): the ``5 a s / h`` term
  goes; full recomputation keeps only each layer's input, ``2 s b h`` (divided by ``t``
  under sequence parallelism).

With the 1F1B pipeline schedule the first stage holds ``L/p`` layers for ``min(p, m)``
micro-batches in flight (section 4.2.3), so pipeline parallelism divides the weights but not
the first stage's activations. Context parallelism splits the sequence over ``cp`` GPUs: the
linear terms use ``s/cp`` and the score term local queries against all keys.

Left out, and said so wherever the numbers are shown: the CUDA context and library
workspaces, allocator fragmentation, communication buckets, the embedding and loss
activations, ZeRO-3's gathered layer, and the extra activations of a mixture of experts'
routed MLPs (the formulas are a dense layer's).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from genai_notes.science._validate import one_of, positive_int, positive_number
from genai_notes.science.memory import MemoryBreakdown

PRECISIONS: Final[Mapping[str, tuple[float, float, float]]] = MappingProxyType(
    {
        "fp32": (4.0, 4.0, 0.0),
        "bf16-mixed": (2.0, 2.0, 4.0),
        "fp8-mixed": (1.0, 2.0, 4.0),
    }
)
"""Bytes per parameter of (weights, gradients, master copy) for each precision policy.

``"fp32"``: everything in fp32, no master copy. ``"bf16-mixed"``: 16-bit weights and
gradients with an fp32 master copy (Micikevicius et al. 2017, arXiv 1710.03740; ZeRO's 2 + 2 +
4). ``"fp8-mixed"``: our assumption for FP8 training, 1-byte weight copies for the matrix
multiplications, bf16 gradients and an fp32 master copy; recipes differ (some also keep bf16
weights), so treat it as a lower bound."""

OPTIMIZERS: Final[Mapping[str, float]] = MappingProxyType(
    {"adam": 8.0, "adam-8bit": 2.0, "sgd": 4.0}
)
"""Optimizer-state bytes per parameter: Adam's fp32 momentum and variance (4 + 4), 8-bit Adam's
two 1-byte states (Dettmers et al. 2021, arXiv 2110.02861; its per-block constants left out),
and SGD with fp32 momentum."""

RECOMPUTE: Final = ("none", "selective", "full")
"""Activation recomputation choices (Korthikanti et al. 2022, section 4)."""

ACTIVATION_BYTES_16BIT: Final = 34.0
"""Bytes per ``s b h`` element a layer stores with 16-bit activations (Korthikanti Table 2)."""

ACTIVATION_BYTES_REPLICATED: Final = 10.0
"""The part of :data:`ACTIVATION_BYTES_16BIT` that tensor parallelism alone does not split
(layer norms, dropout masks and the inputs of the two blocks; Korthikanti section 4.1)."""

ATTENTION_SCORE_BYTES: Final = 5.0
"""Bytes per attention score a layer stores (softmax output, dropout mask and dropout
output), the ``5 a s / h`` term."""

FULL_RECOMPUTE_BYTES: Final = 2.0
"""Bytes per ``s b h`` element kept under full recomputation: each layer's 16-bit input."""

MIXED_ADAM_BYTES: Final = 16.0
"""ZeRO's mixed-precision Adam: 2 + 2 bytes of 16-bit weights and gradients and 12 of fp32
master copy, momentum and variance per parameter."""


def _divides(what: str, part: int, whole_name: str, whole: int) -> None:
    if whole % part != 0:
        raise ValueError(f"{what} must divide {whole_name} evenly: {whole} % {part} != 0")


def _shares(stage: int, dp: int) -> tuple[float, float, float]:
    """The fractions of weights, gradients and optimizer states one replica keeps."""
    if isinstance(stage, bool) or stage not in (0, 1, 2, 3):
        raise ValueError(f"zero_stage must be one of 0, 1, 2, 3, got {stage!r}")
    return (
        1.0 / dp if stage >= 3 else 1.0,
        1.0 / dp if stage >= 2 else 1.0,
        1.0 / dp if stage >= 1 else 1.0,
    )


def model_states_bytes_per_gpu(
    n_params: float, tp: int = 1, pp: int = 1, dp: int = 1, zero_stage: int = 0
) -> float:
    """Mixed-precision Adam model states on one GPU under tensor, pipeline and ZeRO data
    parallelism.

    16 bytes per parameter before sharding (ZeRO section 3.1: 2 + 2 + 12), split evenly over
    ``tp * pp`` model-parallel GPUs; ZeRO stage 1 then divides the 12 optimizer bytes by
    ``dp``, stage 2 also the 2 gradient bytes, stage 3 also the 2 weight bytes.

    Args:
        n_params: Parameter count, > 0.
        tp: Tensor-parallel size, an integer >= 1.
        pp: Pipeline-parallel stages, an integer >= 1.
        dp: Data-parallel replicas, an integer >= 1.
        zero_stage: 0, 1, 2 or 3.

    Returns:
        Bytes per GPU.

    Raises:
        ValueError: For a count below 1 or an unknown stage.
    """
    n = positive_number("n_params", n_params)
    model_parallel = positive_int("tp", tp) * positive_int("pp", pp)
    weights, grads, states = _shares(zero_stage, positive_int("dp", dp))
    return n / model_parallel * (2.0 * weights + 2.0 * grads + 12.0 * states)


def activation_bytes_per_layer(
    d_model: int,
    n_heads: int,
    seq_len: int,
    micro_batch: int = 1,
    *,
    tp: int = 1,
    cp: int = 1,
    sequence_parallel: bool = False,
    recompute: str = "none",
) -> float:
    """Bytes of activations one transformer layer keeps for the backward pass on one GPU.

    Korthikanti et al. 2022, Table 2, with the sequence split over ``cp`` context-parallel
    GPUs (see the module docstring).

    Args:
        d_model: Hidden size h.
        n_heads: Attention heads a (divisible by ``tp``).
        seq_len: Sequence length s (divisible by ``cp``).
        micro_batch: Sequences per micro-batch b.
        tp: Tensor-parallel size t.
        cp: Context-parallel size.
        sequence_parallel: Megatron's sequence parallelism in the non-tensor-parallel parts.
        recompute: One of :data:`RECOMPUTE`.

    Returns:
        Bytes per layer.

    Raises:
        ValueError: For a count below 1, a size that does not divide, or an unknown choice.
    """
    h = positive_int("d_model", d_model)
    a = positive_int("n_heads", n_heads)
    s = positive_int("seq_len", seq_len)
    b = positive_int("micro_batch", micro_batch)
    t = positive_int("tp", tp)
    c = positive_int("cp", cp)
    mode = one_of("recompute", recompute, RECOMPUTE)
    _divides("tp", t, "n_heads", a)
    _divides("cp", c, "seq_len", s)
    local = s / c * b * h
    if mode == "full":
        return FULL_RECOMPUTE_BYTES * local / (t if sequence_parallel else 1)
    if sequence_parallel:
        linear = ACTIVATION_BYTES_16BIT / t
    else:
        linear = (
            ACTIVATION_BYTES_REPLICATED + (ACTIVATION_BYTES_16BIT - ACTIVATION_BYTES_REPLICATED) / t
        )
    scores = 0.0 if mode == "selective" else ATTENTION_SCORE_BYTES * a * s / (h * t)
    return local * (linear + scores)


def training_memory_per_gpu(
    *,
    n_params: float,
    n_layers: int,
    d_model: int,
    n_heads: int,
    seq_len: int,
    micro_batch: int = 1,
    tp: int = 1,
    pp: int = 1,
    dp: int = 1,
    cp: int = 1,
    sequence_parallel: bool = False,
    zero_stage: int = 0,
    recompute: str = "none",
    precision: str = "bf16-mixed",
    optimizer: str = "adam",
    n_microbatches: int | None = None,
) -> MemoryBreakdown:
    """Memory on the busiest GPU (the first pipeline stage) of a training job.

    Model states: :data:`PRECISIONS` and :data:`OPTIMIZERS` bytes per parameter, split over
    ``tp * pp`` and sharded by ZeRO over ``dp``. Activations: ``L / pp`` layers of
    :func:`activation_bytes_per_layer` for ``min(pp, n_microbatches)`` micro-batches in
    flight under 1F1B (activations are 16-bit, doubled for ``"fp32"``).

    Args:
        n_params: Parameter count, > 0.
        n_layers: Transformer layers L (divisible by ``pp``).
        d_model: Hidden size.
        n_heads: Attention heads (divisible by ``tp``).
        seq_len: Sequence length (divisible by ``cp``).
        micro_batch: Sequences per micro-batch.
        tp: Tensor-parallel size.
        pp: Pipeline stages.
        dp: Data-parallel replicas (ZeRO shards over these).
        cp: Context-parallel size.
        sequence_parallel: Megatron sequence parallelism (with ``tp``).
        zero_stage: 0 to 3.
        recompute: One of :data:`RECOMPUTE`.
        precision: A key of :data:`PRECISIONS`.
        optimizer: A key of :data:`OPTIMIZERS`.
        n_microbatches: Micro-batches per step; None for at least ``pp``.

    Returns:
        The parts in bytes: weights, gradients, master weights (mixed precision only),
        optimizer states, activations.

    Raises:
        ValueError: For a count below 1, a size that does not divide, or an unknown choice.
    """
    n = positive_number("n_params", n_params)
    layers = positive_int("n_layers", n_layers)
    stages = positive_int("pp", pp)
    _divides("pp (pipeline stages)", stages, "n_layers", layers)
    t = positive_int("tp", tp)
    replicas = positive_int("dp", dp)
    policy = one_of("precision", precision, PRECISIONS)
    weight_b, grad_b, master_b = PRECISIONS[policy]
    state_b = OPTIMIZERS[one_of("optimizer", optimizer, OPTIMIZERS)]
    in_flight = stages if n_microbatches is None else positive_int("n_microbatches", n_microbatches)
    w_share, g_share, s_share = _shares(zero_stage, replicas)
    local = n / (t * stages)
    per_layer = activation_bytes_per_layer(
        d_model,
        n_heads,
        seq_len,
        micro_batch,
        tp=t,
        cp=cp,
        sequence_parallel=sequence_parallel,
        recompute=recompute,
    )
    act_scale = 2.0 if policy == "fp32" else 1.0
    activations = act_scale * per_layer * (layers // stages) * min(stages, in_flight)
    items: list[tuple[str, float]] = [
        ("weights", weight_b * local * w_share),
        ("gradients", grad_b * local * g_share),
    ]
    if master_b:
        items.append(("master weights (fp32)", master_b * local * s_share))
    items.append(("optimizer states", state_b * local * s_share))
    items.append(("activations", activations))
    return MemoryBreakdown(n, tuple(items))


# What computed numbers in the notes may name (see genai_notes.calc).
__all__ = [
    "MIXED_ADAM_BYTES",
    "OPTIMIZERS",
    "PRECISIONS",
    "RECOMPUTE",
    "activation_bytes_per_layer",
    "model_states_bytes_per_gpu",
    "training_memory_per_gpu",
]

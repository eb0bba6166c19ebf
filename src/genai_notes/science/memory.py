"""GPU memory accounting for storing and training a model.

Everything is in bytes; convert with :mod:`genai_notes.science.units` for display.
``n_params`` is the parameter count, written Ψ in the ZeRO paper.

Three accountings live here, and they answer different questions:

* :func:`course_training_bytes`: the rule of thumb of the DeepLearning.AI / AWS course
  "Generative AI with Large Language Models" (week 1, "Computational challenges of training
  LLMs"): full fp32 training with Adam, activations included, about 24 bytes per parameter.
* :func:`mixed_precision_adam_bytes`: the model states of mixed-precision Adam training in
  Rajbhandari et al. 2019, "ZeRO: Memory Optimizations Toward Training Trillion Parameter
  Models" (arXiv 1910.02054), section 3.1: 16 bytes per parameter, activations excluded.
* :func:`zero_bytes_per_gpu`: the same model states per GPU when ZeRO-DP partitions them
  across ``n_gpus`` data-parallel GPUs (ZeRO section 5 and Figure 1).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Integral
from types import MappingProxyType
from typing import Final

from genai_notes.science._validate import one_of, positive_int, positive_number

DTYPES: Final = MappingProxyType({"fp32": 4.0, "fp16": 2.0, "bf16": 2.0, "int8": 1.0, "int4": 0.5})
"""Bytes per parameter for each storage type (read-only mapping, in this order)."""

ZERO_STAGES: Final = MappingProxyType(
    {0: "Baseline (data parallel)", 1: "P_os", 2: "P_os+g", 3: "P_os+g+p"}
)
"""ZeRO-DP stages and the labels of ZeRO Figure 1 (stage 0 is plain data parallelism)."""

ADAM_MIXED_PRECISION_K: Final = 12.0
"""ZeRO's K for mixed-precision Adam: fp32 parameter copy, momentum and variance, 4Ψ each."""


@dataclass(frozen=True)
class MemoryBreakdown:
    """Memory split into labelled parts.

    Attributes:
        n_params: The parameter count the breakdown is for.
        items: Ordered ``(label, bytes)`` pairs, one per part; figures stack them in order.
    """

    n_params: float
    items: tuple[tuple[str, float], ...]

    @property
    def total(self) -> float:
        """Sum of all parts, in bytes."""
        return sum(n_bytes for _, n_bytes in self.items)

    @property
    def bytes_per_param(self) -> float:
        """Total bytes divided by the parameter count."""
        return self.total / self.n_params

    @property
    def parts(self) -> Mapping[str, float]:
        """Bytes of each part by label (what computed numbers index: ``.parts["weights"]``)."""
        return MappingProxyType(dict(self.items))

    @property
    def labels(self) -> tuple[str, ...]:
        """The part labels, in order."""
        return tuple(label for label, _ in self.items)

    def per_param(self) -> tuple[tuple[str, float], ...]:
        """The parts in bytes per parameter, in order.

        Returns:
            ``(label, bytes / n_params)`` pairs.
        """
        return tuple((label, n_bytes / self.n_params) for label, n_bytes in self.items)

    def get(self, label: str) -> float:
        """Bytes of one part.

        Args:
            label: One of :attr:`labels`.

        Returns:
            The bytes of that part.

        Raises:
            KeyError: If no part has that label.
        """
        for item_label, n_bytes in self.items:
            if item_label == label:
                return n_bytes
        raise KeyError(f"no part labelled {label!r}; parts are {list(self.labels)}")


def bytes_per_param(dtype: str) -> float:
    """Bytes needed to store one parameter in ``dtype``.

    Args:
        dtype: One of ``"fp32"`` (4), ``"fp16"`` (2), ``"bf16"`` (2), ``"int8"`` (1),
            ``"int4"`` (0.5).

    Returns:
        Bytes per parameter.

    Raises:
        ValueError: For an unknown dtype; the message lists the allowed ones.
    """
    return DTYPES[one_of("dtype", dtype, DTYPES)]


def weights_bytes(n_params: float, dtype: str = "fp32") -> float:
    """Bytes to hold the weights alone (no optimizer, gradients or activations).

    Args:
        n_params: Parameter count, > 0.
        dtype: Storage type; see :func:`bytes_per_param`.

    Returns:
        ``n_params * bytes_per_param(dtype)``.

    Raises:
        ValueError: For a non-positive parameter count or an unknown dtype.
    """
    return positive_number("n_params", n_params) * bytes_per_param(dtype)


def params_that_fit(memory_bytes: float, dtype: str = "fp32") -> float:
    """The most parameters whose weights alone fit in ``memory_bytes`` when stored as ``dtype``.

    The inverse of :func:`weights_bytes`: where a model's weights cross one GPU's memory.
    Nothing else is counted (no activations, key-value cache or framework overhead), so a
    model this large leaves no room to run.

    Args:
        memory_bytes: Memory available, in bytes, > 0 (80e9 for an 80 GB GPU).
        dtype: Storage type; see :func:`bytes_per_param`.

    Returns:
        ``floor(memory_bytes / bytes_per_param(dtype))``, a whole parameter count.

    Raises:
        ValueError: For non-positive memory or an unknown dtype.
    """
    return float(math.floor(positive_number("memory_bytes", memory_bytes) / bytes_per_param(dtype)))


_COURSE_TRAINING_PARTS: Final = (
    ("weights (fp32)", 4.0),
    ("Adam optimizer states (2 x fp32)", 8.0),
    ("gradients (fp32)", 4.0),
    ("activations and temporary memory", 8.0),
)
"""Bytes per parameter of :func:`course_training_bytes`, in the slide's order."""


def course_training_bytes(n_params: float) -> MemoryBreakdown:
    """The course's estimate of GPU memory to train a model in full fp32 with Adam.

    Per parameter, as on the course slide: weights 4 bytes (fp32); Adam optimizer,
    2 states, +8 bytes; gradients +4 bytes; activations and temporary memory, +8 bytes
    ("variable size", a high-end estimate). That is 4 bytes plus about 20 extra, 24 bytes
    per parameter, which the course rounds to "about 6x the memory of the weights" and
    "24 GB for a 1B-parameter model". The activation term really depends on batch size,
    sequence length and checkpointing; the course fixes it at 8 for a rule of thumb.

    Args:
        n_params: Parameter count, > 0.

    Returns:
        The four parts, in the slide's order.

    Raises:
        ValueError: For a non-positive parameter count.
    """
    return _per_param_breakdown(n_params, _COURSE_TRAINING_PARTS)


_MIXED_PRECISION_ADAM_PARTS: Final = (
    ("parameters (fp16)", 2.0),
    ("gradients (fp16)", 2.0),
    ("optimizer: parameter copy (fp32)", 4.0),
    ("optimizer: momentum (fp32)", 4.0),
    ("optimizer: variance (fp32)", 4.0),
)
"""Bytes per parameter of :func:`mixed_precision_adam_bytes` (ZeRO section 3.1)."""


def mixed_precision_adam_bytes(n_params: float) -> MemoryBreakdown:
    """Model states of mixed-precision Adam training, as in ZeRO section 3.1.

    fp16 parameters 2Ψ and fp16 gradients 2Ψ, plus the optimizer states kept in fp32:
    a parameter copy, the momentum and the variance, 4Ψ each (K = 12). Total 16Ψ.
    Activations and temporary buffers ("residual states" in ZeRO) are not included.

    Args:
        n_params: Parameter count Ψ, > 0.

    Returns:
        The five parts: two fp16 model states then three fp32 optimizer states.

    Raises:
        ValueError: For a non-positive parameter count.
    """
    return _per_param_breakdown(n_params, _MIXED_PRECISION_ADAM_PARTS)


def _per_param_breakdown(n_params: float, parts: tuple[tuple[str, float], ...]) -> MemoryBreakdown:
    """A breakdown whose parts are fixed bytes per parameter, after checking the count."""
    n = positive_number("n_params", n_params)
    return MemoryBreakdown(n_params=n, items=tuple((label, b * n) for label, b in parts))


def _check_stage(stage: object) -> int:
    if isinstance(stage, bool) or not isinstance(stage, Integral) or stage not in ZERO_STAGES:
        raise ValueError(f"stage must be one of 0, 1, 2, 3, got {stage!r}")
    return int(stage)


def zero_breakdown_per_gpu(
    n_params: float, n_gpus: int, stage: int, optimizer_bytes: float = 12.0
) -> MemoryBreakdown:
    """Model-state memory on each GPU under ZeRO-DP, split into its three parts.

    Parameters and gradients are fp16 (2Ψ each); the optimizer states take KΨ
    (``optimizer_bytes`` = K, 12 for mixed-precision Adam). Each stage partitions one
    more of them across the N data-parallel GPUs (ZeRO section 5, Figure 1):

    * stage 0, plain data parallelism: (2 + 2 + K)Ψ;
    * stage 1, P_os: 2Ψ + 2Ψ + KΨ/N;
    * stage 2, P_os+g: 2Ψ + (2 + K)Ψ/N;
    * stage 3, P_os+g+p: (2 + 2 + K)Ψ/N.

    Activations and temporary buffers are not included.

    Args:
        n_params: Parameter count Ψ, > 0.
        n_gpus: Data-parallel degree N, an integer >= 1.
        stage: ZeRO stage, 0 to 3.
        optimizer_bytes: K, optimizer-state bytes per parameter, > 0.

    Returns:
        Three parts: parameters, gradients and optimizer states, bytes per GPU.

    Raises:
        ValueError: For a bad parameter count, GPU count, stage or K.
    """
    n = positive_number("n_params", n_params)
    gpus = positive_int("n_gpus", n_gpus)
    k = positive_number("optimizer_bytes", optimizer_bytes)
    checked = _check_stage(stage)
    params_share = 1.0 / gpus if checked >= 3 else 1.0
    grads_share = 1.0 / gpus if checked >= 2 else 1.0
    optimizer_share = 1.0 / gpus if checked >= 1 else 1.0
    return MemoryBreakdown(
        n_params=n,
        items=(
            ("parameters (fp16)", 2.0 * n * params_share),
            ("gradients (fp16)", 2.0 * n * grads_share),
            ("optimizer states", k * n * optimizer_share),
        ),
    )


def zero_bytes_per_gpu(
    n_params: float, n_gpus: int, stage: int, optimizer_bytes: float = 12.0
) -> float:
    """Total model-state bytes on each GPU under ZeRO-DP stage ``stage``.

    See :func:`zero_breakdown_per_gpu` for the formulas. ZeRO Figure 1's example,
    Ψ = 7.5B, N = 64, K = 12, gives 120 GB, 31.4 GB, 16.6 GB and 1.9 GB for stages 0 to 3.

    Args:
        n_params: Parameter count Ψ, > 0.
        n_gpus: Data-parallel degree N, an integer >= 1.
        stage: ZeRO stage, 0 to 3.
        optimizer_bytes: K, optimizer-state bytes per parameter, > 0.

    Returns:
        Bytes per GPU.

    Raises:
        ValueError: For a bad parameter count, GPU count, stage or K.
    """
    return zero_breakdown_per_gpu(n_params, n_gpus, stage, optimizer_bytes).total


def kv_cache_bytes(
    n_layers: int,
    n_kv_heads: int,
    head_dim: int,
    seq_len: int,
    batch: int = 1,
    dtype: str = "fp16",
) -> float:
    """Bytes of the key-value cache that generation keeps for every token seen so far.

    Each layer stores one key and one value vector per key-value head per token:
    ``2 * n_layers * n_kv_heads * head_dim * seq_len * batch * bytes_per_param(dtype)``.
    With grouped-query attention (Ainslie et al. 2023, arXiv 2305.13245) several query
    heads share one key-value head, so the cache depends on ``n_kv_heads``, not on the
    number of query heads: Llama 2 70B has 64 query heads but 8 key-value heads. The vLLM
    paper (Kwon et al. 2023, arXiv 2309.06180, section 3) gives OPT-13B's cache as
    2 x 5120 x 40 x 2 bytes = 800 KB per token.

    Args:
        n_layers: Transformer layers, an integer >= 1.
        n_kv_heads: Key-value heads per layer (the query heads without GQA), >= 1.
        head_dim: Width of one head, an integer >= 1.
        seq_len: Tokens held in the cache (prompt plus generated), >= 1.
        batch: Sequences generated together, >= 1.
        dtype: Storage type of the cache; see :func:`bytes_per_param`.

    Returns:
        Bytes of the cache.

    Raises:
        ValueError: For a count below 1 or an unknown dtype.
    """
    counts = (
        positive_int("n_layers", n_layers),
        positive_int("n_kv_heads", n_kv_heads),
        positive_int("head_dim", head_dim),
        positive_int("seq_len", seq_len),
        positive_int("batch", batch),
    )
    size = bytes_per_param(dtype)
    values = 2.0
    for count in counts:
        values *= count
    return values * size


def _optional_int(name: str, value: int | None, default: int) -> int:
    return default if value is None else positive_int(name, value)


def attention_params(
    d_model: int,
    n_heads: int,
    n_kv_heads: int | None = None,
    head_dim: int | None = None,
) -> int:
    """Weights of one attention layer: W_q, W_k, W_v and W_o, without biases.

    With h = ``d_model``, H query heads, K key-value heads of width d, W_q and W_o are
    h x Hd and W_k and W_v are h x Kd, so the layer holds ``2 h H d + 2 h K d`` weights;
    without grouped-query attention (K = H, d = h / H) that is the familiar ``4 h**2``.
    This is the attention term of :func:`transformer_params`.

    Args:
        d_model: Hidden size h, an integer >= 1.
        n_heads: Query heads H, an integer >= 1.
        n_kv_heads: Key-value heads K; None means H.
        head_dim: Head width d; None means ``d_model // n_heads``.

    Returns:
        The weight count.

    Raises:
        ValueError: For a count below 1.
    """
    width = positive_int("d_model", d_model)
    heads = positive_int("n_heads", n_heads)
    kv_heads = _optional_int("n_kv_heads", n_kv_heads, heads)
    head = _optional_int("head_dim", head_dim, max(width // heads, 1))
    return 2 * width * heads * head + 2 * width * kv_heads * head


def transformer_params(
    n_layers: int,
    d_model: int,
    vocab: int,
    *,
    n_heads: int,
    n_kv_heads: int | None = None,
    head_dim: int | None = None,
    d_ff: int | None = None,
    gated_mlp: bool = False,
    tied_embeddings: bool = True,
) -> int:
    """Parameters of a decoder-only transformer, counted from its shape.

    With h = ``d_model``, H = ``n_heads``, K = ``n_kv_heads`` and d = ``head_dim``, each
    layer has the attention matrices W_q and W_o (h x Hd each) and W_k and W_v (h x Kd
    each), and an MLP of 2 h d_ff weights (3 h d_ff when gated, as SwiGLU in Llama); the
    token embedding adds ``vocab * h``, twice when the output layer is not tied to it::

        n_layers * (2 h H d + 2 h K d + (2 or 3) h d_ff) + (1 or 2) vocab h

    Biases, normalisation gains and learned position embeddings are left out; they add
    under 1% for the models of the notes. Llama 2 7B (32 layers, h 4096, 32 heads, d_ff
    11008, gated, untied, vocab 32000) gives 6,738,149,376, 266,240 short of its published
    6,738,415,616: exactly its 65 RMSNorm gains of 4096.

    Args:
        n_layers: Transformer layers, an integer >= 1.
        d_model: Hidden size h, an integer >= 1.
        vocab: Vocabulary size, an integer >= 1.
        n_heads: Query heads H, an integer >= 1.
        n_kv_heads: Key-value heads K; None means H (no grouped-query attention).
        head_dim: Head width d; None means ``d_model // n_heads``.
        d_ff: MLP inner width; None means ``4 * d_model``.
        gated_mlp: Whether the MLP has a gate matrix (SwiGLU, GeGLU): three matrices, not two.
        tied_embeddings: Whether the output layer reuses the token embedding.

    Returns:
        The parameter count.

    Raises:
        ValueError: For a count below 1.
    """
    layers = positive_int("n_layers", n_layers)
    width = positive_int("d_model", d_model)
    words = positive_int("vocab", vocab)
    heads = positive_int("n_heads", n_heads)
    kv_heads = _optional_int("n_kv_heads", n_kv_heads, heads)
    head = _optional_int("head_dim", head_dim, max(width // heads, 1))
    inner = _optional_int("d_ff", d_ff, 4 * width)
    attention = 2 * width * heads * head + 2 * width * kv_heads * head
    mlp = (3 if gated_mlp else 2) * width * inner
    embeddings = (1 if tied_embeddings else 2) * words * width
    return layers * (attention + mlp) + embeddings


ACTIVATION_BYTES_PER_ELEMENT: Final = 34.0
"""Korthikanti et al. 2022 (arXiv 2205.05198) eq. 1: 34 s b h bytes per layer, besides the
attention-score term."""

ATTENTION_SCORE_BYTES: Final = 5.0
"""Korthikanti et al. 2022 eq. 1: 5 a s^2 b bytes per layer for attention scores, softmax
and its dropout mask."""


def activation_bytes(
    n_layers: int, d_model: int, n_heads: int, seq_len: int, batch: int = 1
) -> float:
    """Activations a training step stores for the backward pass, all layers together.

    Korthikanti et al. 2022, "Reducing Activation Recomputation in Large Transformer
    Models" (arXiv 2205.05198), equation 1: each transformer layer stores
    ``s b h (34 + 5 a s / h)`` bytes with 16-bit activations, no tensor or sequence
    parallelism and no recomputation (s = ``seq_len``, b = ``batch``, h = ``d_model``,
    a = ``n_heads``). Embeddings, the output layer and the loss are left out, and
    activation checkpointing or FlashAttention would shrink the figure.

    Args:
        n_layers: Transformer layers, an integer >= 1.
        d_model: Hidden size h, an integer >= 1.
        n_heads: Attention heads a, an integer >= 1.
        seq_len: Sequence length s, an integer >= 1.
        batch: Micro-batch size b on one GPU, an integer >= 1.

    Returns:
        Bytes, ``n_layers * s * b * h * (34 + 5 a s / h)``.

    Raises:
        ValueError: For a count below 1.
    """
    layers = positive_int("n_layers", n_layers)
    h = positive_int("d_model", d_model)
    a = positive_int("n_heads", n_heads)
    s = positive_int("seq_len", seq_len)
    b = positive_int("batch", batch)
    per_layer = s * b * h * (ACTIVATION_BYTES_PER_ELEMENT + ATTENTION_SCORE_BYTES * a * s / h)
    return float(layers * per_layer)


RECOMPUTE_BYTES_PER_ELEMENT: Final = 2.0
"""Korthikanti et al. 2022, section 4: with full activation recomputation only each layer's
16-bit input, 2 s b h bytes, is kept."""


def checkpointed_activation_bytes(
    n_layers: int, d_model: int, seq_len: int, batch: int = 1
) -> float:
    """Activations kept under full activation checkpointing: each layer's input only.

    Korthikanti et al. 2022 (arXiv 2205.05198), section 4: recomputing every layer in the
    backward pass leaves ``2 s b h`` bytes per layer (its 16-bit input), ``2 s b h L`` in all,
    at the price of one more forward pass (about a third more compute per step). One layer's
    full activations (:func:`activation_bytes` for one layer) are rebuilt at a time on top.

    Args:
        n_layers: Transformer layers L, an integer >= 1.
        d_model: Hidden size h, an integer >= 1.
        seq_len: Sequence length s, an integer >= 1.
        batch: Micro-batch size b, an integer >= 1.

    Returns:
        Bytes, ``2 s b h L``.

    Raises:
        ValueError: For a count below 1.
    """
    layers = positive_int("n_layers", n_layers)
    h = positive_int("d_model", d_model)
    s = positive_int("seq_len", seq_len)
    b = positive_int("batch", batch)
    return RECOMPUTE_BYTES_PER_ELEMENT * s * b * h * layers


def adam8bit_mixed_precision_bytes(n_params: float) -> MemoryBreakdown:
    """Model states of mixed-precision training with 8-bit Adam states.

    Dettmers et al. 2021, "8-bit Optimizers via Block-wise Quantization" (arXiv 2110.02861)
    store Adam's momentum and variance in 8 bits (1 byte each, plus small block scales that
    are left out here) instead of fp32, so the 16 bytes per parameter of ZeRO's mixed-precision
    Adam become 2 + 2 + 4 + 1 + 1 = 10.

    Args:
        n_params: Parameter count, > 0.

    Returns:
        fp16 parameters and gradients, the fp32 parameter copy, and the two 8-bit states.

    Raises:
        ValueError: If ``n_params`` is not finite and > 0.
    """
    n = positive_number("n_params", n_params)
    parts = (
        ("fp16 parameters", 2.0),
        ("fp16 gradients", 2.0),
        ("fp32 parameter copy", 4.0),
        ("8-bit momentum", 1.0),
        ("8-bit variance", 1.0),
    )
    return MemoryBreakdown(n, tuple((label, size * n) for label, size in parts))


# What computed numbers in the notes may name (see genai_notes.calc).
__all__ = [
    "ACTIVATION_BYTES_PER_ELEMENT",
    "ADAM_MIXED_PRECISION_K",
    "ATTENTION_SCORE_BYTES",
    "DTYPES",
    "RECOMPUTE_BYTES_PER_ELEMENT",
    "ZERO_STAGES",
    "activation_bytes",
    "adam8bit_mixed_precision_bytes",
    "attention_params",
    "bytes_per_param",
    "checkpointed_activation_bytes",
    "course_training_bytes",
    "kv_cache_bytes",
    "mixed_precision_adam_bytes",
    "params_that_fit",
    "transformer_params",
    "weights_bytes",
    "zero_breakdown_per_gpu",
    "zero_bytes_per_gpu",
]

"""GPUs and model shapes from their published specifications, and what fits when serving.

GPU presets give memory, memory bandwidth and dense (no 2:4 sparsity) peak tensor throughput
per precision from each vendor datasheet; where a datasheet prints the sparse figure only,
the dense one is half of it, as its footnote says. Model presets come from each model's
``config.json`` on the Hugging Face Hub, with the parameter count ``transformers`` reports.

Serving maths, for one model replica split over ``tp`` GPUs:

* weights in a format of :data:`WEIGHT_FORMATS`, whose 4-bit entries carry their scales
  (a 16-bit scale per group of 128 weights adds 0.125 bits; MXFP4 shares an 8-bit scale
  per block of 32, 0.25 bits);
* the KV cache, ``2 L n_kv d_head`` values per token (grouped-query attention shrinks
  ``n_kv``);
* decode speed bounded by memory bandwidth: every step reads the weights once and each
  sequence's cache, so ``tokens/s per sequence <= bandwidth / bytes read per step``
  (and no faster than the compute bound ``2 N_active`` FLOPs per token allows).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

from genai_notes.science import parallelism
from genai_notes.science._validate import one_of, positive_int, positive_number
from genai_notes.science.memory import MemoryBreakdown
from genai_notes.science.peft import QLORA_BITS_PER_PARAM


@dataclass(frozen=True)
class Gpu:
    """One GPU's datasheet figures.

    Attributes:
        name: Product name and form factor.
        memory_gb: Memory in GB (1e9 bytes) as the datasheet prints it.
        bandwidth_gb_s: Memory bandwidth in GB/s.
        dense_tflops: Dense peak tensor TFLOP/s per precision (``"bf16"``, ``"fp8"``,
            ``"fp4"``); a precision the GPU lacks is absent.
        source: The datasheet.
    """

    name: str
    memory_gb: float
    bandwidth_gb_s: float
    dense_tflops: Mapping[str, float]
    source: str


_A100 = "NVIDIA A100 Tensor Core GPU datasheet (nvidia-a100-datasheet-us-nvidia-1758950-r4)"
_H100 = "NVIDIA H100 Tensor Core GPU datasheet, SXM column; sparse figures halved"
_H200 = "NVIDIA H200 Tensor Core GPU datasheet, SXM column; sparse figures halved"
_B200 = "NVIDIA HGX B200 datasheet, per-GPU specifications; sparse figures halved"
_L4 = "NVIDIA L4 Tensor Core GPU datasheet; sparse figures halved"
_4090 = "NVIDIA Ada GPU architecture whitepaper, appendix A (RTX 4090; BF16 with FP32 accumulate)"

GPUS: Final[Mapping[str, Gpu]] = MappingProxyType(
    {
        "A100 40GB SXM": Gpu("A100 40GB SXM", 40.0, 1555.0, {"bf16": 312.0}, _A100),
        "A100 80GB SXM": Gpu("A100 80GB SXM", 80.0, 2039.0, {"bf16": 312.0}, _A100),
        "H100 SXM": Gpu("H100 SXM", 80.0, 3350.0, {"bf16": 989.5, "fp8": 1979.0}, _H100),
        "H200 SXM": Gpu("H200 SXM", 141.0, 4800.0, {"bf16": 989.5, "fp8": 1979.0}, _H200),
        "B200 (HGX)": Gpu(
            "B200 (HGX)", 180.0, 7700.0, {"bf16": 2250.0, "fp8": 4500.0, "fp4": 9000.0}, _B200
        ),
        "L4": Gpu("L4", 24.0, 300.0, {"bf16": 121.0, "fp8": 242.5}, _L4),
        "RTX 4090 (24 GB)": Gpu("RTX 4090 (24 GB)", 24.0, 1008.0, {"bf16": 165.2}, _4090),
    }
)
"""GPU presets, by name."""


@dataclass(frozen=True)
class ModelShape:
    """A model's architecture from its ``config.json``.

    Attributes:
        name: Model name.
        n_params: Parameters as ``transformers`` counts them (all experts for a MoE).
        n_layers: ``num_hidden_layers``.
        d_model: ``hidden_size``.
        n_heads: ``num_attention_heads``.
        n_kv_heads: ``num_key_value_heads``.
        head_dim: ``hidden_size / num_attention_heads``.
        vocab: ``vocab_size``.
        d_ff: ``intermediate_size`` (per expert).
        n_experts: ``num_local_experts`` (1 for a dense model).
        experts_per_token: ``num_experts_per_tok`` (1 for a dense model).
        source: The config it comes from.
    """

    name: str
    n_params: int
    n_layers: int
    d_model: int
    n_heads: int
    n_kv_heads: int
    head_dim: int
    vocab: int
    d_ff: int
    n_experts: int = 1
    experts_per_token: int = 1
    source: str = field(default="")


MODELS: Final[Mapping[str, ModelShape]] = MappingProxyType(
    {
        "Llama 2 7B": ModelShape(
            "Llama 2 7B", 6_738_415_616, 32, 4096, 32, 32, 128, 32000, 11008,
            source="meta-llama/Llama-2-7b-hf config.json",
        ),
        "Llama 2 70B": ModelShape(
            "Llama 2 70B", 68_976_648_192, 80, 8192, 64, 8, 128, 32000, 28672,
            source="meta-llama/Llama-2-70b-hf config.json",
        ),
        "Llama 3 8B": ModelShape(
            "Llama 3 8B", 8_030_261_248, 32, 4096, 32, 8, 128, 128256, 14336,
            source="meta-llama/Meta-Llama-3-8B config.json",
        ),
        "Llama 3 70B": ModelShape(
            "Llama 3 70B", 70_553_706_496, 80, 8192, 64, 8, 128, 128256, 28672,
            source="meta-llama/Meta-Llama-3-70B config.json",
        ),
        "Llama 3.1 405B": ModelShape(
            "Llama 3.1 405B", 405_853_388_800, 126, 16384, 128, 8, 128, 128256, 53248,
            source="meta-llama/Llama-3.1-405B config.json",
        ),
        "Mistral 7B": ModelShape(
            "Mistral 7B", 7_241_732_096, 32, 4096, 32, 8, 128, 32000, 14336,
            source="mistralai/Mistral-7B-v0.1 config.json",
        ),
        "Mixtral 8x7B": ModelShape(
            "Mixtral 8x7B", 46_702_792_704, 32, 4096, 32, 8, 128, 32000, 14336, 8, 2,
            source="mistralai/Mixtral-8x7B-v0.1 config.json",
        ),
    }
)  # fmt: skip
"""Model presets, by name. All use a gated (SwiGLU) MLP and untied output embeddings."""


def shape_params(shape: ModelShape) -> tuple[float, float]:
    """Total and active parameters from a shape (norms left out, router included).

    Args:
        shape: A :class:`ModelShape`.

    Returns:
        ``(total, active per token)``.
    """
    h, kv = shape.d_model, shape.n_kv_heads * shape.head_dim
    attention = 2 * h * shape.n_heads * shape.head_dim + 2 * h * kv
    expert = 3 * h * shape.d_ff
    router = h * shape.n_experts if shape.n_experts > 1 else 0
    embeddings = 2 * shape.vocab * h
    total = shape.n_layers * (attention + shape.n_experts * expert + router) + embeddings
    active = shape.n_layers * (attention + shape.experts_per_token * expert + router) + embeddings
    return float(total), float(active)


WEIGHT_FORMATS: Final[Mapping[str, float]] = MappingProxyType(
    {
        "fp32": 32.0,
        "bf16": 16.0,
        "fp8": 8.0,
        "int8": 8.0,
        "int4-g128": 4.0 + 16.0 / 128,
        "nf4-dq": QLORA_BITS_PER_PARAM["nf4+dq"],
        "mxfp4": 4.0 + 8.0 / 32,
    }
)
"""Bits per weight with the scales stored beside them: ``int4-g128`` a 16-bit scale per group
of 128 (the GPTQ and AWQ default group size); ``nf4-dq`` QLoRA's NF4 with double quantization
(Dettmers et al. 2023, arXiv 2305.14314, section 3: 8-bit constants per block of 64, one fp32
constant per 256 blocks); ``mxfp4`` the OCP Microscaling v1.0 format (blocks of 32 sharing an
8-bit E8M0 scale). fp8 and int8 per-channel scales are negligible and left out."""

KV_FORMATS: Final[Mapping[str, float]] = MappingProxyType({"fp16": 2.0, "bf16": 2.0, "fp8": 1.0})
"""Bytes per cached key or value element."""


def weights_bytes(n_params: float, fmt: str, *, unquantized_params: float = 0.0) -> float:
    """Bytes of weights stored in ``fmt``, with ``unquantized_params`` kept in 16 bits.

    Args:
        n_params: Parameters, > 0.
        fmt: A key of :data:`WEIGHT_FORMATS`.
        unquantized_params: Parameters left in bf16 (often the embeddings and output
            layer), from 0 to ``n_params``.

    Returns:
        Bytes.

    Raises:
        ValueError: For a bad count or an unknown format.
    """
    n = positive_number("n_params", n_params)
    bits = WEIGHT_FORMATS[one_of("format", fmt, WEIGHT_FORMATS)]
    kept = float(unquantized_params)
    if not 0.0 <= kept <= n:
        raise ValueError(f"unquantized_params must be from 0 to n_params, got {kept!r}")
    return (n - kept) * bits / 8.0 + kept * 2.0


def kv_bytes_per_token(
    n_layers: int, n_kv_heads: int, head_dim: int, kv_format: str = "bf16", tp: int = 1
) -> float:
    """KV-cache bytes one token adds on one GPU: ``2 L n_kv d_head`` values.

    Under tensor parallelism each GPU keeps ``ceil(n_kv / tp)`` heads (a head is never
    split; with fewer key-value heads than GPUs they are replicated).

    Args:
        n_layers: Layers.
        n_kv_heads: Key-value heads.
        head_dim: Head width.
        kv_format: A key of :data:`KV_FORMATS`.
        tp: Tensor-parallel size.

    Returns:
        Bytes per token per GPU.

    Raises:
        ValueError: For a count below 1 or an unknown format.
    """
    layers = positive_int("n_layers", n_layers)
    heads = positive_int("n_kv_heads", n_kv_heads)
    width = positive_int("head_dim", head_dim)
    size = KV_FORMATS[one_of("kv_format", kv_format, KV_FORMATS)]
    local_heads = math.ceil(heads / positive_int("tp", tp))
    return 2.0 * layers * local_heads * width * size


def max_concurrent_sequences(
    memory_bytes: float,
    weight_bytes: float,
    kv_per_token: float,
    context: int,
    *,
    usable_fraction: float = 0.9,
) -> int:
    """How many sequences of ``context`` tokens fit beside the weights on one GPU.

    ``floor((usable_fraction * memory - weights) / (kv_per_token * context))``; the
    fraction leaves room for the CUDA context, activations and fragmentation (vLLM's
    ``gpu_memory_utilization`` is 0.92 by default in its current source,
    ``vllm/config/cache.py``; 0.9 in earlier releases).

    Args:
        memory_bytes: GPU memory, > 0.
        weight_bytes: Weights on this GPU, > 0.
        kv_per_token: KV-cache bytes per token on this GPU, > 0.
        context: Tokens per sequence (prompt and output), an integer >= 1.
        usable_fraction: Share of memory the server may use, in (0, 1].

    Returns:
        Sequences, 0 when even the weights do not fit.

    Raises:
        ValueError: For a non-positive argument or a fraction above 1.
    """
    free = _free_bytes(memory_bytes, weight_bytes, usable_fraction)
    per_sequence = positive_number("kv_per_token", kv_per_token) * positive_int("context", context)
    return max(0, math.floor(free / per_sequence))


def max_context_tokens(
    memory_bytes: float,
    weight_bytes: float,
    kv_per_token: float,
    batch: int = 1,
    *,
    usable_fraction: float = 0.9,
) -> int:
    """The longest context each of ``batch`` sequences can have beside the weights.

    Args:
        memory_bytes: GPU memory, > 0.
        weight_bytes: Weights on this GPU, > 0.
        kv_per_token: KV-cache bytes per token on this GPU, > 0.
        batch: Concurrent sequences, an integer >= 1.
        usable_fraction: Share of memory the server may use, in (0, 1].

    Returns:
        Tokens per sequence, 0 when even the weights do not fit.

    Raises:
        ValueError: For a non-positive argument or a fraction above 1.
    """
    free = _free_bytes(memory_bytes, weight_bytes, usable_fraction)
    per_token = positive_number("kv_per_token", kv_per_token) * positive_int("batch", batch)
    return max(0, math.floor(free / per_token))


def _free_bytes(memory_bytes: float, weight_bytes: float, usable_fraction: float) -> float:
    memory = positive_number("memory_bytes", memory_bytes)
    weights = positive_number("weight_bytes", weight_bytes)
    fraction = positive_number("usable_fraction", usable_fraction)
    if fraction > 1:
        raise ValueError(f"usable_fraction must be in (0, 1], got {usable_fraction!r}")
    return fraction * memory - weights


def experts_touched(n_experts: int, experts_per_token: int, batch: int) -> float:
    """Expected distinct experts a layer reads for ``batch`` tokens under uniform routing.

    Each token picks ``k`` of ``E`` experts; an expert is missed by one token with
    probability ``1 - k/E``, so ``E (1 - (1 - k/E)^B)`` are read on average.

    Args:
        n_experts: Experts E per layer (1 for a dense model).
        experts_per_token: Experts k per token, from 1 to E.
        batch: Tokens decoded together B.

    Returns:
        Expected experts read, from k to E.

    Raises:
        ValueError: For a count below 1 or k above E.
    """
    e = positive_int("n_experts", n_experts)
    k = positive_int("experts_per_token", experts_per_token)
    b = positive_int("batch", batch)
    if k > e:
        raise ValueError(f"experts_per_token must be from 1 to n_experts = {e}, got {k}")
    return e * (1.0 - (1.0 - k / e) ** b)


def decode_tokens_per_second(
    bandwidth_bytes_s: float,
    weight_bytes_read: float,
    kv_bytes_per_sequence: float,
    batch: int = 1,
    *,
    flops_per_token: float | None = None,
    peak_flops: float | None = None,
) -> float:
    """Upper bound on decode speed per sequence: one step reads the weights once and every
    sequence's cache, and makes one token for each sequence.

    ``step = max((weights + B kv) / bandwidth, B flops_per_token / peak)``; tokens per second
    per sequence ``1 / step`` (the whole batch makes ``B / step``).

    Args:
        bandwidth_bytes_s: Memory bandwidth in bytes/s, > 0.
        weight_bytes_read: Weight bytes read per step, > 0.
        kv_bytes_per_sequence: Cache bytes read per sequence per step, >= 0.
        batch: Sequences decoded together.
        flops_per_token: FLOPs per generated token (about ``2 N_active``), or None to skip
            the compute bound.
        peak_flops: Peak FLOP/s, needed with ``flops_per_token``.

    Returns:
        Tokens per second for each sequence.

    Raises:
        ValueError: For a non-positive argument.
    """
    bandwidth = positive_number("bandwidth_bytes_s", bandwidth_bytes_s)
    weights = positive_number("weight_bytes_read", weight_bytes_read)
    kv = float(kv_bytes_per_sequence)
    if not kv >= 0 or not math.isfinite(kv):
        raise ValueError(f"kv_bytes_per_sequence must be a finite number >= 0, got {kv!r}")
    b = positive_int("batch", batch)
    step = (weights + b * kv) / bandwidth
    if flops_per_token is not None:
        flops = positive_number("flops_per_token", flops_per_token)
        peak = positive_number("peak_flops", peak_flops)
        step = max(step, b * flops / peak)
    return 1.0 / step


@dataclass(frozen=True)
class ServingEstimate:
    """What one model replica over ``tp`` GPUs holds and how fast it can decode.

    Attributes:
        weights_per_gpu: Weight bytes on each GPU.
        kv_per_token: KV-cache bytes per token on each GPU.
        kv_per_sequence: KV-cache bytes per request of ``context`` tokens on each GPU.
        fit: Requests of ``context`` tokens that fit beside the weights.
        longest_context: The longest context each of ``batch`` requests can have.
        decode_batch_1: Upper bound on tokens/s for a lone request.
        decode_per_request: Upper bound on tokens/s per request at ``batch``.
        decode_total: ``batch * decode_per_request``.
    """

    weights_per_gpu: float
    kv_per_token: float
    kv_per_sequence: float
    fit: int
    longest_context: int
    decode_batch_1: float
    decode_per_request: float
    decode_total: float


def weight_bytes_read(
    n_params: float, active_params: float, n_experts: int, experts_per_token: int, batch: int,
    bytes_per_param: float,
) -> float:  # fmt: skip
    """Weight bytes one decode step reads for ``batch`` tokens.

    A dense model (every expert active) reads all its weights. A MoE reads its shared part
    and the experts the tokens touch (:func:`experts_touched`); one expert's size is
    ``(n_params - active_params) / (E - k)``.

    Args:
        n_params: All parameters.
        active_params: Parameters one token uses.
        n_experts: Experts per layer E.
        experts_per_token: Experts per token k.
        batch: Tokens per step.
        bytes_per_param: Average stored bytes per parameter.

    Returns:
        Bytes.

    Raises:
        ValueError: For a bad count, or active parameters above the total.
    """
    n = positive_number("n_params", n_params)
    active = positive_number("active_params", active_params)
    if active > n:
        raise ValueError(f"active_params must be at most n_params, got {active!r}")
    touched = experts_touched(n_experts, experts_per_token, batch)
    if n_experts == experts_per_token:
        return n * bytes_per_param
    per_expert = (n - active) / (n_experts - experts_per_token)
    shared = n - n_experts * per_expert
    return (shared + touched * per_expert) * bytes_per_param


def serving_estimate(
    *,
    n_params: float,
    active_params: float,
    n_experts: int,
    experts_per_token: int,
    n_layers: int,
    n_kv_heads: int,
    head_dim: int,
    embedding_params: float,
    fmt: str,
    keep_embeddings: bool,
    kv_format: str,
    gpu: Gpu,
    tp: int = 1,
    usable_fraction: float = 0.9,
    context: int = 8192,
    batch: int = 1,
) -> ServingEstimate:
    """The serving calculator's numbers, for one replica split over ``tp`` GPUs.

    Weights :func:`weights_bytes` (embeddings kept in bf16 if asked) divided by ``tp``; the
    cache :func:`kv_bytes_per_token`; the fit :func:`max_concurrent_sequences` and
    :func:`max_context_tokens`; decode :func:`decode_tokens_per_second` with ``tp`` times
    the bandwidth and peak (dense bf16, or fp8 for 8-bit weights), reading
    :func:`weight_bytes_read` and each request's whole cache, with ``2 N_active`` FLOPs per
    token as the compute bound.

    Args:
        n_params: All parameters.
        active_params: Parameters per token (``n_params`` for a dense model).
        n_experts: Experts per layer (1 for dense).
        experts_per_token: Experts per token (1 for dense).
        n_layers: Layers.
        n_kv_heads: Key-value heads.
        head_dim: Head width.
        embedding_params: Input and output embedding parameters.
        fmt: A key of :data:`WEIGHT_FORMATS`.
        keep_embeddings: Keep ``embedding_params`` in bf16.
        kv_format: A key of :data:`KV_FORMATS`.
        gpu: A :class:`Gpu`.
        tp: GPUs per replica.
        usable_fraction: Share of memory the server may use.
        context: Tokens per request.
        batch: Concurrent requests.

    Returns:
        A :class:`ServingEstimate`.

    Raises:
        ValueError: For any argument out of range.
    """
    kept = embedding_params if keep_embeddings else 0.0
    weights = weights_bytes(n_params, fmt, unquantized_params=kept)
    gpus = positive_int("tp", tp)
    local_weights = weights / gpus
    kv_token = kv_bytes_per_token(n_layers, n_kv_heads, head_dim, kv_format, gpus)
    memory = gpu.memory_gb * 1e9
    fit = max_concurrent_sequences(
        memory, local_weights, kv_token, context, usable_fraction=usable_fraction
    )
    longest = max_context_tokens(
        memory, local_weights, kv_token, batch, usable_fraction=usable_fraction
    )
    per_param = weights / n_params
    bandwidth = gpu.bandwidth_gb_s * 1e9 * gpus
    precision = "fp8" if fmt in ("fp8", "int8") and "fp8" in gpu.dense_tflops else "bf16"
    peak = gpu.dense_tflops[precision] * 1e12 * gpus
    kv_replica = kv_token * gpus * context

    def speed(b: int) -> float:
        read = weight_bytes_read(
            n_params, active_params, n_experts, experts_per_token, b, per_param
        )
        return decode_tokens_per_second(
            bandwidth, read, kv_replica, b, flops_per_token=2 * active_params, peak_flops=peak
        )

    per_request = speed(batch)
    return ServingEstimate(
        weights_per_gpu=local_weights,
        kv_per_token=kv_token,
        kv_per_sequence=kv_token * context,
        fit=fit,
        longest_context=longest,
        decode_batch_1=speed(1),
        decode_per_request=per_request,
        decode_total=batch * per_request,
    )


def serve_preset(
    model: str,
    gpu: str,
    fmt: str = "bf16",
    *,
    kv_format: str = "bf16",
    keep_embeddings: bool = True,
    tp: int = 1,
    usable_fraction: float = 0.9,
    context: int = 8192,
    batch: int = 1,
) -> ServingEstimate:
    """:func:`serving_estimate` for a model of :data:`MODELS` on a GPU of :data:`GPUS`.

    Args:
        model: A key of :data:`MODELS`.
        gpu: A key of :data:`GPUS`.
        fmt: A key of :data:`WEIGHT_FORMATS`.
        kv_format: A key of :data:`KV_FORMATS`.
        keep_embeddings: Keep the embeddings and output layer in bf16.
        tp: GPUs per replica.
        usable_fraction: Share of memory the server may use.
        context: Tokens per request.
        batch: Concurrent requests.

    Returns:
        A :class:`ServingEstimate`.

    Raises:
        ValueError: For an unknown model, GPU or format, or a bad setting.
    """
    shape = MODELS[one_of("model", model, MODELS)]
    total, active = shape_params(shape)
    return serving_estimate(
        n_params=shape.n_params,
        active_params=shape.n_params - (total - active),
        n_experts=shape.n_experts,
        experts_per_token=shape.experts_per_token,
        n_layers=shape.n_layers,
        n_kv_heads=shape.n_kv_heads,
        head_dim=shape.head_dim,
        embedding_params=2 * shape.vocab * shape.d_model,
        fmt=fmt,
        keep_embeddings=keep_embeddings,
        kv_format=kv_format,
        gpu=GPUS[one_of("gpu", gpu, GPUS)],
        tp=tp,
        usable_fraction=usable_fraction,
        context=context,
        batch=batch,
    )


def train_preset(model: str, **settings: object) -> MemoryBreakdown:
    """:func:`~genai_notes.science.parallelism.training_memory_per_gpu` for a model of
    :data:`MODELS`, its shape filled in.

    Args:
        model: A key of :data:`MODELS`.
        **settings: The other keyword arguments of ``training_memory_per_gpu``.

    Returns:
        The parts per GPU, in bytes.

    Raises:
        ValueError: For an unknown model or a bad setting.
    """
    shape = MODELS[one_of("model", model, MODELS)]
    return parallelism.training_memory_per_gpu(
        n_params=shape.n_params,
        n_layers=shape.n_layers,
        d_model=shape.d_model,
        n_heads=shape.n_heads,
        **settings,  # type: ignore[arg-type]
    )


@dataclass(frozen=True)
class Measurement:
    """A published memory measurement of a training run, and the settings that reproduce it.

    Attributes:
        setup: What ran, in a few words.
        model: A key of :data:`MODELS`.
        settings: Keyword arguments of :func:`train_preset` for the same setup.
        measured_gib: The memory the source reports per GPU, in GiB.
        source: Where it is reported (document, table, version).
    """

    setup: str
    model: str
    settings: Mapping[str, object]
    measured_gib: float
    source: str


_TORCHTITAN = (
    "pytorch/torchtitan docs/performance.md, Table {} (torch 1963fc8, torchtitan 9dec370, "
    "2024-12; peak memory, max over GPUs)"
)

MEASUREMENTS: Final = (
    Measurement(
        "Llama 3.1 8B, FSDP over 8 H100, local batch 2, selective checkpointing",
        "Llama 3 8B",
        MappingProxyType(
            {"seq_len": 8192, "micro_batch": 2, "dp": 8, "zero_stage": 3, "recompute": "selective"}
        ),
        82.4,
        _TORCHTITAN.format(1),
    ),
    Measurement(
        "Llama 3.1 8B, FSDP over 128 H100, local batch 2, selective checkpointing",
        "Llama 3 8B",
        MappingProxyType(
            {
                "seq_len": 8192,
                "micro_batch": 2,
                "dp": 128,
                "zero_stage": 3,
                "recompute": "selective",
            }
        ),
        67.0,
        _TORCHTITAN.format(3),
    ),
    Measurement(
        "Llama 3.1 8B, FSDP over 8 H100, 32,768 tokens, full checkpointing, Float8",
        "Llama 3 8B",
        MappingProxyType(
            {"seq_len": 32768, "micro_batch": 1, "dp": 8, "zero_stage": 3, "recompute": "full"}
        ),
        83.9,
        _TORCHTITAN.format(2),
    ),
)
"""Published per-GPU memory of real training runs. The torchtitan tables print neither the
sequence length of Tables 1 and 3 (8,192 is the default of its ``llama3_8b.toml``) nor which
allocator statistic "memory" is; Llama 3.1 8B has the Llama 3 8B shape."""


def predicted_gib(measurement: Measurement) -> float:
    """:func:`train_preset`'s total for a measurement's settings, in GiB.

    Args:
        measurement: One of :data:`MEASUREMENTS`.

    Returns:
        GiB per GPU.
    """
    return train_preset(measurement.model, **measurement.settings).total / 2**30


@dataclass(frozen=True)
class ServingMeasurement:
    """A published decode-speed measurement, and the serving settings that reproduce it.

    Attributes:
        setup: What ran, in a few words.
        model: A key of :data:`MODELS` with the measured model's shape.
        gpu: A key of :data:`GPUS`.
        fmt: Weight format, a key of :data:`WEIGHT_FORMATS`.
        kv_format: KV-cache format, a key of :data:`KV_FORMATS`.
        tp: GPUs per replica.
        batch: Requests decoded together (static batch size, or concurrency 1).
        input_tokens: Prompt tokens per request.
        output_tokens: Generated tokens per request.
        printed: The figure as the source prints it, in ``metric``.
        metric: ``"tokens/s"`` (output tokens per second of the replica),
            ``"tokens/s/GPU"`` (the same per GPU) or ``"ITL ms"`` (inter-token latency).
        source: Where it is reported (document, table, version).
    """

    setup: str
    model: str
    gpu: str
    fmt: str
    kv_format: str
    tp: int
    batch: int
    input_tokens: int
    output_tokens: int
    printed: float
    metric: str
    source: str


_TRTLLM = (
    "NVIDIA/TensorRT-LLM docs/source/performance.md, Peak Throughput, H100 GPUs (FP8) "
    "(data for v0.6.1; commit 138f96d; batch {} row)"
)
_NIM = (
    "NVIDIA NIM LLMs Benchmarking 1.0.0, Performance: Llama-3.3-70b-instruct, NIM 1.8.0, "
    "2 x H100 80G, fp8 TP2, 5000 input / 500 output tokens, concurrency 1"
)
_LLAMA_CPP = (
    "XiongjieDai/GPU-Benchmarks-on-LLM-Inference README (community llama.cpp benchmark, "
    "May 2024), LLaMA 3 NVIDIA table, 4090 24GB, 8B F16, tg 1024"
)

SERVING_MEASUREMENTS: Final = (
    ServingMeasurement(
        "Llama 3 8B, F16, llama.cpp on one RTX 4090, batch 1", "Llama 3 8B",
        "RTX 4090 (24 GB)", "bf16", "fp16", 1, 1, 0, 1024, 54.34, "tokens/s", _LLAMA_CPP,
    ),
    ServingMeasurement(
        "Llama 3.3 70B, fp8, NIM on two H100 (TP 2), batch 1", "Llama 3 70B", "H100 SXM",
        "fp8", "bf16", 2, 1, 5000, 500, 18.58, "ITL ms", _NIM,
    ),
    ServingMeasurement(
        "Llama 2 7B, fp8, TensorRT-LLM on one H100, batch 48", "Llama 2 7B", "H100 SXM",
        "fp8", "fp8", 1, 48, 2048, 2048, 2740.0, "tokens/s/GPU", _TRTLLM.format(48),
    ),
    ServingMeasurement(
        "Llama 2 7B, fp8, TensorRT-LLM on one H100, batch 112", "Llama 2 7B", "H100 SXM",
        "fp8", "fp8", 1, 112, 128, 2048, 6818.0, "tokens/s/GPU", _TRTLLM.format(112),
    ),
    ServingMeasurement(
        "Llama 2 70B, fp8, TensorRT-LLM on two H100 (TP 2), batch 64", "Llama 2 70B",
        "H100 SXM", "fp8", "fp8", 2, 64, 2048, 2048, 547.0, "tokens/s/GPU", _TRTLLM.format(64),
    ),
    ServingMeasurement(
        "Llama 2 70B, fp8, TensorRT-LLM on four H100 (TP 4), batch 480", "Llama 2 70B",
        "H100 SXM", "fp8", "fp8", 4, 480, 128, 2048, 1486.0, "tokens/s/GPU",
        _TRTLLM.format(480),
    ),
)  # fmt: skip
"""Published decode speeds. TensorRT-LLM's "LLaMA 7B/70B" rows are Llama 2 (its methodology
section names Llama2-7b and Llama2-70b) built with ``--enable_fp8 --fp8_kv_cache`` and
measured on an H100-HBM3-80GB system with ``gptSessionBenchmark``, which times a whole static
batch, prompt phase included (``benchmarks/cpp/README.md``: one latency per batch, input and
output length). Llama 3.3 70B has the Llama 3 70B shape; the NIM table gives no KV-cache format
(bf16 assumed) and names the GPU only as "H100 80G" (the SXM preset assumed; its Hardware
Specifications section was not in the copy read). The
llama.cpp figure is a community measurement, not a vendor's."""


def measured_tokens_per_second(measurement: ServingMeasurement) -> float:
    """A measurement's output tokens per second for the whole replica.

    ``tokens/s`` as printed; ``tokens/s/GPU`` times ``tp``; an inter-token latency of
    ``t`` ms gives ``batch * 1000 / t``.

    Args:
        measurement: One of :data:`SERVING_MEASUREMENTS`.

    Returns:
        Output tokens per second.

    Raises:
        ValueError: For an unknown metric.
    """
    metric = one_of("metric", measurement.metric, ("tokens/s", "tokens/s/GPU", "ITL ms"))
    if metric == "tokens/s":
        return measurement.printed
    if metric == "tokens/s/GPU":
        return measurement.printed * measurement.tp
    return measurement.batch * 1000.0 / measurement.printed


def predicted_tokens_per_second(measurement: ServingMeasurement) -> float:
    """The serving calculator's decode bound for a measurement's setup, for the replica.

    The cache grows by one token a step, and a step's time is linear in the cache read, so
    the mean step over a generation is the step at the mean context
    ``input + output / 2``: :func:`serve_preset`'s ``decode_total`` there.

    Args:
        measurement: One of :data:`SERVING_MEASUREMENTS`.

    Returns:
        Output tokens per second (an upper bound: prefill and overheads are left out).
    """
    return serve_preset(
        measurement.model,
        measurement.gpu,
        measurement.fmt,
        kv_format=measurement.kv_format,
        tp=measurement.tp,
        context=max(1, measurement.input_tokens + measurement.output_tokens // 2),
        batch=measurement.batch,
    ).decode_total


# What computed numbers in the notes may name (see genai_notes.calc).
__all__ = [
    "GPUS",
    "KV_FORMATS",
    "MEASUREMENTS",
    "MODELS",
    "SERVING_MEASUREMENTS",
    "WEIGHT_FORMATS",
    "decode_tokens_per_second",
    "experts_touched",
    "kv_bytes_per_token",
    "max_concurrent_sequences",
    "max_context_tokens",
    "measured_tokens_per_second",
    "predicted_gib",
    "predicted_tokens_per_second",
    "serve_preset",
    "serving_estimate",
    "shape_params",
    "train_preset",
    "weight_bytes_read",
    "weights_bytes",
]

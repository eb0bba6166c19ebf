"""Serving a decoder-only model: prefill and decode, their time bounds, and speculative decoding.

Generation runs in two phases. **Prefill** reads the whole prompt in one forward pass, which
is a large matrix multiplication and so limited by the GPU's arithmetic (FLOP/s). **Decode**
then produces one token per forward pass; each pass must read every weight and the key-value
cache from GPU memory but does only about two FLOPs per weight per sequence, so at small
batch sizes it is limited by memory bandwidth (bytes/s). The functions here are the
roofline bounds of those two phases: a step takes at least its FLOPs over the peak FLOP/s
and at least its bytes over the bandwidth, whichever is larger. Real systems reach a
fraction of either peak; ``utilisation`` scales the peaks down when a page wants that.

Sources:

* Kaplan et al. 2020, "Scaling Laws for Neural Language Models" (arXiv 2001.08361),
  section 2.1 and Table 1: a forward pass costs ``C_forward = 2N + 2 n_layer n_ctx d_attn``
  FLOPs per token, the second term being attention over the context.
* Leviathan, Kalman and Matias 2023, "Fast Inference from Transformers via Speculative
  Decoding" (ICML 2023, arXiv 2211.17192): equation 1 for the expected number of tokens a
  step produces, ``(1 - a^(g+1)) / (1 - a)``, and Theorem 3.8 for the expected walltime
  improvement, ``(1 - a^(g+1)) / ((1 - a)(g c + 1))``.

All sizes are in bytes, times in seconds, rates in bytes/s and FLOP/s.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real
from typing import Final

from genai_notes.science._validate import positive_int, positive_number

FORWARD_FLOPS_PER_PARAM_PER_TOKEN: Final = 2.0
"""Kaplan et al. 2020, section 2.1: a forward pass costs about 2N FLOPs per token (one
multiply and one add per weight); training's 6N adds the backward pass."""


def _fraction(name: str, value: object) -> float:
    """A real number in [0, 1]."""
    if isinstance(value, bool) or not isinstance(value, Real) or not 0.0 <= float(value) <= 1.0:
        raise ValueError(f"{name} must be a number in [0, 1], got {value!r}")
    return float(value)


def _utilisation(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not 0.0 < float(value) <= 1.0:
        raise ValueError(f"utilisation must be a number in (0, 1], got {value!r}")
    return float(value)


def forward_flops(n_params: float, n_tokens: float) -> float:
    """FLOPs of a forward pass over ``n_tokens`` tokens, without the attention term.

    Args:
        n_params: Parameter count N, > 0 (non-embedding in Kaplan; the difference is small).
        n_tokens: Tokens processed, > 0.

    Returns:
        ``2 * n_params * n_tokens``.

    Raises:
        ValueError: For a non-positive count.
    """
    n = positive_number("n_params", n_params)
    tokens = positive_number("n_tokens", n_tokens)
    return FORWARD_FLOPS_PER_PARAM_PER_TOKEN * n * tokens


def attention_flops_per_token(n_layers: int, context: int, d_attn: int) -> float:
    """Kaplan's context-dependent forward FLOPs for one token: ``2 n_layer n_ctx d_attn``.

    A token attends to ``context`` earlier positions in every layer, so this term grows
    with the context; summed over a whole sequence of ``n`` tokens it grows as ``n**2``.

    Args:
        n_layers: Transformer layers, an integer >= 1.
        context: Positions attended to, an integer >= 1.
        d_attn: Attention width (heads x head width), an integer >= 1.

    Returns:
        FLOPs for one token.

    Raises:
        ValueError: For a count below 1.
    """
    layers = positive_int("n_layers", n_layers)
    ctx = positive_int("context", context)
    width = positive_int("d_attn", d_attn)
    return 2.0 * layers * ctx * width


def sequence_attention_flops(n_layers: int, seq_len: int, d_attn: int) -> float:
    """Attention FLOPs of a forward pass over a whole sequence at Kaplan's per-token rate.

    Every one of the ``seq_len`` tokens pays :func:`attention_flops_per_token` with
    ``context = seq_len``: ``2 n_layer seq_len**2 d_attn``, quadratic in the length.

    Args:
        n_layers: Transformer layers, an integer >= 1.
        seq_len: Sequence length, an integer >= 1.
        d_attn: Attention width, an integer >= 1.

    Returns:
        FLOPs.

    Raises:
        ValueError: For a count below 1.
    """
    return positive_int("seq_len", seq_len) * attention_flops_per_token(n_layers, seq_len, d_attn)


def attention_scores_bytes(
    n_heads: int, seq_len: int, batch: int = 1, bytes_per_value: float = 2.0
) -> float:
    """Bytes of one layer's ``seq_len x seq_len`` attention-score matrices, all heads.

    Standard attention writes these matrices to GPU memory (HBM) and reads them back for
    the softmax and the product with V; FlashAttention (Dao et al. 2022, arXiv 2205.14135)
    computes the same result tile by tile in on-chip memory and never stores them.

    Args:
        n_heads: Attention heads, an integer >= 1.
        seq_len: Sequence length, an integer >= 1.
        batch: Sequences, an integer >= 1.
        bytes_per_value: Bytes per score, > 0 (2 for fp16/bf16).

    Returns:
        ``n_heads * seq_len**2 * batch * bytes_per_value``.

    Raises:
        ValueError: For a bad count or size.
    """
    heads = positive_int("n_heads", n_heads)
    length = positive_int("seq_len", seq_len)
    sequences = positive_int("batch", batch)
    size = positive_number("bytes_per_value", bytes_per_value)
    return float(heads * length * length * sequences) * size


def roofline_seconds(flops: float, n_bytes: float, peak_flops: float, bandwidth: float) -> float:
    """Lower bound on the time of a step: the larger of its compute time and its memory time.

    Args:
        flops: FLOPs the step performs, > 0.
        n_bytes: Bytes the step reads from and writes to GPU memory, > 0.
        peak_flops: The GPU's peak FLOP/s for the number format, > 0.
        bandwidth: The GPU's memory bandwidth in bytes/s, > 0.

    Returns:
        ``max(flops / peak_flops, n_bytes / bandwidth)`` in seconds.

    Raises:
        ValueError: For a non-positive argument.
    """
    compute = positive_number("flops", flops) / positive_number("peak_flops", peak_flops)
    memory = positive_number("n_bytes", n_bytes) / positive_number("bandwidth", bandwidth)
    return max(compute, memory)


@dataclass(frozen=True)
class DecodeStep:
    """Roofline estimate of one decode step for a batch of sequences.

    Every attribute is a plain field, so a computed number on a page can read it.

    Attributes:
        batch: Sequences decoded together (each gains one token per step).
        flops: FLOPs of the step, ``2 N batch``.
        n_bytes: Bytes read: all weights once, plus every sequence's key-value cache.
        compute_seconds: ``flops`` over the usable peak FLOP/s.
        memory_seconds: ``n_bytes`` over the usable bandwidth.
        seconds: Time per output token of each sequence (TPOT), the larger of the two.
        tokens_per_second: Tokens per second one sequence sees, ``1 / seconds``.
        throughput: Tokens per second over the whole batch, ``batch / seconds``.
        memory_bound: Whether reading memory, not arithmetic, sets the step time.
    """

    batch: int
    flops: float
    n_bytes: float
    compute_seconds: float
    memory_seconds: float
    seconds: float
    tokens_per_second: float
    throughput: float
    memory_bound: bool


def decode_step(
    n_params: float,
    weight_bytes: float,
    *,
    peak_flops: float,
    bandwidth: float,
    batch: int = 1,
    kv_bytes_per_sequence: float = 0.0,
    utilisation: float = 1.0,
) -> DecodeStep:
    """Roofline estimate of one decode step: every sequence in the batch gains one token.

    The step multiplies each sequence's newest token through all weights (``2 N`` FLOPs per
    sequence) and must stream every weight from memory once, whatever the batch, plus each
    sequence's key-value cache (attention FLOPs over the cache are left out: at
    ``2 n_layer n_ctx d_attn`` per token they are small beside ``2N`` unless the context is
    very long). Batching therefore shares the weight reads among ``batch`` sequences, which
    raises throughput until the compute time catches up with the memory time.

    Args:
        n_params: Parameter count N, > 0.
        weight_bytes: Bytes of the weights as stored (N times bytes per parameter), > 0.
        peak_flops: Peak FLOP/s of the GPU in the weights' format, > 0.
        bandwidth: Memory bandwidth of the GPU, bytes/s, > 0.
        batch: Sequences decoded together, an integer >= 1.
        kv_bytes_per_sequence: Key-value cache of one sequence at its current length, >= 0.
        utilisation: Fraction of both peaks actually reached, in (0, 1].

    Returns:
        The step's FLOPs, bytes and both time bounds.

    Raises:
        ValueError: For a bad argument.
    """
    n = positive_number("n_params", n_params)
    weights = positive_number("weight_bytes", weight_bytes)
    sequences = positive_int("batch", batch)
    kv = float(kv_bytes_per_sequence)
    if not math.isfinite(kv) or kv < 0:
        raise ValueError(
            f"kv_bytes_per_sequence must be a finite number >= 0, got {kv_bytes_per_sequence!r}"
        )
    share = _utilisation(utilisation)
    flops = FORWARD_FLOPS_PER_PARAM_PER_TOKEN * n * sequences
    n_bytes = weights + sequences * kv
    compute = flops / (positive_number("peak_flops", peak_flops) * share)
    memory = n_bytes / (positive_number("bandwidth", bandwidth) * share)
    seconds = max(compute, memory)
    return DecodeStep(
        batch=sequences,
        flops=flops,
        n_bytes=n_bytes,
        compute_seconds=compute,
        memory_seconds=memory,
        seconds=seconds,
        tokens_per_second=1.0 / seconds,
        throughput=sequences / seconds,
        memory_bound=memory >= compute,
    )


def max_decode_tokens_per_second(bandwidth: float, bytes_per_token: float) -> float:
    """Upper bound on one sequence's decode speed: bandwidth over bytes read per token.

    Args:
        bandwidth: Memory bandwidth, bytes/s, > 0.
        bytes_per_token: Bytes read to produce one token (weights plus its cache), > 0.

    Returns:
        Tokens per second.

    Raises:
        ValueError: For a non-positive argument.
    """
    return positive_number("bandwidth", bandwidth) / positive_number(
        "bytes_per_token", bytes_per_token
    )


def compute_bound_batch(peak_flops: float, bandwidth: float, bytes_per_param: float) -> float:
    """Batch size at which a decode step's compute time equals its weight-reading time.

    Setting ``2 N B / peak_flops = N b / bandwidth`` gives
    ``B = peak_flops * b / (2 * bandwidth)``, with b bytes per parameter. Below it, decoding
    is memory-bound and a bigger batch is nearly free; above it, compute-bound. The key-value
    cache is ignored here; it adds bytes per sequence and so pushes the point further out.

    Args:
        peak_flops: Peak FLOP/s, > 0.
        bandwidth: Memory bandwidth, bytes/s, > 0.
        bytes_per_param: Bytes per stored weight, > 0 (2 for bf16).

    Returns:
        The batch size, as a float.

    Raises:
        ValueError: For a non-positive argument.
    """
    flops = positive_number("peak_flops", peak_flops)
    rate = positive_number("bandwidth", bandwidth)
    size = positive_number("bytes_per_param", bytes_per_param)
    return flops * size / (FORWARD_FLOPS_PER_PARAM_PER_TOKEN * rate)


def prefill_seconds(
    n_params: float,
    prompt_tokens: int,
    weight_bytes: float,
    *,
    peak_flops: float,
    bandwidth: float,
    utilisation: float = 1.0,
) -> float:
    """Lower bound on the time to first token: one forward pass over the prompt.

    ``2 N P`` FLOPs for a prompt of P tokens, and at least one read of the weights; the
    attention term, queueing and network time are left out, so real TTFT is longer.

    Args:
        n_params: Parameter count N, > 0.
        prompt_tokens: Prompt length P, an integer >= 1.
        weight_bytes: Bytes of the weights, > 0.
        peak_flops: Peak FLOP/s, > 0.
        bandwidth: Memory bandwidth, bytes/s, > 0.
        utilisation: Fraction of both peaks reached, in (0, 1].

    Returns:
        Seconds.

    Raises:
        ValueError: For a bad argument.
    """
    share = _utilisation(utilisation)
    flops = forward_flops(n_params, positive_int("prompt_tokens", prompt_tokens))
    return roofline_seconds(
        flops,
        positive_number("weight_bytes", weight_bytes),
        positive_number("peak_flops", peak_flops) * share,
        positive_number("bandwidth", bandwidth) * share,
    )


def max_sequences_in_memory(
    gpu_bytes: float, weight_bytes: float, kv_bytes_per_sequence: float
) -> int:
    """How many sequences' key-value caches fit beside the weights (activations ignored).

    Args:
        gpu_bytes: GPU memory, bytes, > 0.
        weight_bytes: Bytes of the weights, > 0.
        kv_bytes_per_sequence: Cache of one sequence at its full length, > 0.

    Returns:
        ``floor((gpu_bytes - weight_bytes) / kv_bytes_per_sequence)``, or 0 when the weights
        alone do not fit.

    Raises:
        ValueError: For a non-positive argument.
    """
    free = positive_number("gpu_bytes", gpu_bytes) - positive_number("weight_bytes", weight_bytes)
    per_sequence = positive_number("kv_bytes_per_sequence", kv_bytes_per_sequence)
    return max(0, math.floor(free / per_sequence))


def speculative_expected_tokens(acceptance: float, draft_tokens: int) -> float:
    """Expected tokens one speculative step yields (Leviathan et al. 2023, equation 1).

    The draft model proposes ``g`` tokens; the target model checks them in one pass and
    accepts each with probability ``a`` (independently, the paper's simplifying
    assumption), stopping at the first rejection, and always adds one token of its own
    (the correction, or a bonus token when all ``g`` are accepted). The expected count is
    ``(1 - a**(g + 1)) / (1 - a)``, between 1 (``a = 0``) and ``g + 1`` (``a = 1``).

    Args:
        acceptance: Acceptance rate a, in [0, 1].
        draft_tokens: Draft length g (gamma), an integer >= 1.

    Returns:
        Expected tokens per target-model pass.

    Raises:
        ValueError: For a rate outside [0, 1] or a draft length below 1.
    """
    a = _fraction("acceptance", acceptance)
    g = positive_int("draft_tokens", draft_tokens)
    if a == 1.0:
        return float(g + 1)
    return (1.0 - a ** (g + 1)) / (1.0 - a)


def speculative_speedup(acceptance: float, draft_tokens: int, cost_ratio: float) -> float:
    """Expected walltime improvement of speculative decoding (Leviathan et al., Theorem 3.8).

    One step costs ``g`` draft passes at ``c`` target passes each plus one target pass,
    ``g c + 1``, and yields :func:`speculative_expected_tokens`; the ratio is the speed-up
    over plain decoding, assuming the target's check of ``g + 1`` positions costs one pass
    (true while decoding is memory-bound).

    Args:
        acceptance: Acceptance rate a, in [0, 1].
        draft_tokens: Draft length g, an integer >= 1.
        cost_ratio: c, the draft model's time per pass over the target's, >= 0.

    Returns:
        ``(1 - a**(g + 1)) / ((1 - a)(g c + 1))``.

    Raises:
        ValueError: For a bad argument.
    """
    if (
        isinstance(cost_ratio, bool)
        or not isinstance(cost_ratio, Real)
        or not 0.0 <= cost_ratio < math.inf
    ):
        raise ValueError(f"cost_ratio must be a finite number >= 0, got {cost_ratio!r}")
    tokens = speculative_expected_tokens(acceptance, draft_tokens)
    return tokens / (draft_tokens * float(cost_ratio) + 1.0)


def best_draft_tokens(acceptance: float, cost_ratio: float, max_draft_tokens: int = 16) -> int:
    """The draft length g in 1..``max_draft_tokens`` with the largest expected speed-up.

    Args:
        acceptance: Acceptance rate a, in [0, 1].
        cost_ratio: c, >= 0.
        max_draft_tokens: Largest g tried, an integer >= 1.

    Returns:
        The best g (the smallest one on a tie).

    Raises:
        ValueError: For a bad argument.
    """
    limit = positive_int("max_draft_tokens", max_draft_tokens)
    return max(
        range(1, limit + 1), key=lambda g: (speculative_speedup(acceptance, g, cost_ratio), -g)
    )


# What computed numbers in the notes may name (see genai_notes.calc).
__all__ = [
    "FORWARD_FLOPS_PER_PARAM_PER_TOKEN",
    "DecodeStep",
    "attention_flops_per_token",
    "attention_scores_bytes",
    "best_draft_tokens",
    "compute_bound_batch",
    "decode_step",
    "forward_flops",
    "max_decode_tokens_per_second",
    "max_sequences_in_memory",
    "prefill_seconds",
    "roofline_seconds",
    "sequence_attention_flops",
    "speculative_expected_tokens",
    "speculative_speedup",
]

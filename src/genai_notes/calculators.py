"""The Python twins of the in-browser calculators, and the constants they share.

The calculators on the week-1 pages (``docs/javascripts/calculators.js``) compute in the
browser with ``docs/javascripts/genai-science.js``, a line-for-line port of
:mod:`genai_notes.science` plus the two functions below. The numbers both sides need (bytes
per format, ZeRO's K, the Chinchilla fits, the well-known models, the presets) are written
once, here and in the science modules, and reach the browser as
``docs/javascripts/genai-constants.js``, which ``scripts/gen-constants`` writes from
:func:`constants_js`. A unit test regenerates it and fails when the committed file differs.

The training and serving calculators compute with the JavaScript twins of
:mod:`genai_notes.science.parallelism` and :mod:`genai_notes.science.hardware` (whose GPU and
model presets, formats and policies are in the constants too). ``tests/js_twins.py`` and the
browser tests compare every JavaScript twin with Python on random inputs, in V8 (unit tier,
no browser) and in Chromium.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

from genai_notes.science import hardware, memory, parallelism, peft, sampling, scaling, units
from genai_notes.science._validate import one_of, positive_int, positive_number

CONSTANTS_JS: Final = Path("docs") / "javascripts" / "genai-constants.js"
"""Where ``scripts/gen-constants`` writes :func:`constants_js`, relative to the project root."""

MEMORY_MODES: Final = ("inference", "full", "lora", "qlora")
"""Modes of :func:`vram_breakdown`: inference with a KV cache, full fine-tuning with Adam,
LoRA and QLoRA."""

LORA_TARGET_SETS: Final = MappingProxyType(
    {
        "q,v": ("q", "v"),
        "q,k,v,o": ("q", "k", "v", "o"),
        "q,k,v,o,ff_in,ff_out": ("q", "k", "v", "o", "ff_in", "ff_out"),
    }
)
"""The LoRA target choices the memory calculator offers (LoRA paper default first)."""

MODEL_SHAPES: Final = MappingProxyType(
    {
        "GPT-2 small": {
            "n_params": 124_439_808,
            "n_layers": 12,
            "d_model": 768,
            "n_heads": 12,
            "n_kv_heads": 12,
            "head_dim": 64,
            "vocab": 50257,
            "d_ff": 3072,
            "gated_mlp": False,
            "tied_embeddings": True,
            "source": "openai-community/gpt2 config.json; 124,439,808 parameters in transformers",
        },
        "Llama 2 7B": {
            "n_params": 6_738_415_616,
            "n_layers": 32,
            "d_model": 4096,
            "n_heads": 32,
            "n_kv_heads": 32,
            "head_dim": 128,
            "vocab": 32000,
            "d_ff": 11008,
            "gated_mlp": True,
            "tied_embeddings": False,
            "source": "meta-llama/Llama-2-7b-hf config.json; Touvron et al. 2023, arXiv 2307.09288",
        },
        "Llama 2 70B": {
            "n_params": 68_976_648_192,
            "n_layers": 80,
            "d_model": 8192,
            "n_heads": 64,
            "n_kv_heads": 8,
            "head_dim": 128,
            "vocab": 32000,
            "d_ff": 28672,
            "gated_mlp": True,
            "tied_embeddings": False,
            "source": "meta-llama/Llama-2-70b-hf config.json; GQA with 8 key-value heads "
            "(Touvron et al. 2023, arXiv 2307.09288, section 2.2)",
        },
    }
)
"""Shapes the memory calculator can load, from each model's published ``config.json``, with
the parameter count ``transformers`` reports (biases and norms included)."""

SAMPLING_PRESETS: Final = MappingProxyType(
    {
        "The soup was": {
            "tokens": ["delicious", "hot", "good", "cold", "salty", "purple"],
            "logits": [2.0, 1.6, 1.2, 0.9, 0.2, -1.0],
        },
        "The capital of France is": {
            "tokens": ["Paris", "a", "the", "located", "Lyon", "not", "Marseille", "banana"],
            "logits": [6.0, 2.5, 2.2, 1.5, 0.8, 0.5, 0.2, -3.0],
        },
        "A tie at the top": {
            "tokens": ["red", "blue", "green", "yellow", "black"],
            "logits": [1.5, 1.5, 1.5, 0.5, -0.5],
        },
    }
)
"""Next-token distributions for the sampling playground; the first is the worked example of
the generation-configuration page. Illustrative logits, not from a real model."""


def flops_from_gpu_hours(
    n_gpus: float, hours: float, peak_tflops: float, utilization: float
) -> float:
    """Training compute delivered by a cluster: GPUs x hours x 3600 s x peak x utilization.

    Args:
        n_gpus: Number of GPUs, > 0.
        hours: Wall-clock hours, > 0.
        peak_tflops: Peak throughput of one GPU in TFLOP/s (e.g. 312 for an A100 in dense
            bf16), > 0.
        utilization: Fraction of the peak achieved (model FLOPs utilization), in (0, 1].

    Returns:
        FLOPs.

    Raises:
        ValueError: For a non-positive argument or a utilization above 1.
    """
    gpus = positive_number("n_gpus", n_gpus)
    time = positive_number("hours", hours)
    peak = positive_number("peak_tflops", peak_tflops)
    used = positive_number("utilization", utilization)
    if used > 1:
        raise ValueError(f"utilization must be in (0, 1], got {utilization!r}")
    return gpus * time * 3600.0 * peak * 1e12 * used


def _activations(n_layers: int, d_model: int, n_heads: int, seq_len: int, batch: int) -> float:
    return memory.activation_bytes(n_layers, d_model, n_heads, seq_len, batch)


def vram_breakdown(
    mode: str,
    dtype: str,
    *,
    n_params: float,
    n_layers: int,
    d_model: int,
    n_heads: int,
    n_kv_heads: int,
    head_dim: int,
    seq_len: int,
    batch: int = 1,
    stage: int = 0,
    n_gpus: int = 1,
    lora_rank: int = 8,
    lora_targets: Sequence[str] = ("q", "v"),
    d_ff: int | None = None,
) -> memory.MemoryBreakdown:
    """GPU memory per GPU for one of the memory calculator's four modes.

    * ``"inference"``: the weights in ``dtype`` plus the KV cache
      (:func:`~genai_notes.science.memory.kv_cache_bytes`), kept in fp32 for fp32 weights
      and in fp16 otherwise (quantized weights still compute with a 16-bit cache).
    * ``"full"``: mixed-precision Adam under ZeRO stage ``stage`` on ``n_gpus`` GPUs
      (:func:`~genai_notes.science.memory.zero_breakdown_per_gpu`, ``dtype`` fp16 or bf16),
      plus activations (:func:`~genai_notes.science.memory.activation_bytes`).
    * ``"lora"`` and ``"qlora"``: :func:`~genai_notes.science.peft.finetune_memory` with
      :func:`~genai_notes.science.peft.lora_model_params` adapters, plus activations; LoRA
      keeps 16-bit frozen weights (fp16 or bf16), QLoRA NF4 ones (``dtype`` int4).

    ZeRO applies to ``"full"`` only; the other modes need ``stage=0`` and ``n_gpus=1``.

    Args:
        mode: One of :data:`MEMORY_MODES`.
        dtype: Weight format, a key of :data:`~genai_notes.science.memory.DTYPES`.
        n_params: Parameter count, > 0.
        n_layers: Transformer layers.
        d_model: Hidden size.
        n_heads: Query heads.
        n_kv_heads: Key-value heads.
        head_dim: Head width.
        seq_len: Sequence length (tokens in the cache, or per training sequence).
        batch: Sequences per GPU.
        stage: ZeRO stage, 0 to 3.
        n_gpus: Data-parallel GPUs.
        lora_rank: LoRA rank r.
        lora_targets: LoRA target matrices.
        d_ff: MLP width, needed when the LoRA targets include the MLP.

    Returns:
        The parts per GPU, in bytes.

    Raises:
        ValueError: For any argument out of range or a format the mode cannot use.
    """
    checked_mode = one_of("mode", mode, MEMORY_MODES)
    n = positive_number("n_params", n_params)
    if checked_mode != "full" and (stage != 0 or n_gpus != 1):
        raise ValueError("ZeRO stage and GPU count apply to full fine-tuning only")
    if checked_mode == "inference":
        kv_dtype = "fp32" if dtype == "fp32" else "fp16"
        weights = memory.weights_bytes(n, dtype)
        cache = memory.kv_cache_bytes(n_layers, n_kv_heads, head_dim, seq_len, batch, kv_dtype)
        return memory.MemoryBreakdown(
            n, ((f"weights ({dtype})", weights), (f"KV cache ({kv_dtype})", cache))
        )
    positive_int("n_kv_heads", n_kv_heads)
    positive_int("head_dim", head_dim)
    activations = ("activations (16-bit)", _activations(n_layers, d_model, n_heads, seq_len, batch))
    if checked_mode == "full":
        one_of("dtype for full fine-tuning (mixed precision)", dtype, ("fp16", "bf16"))
        states = memory.zero_breakdown_per_gpu(n, n_gpus, stage).items
        relabelled = tuple((label.replace("fp16", dtype), size) for label, size in states)
        return memory.MemoryBreakdown(n, (*relabelled, activations))
    if checked_mode == "lora":
        one_of("dtype for LoRA (16-bit frozen weights)", dtype, ("fp16", "bf16"))
    else:
        one_of("dtype for QLoRA (NF4 frozen weights)", dtype, ("int4",))
    trainable = peft.lora_model_params(d_model, n_layers, lora_rank, lora_targets, d_ff)
    parts = peft.finetune_memory(n, checked_mode, trainable_params=trainable).items
    return memory.MemoryBreakdown(n, (*parts, activations))


def constants() -> dict[str, Any]:
    """Every constant the calculators use, as plain JSON-ready data.

    Returns:
        A dict of the byte units, formats, ZeRO stages, PEFT constants, scaling fits, known
        models, model shapes and sampling presets.
    """
    return {
        "GB": units.GB,
        "GiB": units.GiB,
        "dtypes": dict(memory.DTYPES),
        "zeroStages": {str(stage): label for stage, label in memory.ZERO_STAGES.items()},
        "adamMixedPrecisionK": memory.ADAM_MIXED_PRECISION_K,
        "activationBytesPerElement": memory.ACTIVATION_BYTES_PER_ELEMENT,
        "attentionScoreBytes": memory.ATTENTION_SCORE_BYTES,
        "loraTargets": list(peft.LORA_TARGETS),
        "loraTargetSets": {name: list(targets) for name, targets in LORA_TARGET_SETS.items()},
        "qloraBitsPerParam": dict(peft.QLORA_BITS_PER_PARAM),
        "adapterBytesPerParam": peft.ADAPTER_BYTES_PER_PARAM,
        "finetuneMethods": list(peft.FINETUNE_METHODS),
        "memoryModes": list(MEMORY_MODES),
        "modelShapes": dict(MODEL_SHAPES),
        "flopsPerParamPerToken": scaling.FLOPS_PER_PARAM_PER_TOKEN,
        "pfDay": scaling.PF_DAY,
        "fits": {
            name: {
                "E": fit.E,
                "A": fit.A,
                "B": fit.B,
                "alpha": fit.alpha,
                "beta": fit.beta,
                "source": fit.source,
            }
            for name, fit in scaling.FITS.items()
        },
        "knownModels": [
            {
                "name": model.name,
                "nParams": model.n_params,
                "nTokens": model.n_tokens,
                "reportedFlops": model.reported_flops,
                "citation": model.citation,
            }
            for model in scaling.KNOWN_MODELS
        ],
        "samplingPresets": dict(SAMPLING_PRESETS),
        "topPUlps": sampling.TOP_P_ULPS,
        "parallelism": {
            "precisions": {name: list(b) for name, b in parallelism.PRECISIONS.items()},
            "optimizers": dict(parallelism.OPTIMIZERS),
            "recompute": list(parallelism.RECOMPUTE),
            "activationBytes16bit": parallelism.ACTIVATION_BYTES_16BIT,
            "activationBytesReplicated": parallelism.ACTIVATION_BYTES_REPLICATED,
            "attentionScoreBytes": parallelism.ATTENTION_SCORE_BYTES,
            "fullRecomputeBytes": parallelism.FULL_RECOMPUTE_BYTES,
        },
        "hardware": {
            "gpus": {name: dataclasses.asdict(gpu) for name, gpu in hardware.GPUS.items()},
            "models": {name: dataclasses.asdict(m) for name, m in hardware.MODELS.items()},
            "weightFormats": dict(hardware.WEIGHT_FORMATS),
            "kvFormats": dict(hardware.KV_FORMATS),
        },
    }


def constants_js() -> str:
    """The text of ``docs/javascripts/genai-constants.js``.

    Returns:
        A script that sets ``window.genaiNotesConstants``.
    """
    body = json.dumps(constants(), indent=2, ensure_ascii=False)
    return (
        "// Generated by scripts/gen-constants from genai_notes.calculators.constants().\n"
        "// Do not edit: change the Python and run scripts/gen-constants.\n"
        f"window.genaiNotesConstants = {body};\n"
    )


def write_constants_js(root: Path) -> Path:
    """Write :func:`constants_js` under ``root``.

    Args:
        root: The project root (the folder of ``mkdocs.yml``).

    Returns:
        The path written.
    """
    target = root / CONSTANTS_JS
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(constants_js(), encoding="utf-8")
    return target

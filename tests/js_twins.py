"""JavaScript against Python on random inputs, for the parallelism and hardware twins and the
top-p boundary: the cases, the JavaScript that evaluates them, and the comparison. The unit
tier runs the JavaScript in V8 from PyPI (mini-racer), the browser tier in Chromium."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from genai_notes.science import hardware, parallelism, sampling

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ("docs/javascripts/genai-constants.js", "docs/javascripts/genai-science.js")
N_CASES = 1500
REL_TOL = 1e-9

# Evaluates every case in JavaScript; a refused call returns {"error": message}.
JS_RUNNER = """(cases) => {
  const g = window.genaiNotes, hw = g.hardware, par = g.parallelism;
  const attempt = (f) => { try { return f(); } catch (e) { return {error: String(e.message)}; } };
  return cases.map((c) => {
    const t = c.train, s = c.serve;
    return {
      states: attempt(() => g.modelStatesBytesPerGpu(c.n, c.tp, c.pp, c.dp, c.stage)),
      layer: attempt(() => par.activationBytesPerLayer(t.d_model, t.n_heads, t.seq_len,
        t.micro_batch, {tp: t.tp, cp: t.cp, sequenceParallel: t.sequence_parallel,
        recompute: t.recompute})),
      training: attempt(() => par.trainingMemoryPerGpu({nParams: t.n_params,
        nLayers: t.n_layers, dModel: t.d_model, nHeads: t.n_heads, seqLen: t.seq_len,
        microBatch: t.micro_batch, tp: t.tp, pp: t.pp, dp: t.dp, cp: t.cp,
        sequenceParallel: t.sequence_parallel, zeroStage: t.zero_stage,
        recompute: t.recompute, precision: t.precision, optimizer: t.optimizer,
        nMicrobatches: t.n_microbatches})),
      weights: attempt(() => hw.weightsBytes(s.n_params, s.format,
        {unquantizedParams: s.unquantized})),
      kv: attempt(() => hw.kvBytesPerToken(s.n_layers, s.n_kv_heads, s.head_dim,
        s.kv_format, s.tp)),
      fit: attempt(() => hw.maxConcurrentSequences(s.memory, s.weight_bytes, s.kv_per_token,
        s.context, {usableFraction: s.fraction})),
      context: attempt(() => hw.maxContextTokens(s.memory, s.weight_bytes, s.kv_per_token,
        s.batch, {usableFraction: s.fraction})),
      experts: attempt(() => hw.expertsTouched(s.n_experts, s.k, s.batch)),
      decode: attempt(() => hw.decodeTokensPerSecond(s.bandwidth, s.weight_bytes,
        s.kv_seq, s.batch, s.compute ? {flopsPerToken: s.flops, peakFlops: s.peak} : {})),
      shape: hw.shapeParams(g.constants.hardware.models[s.model]),
      kept: g.stages(c.top_p.logits, {topP: c.top_p.p}).kept,
      estimate: attempt(() => hw.servingEstimate({nParams: c.est.n_params,
        activeParams: c.est.active_params, nExperts: c.est.n_experts,
        expertsPerToken: c.est.experts_per_token, nLayers: c.est.n_layers,
        nKvHeads: c.est.n_kv_heads, headDim: c.est.head_dim,
        embeddingParams: c.est.embedding_params, fmt: c.est.fmt,
        keepEmbeddings: c.est.keep_embeddings, kvFormat: c.est.kv_format,
        gpu: g.constants.hardware.gpus[c.est.gpu], tp: c.est.tp,
        usableFraction: c.est.usable_fraction, context: c.est.context, batch: c.est.batch})),
    };
  });
}"""


def _choice(rng: np.random.Generator, values: Any) -> Any:
    return values[int(rng.integers(0, len(values)))]


def _training_case(rng: np.random.Generator) -> dict[str, Any]:
    heads = int(_choice(rng, [8, 16, 32, 40, 64, 96, 128]))
    return {
        "n_params": float(10 ** rng.uniform(8, 12)),
        "n_layers": int(_choice(rng, [12, 24, 30, 32, 40, 48, 80, 126])),
        "d_model": int(heads * _choice(rng, [64, 128])),
        "n_heads": heads,
        "seq_len": int(_choice(rng, [512, 1024, 2048, 4096, 8192, 3000])),
        "micro_batch": int(rng.integers(1, 17)),
        "tp": int(_choice(rng, [1, 2, 4, 8, 3])),
        "pp": int(_choice(rng, [1, 2, 4, 8, 16, 5])),
        "dp": int(_choice(rng, [1, 2, 8, 64, 1000])),
        "cp": int(_choice(rng, [1, 2, 4, 7])),
        "sequence_parallel": bool(rng.integers(0, 2)),
        "zero_stage": int(rng.integers(0, 4)),
        "recompute": str(_choice(rng, list(parallelism.RECOMPUTE))),
        "precision": str(_choice(rng, list(parallelism.PRECISIONS))),
        "optimizer": str(_choice(rng, list(parallelism.OPTIMIZERS))),
        "n_microbatches": None if rng.random() < 0.5 else int(rng.integers(1, 32)),
    }


def _serving_case(rng: np.random.Generator) -> dict[str, Any]:
    n = float(10 ** rng.uniform(8, 12))
    experts = int(_choice(rng, [1, 8, 16, 64, 128]))
    return {
        "n_params": n,
        "format": str(_choice(rng, list(hardware.WEIGHT_FORMATS))),
        "unquantized": float(_choice(rng, [0.0, 0.0, n * 0.02, n * rng.random(), n * 1.5])),
        "n_layers": int(rng.integers(1, 130)),
        "n_kv_heads": int(_choice(rng, [1, 2, 4, 8, 32])),
        "head_dim": int(_choice(rng, [64, 80, 128, 256])),
        "kv_format": str(_choice(rng, list(hardware.KV_FORMATS))),
        "tp": int(_choice(rng, [1, 2, 4, 8, 16])),
        "memory": float(_choice(rng, [24e9, 40e9, 80e9, 141e9, 180e9])),
        "weight_bytes": float(10 ** rng.uniform(8, 12)),
        "kv_per_token": float(10 ** rng.uniform(3, 7)),
        "context": int(rng.integers(1, 200_000)),
        "batch": int(rng.integers(1, 512)),
        "fraction": float(_choice(rng, [0.9, 0.8, rng.uniform(0.05, 1.0), 1.2])),
        "n_experts": experts,
        "k": int(rng.integers(1, min(experts, 8) + 1)) if rng.random() < 0.95 else experts + 1,
        "bandwidth": float(10 ** rng.uniform(11, 13)),
        "kv_seq": float(_choice(rng, [0.0, 10 ** rng.uniform(3, 10)])),
        "compute": bool(rng.integers(0, 2)),
        "flops": float(10 ** rng.uniform(9, 12)),
        "peak": float(10 ** rng.uniform(13, 16)),
        "model": str(_choice(rng, list(hardware.MODELS))),
    }


def _estimate_case(rng: np.random.Generator) -> dict[str, Any]:
    model = hardware.MODELS[_choice(rng, list(hardware.MODELS))]
    total, active = hardware.shape_params(model)
    return {
        "n_params": float(model.n_params),
        "active_params": float(model.n_params - (total - active)),
        "n_experts": model.n_experts,
        "experts_per_token": model.experts_per_token,
        "n_layers": model.n_layers,
        "n_kv_heads": model.n_kv_heads,
        "head_dim": model.head_dim,
        "embedding_params": float(2 * model.vocab * model.d_model),
        "fmt": str(_choice(rng, list(hardware.WEIGHT_FORMATS))),
        "keep_embeddings": bool(rng.integers(0, 2)),
        "kv_format": str(_choice(rng, list(hardware.KV_FORMATS))),
        "gpu": str(_choice(rng, list(hardware.GPUS))),
        "tp": int(_choice(rng, [1, 2, 4, 8])),
        "usable_fraction": float(rng.uniform(0.5, 1.0)),
        "context": int(rng.integers(1, 131_072)),
        "batch": int(rng.integers(1, 256)),
    }


def _top_p_case(rng: np.random.Generator) -> dict[str, Any]:
    """Logits of exact decimal probabilities, with top-p on one of their partial sums."""
    size = int(rng.integers(2, 12))
    parts = rng.integers(1, 20, size)
    probs = parts / parts.sum()
    order = np.sort(probs)[::-1]
    k = int(rng.integers(1, size))
    top_p = float(min(round(float(order[:k].sum()), 12), 1.0))
    return {"logits": [float(z) for z in np.log(probs)], "p": top_p}


def cases(seed: int = 17) -> list[dict[str, Any]]:
    """N_CASES random cases, each feeding every function once."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(N_CASES):
        out.append(
            {
                "n": float(10 ** rng.uniform(6, 13)),
                "tp": int(_choice(rng, [1, 2, 4, 8])),
                "pp": int(_choice(rng, [1, 2, 4, 8, 16])),
                "dp": int(_choice(rng, [1, 2, 8, 64, 512])),
                "stage": int(_choice(rng, [0, 1, 2, 3, 3, 4])),
                "train": _training_case(rng),
                "serve": _serving_case(rng),
                "top_p": _top_p_case(rng),
                "est": _estimate_case(rng),
            }
        )
    return out


def _python_or_error(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    try:
        return function(*args, **kwargs)
    except ValueError as error:
        return {"error": str(error)}


def _close(js: Any, py: Any) -> bool:
    a, b = float(js), float(py)
    return a == b or abs(a - b) <= REL_TOL * max(abs(a), abs(b))


def _same(js: Any, py: Any, what: str) -> int:
    """Assert agreement (both refuse, or equal numbers); return 1 when a value was compared."""
    if isinstance(py, dict):
        assert isinstance(js, dict) and "error" in js, f"{what}: Python refused ({py}), JS {js}"
        return 0
    assert not (isinstance(js, dict) and "error" in js), f"{what}: JS refused ({js}), Python {py}"
    if hasattr(py, "items") and hasattr(py, "total"):
        assert [label for label, _ in js["items"]] == list(py.labels), what
        for (_, left), (_, right) in zip(js["items"], py.items, strict=True):
            assert _close(left, right), f"{what}: JS {js['items']}, Python {py.items}"
        assert _close(js["total"], py.total), what
        return 1
    assert _close(js, py), f"{what}: JavaScript {js!r}, Python {py!r}"
    return 1


def check(all_cases: list[dict[str, Any]], results: list[dict[str, Any]]) -> dict[str, int]:
    """Compare JavaScript results with Python; return how many values each function compared."""
    counts: dict[str, int] = {}

    def count(name: str, compared: int) -> None:
        counts[name] = counts.get(name, 0) + compared

    for index, (c, js) in enumerate(zip(all_cases, results, strict=True)):
        what = f"case {index}"
        t, s = c["train"], c["serve"]
        py = _python_or_error(
            parallelism.model_states_bytes_per_gpu, c["n"], c["tp"], c["pp"], c["dp"], c["stage"]
        )
        count("model_states_bytes_per_gpu", _same(js["states"], py, what + " states"))
        layer = _python_or_error(
            parallelism.activation_bytes_per_layer,
            t["d_model"], t["n_heads"], t["seq_len"], t["micro_batch"], tp=t["tp"], cp=t["cp"],
            sequence_parallel=t["sequence_parallel"], recompute=t["recompute"],
        )  # fmt: skip
        count("activation_bytes_per_layer", _same(js["layer"], layer, what + " layer"))
        training = _python_or_error(parallelism.training_memory_per_gpu, **t)
        count("training_memory_per_gpu", _same(js["training"], training, what + " training"))
        weights = _python_or_error(
            hardware.weights_bytes, s["n_params"], s["format"], unquantized_params=s["unquantized"]
        )
        count("weights_bytes", _same(js["weights"], weights, what + " weights"))
        kv = _python_or_error(
            hardware.kv_bytes_per_token,
            s["n_layers"], s["n_kv_heads"], s["head_dim"], s["kv_format"], s["tp"],
        )  # fmt: skip
        count("kv_bytes_per_token", _same(js["kv"], kv, what + " kv"))
        fit = _python_or_error(
            hardware.max_concurrent_sequences,
            s["memory"], s["weight_bytes"], s["kv_per_token"], s["context"],
            usable_fraction=s["fraction"],
        )  # fmt: skip
        count("max_concurrent_sequences", _same(js["fit"], fit, what + " fit"))
        context = _python_or_error(
            hardware.max_context_tokens,
            s["memory"], s["weight_bytes"], s["kv_per_token"], s["batch"],
            usable_fraction=s["fraction"],
        )  # fmt: skip
        count("max_context_tokens", _same(js["context"], context, what + " context"))
        experts = _python_or_error(hardware.experts_touched, s["n_experts"], s["k"], s["batch"])
        count("experts_touched", _same(js["experts"], experts, what + " experts"))
        extra = {"flops_per_token": s["flops"], "peak_flops": s["peak"]} if s["compute"] else {}
        decode = _python_or_error(
            hardware.decode_tokens_per_second,
            s["bandwidth"], s["weight_bytes"], s["kv_seq"], s["batch"], **extra,
        )  # fmt: skip
        count("decode_tokens_per_second", _same(js["decode"], decode, what + " decode"))
        shape = hardware.shape_params(hardware.MODELS[s["model"]])
        assert js["shape"] == list(shape), what + " shape"
        count("shape_params", 1)
        kept = sampling.stages(c["top_p"]["logits"], top_p=c["top_p"]["p"]).kept
        assert js["kept"] == kept.tolist(), what + " top-p"
        count("top_p", 1)
        e = dict(c["est"])
        e["gpu"] = hardware.GPUS[e["gpu"]]
        estimate = _python_or_error(hardware.serving_estimate, **e)
        if isinstance(estimate, dict):
            assert "error" in js["estimate"], what + " serving_estimate"
        else:
            for name, value in dataclasses.asdict(estimate).items():
                camel = re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), name)
                assert _close(js["estimate"][camel], value), f"{what} serving_estimate {name}"
            count("serving_estimate", 1)
    return counts


def run_in_v8(all_cases: list[dict[str, Any]], runner: str = JS_RUNNER) -> list[dict[str, Any]]:
    """Evaluate ``runner`` (a JavaScript function of the cases) in V8 (mini-racer), without a
    browser, with the calculators' scripts loaded as the pages load them."""
    from py_mini_racer import MiniRacer

    context = MiniRacer()
    try:
        context.eval("var window = globalThis;")
        for script in SCRIPTS:
            context.eval((ROOT / script).read_text(encoding="utf-8"))
        text = context.eval(f"JSON.stringify(({runner})({json.dumps(all_cases)}))")
    finally:
        context.close()
    result: list[dict[str, Any]] = json.loads(str(text))
    return result

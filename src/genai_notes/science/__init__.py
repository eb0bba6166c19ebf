"""The maths behind the notes (numpy only: no matplotlib, no MkDocs).

Modules:
    attention: scaled dot-product attention, stage by stage.
    collectives: ring all-reduce, ZeRO-3 through a layer, GPipe and 1F1B schedules.
    sampling: softmax, temperature, top-k, top-p, greedy and seeded draws.
    memory: bytes to store and train a model; ZeRO partitioning.
    scaling: 6ND compute, Kaplan and Chinchilla laws, Table 3, well-known models.
    formats: how a number is stored in fp32, fp16, bf16 and int8.
    units: bytes to GB (1e9) and GiB (2**30).
    metrics: ROUGE-N, ROUGE-L and BLEU.
    peft: LoRA parameter counts and fine-tuning memory (full, LoRA, QLoRA).
    inference: prefill and decode time bounds, batching, speculative decoding.
    rlhf: reward-model loss, PPO (clip, GAE, value loss), KL estimators, DPO, GRPO.
    retrieval: similarity, chunking, vector-index memory, BM25, rank fusion, retrieval metrics.
    deployment: bits per weight of group-wise quantization and 2:4 sparsity.
    agents: majority-vote odds and the prompt tokens of an agent loop.
    parallelism: training memory per GPU over data, tensor, pipeline and context parallelism.
    hardware: GPU and model presets; serving memory and bandwidth-bound decode speed.

Each module's ``__all__`` lists what computed numbers in the notes may name
(see :mod:`genai_notes.engine.expressions`); this package's ``__all__`` lists the modules.
"""

from __future__ import annotations

from genai_notes.science import (
    agents,
    attention,
    collectives,
    deployment,
    formats,
    hardware,
    inference,
    memory,
    metrics,
    parallelism,
    peft,
    retrieval,
    rlhf,
    sampling,
    scaling,
    units,
)

__all__ = [
    "agents",
    "attention",
    "collectives",
    "deployment",
    "formats",
    "hardware",
    "inference",
    "memory",
    "metrics",
    "parallelism",
    "peft",
    "retrieval",
    "rlhf",
    "sampling",
    "scaling",
    "units",
]

"""Collective communication and schedules of distributed training, step by step.

* Ring all-reduce: a reduce-scatter then an all-gather, each ``n - 1`` steps in which every GPU
  sends one of ``n`` chunks to its neighbour (Patarasuk and Yuan 2009, "Bandwidth optimal
  all-reduce algorithms for clusters of workstations"; NCCL's ring). Each GPU sends
  ``2 (n - 1) / n`` times the buffer in all.
* ZeRO-3 through one layer (Rajbhandari et al. 2019, arXiv 1910.02054, section 5.3): the
  layer's parameters are all-gathered before use and freed after, and its gradients are
  reduce-scattered so each GPU keeps the shard it updates.
* Pipeline schedules with ``p`` stages and ``m`` micro-batches: GPipe (Huang et al. 2019, all
  forwards then all backwards) and 1F1B (PipeDream-Flush, Narayanan et al. 2021, arXiv
  2104.04473, section 2.2.1), drawn with a backward as long as a forward, so both take
  ``2 (m + p - 1)`` slots and idle ``(p - 1) / (m + p - 1)`` of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from genai_notes.science._validate import one_of, positive_int, positive_number


@dataclass(frozen=True)
class RingStep:
    """The buffers of every GPU after one step of a ring all-reduce.

    Attributes:
        phase: ``"start"``, ``"reduce-scatter"`` or ``"all-gather"``.
        index: Step within its phase (1-based; 0 for the start).
        buffers: ``buffers[g][c]``: GPU g's value of chunk c.
        contributions: ``contributions[g][c]``: how many GPUs' chunks are summed in it.
        sent: ``sent[g]``: the chunk GPU g sent to GPU ``g + 1`` in this step (None at the
            start).
    """

    phase: str
    index: int
    buffers: tuple[tuple[float, ...], ...]
    contributions: tuple[tuple[int, ...], ...]
    sent: tuple[int | None, ...]


def ring_all_reduce(chunks: list[list[float]]) -> tuple[RingStep, ...]:
    """Every step of a ring all-reduce of one buffer of ``n`` chunks on each of ``n`` GPUs.

    In reduce-scatter step s (1 to n - 1) GPU g sends chunk ``(g - s + 1) mod n`` to GPU
    ``g + 1``, which adds it to its own; then GPU g holds the full sum of chunk
    ``(g + 1) mod n``. In all-gather step s GPU g sends chunk ``(g - s + 2) mod n``, which the
    next GPU stores.

    Args:
        chunks: ``chunks[g][c]``: GPU g's value of chunk c; n rows of n values, n >= 2.

    Returns:
        The start and the ``2 (n - 1)`` steps; in the last, every GPU holds every sum.

    Raises:
        ValueError: Unless there are n >= 2 rows of n numbers.
    """
    n = len(chunks)
    if n < 2 or any(len(row) != n for row in chunks):
        raise ValueError(f"chunks must be n >= 2 rows of n values, got {chunks!r}")
    buffers = [[float(value) for value in row] for row in chunks]
    counts = [[1] * n for _ in range(n)]
    steps = [_ring_step("start", 0, buffers, counts, [None] * n)]
    for phase, offset in (("reduce-scatter", 1), ("all-gather", 2)):
        for s in range(1, n):
            sent: list[int | None] = [(g - s + offset) % n for g in range(n)]
            outgoing = [(buffers[g][c], counts[g][c]) for g, c in enumerate(sent) if c is not None]
            for g, (value, count) in enumerate(outgoing):
                receiver, chunk = (g + 1) % n, sent[g]
                assert chunk is not None
                if phase == "reduce-scatter":
                    buffers[receiver][chunk] += value
                    counts[receiver][chunk] += count
                else:
                    buffers[receiver][chunk], counts[receiver][chunk] = value, count
            steps.append(_ring_step(phase, s, buffers, counts, sent))
    return tuple(steps)


def ring_example_chunks(n_gpus: int = 4) -> list[list[float]]:
    """The notes' example: GPU g's chunk c holds ``(c + 1) x 10^g``, so each digit of a sum
    tells whose chunk is in it (chunk 1 sums to 1111 on four GPUs).

    Args:
        n_gpus: GPUs in the ring, 2 to 6.
    """
    n = positive_int("n_gpus", n_gpus)
    if not 2 <= n <= 6:
        raise ValueError(f"n_gpus must be 2 to 6 for the example, got {n_gpus!r}")
    return [[float((c + 1) * 10**g) for c in range(n)] for g in range(n)]


def _ring_step(
    phase: str,
    index: int,
    buffers: list[list[float]],
    counts: list[list[int]],
    sent: list[int | None],
) -> RingStep:
    return RingStep(
        phase,
        index,
        tuple(tuple(row) for row in buffers),
        tuple(tuple(row) for row in counts),
        tuple(sent),
    )


def ring_all_reduce_bytes_per_gpu(buffer_bytes: float, n_gpus: int) -> float:
    """Bytes each GPU sends (and receives) in a ring all-reduce: ``2 (n - 1) / n`` x buffer.

    Args:
        buffer_bytes: Size of the buffer reduced, > 0.
        n_gpus: GPUs in the ring, an integer >= 1.
    """
    size = positive_number("buffer_bytes", buffer_bytes)
    n = positive_int("n_gpus", n_gpus)
    return 2.0 * (n - 1) / n * size


def dense_layer_params(d_model: int, d_ff: int) -> float:
    """Weights of one Llama-style layer: ``4 d^2`` in attention (Q, K, V, O) plus ``3 d d_ff``
    in the gated (SwiGLU) MLP; norms and biases left out (Touvron et al. 2023, arXiv 2302.13971,
    section 2.2).

    Args:
        d_model: Hidden size d, an integer >= 1.
        d_ff: The MLP's inner size, an integer >= 1.
    """
    d = positive_int("d_model", d_model)
    return float(4 * d * d + 3 * d * positive_int("d_ff", d_ff))


@dataclass(frozen=True)
class ZeroStep:
    """One GPU's share of one layer at a stage of ZeRO-3.

    Attributes:
        name: ``"sharded"``, ``"all-gather"``, ``"compute"``, ``"reduce-scatter"``.
        weight_bytes: Bytes of the layer's weights held by the GPU.
        gradient_bytes: Bytes of the layer's gradients held by the GPU.
        received_bytes: Bytes the GPU received in this stage's collective.
    """

    name: str
    weight_bytes: float
    gradient_bytes: float
    received_bytes: float


ZERO3_STAGES: Final = ("sharded", "all-gather", "compute", "reduce-scatter")


def zero3_layer(
    layer_params: float, n_gpus: int, bytes_per_value: float = 2.0
) -> tuple[ZeroStep, ...]:
    """What one GPU holds and receives as ZeRO-3 takes one layer through forward and backward.

    Sharded: ``1/n`` of the weights. All-gather: the other ``(n - 1)/n`` arrive, the whole layer
    is held. Compute: the whole gradient of this GPU's micro-batch is produced. Reduce-scatter:
    each GPU receives ``(n - 1)/n`` of a gradient's size in partial sums and keeps the summed
    ``1/n`` shard it updates; the gathered weights are freed. (A real backward gathers the
    weights again; here forward and backward are one compute stage.)

    Args:
        layer_params: Parameters of the layer, > 0.
        n_gpus: Data-parallel GPUs sharing the layer, an integer >= 1.
        bytes_per_value: Bytes of a weight and of a gradient (2 for bf16), > 0.

    Returns:
        The four stages in order.
    """
    size = positive_number("layer_params", layer_params) * positive_number(
        "bytes_per_value", bytes_per_value
    )
    n = positive_int("n_gpus", n_gpus)
    shard, rest = size / n, size * (n - 1) / n
    return (
        ZeroStep("sharded", shard, 0.0, 0.0),
        ZeroStep("all-gather", size, 0.0, rest),
        ZeroStep("compute", size, size, 0.0),
        ZeroStep("reduce-scatter", shard, shard, rest),
    )


@dataclass(frozen=True)
class PipelineOp:
    """One forward or backward of one micro-batch on one stage, in unit time slots.

    Attributes:
        stage: Pipeline stage, 0-based.
        microbatch: Micro-batch, 0-based.
        kind: ``"F"`` (forward) or ``"B"`` (backward).
        start: First slot it occupies (it lasts one slot).
    """

    stage: int
    microbatch: int
    kind: str
    start: int


@dataclass(frozen=True)
class Schedule:
    """A pipeline schedule and what it costs.

    Attributes:
        ops: Every operation, ordered by stage then start.
        slots: Slots from the first forward to the last backward.
        bubble_fraction: Idle share of each stage's slots.
        peak_in_flight: Most micro-batches whose activations stage 0 holds at once.
    """

    ops: tuple[PipelineOp, ...]
    slots: int
    bubble_fraction: float
    peak_in_flight: int


SCHEDULES: Final = ("gpipe", "1f1b")


def _orders(kind: str, stages: int, microbatches: int) -> list[list[tuple[str, int]]]:
    """The order of operations on each stage."""
    orders = []
    for stage in range(stages):
        if kind == "gpipe":
            order = [("F", j) for j in range(microbatches)]
            order += [("B", j) for j in range(microbatches)]
        else:
            warmup = min(stages - 1 - stage, microbatches)
            order = [("F", j) for j in range(warmup)]
            for j in range(microbatches - warmup):
                order += [("F", warmup + j), ("B", j)]
            order += [("B", j) for j in range(microbatches - warmup, microbatches)]
        orders.append(order)
    return orders


def pipeline_schedule(kind: str, stages: int, microbatches: int) -> Schedule:
    """Simulate a GPipe or 1F1B schedule, each operation starting when its inputs are ready.

    A forward needs the previous stage's forward of the micro-batch; a backward needs the next
    stage's backward (the last stage's, its own forward). Forward and backward last one slot.

    Args:
        kind: ``"gpipe"`` or ``"1f1b"``.
        stages: Pipeline stages p, an integer >= 1.
        microbatches: Micro-batches per step m, an integer >= 1.

    Returns:
        The schedule; its bubble fraction is ``(p - 1) / (m + p - 1)`` for both kinds.
    """
    one_of("kind", kind, SCHEDULES)
    p, m = positive_int("stages", stages), positive_int("microbatches", microbatches)
    orders = _orders(kind, p, m)
    done: dict[tuple[str, int, int], int] = {}
    free = [0] * p
    position = [0] * p
    ops: list[PipelineOp] = []
    while len(ops) < 2 * p * m:
        progressed = False
        for stage in range(p):
            if position[stage] == len(orders[stage]):
                continue
            op_kind, j = orders[stage][position[stage]]
            if op_kind == "F":
                need = ("F", stage - 1, j) if stage > 0 else None
            else:
                need = ("B", stage + 1, j) if stage < p - 1 else ("F", stage, j)
            if need is not None and need not in done:
                continue
            start = max(free[stage], done[need] if need is not None else 0)
            done[(op_kind, stage, j)] = start + 1
            free[stage] = start + 1
            position[stage] += 1
            ops.append(PipelineOp(stage, j, op_kind, start))
            progressed = True
        assert progressed, "the schedule deadlocked"
    slots = max(op.start for op in ops) + 1
    ops.sort(key=lambda op: (op.stage, op.start))
    held = peak = 0
    for op in (o for o in ops if o.stage == 0):
        held += 1 if op.kind == "F" else -1
        peak = max(peak, held)
    busy = 2 * m
    return Schedule(tuple(ops), slots, (slots - busy) / slots, peak)


__all__ = [
    "SCHEDULES",
    "ZERO3_STAGES",
    "PipelineOp",
    "RingStep",
    "Schedule",
    "ZeroStep",
    "dense_layer_params",
    "pipeline_schedule",
    "ring_all_reduce",
    "ring_all_reduce_bytes_per_gpu",
    "ring_example_chunks",
    "zero3_layer",
]

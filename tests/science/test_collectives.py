"""Ring all-reduce, ZeRO-3 through a layer and pipeline schedules, worked by hand."""

from __future__ import annotations

import pytest

from genai_notes.science import collectives, scaling


def test_ring_all_reduce_on_three_gpus_step_by_step() -> None:
    steps = collectives.ring_all_reduce([[1, 2, 3], [10, 20, 30], [100, 200, 300]])
    assert [(s.phase, s.index) for s in steps] == [
        ("start", 0),
        ("reduce-scatter", 1),
        ("reduce-scatter", 2),
        ("all-gather", 1),
        ("all-gather", 2),
    ]
    # step 1: GPU g sends chunk g; GPU 1 adds GPU 0's chunk 0, GPU 0 gets GPU 2's chunk 2
    assert steps[1].sent == (0, 1, 2)
    assert steps[1].buffers == ((1, 2, 303), (11, 20, 30), (100, 220, 300))
    # after n - 1 steps GPU g holds chunk g + 1 summed
    assert steps[2].buffers[0][1] == 222 and steps[2].buffers[1][2] == 333
    assert steps[2].buffers[2][0] == 111
    assert steps[2].contributions[2][0] == 3
    assert all(row == (111, 222, 333) for row in steps[-1].buffers)


def test_the_example_chunks_show_whose_chunk_is_in_a_sum() -> None:
    assert collectives.ring_example_chunks(3) == [[1, 2, 3], [10, 20, 30], [100, 200, 300]]
    final = collectives.ring_all_reduce(collectives.ring_example_chunks(4))[-1]
    assert final.buffers[0] == (1111, 2222, 3333, 4444)


def test_ring_bytes_are_two_n_minus_one_over_n() -> None:
    assert collectives.ring_all_reduce_bytes_per_gpu(1e9, 4) == pytest.approx(1.5e9)
    assert collectives.ring_all_reduce_bytes_per_gpu(1e9, 1) == 0.0


def test_zero3_one_layer_holds_a_quarter_then_everything() -> None:
    steps = collectives.zero3_layer(1000, 4, bytes_per_value=2)
    assert [s.name for s in steps] == list(collectives.ZERO3_STAGES)
    assert [(s.weight_bytes, s.gradient_bytes, s.received_bytes) for s in steps] == [
        (500, 0, 0),
        (2000, 0, 1500),
        (2000, 2000, 0),
        (500, 500, 1500),
    ]


def test_dense_layer_params_of_llama_2_7b() -> None:
    # 4 x 4096^2 + 3 x 4096 x 11008; times 32 layers plus 2 x 32000 x 4096 embeddings and
    # the norms gives the 6,738,415,616 of the model's config
    per_layer = collectives.dense_layer_params(4096, 11008)
    assert per_layer == 202_375_168
    assert 32 * per_layer + 2 * 32000 * 4096 + 65 * 4096 == 6_738_415_616


@pytest.mark.parametrize("kind", ["gpipe", "1f1b"])
@pytest.mark.parametrize(("p", "m"), [(4, 6), (4, 8), (2, 1), (1, 3), (3, 2)])
def test_both_schedules_take_2_m_plus_p_minus_1_slots(kind: str, p: int, m: int) -> None:
    schedule = collectives.pipeline_schedule(kind, p, m)
    assert schedule.slots == 2 * (m + p - 1)
    assert schedule.bubble_fraction == pytest.approx((p - 1) / (m + p - 1))
    assert schedule.bubble_fraction == pytest.approx(scaling.pipeline_bubble_fraction(p, m))
    assert len(schedule.ops) == 2 * p * m
    starts = {(op.stage, op.start) for op in schedule.ops}
    assert len(starts) == len(schedule.ops)  # one operation per stage and slot


def test_1f1b_holds_p_micro_batches_where_gpipe_holds_m() -> None:
    assert collectives.pipeline_schedule("gpipe", 4, 8).peak_in_flight == 8
    assert collectives.pipeline_schedule("1f1b", 4, 8).peak_in_flight == 4
    assert collectives.pipeline_schedule("1f1b", 4, 2).peak_in_flight == 2


def test_a_backward_waits_for_the_next_stage() -> None:
    ops = {
        (op.kind, op.stage, op.microbatch): op.start
        for op in collectives.pipeline_schedule("1f1b", 3, 2).ops
    }
    assert ops[("F", 2, 0)] == 2  # micro-batch 0 reaches the last stage at slot 2
    assert ops[("B", 2, 0)] == 3  # and goes straight back
    assert ops[("B", 1, 0)] == 4 and ops[("B", 0, 0)] == 5


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="kind"):
        collectives.pipeline_schedule("zigzag", 2, 2)
    with pytest.raises(ValueError, match="chunks"):
        collectives.ring_all_reduce([[1, 2]])
    with pytest.raises(ValueError, match="n_gpus"):
        collectives.zero3_layer(10, 0)

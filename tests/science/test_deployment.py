"""Tests for genai_notes.science.deployment, against hand-worked bit counts.

Group-wise int4 with group size 128 (GPTQ section 5, AWQ section 4): one fp16 scale and one
zero point per 128 weights. 2:4 sparsity (Mishra et al. 2021, arXiv 2104.08378): two kept
values and a 2-bit index for each, per four weights.
"""

from __future__ import annotations

import pytest

from genai_notes.science import deployment


def test_int4_group_128_with_fp16_scale_and_zero_costs_4_25_bits() -> None:
    assert deployment.group_quant_bits_per_weight(4, 128) == 4 + 32 / 128 == 4.25


def test_packed_4_bit_zero_points_cost_4_15625_bits() -> None:
    assert deployment.group_quant_bits_per_weight(4, 128, zero_bits=4) == 4 + 20 / 128


def test_symmetric_quantization_needs_only_the_scale() -> None:
    assert deployment.group_quant_bits_per_weight(4, 128, zero_bits=0) == 4.125


def test_smaller_groups_cost_more() -> None:
    assert deployment.group_quant_bits_per_weight(4, 32) == 5.0


def test_2_4_sparse_fp16_costs_9_bits_per_dense_position() -> None:
    assert deployment.sparse_2_4_bits_per_weight() == (2 * 16 + 2 * 2) / 4 == 9.0


def test_weights_gb_of_7b_at_4_25_bits() -> None:
    assert deployment.weights_gb(7e9, 4.25) == pytest.approx(7e9 * 4.25 / 8 / 1e9)


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="group_size"):
        deployment.group_quant_bits_per_weight(4, 0)
    with pytest.raises(ValueError, match="zero_bits"):
        deployment.group_quant_bits_per_weight(4, 128, zero_bits=-1)

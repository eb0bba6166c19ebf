"""What compressed weights really cost: group-wise quantization and 2:4 sparsity.

* Group-wise post-training quantization (GPTQ, Frantar et al. 2022, arXiv 2210.17323,
  section 5 "grouping"; AWQ, Lin et al. 2023, arXiv 2306.00978) stores ``bits`` per weight
  plus, for every group of ``group_size`` consecutive weights of a row, a scale and (for
  asymmetric quantization) a zero point. The overhead is ``(scale_bits + zero_bits) /
  group_size`` bits per weight (:func:`group_quant_bits_per_weight`). Checkpoints of the
  AutoGPTQ and AutoAWQ formats keep the scales in fp16 and pack the zero points at
  ``bits`` each into int32 words.
* 2:4 semi-structured sparsity (Mishra et al. 2021, arXiv 2104.08378) keeps two values in
  every group of four and a 2-bit position index for each kept value
  (:func:`sparse_2_4_bits_per_weight`).
"""

from __future__ import annotations

from genai_notes.science._validate import positive_int, positive_number


def group_quant_bits_per_weight(
    bits: int, group_size: int, scale_bits: int = 16, zero_bits: int = 16
) -> float:
    """Stored bits per weight of group-wise quantization, metadata included.

    Args:
        bits: Bits of each quantized weight, >= 1 (4 for int4).
        group_size: Weights that share one scale and zero point, >= 1 (128 is usual).
        scale_bits: Bits of each scale (16 for fp16).
        zero_bits: Bits of each zero point: 16 if stored in fp16, ``bits`` if packed as
            integers, 0 for symmetric quantization without a zero point.

    Returns:
        ``bits + (scale_bits + zero_bits) / group_size``.
    """
    meta = positive_int("scale_bits", scale_bits)
    if isinstance(zero_bits, bool) or not isinstance(zero_bits, int) or zero_bits < 0:
        raise ValueError(f"zero_bits must be an integer >= 0, got {zero_bits!r}")
    return positive_int("bits", bits) + (meta + zero_bits) / positive_int("group_size", group_size)


def sparse_2_4_bits_per_weight(value_bits: int = 16, index_bits: int = 2) -> float:
    """Stored bits per dense weight position of a 2:4 sparse matrix.

    Each group of four weights keeps two values and a position index for each of them.

    Args:
        value_bits: Bits of each kept value (16 for fp16 or bf16).
        index_bits: Bits of each position index (2 in NVIDIA's format).

    Returns:
        ``(2 * value_bits + 2 * index_bits) / 4``.
    """
    return (
        2 * positive_int("value_bits", value_bits) + 2 * positive_int("index_bits", index_bits)
    ) / 4


def weights_gb(n_params: float, bits_per_weight: float) -> float:
    """Gigabytes (1e9 bytes) of ``n_params`` weights at ``bits_per_weight`` each.

    Args:
        n_params: Parameter count, > 0.
        bits_per_weight: Stored bits per weight, > 0 (metadata included).

    Returns:
        ``n_params * bits_per_weight / 8 / 1e9``.
    """
    return (
        positive_number("n_params", n_params)
        * positive_number("bits_per_weight", bits_per_weight)
        / 8e9
    )


# What computed numbers in the notes may name (see genai_notes.calc).
__all__ = ["group_quant_bits_per_weight", "sparse_2_4_bits_per_weight", "weights_gb"]

"""Tests for the KV cache, parameter-count and activation formulas of
genai_notes.science.memory.

Sources: Hugging Face ``config.json`` of meta-llama/Llama-2-7b-hf (32 layers, hidden 4096,
32 heads, 32 key-value heads, MLP 11008, vocabulary 32000) and meta-llama/Llama-2-70b-hf
(80 layers, hidden 8192, 64 heads, 8 key-value heads, MLP 28672); Touvron et al. 2023,
"Llama 2", arXiv 2307.09288, section 2.2 and Table 1 (GQA for 70B); Kwon et al. 2023,
"Efficient Memory Management for Large Language Model Serving with PagedAttention" (vLLM),
arXiv 2309.06180, section 3 (OPT-13B: 800 KB of KV cache per token); openai-community/gpt2
``config.json`` (12 layers, 768, 12 heads, vocabulary 50257, 1024 positions); Korthikanti et
al. 2022, arXiv 2205.05198, equation 1.
"""

from __future__ import annotations

import pytest

from genai_notes.science import memory, units


def test_kv_cache_of_llama_2_7b_is_half_a_mebibyte_per_token_in_fp16() -> None:
    # 2 (K and V) x 32 layers x 32 heads x 128 x 2 bytes = 524,288 bytes per token.
    per_token = memory.kv_cache_bytes(32, 32, 128, seq_len=1, batch=1, dtype="fp16")
    assert per_token == 2 * 32 * 32 * 128 * 2 == 524_288
    full_context = memory.kv_cache_bytes(32, 32, 128, seq_len=4096, batch=1, dtype="fp16")
    assert units.to_gib(full_context) == 2.0


def test_kv_cache_of_opt_13b_matches_the_vllm_paper() -> None:
    """vLLM section 3: "2 (key and value vectors) x 5120 (hidden state size) x 40 (number
    of layers) x 2 (bytes per FP16)" = 800 KB per token; 40 heads of 128 make 5120."""
    per_token = memory.kv_cache_bytes(40, 40, 128, seq_len=1, dtype="fp16")
    assert per_token == 2 * 5120 * 40 * 2
    assert per_token / 1024 == 800


def test_grouped_query_attention_shrinks_the_cache_by_heads_over_kv_heads() -> None:
    # Llama 2 70B: 64 query heads share 8 key-value heads, so the cache is 8x smaller
    # than multi-head attention would need.
    gqa = memory.kv_cache_bytes(80, 8, 128, seq_len=4096, batch=1)
    mha = memory.kv_cache_bytes(80, 64, 128, seq_len=4096, batch=1)
    assert gqa == 2 * 80 * 8 * 128 * 4096 * 2 == 1_342_177_280
    assert mha / gqa == 8


def test_kv_cache_grows_linearly_with_batch_sequence_and_bytes() -> None:
    one = memory.kv_cache_bytes(2, 2, 64, seq_len=100, batch=1, dtype="fp16")
    assert memory.kv_cache_bytes(2, 2, 64, seq_len=100, batch=3, dtype="fp16") == 3 * one
    assert memory.kv_cache_bytes(2, 2, 64, seq_len=300, batch=1, dtype="fp16") == 3 * one
    assert memory.kv_cache_bytes(2, 2, 64, seq_len=100, batch=1, dtype="fp32") == 2 * one
    assert memory.kv_cache_bytes(2, 2, 64, seq_len=100, batch=1, dtype="int8") == one / 2


@pytest.mark.parametrize("bad", [0, -1, 1.5, True])
def test_kv_cache_refuses_counts_below_one_or_not_integers(bad: object) -> None:
    with pytest.raises(ValueError, match="seq_len must be an integer >= 1"):
        memory.kv_cache_bytes(32, 8, 128, seq_len=bad, batch=1)  # type: ignore[arg-type]


def test_kv_cache_refuses_an_unknown_dtype() -> None:
    with pytest.raises(ValueError, match="dtype must be one of"):
        memory.kv_cache_bytes(32, 8, 128, seq_len=1, dtype="fp8")


def test_llama_2_7b_count_from_its_shape_is_the_published_count_less_its_norms() -> None:
    count = memory.transformer_params(
        32, 4096, 32000, n_heads=32, d_ff=11008, gated_mlp=True, tied_embeddings=False
    )
    published = 6_738_415_616  # meta-llama/Llama-2-7b-hf, model.num_parameters()
    assert count == 6_738_149_376
    assert published - count == 65 * 4096  # 2 RMSNorms per layer and a final one


def test_llama_2_70b_count_handles_grouped_query_attention() -> None:
    count = memory.transformer_params(
        80,
        8192,
        32000,
        n_heads=64,
        n_kv_heads=8,
        head_dim=128,
        d_ff=28672,
        gated_mlp=True,
        tied_embeddings=False,
    )
    published = 68_976_648_192  # meta-llama/Llama-2-70b-hf
    assert published - count == (2 * 80 + 1) * 8192
    # Without GQA the K and V matrices would be 8x larger: 80 x 2 x 8192 x 7168 more.
    mha = memory.transformer_params(
        80, 8192, 32000, n_heads=64, d_ff=28672, gated_mlp=True, tied_embeddings=False
    )
    assert mha - count == 80 * 2 * 8192 * (64 - 8) * 128


def test_gpt2_small_count_is_124m_within_one_percent() -> None:
    count = memory.transformer_params(12, 768, 50257, n_heads=12)
    assert count == 12 * (4 * 768**2 + 8 * 768**2) + 50257 * 768 == 123_532_032
    published = 124_439_808  # openai-community/gpt2: adds 1024 x 768 positions and biases
    assert abs(count - published) / published < 0.01


def test_transformer_params_defaults_are_mha_and_a_4x_mlp() -> None:
    explicit = memory.transformer_params(
        2, 64, 100, n_heads=4, n_kv_heads=4, head_dim=16, d_ff=256, tied_embeddings=True
    )
    assert memory.transformer_params(2, 64, 100, n_heads=4) == explicit


def test_transformer_params_refuses_a_zero_head_count() -> None:
    with pytest.raises(ValueError, match="n_heads must be an integer >= 1"):
        memory.transformer_params(2, 64, 100, n_heads=0)


def test_activations_follow_korthikanti_equation_1() -> None:
    # GPT-3 175B shape: h 12288, a 96, s 2048; per layer sbh(34 + 5as/h) with 5as/h = 80.
    per_layer = 2048 * 1 * 12288 * (34 + 5 * 96 * 2048 / 12288)
    assert 5 * 96 * 2048 / 12288 == 80
    assert memory.activation_bytes(1, 12288, 96, 2048, 1) == per_layer
    assert memory.activation_bytes(96, 12288, 96, 2048, 1) == 96 * per_layer


def test_activations_grow_with_the_square_of_the_sequence_in_the_attention_term() -> None:
    short = memory.activation_bytes(1, 1024, 16, 512)
    long = memory.activation_bytes(1, 1024, 16, 1024)
    linear_part = 34 * 1024 * 1024
    assert long - 2 * short == 5 * 16 * 1024**2 - 2 * 5 * 16 * 512**2
    assert long > 2 * short > linear_part

"""Tests for genai_notes.science.retrieval.

Expected values are worked by hand (the arithmetic is written out), or come from:

* the Faiss wiki, "Faiss indexes" and "Guidelines to choose an index": bytes per vector of
  ``IndexFlat`` (``4 * d``), ``IndexHNSWFlat`` (``d * 4 + M * 2 * 4``) and ``IndexIVFPQ``
  (``ceil(M * nbits / 8) + 8``);
* Wikipedia, "Discounted cumulative gain", worked example: relevances 3, 2, 3, 0, 1, 2 give
  DCG6 = 6.861, IDCG6 = 8.740 (with two more judged documents of relevance 3 and 2) and
  nDCG6 = 0.785;
* Cormack, Clarke and Büttcher 2009: RRF score ``sum 1 / (60 + rank)``.
"""

from __future__ import annotations

import math

import pytest

from genai_notes.science import metrics, retrieval

# --- cosine similarity ------------------------------------------------------------------------


def test_cosine_of_1_2_3_and_4_5_6_is_32_over_root_14_times_77() -> None:
    assert retrieval.cosine_similarity([1, 2, 3], [4, 5, 6]) == pytest.approx(
        32 / math.sqrt(14 * 77)
    )


def test_cosine_is_zero_for_orthogonal_and_minus_one_for_opposite_vectors() -> None:
    assert retrieval.cosine_similarity([1, 0], [0, 3]) == pytest.approx(0.0)
    assert retrieval.cosine_similarity([1, 2], [-2, -4]) == pytest.approx(-1.0)


def test_cosine_ignores_length() -> None:
    assert retrieval.cosine_similarity([1, 1], [10, 10]) == pytest.approx(1.0)


@pytest.mark.parametrize(("a", "b"), [([1, 2], [1, 2, 3]), ([], []), ([0, 0], [1, 1])])
def test_cosine_refuses_mismatched_empty_or_zero_vectors(a: list[int], b: list[int]) -> None:
    with pytest.raises(ValueError):
        retrieval.cosine_similarity(a, b)


# --- chunking ---------------------------------------------------------------------------------


def test_a_130000_token_manual_in_300_token_chunks_overlapping_by_50_makes_520() -> None:
    # stride 250: chunks start at 0, 250, ..., 129,750 -> 1 + ceil(129,700 / 250) = 520.
    assert retrieval.chunk_count(130_000, 300, 50) == 520


@pytest.mark.parametrize(("n", "expected"), [(1, 1), (300, 1), (301, 2), (550, 2), (551, 3)])
def test_chunk_count_at_the_edges(n: int, expected: int) -> None:
    # [0, 300) then [250, 550): 550 tokens fit two chunks, 551 need a third.
    assert retrieval.chunk_count(n, 300, 50) == expected


def test_chunk_count_without_overlap_is_the_ceiling_of_the_ratio() -> None:
    assert retrieval.chunk_count(1000, 300) == 4


def test_chunk_overlap_must_be_smaller_than_the_chunk() -> None:
    with pytest.raises(ValueError, match="overlap_tokens"):
        retrieval.chunk_count(1000, 300, 300)


# --- index memory (Faiss wiki) -----------------------------------------------------------------


def test_flat_index_stores_4_bytes_per_dimension() -> None:
    assert retrieval.flat_bytes_per_vector(768) == 3072


def test_hnsw_flat_adds_two_m_four_byte_links() -> None:
    # 768 * 4 + 32 * 2 * 4 = 3072 + 256
    assert retrieval.hnsw_bytes_per_vector(768, 32) == 3328


def test_ivfpq_stores_m_bytes_of_code_and_an_8_byte_id() -> None:
    assert retrieval.ivfpq_bytes_per_vector(64) == 72
    assert retrieval.ivfpq_bytes_per_vector(16, nbits=4) == 16  # ceil(64 / 8) + 8


def test_exact_search_costs_a_multiply_and_an_add_per_dimension() -> None:
    assert retrieval.flat_search_flops(1e6, 768) == 2 * 1e6 * 768


# --- BM25 -----------------------------------------------------------------------------------

DOCS = ["The cat sat", "the dog sat on the mat", "cats and dogs"]


def test_bm25_idf_is_lucenes_non_negative_form() -> None:
    assert retrieval.bm25_idf(3, 1) == pytest.approx(math.log(1 + 2.5 / 1.5))
    assert retrieval.bm25_idf(3, 3) > 0


def test_bm25_scores_a_three_document_collection_by_hand() -> None:
    # avgdl = (3 + 6 + 3) / 3 = 4; idf(cat) = ln(1 + 2.5/1.5), idf(sat) = ln(1 + 1.5/2.5).
    idf_cat, idf_sat = math.log(1 + 2.5 / 1.5), math.log(1 + 1.5 / 2.5)
    tf_short = 2.2 / (1 + 1.2 * (0.25 + 0.75 * 3 / 4))  # f = 1 in a 3-token document
    tf_long = 2.2 / (1 + 1.2 * (0.25 + 0.75 * 6 / 4))  # f = 1 in a 6-token document
    scores = retrieval.bm25_scores("cat sat", DOCS)
    assert scores[0] == pytest.approx((idf_cat + idf_sat) * tf_short)
    assert scores[1] == pytest.approx(idf_sat * tf_long)
    assert scores[2] == 0.0  # "cats" is not "cat": BM25 matches exact terms


def test_bm25_with_b_zero_ignores_document_length() -> None:
    short, long = retrieval.bm25_scores("sat", DOCS, b=0.0)[:2]
    assert short == pytest.approx(long)


# --- reciprocal rank fusion -------------------------------------------------------------------


def test_rrf_rewards_documents_ranked_well_by_both_lists() -> None:
    fused = retrieval.reciprocal_rank_fusion([["d1", "d2", "d3"], ["d3", "d1", "d4"]])
    assert [doc for doc, _ in fused] == ["d1", "d3", "d2", "d4"]
    assert fused[0][1] == pytest.approx(1 / 61 + 1 / 62)
    assert fused[1][1] == pytest.approx(1 / 63 + 1 / 61)
    assert fused[3][1] == pytest.approx(1 / 63)


def test_rrf_score_sums_over_lists() -> None:
    assert retrieval.rrf_score([1, 1]) == pytest.approx(2 / 61)
    assert retrieval.rrf_score([2], k=1) == pytest.approx(1 / 3)


def test_rrf_refuses_a_list_with_a_duplicate() -> None:
    with pytest.raises(ValueError, match="twice"):
        retrieval.reciprocal_rank_fusion([["a", "a"]])


# --- metrics ----------------------------------------------------------------------------------

RANKED = ["a", "b", "c", "d", "e"]
RELEVANT = ["b", "e", "f"]


def test_recall_and_precision_at_k() -> None:
    assert retrieval.recall_at_k(RANKED, RELEVANT, 5) == pytest.approx(2 / 3)
    assert retrieval.recall_at_k(RANKED, RELEVANT, 1) == 0.0
    assert retrieval.precision_at_k(RANKED, RELEVANT, 5) == pytest.approx(2 / 5)


def test_reciprocal_rank_and_its_mean() -> None:
    assert retrieval.reciprocal_rank(RANKED, RELEVANT) == 0.5
    assert retrieval.reciprocal_rank(RANKED, ["z"]) == 0.0
    runs = [(RANKED, RELEVANT), (["x", "y"], ["x"])]
    assert retrieval.mean_reciprocal_rank(runs) == pytest.approx(0.75)


def test_dcg_and_ndcg_match_the_wikipedia_example() -> None:
    ranked = [3, 2, 3, 0, 1, 2]
    judged = [3, 2, 3, 0, 1, 2, 3, 2]
    assert retrieval.dcg(ranked) == pytest.approx(6.861, abs=5e-4)
    assert retrieval.dcg(sorted(judged, reverse=True)[:6]) == pytest.approx(8.740, abs=5e-4)
    assert retrieval.ndcg_at_k(ranked, judged, 6) == pytest.approx(0.785, abs=5e-4)


def test_ndcg_of_the_ideal_ranking_is_one() -> None:
    assert retrieval.ndcg_at_k([2, 1, 0], [0, 1, 2], 3) == pytest.approx(1.0)


def test_ndcg_needs_a_relevant_judged_document() -> None:
    with pytest.raises(ValueError, match="nDCG"):
        retrieval.ndcg_at_k([0, 0], [0, 0], 2)


def test_bm25_term_score_by_hand() -> None:
    # N = 1000 documents, the term in 9 of them: idf = ln(1 + 991.5 / 9.5). Twice in a
    # 120-token document where the mean is 80: k1 (1 - b + b |D| / avgdl) = 1.2 x 1.375
    # = 1.65, so the saturated frequency is 2 x 2.2 / (2 + 1.65).
    idf = math.log(1 + 991.5 / 9.5)
    by_hand = idf * 4.4 / 3.65
    assert by_hand == pytest.approx(5.6145, abs=1e-4)
    assert retrieval.bm25_term_score(2, 120, 80, 1000, 9) == pytest.approx(by_hand)
    assert retrieval.bm25_term_score(0, 120, 80, 1000, 9) == 0.0


def test_bm25_term_score_agrees_with_bm25_scores() -> None:
    # "sat" occurs once in the first of DOCS; the collection statistics give the same score.
    docs = [metrics.tokenize(text) for text in DOCS]
    lengths = [len(tokens) for tokens in docs]
    df = sum(1 for tokens in docs if "sat" in tokens)
    expected = retrieval.bm25_term_score(
        docs[0].count("sat"), lengths[0], sum(lengths) / len(lengths), len(docs), df
    )
    assert retrieval.bm25_scores("sat", DOCS)[0] == pytest.approx(expected)


@pytest.mark.parametrize("bad", [{"freq": -1}, {"doc_len": 0}, {"b": 1.5}, {"doc_freq": 2000}])
def test_bm25_term_score_rejects_bad_input(bad: dict[str, float]) -> None:
    args: dict[str, float] = {"freq": 1, "doc_len": 10, "avg_len": 10, "n_docs": 100}
    args["doc_freq"] = 5
    args.update(bad)
    with pytest.raises(ValueError):
        retrieval.bm25_term_score(**args)  # type: ignore[arg-type]


def test_64_gb_holds_20_833_333_flat_768_dimensional_fp32_vectors() -> None:
    # 768 * 4 = 3,072 bytes per vector; 64e9 / 3,072 = 20,833,333.3, so 20,833,333 fit
    # (20,833,333 * 3,072 = 63,999,998,976 bytes) and the RAG paper's 21M do not.
    assert retrieval.vectors_that_fit(64e9, 3072) == 20_833_333
    assert retrieval.vectors_that_fit(64e9, retrieval.flat_bytes_per_vector(768)) < 21e6


def test_64_gb_holds_888_million_ivfpq_codes_of_72_bytes() -> None:
    # 64 one-byte codes + an 8-byte id = 72 bytes; 64e9 / 72 = 888,888,888.9.
    assert retrieval.vectors_that_fit(64e9, retrieval.ivfpq_bytes_per_vector(64)) == 888_888_888


def test_vectors_that_fit_refuses_non_positive_sizes() -> None:
    with pytest.raises(ValueError, match="bytes_per_vector"):
        retrieval.vectors_that_fit(64e9, 0)

"""Retrieval for RAG: similarity, chunking, index memory, BM25, rank fusion and metrics.

Sources, one per group of functions:

* Chunking: a sliding window of ``chunk_tokens`` that advances by ``chunk_tokens -
  overlap_tokens`` (:func:`chunk_count`).
* Index memory follows the Faiss wiki ("Faiss indexes" and "Guidelines to choose an
  index"): a flat index stores ``4 * d`` bytes per vector; ``IndexHNSWFlat`` about
  ``d * 4 + M * 2 * 4`` (the vector plus ``2M`` four-byte neighbour ids on the bottom layer
  of the graph of Malkov and Yashunin 2016, arXiv 1603.09320); ``IndexIVFPQ``
  ``ceil(M * nbits / 8) + 8`` (the product-quantization code of Jégou, Douze and Schmid
  2011, plus the 8-byte id kept in the inverted list).
* BM25 as in Robertson and Zaragoza 2009, "The Probabilistic Relevance Framework: BM25 and
  Beyond", eq. 3.15 ff., with Lucene's non-negative idf ``ln(1 + (N - n + 0.5) / (n + 0.5))``
  and its defaults ``k1 = 1.2``, ``b = 0.75`` (:func:`bm25_scores`).
* Reciprocal rank fusion: Cormack, Clarke and Büttcher 2009 (SIGIR), ``sum 1 / (k + rank)``
  with ``k = 60`` (:func:`reciprocal_rank_fusion`).
* Metrics: recall@k, reciprocal rank (mean over queries: MRR), and nDCG of Järvelin and
  Kekäläinen 2002 (ACM TOIS 20(4)) with linear gains and the ``log2(rank + 1)`` discount
  (:func:`ndcg_at_k`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from genai_notes.science._validate import positive_int, positive_number
from genai_notes.science.metrics import tokenize

RRF_K = 60
"""The constant k of reciprocal rank fusion (Cormack et al. 2009, section 2)."""

BM25_K1 = 1.2
"""BM25's term-frequency saturation (Lucene's default)."""

BM25_B = 0.75
"""BM25's length normalisation (Lucene's default)."""


# --- Similarity and chunking -----------------------------------------------------------------


def cosine_similarity(a: ArrayLike, b: ArrayLike) -> float:
    """Cosine of the angle between two vectors: ``a . b / (|a| |b|)``.

    Args:
        a: A vector of finite numbers, not all zero.
        b: A vector of the same length.

    Returns:
        A number in [-1, 1]; 1 for vectors pointing the same way.

    Raises:
        ValueError: For vectors of different lengths, empty, non-finite or all-zero vectors.
    """
    x = np.asarray(a, dtype=np.float64).ravel()
    y = np.asarray(b, dtype=np.float64).ravel()
    if x.size == 0 or x.shape != y.shape:
        raise ValueError(f"the vectors must be non-empty and of equal length, got {a!r}, {b!r}")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ValueError("the vectors must hold finite numbers")
    norms = float(np.linalg.norm(x) * np.linalg.norm(y))
    if norms == 0.0:
        raise ValueError("cosine similarity is undefined for an all-zero vector")
    return float(np.clip(np.dot(x, y) / norms, -1.0, 1.0))


def chunk_count(n_tokens: int, chunk_tokens: int, overlap_tokens: int = 0) -> int:
    """Chunks a sliding window makes of a text, the last one possibly shorter.

    A new chunk starts every ``chunk_tokens - overlap_tokens`` tokens until the text is
    covered: ``1 + ceil((n_tokens - chunk_tokens) / stride)`` for a text longer than a chunk.

    Args:
        n_tokens: Tokens in the text, >= 1.
        chunk_tokens: Tokens per chunk, >= 1.
        overlap_tokens: Tokens each chunk shares with the previous one, 0 <= overlap < chunk.

    Returns:
        The number of chunks.

    Raises:
        ValueError: For counts out of range.
    """
    n = positive_int("n_tokens", n_tokens)
    size = positive_int("chunk_tokens", chunk_tokens)
    if isinstance(overlap_tokens, bool) or not isinstance(overlap_tokens, int):
        raise ValueError(f"overlap_tokens must be an integer, got {overlap_tokens!r}")
    if not 0 <= overlap_tokens < size:
        raise ValueError(
            f"overlap_tokens must be in [0, chunk_tokens - 1] = [0, {size - 1}], "
            f"got {overlap_tokens!r}"
        )
    if n <= size:
        return 1
    stride = size - overlap_tokens
    return 1 + math.ceil((n - size) / stride)


# --- Index memory ------------------------------------------------------------------------------


def flat_bytes_per_vector(dim: int, bytes_per_value: float = 4.0) -> float:
    """Bytes a flat (exact, brute-force) index stores per vector: ``dim * bytes_per_value``.

    Args:
        dim: Embedding dimensions, >= 1.
        bytes_per_value: 4 for fp32 (Faiss ``IndexFlat``), 2 for fp16.

    Returns:
        Bytes per vector.
    """
    return positive_int("dim", dim) * positive_number("bytes_per_value", bytes_per_value)


def flat_search_flops(n_vectors: float, dim: int) -> float:
    """Floating-point operations of one exact search: a multiply and an add per dimension.

    Args:
        n_vectors: Vectors in the index, > 0.
        dim: Embedding dimensions, >= 1.

    Returns:
        ``2 * n_vectors * dim``.
    """
    return 2.0 * positive_number("n_vectors", n_vectors) * positive_int("dim", dim)


def hnsw_bytes_per_vector(dim: int, m: int = 32, bytes_per_value: float = 4.0) -> float:
    """Bytes per vector of an HNSW index over full vectors (Faiss ``IndexHNSWFlat``).

    The Faiss wiki's estimate ``d * 4 + M * 2 * 4``: the vector, plus ``2M`` neighbour ids of
    4 bytes on the bottom layer (HNSW's ``M_max0 = 2M``). The upper layers hold about
    ``1/M`` of the nodes each and add little.

    Args:
        dim: Embedding dimensions, >= 1.
        m: HNSW's ``M``, links per node on the upper layers, >= 1.
        bytes_per_value: Bytes per stored component (4 for fp32).

    Returns:
        Bytes per vector.
    """
    links = 2 * positive_int("m", m) * 4
    return flat_bytes_per_vector(dim, bytes_per_value) + links


def ivfpq_bytes_per_vector(m_subquantizers: int, nbits: int = 8, id_bytes: int = 8) -> float:
    """Bytes per vector of an IVF-PQ index (Faiss ``IndexIVFPQ``): ``ceil(M nbits / 8) + 8``.

    Product quantization splits a vector into ``M`` sub-vectors and stores, for each, the
    index of its nearest of ``2**nbits`` centroids; the inverted list also keeps an 8-byte id.
    The centroid tables are shared by all vectors and left out.

    Args:
        m_subquantizers: PQ's ``M``, sub-vectors per vector, >= 1.
        nbits: Bits per sub-vector code, >= 1 (8 is usual).
        id_bytes: Bytes of the id kept with each code (8 in Faiss).

    Returns:
        Bytes per vector.
    """
    code = math.ceil(
        positive_int("m_subquantizers", m_subquantizers) * positive_int("nbits", nbits) / 8
    )
    if isinstance(id_bytes, bool) or not isinstance(id_bytes, int) or id_bytes < 0:
        raise ValueError(f"id_bytes must be an integer >= 0, got {id_bytes!r}")
    return float(code + id_bytes)


def vectors_that_fit(memory_bytes: float, bytes_per_vector: float) -> float:
    """The most vectors an index of ``bytes_per_vector`` holds in ``memory_bytes``.

    Index memory grows linearly with the collection, so this is where a collection outgrows
    one machine's memory for a given index type.

    Args:
        memory_bytes: Memory available, in bytes, > 0 (64e9 for 64 GB of RAM).
        bytes_per_vector: Bytes each vector takes in the index, > 0 (see
            :func:`flat_bytes_per_vector`, :func:`hnsw_bytes_per_vector` and
            :func:`ivfpq_bytes_per_vector`).

    Returns:
        ``floor(memory_bytes / bytes_per_vector)``, a whole number of vectors.
    """
    ratio = positive_number("memory_bytes", memory_bytes) / positive_number(
        "bytes_per_vector", bytes_per_vector
    )
    return float(math.floor(ratio))


# --- Lexical retrieval: BM25 -----------------------------------------------------------------


def bm25_idf(n_docs: int, doc_freq: int) -> float:
    """Lucene's BM25 inverse document frequency, ``ln(1 + (N - n + 0.5) / (n + 0.5))``.

    Args:
        n_docs: Documents in the collection ``N``, >= 1.
        doc_freq: Documents containing the term ``n``, 0 <= n <= N.

    Returns:
        The idf, > 0.
    """
    n = positive_int("n_docs", n_docs)
    if isinstance(doc_freq, bool) or not isinstance(doc_freq, int) or not 0 <= doc_freq <= n:
        raise ValueError(f"doc_freq must be an integer in [0, {n}], got {doc_freq!r}")
    return math.log(1.0 + (n - doc_freq + 0.5) / (doc_freq + 0.5))


def bm25_term_score(
    freq: int,
    doc_len: float,
    avg_len: float,
    n_docs: int,
    doc_freq: int,
    k1: float = BM25_K1,
    b: float = BM25_B,
) -> float:
    """One query term's BM25 contribution to a document's score, from collection statistics.

    ``idf(t) * f (k1 + 1) / (f + k1 (1 - b + b |D| / avgdl))`` with :func:`bm25_idf`.

    Args:
        freq: Occurrences ``f`` of the term in the document, an integer >= 0.
        doc_len: The document's length ``|D|`` in tokens, > 0.
        avg_len: The collection's mean document length ``avgdl``, > 0.
        n_docs: Documents in the collection N.
        doc_freq: Documents that contain the term, from 0 to N.
        k1: Term-frequency saturation, > 0.
        b: Length normalisation in [0, 1].

    Returns:
        The term's score, 0 when it does not occur.
    """
    if isinstance(freq, bool) or not isinstance(freq, int) or freq < 0:
        raise ValueError(f"freq must be an integer >= 0, got {freq!r}")
    length = positive_number("doc_len", doc_len)
    mean = positive_number("avg_len", avg_len)
    saturation = positive_number("k1", k1)
    if isinstance(b, bool) or not isinstance(b, int | float) or not 0.0 <= b <= 1.0:
        raise ValueError(f"b must be in [0, 1], got {b!r}")
    idf = bm25_idf(n_docs, doc_freq)
    if freq == 0:
        return 0.0
    norm = saturation * (1.0 - b + b * length / mean)
    return idf * freq * (saturation + 1.0) / (freq + norm)


def bm25_scores(
    query: str, documents: Sequence[str], k1: float = BM25_K1, b: float = BM25_B
) -> tuple[float, ...]:
    """BM25 score of every document for a query.

    ``score(D) = sum over query terms t of idf(t) * f (k1 + 1) / (f + k1 (1 - b + b |D| /
    avgdl))`` with ``f`` the count of ``t`` in ``D``, ``|D|`` its length in tokens and
    ``avgdl`` the mean length. Text is split with :func:`genai_notes.science.metrics.tokenize`
    (lower case, letters and digits); a repeated query term counts once per occurrence.

    Args:
        query: The query text.
        documents: The collection, at least one document with a token.
        k1: Term-frequency saturation, > 0.
        b: Length normalisation in [0, 1].

    Returns:
        One score per document, in order.
    """
    docs = [tokenize(text) for text in documents]
    lengths = [len(tokens) for tokens in docs]
    if not docs or sum(lengths) == 0:
        raise ValueError("bm25_scores needs at least one document with a token")
    saturation = positive_number("k1", k1)
    if isinstance(b, bool) or not isinstance(b, int | float) or not 0.0 <= b <= 1.0:
        raise ValueError(f"b must be in [0, 1], got {b!r}")
    avgdl = sum(lengths) / len(docs)
    counts = [Counter(tokens) for tokens in docs]
    scores = []
    for doc_counts, length in zip(counts, lengths, strict=True):
        norm = saturation * (1.0 - b + b * length / avgdl)
        score = 0.0
        for term in tokenize(query):
            freq = doc_counts[term]
            if freq:
                df = sum(1 for other in counts if other[term])
                score += bm25_idf(len(docs), df) * freq * (saturation + 1.0) / (freq + norm)
        scores.append(score)
    return tuple(scores)


# --- Fusion ------------------------------------------------------------------------------------


def rrf_score(ranks: Sequence[int], k: int = RRF_K) -> float:
    """Reciprocal-rank-fusion score of one document from its 1-based ranks in each list.

    Args:
        ranks: The document's rank in each list that retrieved it (1 = top).
        k: The fusion constant, >= 1 (60 in Cormack et al. 2009).

    Returns:
        ``sum(1 / (k + rank))``.
    """
    constant = positive_int("k", k)
    return sum(1.0 / (constant + positive_int("rank", rank)) for rank in ranks)


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[str]], k: int = RRF_K
) -> tuple[tuple[str, float], ...]:
    """Fuse ranked lists of document ids into one, by :func:`rrf_score`.

    A document missing from a list contributes nothing for that list. Ties keep the order in
    which the documents first appear (list by list, top down).

    Args:
        rankings: Ranked lists of document ids, best first; ids unique within a list.
        k: The fusion constant.

    Returns:
        ``(id, score)`` pairs, best first.
    """
    ranks: dict[str, list[int]] = {}
    for ranking in rankings:
        if len(set(ranking)) != len(ranking):
            raise ValueError(f"a ranking lists a document twice: {list(ranking)!r}")
        for position, doc in enumerate(ranking, start=1):
            ranks.setdefault(doc, []).append(position)
    fused = [(doc, rrf_score(doc_ranks, k)) for doc, doc_ranks in ranks.items()]
    return tuple(sorted(fused, key=lambda pair: -pair[1]))


# --- Evaluating retrieval ----------------------------------------------------------------------


def recall_at_k(ranked: Sequence[str], relevant: Sequence[str], k: int) -> float:
    """Share of the relevant documents that appear in the top ``k`` retrieved.

    Args:
        ranked: Retrieved ids, best first.
        relevant: The ids judged relevant, at least one.
        k: Cut-off, >= 1.

    Returns:
        A number in [0, 1].
    """
    wanted = set(relevant)
    if not wanted:
        raise ValueError("recall needs at least one relevant document")
    top = set(ranked[: positive_int("k", k)])
    return len(top & wanted) / len(wanted)


def precision_at_k(ranked: Sequence[str], relevant: Sequence[str], k: int) -> float:
    """Share of the top ``k`` positions that hold a relevant document (divides by ``k``).

    Args:
        ranked: Retrieved ids, best first.
        relevant: The ids judged relevant.
        k: Cut-off, >= 1.

    Returns:
        A number in [0, 1].
    """
    cut = positive_int("k", k)
    wanted = set(relevant)
    return sum(1 for doc in ranked[:cut] if doc in wanted) / cut


def reciprocal_rank(ranked: Sequence[str], relevant: Sequence[str]) -> float:
    """``1 / rank`` of the first relevant document, 0 if none is retrieved.

    The mean over a set of queries is the mean reciprocal rank (MRR).

    Args:
        ranked: Retrieved ids, best first.
        relevant: The ids judged relevant.

    Returns:
        A number in [0, 1].
    """
    wanted = set(relevant)
    for position, doc in enumerate(ranked, start=1):
        if doc in wanted:
            return 1.0 / position
    return 0.0


def mean_reciprocal_rank(
    runs: Sequence[tuple[Sequence[str], Sequence[str]]],
) -> float:
    """Mean of :func:`reciprocal_rank` over queries.

    Args:
        runs: One ``(ranked, relevant)`` pair per query, at least one.

    Returns:
        A number in [0, 1].
    """
    if not runs:
        raise ValueError("mean_reciprocal_rank needs at least one query")
    return sum(reciprocal_rank(ranked, relevant) for ranked, relevant in runs) / len(runs)


def dcg(gains: Sequence[float]) -> float:
    """Discounted cumulative gain: ``sum gain_i / log2(i + 1)`` over ranks ``i = 1, 2, ...``.

    Args:
        gains: Graded relevance of each position, best first, each >= 0.

    Returns:
        The DCG.
    """
    total = 0.0
    for position, gain in enumerate(gains, start=1):
        if isinstance(gain, bool) or not isinstance(gain, int | float) or gain < 0:
            raise ValueError(f"gains must be numbers >= 0, got {gain!r}")
        total += gain / math.log2(position + 1)
    return total


def ndcg_at_k(ranked_gains: Sequence[float], judged_gains: Sequence[float], k: int) -> float:
    """Normalised DCG at cut-off ``k``: DCG of the ranking over DCG of the ideal ranking.

    Args:
        ranked_gains: Graded relevance of the retrieved documents, in retrieved order
            (0 for an irrelevant one).
        judged_gains: Graded relevance of every judged document for the query (the ideal
            ranking sorts these), at least one > 0.
        k: Cut-off, >= 1.

    Returns:
        A number in [0, 1].
    """
    cut = positive_int("k", k)
    ideal = dcg(sorted(judged_gains, reverse=True)[:cut])
    if ideal == 0.0:
        raise ValueError("nDCG needs at least one judged document with a gain > 0")
    return dcg(list(ranked_gains)[:cut]) / ideal


# --- Near-duplicate detection: shingles, Jaccard, MinHash with LSH ----------------------------


def shingle_jaccard(text_a: str, text_b: str, n: int = 1) -> float:
    """Jaccard similarity of two texts' sets of word n-grams ("shingles").

    ``|A & B| / |A | B|`` with A and B the sets of ``n`` consecutive words, words as split by
    :func:`genai_notes.science.metrics.tokenize` (lower case, punctuation dropped). This is
    the similarity that MinHash estimates (Broder 1997, "On the resemblance and containment
    of documents").

    Args:
        text_a: The first text, with at least ``n`` words.
        text_b: The second text, with at least ``n`` words.
        n: Words per shingle, an integer >= 1.

    Returns:
        A number in [0, 1]; 1 for texts with the same shingles.

    Raises:
        ValueError: For ``n`` below 1 or a text with fewer than ``n`` words.
    """
    size = positive_int("n", n)
    sets = []
    for name, text in (("text_a", text_a), ("text_b", text_b)):
        words = tokenize(text)
        if len(words) < size:
            raise ValueError(f"{name} needs at least {size} words, got {len(words)}")
        sets.append({tuple(words[i : i + size]) for i in range(len(words) - size + 1)})
    return len(sets[0] & sets[1]) / len(sets[0] | sets[1])


def minhash_candidate_probability(similarity: float, rows: int, bands: int) -> float:
    """Chance that MinHash LSH makes two documents duplicate candidates: ``1 - (1 - J**r)**b``.

    The signature of ``rows * bands`` minima is split into ``bands`` buckets of ``rows``; two
    documents whose shingle sets have Jaccard similarity J agree on one minimum with
    probability J, on a whole bucket with ``J**r``, and are candidates when at least one of
    the ``b`` buckets agrees (Leskovec, Rajaraman and Ullman, *Mining of Massive Datasets*,
    section 3.4.2). FineWeb uses ``b = 14`` buckets of ``r = 8`` (Penedo et al. 2024, §3.4).

    Args:
        similarity: The Jaccard similarity J, in [0, 1].
        rows: Hashes per bucket r, an integer >= 1.
        bands: Buckets b, an integer >= 1.

    Returns:
        The probability, in [0, 1].

    Raises:
        ValueError: For J outside [0, 1] or a count below 1.
    """
    if isinstance(similarity, bool) or not isinstance(similarity, (int, float)):
        raise ValueError(f"similarity must be a number in [0, 1], got {similarity!r}")
    j = float(similarity)
    if not 0.0 <= j <= 1.0:  # also refuses NaN
        raise ValueError(f"similarity must be a number in [0, 1], got {similarity!r}")
    r = positive_int("rows", rows)
    b = positive_int("bands", bands)
    return 1.0 - (1.0 - j**r) ** b


# What computed numbers in the notes may name (see genai_notes.calc).
__all__ = [
    "BM25_B",
    "BM25_K1",
    "RRF_K",
    "bm25_idf",
    "bm25_scores",
    "bm25_term_score",
    "chunk_count",
    "cosine_similarity",
    "dcg",
    "flat_bytes_per_vector",
    "flat_search_flops",
    "hnsw_bytes_per_vector",
    "ivfpq_bytes_per_vector",
    "mean_reciprocal_rank",
    "minhash_candidate_probability",
    "ndcg_at_k",
    "precision_at_k",
    "recall_at_k",
    "reciprocal_rank",
    "reciprocal_rank_fusion",
    "rrf_score",
    "shingle_jaccard",
    "vectors_that_fit",
]

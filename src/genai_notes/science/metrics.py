"""Text-overlap metrics for generated text: ROUGE-N, ROUGE-L and sentence BLEU.

Both metrics compare a candidate text (what the model wrote) with one or more human
references, by counting shared words and word sequences. Everything here works on one
sentence (or one short text) at a time.

Tokenization (:func:`tokenize`) is the one of Google's ``rouge-score`` package
(``rouge/tokenize.py``, without its optional Porter stemmer): lower-case the text, turn every
character that is not ``a``-``z`` or ``0``-``9`` into a space, and split on whitespace. So
"It's cold!" gives ``["it", "s", "cold"]``, and letters outside ASCII (é, ß, ...) are dropped.
BLEU here uses the same tokenizer, to keep one rule on the page. sacreBLEU's default ``13a``
tokenizer differs: it keeps case, keeps punctuation as tokens (``cold !``), and keeps non-ASCII
letters; on lower-case text without punctuation the two give the same tokens.

ROUGE (Lin 2004, "ROUGE: A Package for Automatic Evaluation of Summaries") follows
``rouge_scorer.py`` of ``rouge-score``:

* :func:`rouge_n`: the candidate's and the reference's n-grams are counted, and the overlap
  is clipped: an n-gram counts ``min(candidate count, reference count)`` times.
  Recall = overlap / reference n-grams, precision = overlap / candidate n-grams.
* :func:`rouge_l`: the length of a longest common subsequence (LCS) of the two token lists:
  the longest list of tokens that appear in both in the same order, not necessarily next to
  each other. Recall = LCS / reference length, precision = LCS / candidate length.
* Both report F1 = 2PR / (P + R) (``rouge-score``'s F-measure, beta = 1), and 0 when
  P + R = 0. Empty token lists give ``Score(0, 0, 0)``, as ``rouge-score`` does.

BLEU (Papineni et al. 2002, "BLEU: a Method for Automatic Evaluation of Machine
Translation") is computed on one candidate sentence against one or more references, on a
0-1 scale (sacreBLEU prints it x100). See :func:`bleu` for the smoothing choices.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from genai_notes.science._validate import one_of, positive_int, positive_number

_NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")

SMOOTHING_METHODS: Final = ("none", "exp", "floor")
"""The smoothing methods :func:`bleu` accepts, in this order."""

Ngram = tuple[str, ...]


# --- Tokens and n-grams ---------------------------------------------------------------------


def tokenize(text: str) -> list[str]:
    """Split text into lower-case word tokens, as ``rouge-score`` does without stemming.

    The rule: lower-case the text; every character that is not ``a``-``z`` or ``0``-``9``
    becomes a space; split on whitespace. Punctuation therefore separates words and
    disappears ("don't" gives ``["don", "t"]``), and so do letters outside ASCII.

    Args:
        text: Any string; an empty or all-punctuation string gives an empty list.

    Returns:
        The tokens, in order.

    Raises:
        ValueError: If ``text`` is not a string.
    """
    if not isinstance(text, str):
        raise ValueError(f"text must be a string, got {type(text).__name__}")
    return _NOT_ALPHANUMERIC.sub(" ", text.lower()).split()


def _check_tokens(name: str, tokens: Sequence[str]) -> list[str]:
    if isinstance(tokens, str) or not all(isinstance(token, str) for token in tokens):
        raise ValueError(f"{name} must be a list of token strings (see tokenize), got {tokens!r}")
    return list(tokens)


def ngrams(tokens: Sequence[str], n: int) -> list[Ngram]:
    """The n-grams of a token list: every run of ``n`` consecutive tokens, in order.

    Args:
        tokens: Tokens, e.g. from :func:`tokenize`.
        n: The n-gram length, an integer >= 1.

    Returns:
        ``len(tokens) - n + 1`` tuples (none if there are fewer than ``n`` tokens).

    Raises:
        ValueError: If ``tokens`` is not a list of strings or ``n`` is not an integer >= 1.
    """
    checked = _check_tokens("tokens", tokens)
    size = positive_int("n", n)
    return [tuple(checked[i : i + size]) for i in range(len(checked) - size + 1)]


# --- ROUGE ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    """Precision, recall and F1 of one comparison, each in [0, 1].

    Attributes:
        precision: Share of the candidate that is matched in the reference.
        recall: Share of the reference that is matched in the candidate.
        f1: Their harmonic mean, 2PR / (P + R), or 0 when both are 0.
    """

    precision: float
    recall: float
    f1: float


def _score(matched: int, candidate_total: int, reference_total: int) -> Score:
    # max(..., 1) keeps an empty side at 0 instead of dividing by zero, as rouge-score does.
    precision = matched / max(candidate_total, 1)
    recall = matched / max(reference_total, 1)
    total = precision + recall
    f1 = 2 * precision * recall / total if total > 0 else 0.0
    return Score(precision=precision, recall=recall, f1=f1)


def rouge_n(candidate: str, reference: str, n: int = 1) -> Score:
    """ROUGE-N of a candidate text against a reference text.

    Both texts go through :func:`tokenize`. Each n-gram counts as matched up to the number of
    times it appears in the other text (clipping), so repeating a reference word does not
    raise the score. Recall divides the matches by the reference's n-gram count, precision by
    the candidate's.

    Example (the course's): reference "It is cold outside", candidate "It is very cold
    outside". ROUGE-1: 4 matched unigrams, recall 4/4, precision 4/5, F1 0.89. ROUGE-2: 2
    matched bigrams ("it is", "cold outside"), recall 2/3, precision 2/4, F1 4/7 = 0.57.

    Args:
        candidate: The generated text.
        reference: The human reference text.
        n: The n-gram length: 1 for ROUGE-1, 2 for ROUGE-2, and so on; an integer >= 1.

    Returns:
        Precision, recall and F1; all 0 if either text has fewer than ``n`` tokens.

    Raises:
        ValueError: If a text is not a string or ``n`` is not an integer >= 1.
    """
    candidate_counts = Counter(ngrams(tokenize(candidate), n))
    reference_counts = Counter(ngrams(tokenize(reference), n))
    matched = sum(min(count, candidate_counts[gram]) for gram, count in reference_counts.items())
    return _score(matched, candidate_counts.total(), reference_counts.total())


def ngram_match_positions(
    candidate_tokens: Sequence[str], reference_tokens: Sequence[str], n: int = 1
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Where the n-grams that ROUGE-N counts as matched start, in each token list.

    For each n-gram shared by both lists, its first ``min(candidate count, reference count)``
    occurrences in each list are the matched ones (clipping picks how many; taking the first
    ones is this function's rule for which, so a figure can highlight them). Both tuples have
    as many entries as ROUGE-N's overlap count.

    Args:
        candidate_tokens: The candidate's tokens.
        reference_tokens: The reference's tokens.
        n: The n-gram length, an integer >= 1.

    Returns:
        ``(candidate starts, reference starts)``, each sorted ascending.

    Raises:
        ValueError: If a token list is not a list of strings or ``n`` is not an integer >= 1.
    """
    candidate_grams = ngrams(candidate_tokens, n)
    reference_grams = ngrams(reference_tokens, n)
    limit = Counter(candidate_grams) & Counter(reference_grams)  # & keeps the minimum count

    def first_occurrences(grams: list[Ngram]) -> tuple[int, ...]:
        left = Counter(limit)
        starts = []
        for start, gram in enumerate(grams):
            if left[gram] > 0:
                left[gram] -= 1
                starts.append(start)
        return tuple(starts)

    return first_occurrences(candidate_grams), first_occurrences(reference_grams)


def lcs_pairs(
    candidate_tokens: Sequence[str], reference_tokens: Sequence[str]
) -> list[tuple[int, int]]:
    """Index pairs ``(candidate index, reference index)`` of one longest common subsequence.

    Dynamic programming: ``table[i][j]`` is the LCS length of the first ``i`` reference tokens
    and the first ``j`` candidate tokens. The subsequence is read back from the end of both
    lists: equal last tokens are taken as a pair; otherwise the walk drops the last token of
    the list whose removal keeps the longer LCS, and on a tie it drops the reference's last
    token. That tie rule is the one of ``rouge-score``'s ``_backtrack_norec``, so both pick
    the same subsequence (for candidate ``a b`` and reference ``b a`` both pick ``b``).

    Args:
        candidate_tokens: The candidate's tokens.
        reference_tokens: The reference's tokens.

    Returns:
        The pairs in increasing order of both indices; empty when nothing is shared.

    Raises:
        ValueError: If a token list is not a list of strings.
    """
    candidate = _check_tokens("candidate_tokens", candidate_tokens)
    reference = _check_tokens("reference_tokens", reference_tokens)
    table = [[0] * (len(candidate) + 1) for _ in range(len(reference) + 1)]
    for i, ref_token in enumerate(reference, start=1):
        row, above = table[i], table[i - 1]
        for j, cand_token in enumerate(candidate, start=1):
            row[j] = above[j - 1] + 1 if ref_token == cand_token else max(above[j], row[j - 1])
    pairs = []
    i, j = len(reference), len(candidate)
    while i > 0 and j > 0:
        if reference[i - 1] == candidate[j - 1]:
            pairs.append((j - 1, i - 1))
            i, j = i - 1, j - 1
        elif table[i][j - 1] > table[i - 1][j]:
            j -= 1
        else:
            i -= 1
    return pairs[::-1]


def lcs(candidate_tokens: Sequence[str], reference_tokens: Sequence[str]) -> list[str]:
    """One longest common subsequence of two token lists (not necessarily contiguous).

    For "it is very cold outside" and "it is cold outside" it is all four reference words,
    ``["it", "is", "cold", "outside"]``: "very" sits between them in the candidate but a
    subsequence may skip tokens. When several subsequences are longest, the tie rule of
    :func:`lcs_pairs` picks one.

    Args:
        candidate_tokens: The candidate's tokens.
        reference_tokens: The reference's tokens.

    Returns:
        The shared tokens, in order.

    Raises:
        ValueError: If a token list is not a list of strings.
    """
    return [candidate_tokens[j] for j, _ in lcs_pairs(candidate_tokens, reference_tokens)]


def rouge_l(candidate: str, reference: str) -> Score:
    """Sentence-level ROUGE-L: scores from the longest common subsequence.

    With L the LCS length of the two token lists (:func:`lcs`), recall is L / reference
    length and precision is L / candidate length, and F1 is 2PR / (P + R), as ``rouge-score``
    computes ``rougeL`` (its F-measure with beta = 1). For the course's example, reference
    "It is cold outside" and candidate "It is very cold outside", L = 4: recall 1.0,
    precision 0.8, F1 0.89.

    Args:
        candidate: The generated text.
        reference: The human reference text.

    Returns:
        Precision, recall and F1; all 0 if either text has no tokens.

    Raises:
        ValueError: If a text is not a string.
    """
    candidate_tokens = tokenize(candidate)
    reference_tokens = tokenize(reference)
    if not candidate_tokens or not reference_tokens:
        return Score(precision=0.0, recall=0.0, f1=0.0)
    length = len(lcs_pairs(candidate_tokens, reference_tokens))
    return _score(length, len(candidate_tokens), len(reference_tokens))


# --- BLEU -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BleuScore:
    """Sentence BLEU and the statistics it is computed from.

    Attributes:
        bleu: The score, in [0, 1].
        precisions: Clipped ("modified") n-gram precisions p_1 ... p_N, each
            ``matches[n] / totals[n]`` (0.0 where the candidate has no n-grams). These are
            before smoothing; smoothing changes only how zero matches enter ``bleu``.
        matches: Clipped n-gram matches for n = 1 ... N: each candidate n-gram counts at most
            as often as it appears in the one reference where it appears most.
        totals: The candidate's n-gram counts for n = 1 ... N.
        brevity_penalty: 1 if the candidate is longer than the reference length, else
            exp(1 - r / c); 0 for an empty candidate.
        candidate_length: c, the candidate's token count.
        reference_length: r, the length of the reference closest in length to the
            candidate; on a tie, the shorter one.
    """

    bleu: float
    precisions: tuple[float, ...]
    matches: tuple[int, ...]
    totals: tuple[int, ...]
    brevity_penalty: float
    candidate_length: int
    reference_length: int


def closest_reference_length(candidate_length: int, reference_lengths: Sequence[int]) -> int:
    """The reference length BLEU's brevity penalty uses: the closest, ties to the shorter.

    This is the "best match length" of Papineni et al. 2002 (section 2.2.2), computed the
    way NLTK (``closest_ref_length``) and sacreBLEU (``_get_closest_ref_len``) do.

    Args:
        candidate_length: The candidate's token count, an integer >= 0.
        reference_lengths: Token counts of the references, at least one.

    Returns:
        The reference length with the smallest ``abs(length - candidate_length)``; of two
        equally close lengths, the shorter.

    Raises:
        ValueError: If a length is negative or not an integer, or no lengths are given.
    """
    length = _count("candidate_length", candidate_length)
    lengths = [_count("reference_lengths", value) for value in reference_lengths]
    if not lengths:
        raise ValueError("reference_lengths must hold at least one length, got none")
    return min(lengths, key=lambda ref: (abs(ref - length), ref))


def brevity_penalty(candidate_length: int, reference_length: int) -> float:
    """BLEU's brevity penalty, BP = 1 if c > r, else exp(1 - r / c) (Papineni et al., 2.2.2).

    Args:
        candidate_length: c, the candidate's token count, an integer >= 0.
        reference_length: r, the effective reference length, an integer >= 0.

    Returns:
        BP in [0, 1]; 0.0 for an empty candidate (as sacreBLEU).

    Raises:
        ValueError: If a length is negative or not an integer.
    """
    c = _count("candidate_length", candidate_length)
    r = _count("reference_length", reference_length)
    if c > r:
        return 1.0
    return math.exp(1 - r / c) if c > 0 else 0.0


def _count(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be an integer >= 0, got {value!r}")
    return value


def _log_precisions(
    matches: Sequence[int], totals: Sequence[int], smoothing: str, floor: float
) -> list[float] | None:
    """log p_n for the orders BLEU averages over, or None when BLEU is 0."""
    if smoothing == "none":
        # Papineni: the geometric mean is 0 as soon as one p_n is 0 (or undefined).
        if any(m == 0 for m in matches):
            return None
        return [math.log(m / t) for m, t in zip(matches, totals, strict=True)]
    if not any(matches):  # sacreBLEU returns 0 when nothing matches at all
        return None
    logs = []
    halvings = 1.0
    for m, t in zip(matches, totals, strict=True):
        if t == 0:  # effective order: stop at the first order the candidate is too short for
            break
        if m > 0:
            logs.append(math.log(m / t))
        elif smoothing == "exp":
            halvings *= 2.0
            logs.append(-math.log(halvings * t))
        else:
            logs.append(math.log(floor / t))
    return logs


def bleu_from_counts(
    matches: Sequence[int],
    totals: Sequence[int],
    candidate_length: int,
    reference_length: int,
    smoothing: str = "none",
    *,
    floor: float = 0.1,
) -> BleuScore:
    """BLEU from its sufficient statistics: clipped matches, totals and the two lengths.

    ``BLEU = BP * exp(mean over n of log p_n)`` with uniform weights 1/N. See :func:`bleu`
    for the smoothing methods.

    Args:
        matches: Clipped matches for n = 1 ... N, integers >= 0.
        totals: Candidate n-gram counts for n = 1 ... N, integers >= the matches.
        candidate_length: c, an integer >= 0.
        reference_length: r, an integer >= 0.
        smoothing: ``"none"``, ``"exp"`` or ``"floor"``.
        floor: For ``"floor"`` only: the match count given to an order with no matches,
            a number > 0 (sacreBLEU's default 0.1).

    Returns:
        The score and the statistics it came from.

    Raises:
        ValueError: For unequal or empty count lists, a negative or non-integer count, more
            matches than n-grams, an unknown smoothing method or a floor <= 0.
    """
    checked_matches = tuple(_count("matches", m) for m in matches)
    checked_totals = tuple(_count("totals", t) for t in totals)
    if not checked_matches or len(checked_matches) != len(checked_totals):
        raise ValueError(
            "matches and totals must be non-empty and of equal length, got "
            f"{len(checked_matches)} and {len(checked_totals)}"
        )
    for order, (m, t) in enumerate(zip(checked_matches, checked_totals, strict=True), start=1):
        if m > t:
            raise ValueError(f"matches must not exceed totals, got {m} > {t} for n = {order}")
    method = one_of("smoothing", smoothing, SMOOTHING_METHODS)
    floor_value = positive_number("floor", floor)
    bp = brevity_penalty(candidate_length, reference_length)
    logs = _log_precisions(checked_matches, checked_totals, method, floor_value)
    score = 0.0 if logs is None or not logs else bp * math.exp(math.fsum(logs) / len(logs))
    return BleuScore(
        bleu=score,
        precisions=tuple(
            m / t if t > 0 else 0.0 for m, t in zip(checked_matches, checked_totals, strict=True)
        ),
        matches=checked_matches,
        totals=checked_totals,
        brevity_penalty=bp,
        candidate_length=_count("candidate_length", candidate_length),
        reference_length=_count("reference_length", reference_length),
    )


def _check_references(references: str | Sequence[str]) -> list[str]:
    refs = [references] if isinstance(references, str) else list(references)
    if not refs or not all(isinstance(ref, str) for ref in refs):
        raise ValueError(
            f"references must be one reference string or a non-empty list of them, got {refs!r}"
        )
    return refs


def bleu(
    candidate: str,
    references: str | Sequence[str],
    max_n: int = 4,
    smoothing: str = "none",
    *,
    floor: float = 0.1,
) -> BleuScore:
    """Sentence BLEU of one candidate against one or more references, on a 0-1 scale.

    Texts go through :func:`tokenize` (see the module notes for how that differs from
    sacreBLEU's ``13a``). For each n from 1 to ``max_n``, a candidate n-gram counts as
    matched at most as often as it appears in any single reference (clipping); p_n is
    matches / candidate n-grams. BLEU = BP * (p_1 * ... * p_N)^(1/N), with the brevity
    penalty BP from the reference length closest to the candidate's.

    Smoothing decides what a p_n of zero does:

    * ``"none"``: Papineni et al. 2002 as written: any p_n = 0 makes BLEU 0, including an
      order the candidate is too short to have (a 3-token candidate has no 4-grams). NLTK's
      ``sentence_bleu`` without a smoothing function agrees up to a value below 1e-75 that
      it returns with a warning instead of 0.
    * ``"exp"``: sacreBLEU's ``sentence_bleu`` defaults (``smooth_method="exp"``,
      ``use_effective_order=True``): the k-th order with no matches gets
      p_n = 1 / (2^k * t_n), the NIST ``mteval-v13a`` rule; orders the candidate has no
      n-grams for are left out of the mean; and BLEU is 0 if no n-gram matches at all.
    * ``"floor"``: sacreBLEU's ``floor`` method with effective order (the setting of its
      ``raw_corpus_bleu``): an order with no matches gets p_n = ``floor`` / t_n.

    Args:
        candidate: The generated text.
        references: One reference text, or a list of them.
        max_n: The largest n-gram length N, an integer >= 1 (BLEU-4 by default).
        smoothing: ``"none"``, ``"exp"`` or ``"floor"``.
        floor: For ``"floor"`` only: the match count given to an order with no matches, > 0.

    Returns:
        The score with its precisions, counts, brevity penalty and lengths.

    Raises:
        ValueError: For a text that is not a string, no references, a bad ``max_n``, an
            unknown smoothing method or a floor <= 0.
    """
    candidate_tokens = tokenize(candidate)
    reference_tokens = [tokenize(ref) for ref in _check_references(references)]
    order = positive_int("max_n", max_n)
    matches, totals = [], []
    for n in range(1, order + 1):
        candidate_counts = Counter(ngrams(candidate_tokens, n))
        most_in_one_reference: Counter[Ngram] = Counter()
        for tokens in reference_tokens:
            most_in_one_reference |= Counter(ngrams(tokens, n))  # | keeps the maximum count
        matches.append(sum((candidate_counts & most_in_one_reference).values()))
        totals.append(candidate_counts.total())
    return bleu_from_counts(
        matches,
        totals,
        len(candidate_tokens),
        closest_reference_length(len(candidate_tokens), [len(t) for t in reference_tokens]),
        smoothing,
        floor=floor,
    )


# What computed numbers in the notes may name (see genai_notes.calc).
__all__ = [
    "SMOOTHING_METHODS",
    "bleu",
    "bleu_from_counts",
    "brevity_penalty",
    "closest_reference_length",
    "lcs",
    "lcs_pairs",
    "ngram_match_positions",
    "ngrams",
    "rouge_l",
    "rouge_n",
    "tokenize",
]

"""Tests for genai_notes.science.metrics.

Published test cases are re-typed (inputs and expected values only) from:

* google-research ``rouge/rouge_scorer_test.py`` and its ``rouge/testdata`` (Google's
  ``rouge-score``; the "AgainstRouge155" values come from runs of the original ROUGE-1.5.5);
* mjpost/sacrebleu ``test/test_bleu.py`` and ``test/test_sentence_bleu.py``;
* nltk ``nltk/test/unit/translate/test_bleu.py`` and the ``sentence_bleu`` docstring in
  ``nltk/translate/bleu_score.py`` (Papineni et al. 2002's own examples).

Note the argument order: ``rouge_scorer.score(target, prediction)`` takes the reference
first; :func:`metrics.rouge_n` takes the candidate first.
"""

from __future__ import annotations

import math
import re

import pytest

from genai_notes.science import metrics

# The course's example (week 2, "Model evaluation").
COURSE_REFERENCE = "It is cold outside"
COURSE_CANDIDATE = "It is very cold outside"

# --- tokenize -------------------------------------------------------------------------------


def test_tokenize_lower_cases_and_splits_on_anything_not_a_to_z_or_digits() -> None:
    assert metrics.tokenize("It's COLD, outside!  (2 degrees)") == [
        "it",
        "s",
        "cold",
        "outside",
        "2",
        "degrees",
    ]


def test_tokenize_drops_letters_outside_ascii_and_empty_text() -> None:
    assert metrics.tokenize("café über") == ["caf", "ber"]
    assert metrics.tokenize("") == []
    assert metrics.tokenize(" /?! ") == []


def test_tokenize_refuses_a_non_string() -> None:
    with pytest.raises(ValueError, match="text must be a string, got list"):
        metrics.tokenize(["it", "is"])  # type: ignore[arg-type]


def test_ngrams_are_consecutive_runs_in_order() -> None:
    tokens = ["it", "is", "very", "cold"]
    assert metrics.ngrams(tokens, 2) == [("it", "is"), ("is", "very"), ("very", "cold")]
    assert metrics.ngrams(tokens, 4) == [tuple(tokens)]
    assert metrics.ngrams(tokens, 5) == []


@pytest.mark.parametrize("n", [0, -1, 1.5, True])
def test_ngrams_refuse_an_n_that_is_not_a_positive_integer(n: object) -> None:
    with pytest.raises(ValueError, match="n must be an integer >= 1"):
        metrics.ngrams(["a"], n)  # type: ignore[arg-type]


def test_ngrams_refuse_a_string_instead_of_tokens() -> None:
    with pytest.raises(ValueError, match="tokens must be a list of token strings"):
        metrics.ngrams("it is", 1)


# --- ROUGE: the course's example, by hand ----------------------------------------------------


def test_course_rouge_1_recall_1_precision_0_8_f1_0_89() -> None:
    """4 of 4 reference unigrams matched; 4 of 5 candidate unigrams matched."""
    score = metrics.rouge_n(COURSE_CANDIDATE, COURSE_REFERENCE, n=1)
    assert score == metrics.Score(precision=4 / 5, recall=4 / 4, f1=pytest.approx(8 / 9))
    assert round(score.f1, 2) == 0.89


def test_course_rouge_2_recall_two_thirds_precision_half_f1_0_57() -> None:
    """Bigrams matched: "it is" and "cold outside"; the reference has 3, the candidate 4."""
    score = metrics.rouge_n(COURSE_CANDIDATE, COURSE_REFERENCE, n=2)
    assert score.recall == pytest.approx(2 / 3)
    assert score.precision == pytest.approx(2 / 4)
    assert score.f1 == pytest.approx(4 / 7)  # 2 * (2/3)(1/2) / (2/3 + 1/2)
    assert round(score.f1, 2) == 0.57


def test_course_rouge_l_uses_the_non_contiguous_subsequence_of_four_words() -> None:
    """The LCS skips "very": it is all four reference words, not just "it is"."""
    assert metrics.lcs(metrics.tokenize(COURSE_CANDIDATE), metrics.tokenize(COURSE_REFERENCE)) == [
        "it",
        "is",
        "cold",
        "outside",
    ]
    score = metrics.rouge_l(COURSE_CANDIDATE, COURSE_REFERENCE)
    assert (score.recall, score.precision) == (1.0, 0.8)
    assert score.f1 == pytest.approx(8 / 9)


def test_rouge_n_clips_repeated_candidate_words() -> None:
    """ "the the the" matches "the" only as often as the reference has it (twice)."""
    score = metrics.rouge_n("the the the", "the cat the mat")
    assert (score.precision, score.recall) == (2 / 3, 2 / 4)


# --- ROUGE: rouge-score's tests (rouge/rouge_scorer_test.py) ---------------------------------


def test_rouge_score_test_rouge1() -> None:
    """testRouge1: score("testing one two", "testing")."""
    score = metrics.rouge_n("testing", "testing one two", n=1)
    assert score.precision == pytest.approx(1)
    assert score.recall == pytest.approx(1 / 3)
    assert score.f1 == pytest.approx(1 / 2)


def test_rouge_score_test_rouge2() -> None:
    """testRouge2: score("testing one two", "testing one")."""
    score = metrics.rouge_n("testing one", "testing one two", n=2)
    assert score.precision == pytest.approx(1)
    assert score.recall == pytest.approx(1 / 2)
    assert score.f1 == pytest.approx(2 / 3)


@pytest.mark.parametrize("candidate", ["testing one", "testing two"])
def test_rouge_score_test_rouge_l_consecutive_and_non_consecutive(candidate: str) -> None:
    """testRougeLConsecutive and testRougeLNonConsecutive: both P 1, R 2/3, F 4/5."""
    score = metrics.rouge_l(candidate, "testing one two")
    assert score.precision == pytest.approx(1)
    assert score.recall == pytest.approx(2 / 3)
    assert score.f1 == pytest.approx(4 / 5)


@pytest.mark.parametrize("rouge", ["rouge1", "rouge2", "rougeL"])
def test_rouge_score_test_rouge_empty(rouge: str) -> None:
    """testRougeEmpty: an empty prediction scores 0, 0, 0."""
    zero = metrics.Score(0.0, 0.0, 0.0)
    if rouge == "rougeL":
        assert metrics.rouge_l("", "testing one two") == zero
    else:
        assert metrics.rouge_n("", "testing one two", n=int(rouge[-1])) == zero


def test_rouge_of_all_punctuation_or_empty_reference_is_zero() -> None:
    zero = metrics.Score(0.0, 0.0, 0.0)
    assert metrics.rouge_n("w1", "") == zero
    assert metrics.rouge_l("/", "w1 w2 w3 w4 w5") == zero
    assert metrics.rouge_n("one", "one two", n=3) == zero


def test_rouge_score_test_lcs_table() -> None:
    """testLcsTable: ref [1, 2, 3, 4, 5], candidate [2, 5, 3, 4] -> LCS [2, 3, 4] at ref 1..3."""
    reference = ["1", "2", "3", "4", "5"]
    candidate = ["2", "5", "3", "4"]
    assert metrics.lcs(candidate, reference) == ["2", "3", "4"]
    assert [ref for _, ref in metrics.lcs_pairs(candidate, reference)] == [1, 2, 3]
    assert metrics.lcs(["8", "9"], reference) == []


def test_lcs_tie_rule_drops_the_reference_token_first_as_rouge_score_does() -> None:
    """Candidate "a b", reference "b a": two LCSs of length 1; the documented rule picks "b"."""
    assert metrics.lcs_pairs(["a", "b"], ["b", "a"]) == [(1, 0)]
    assert metrics.lcs(["a", "b"], ["b", "a"]) == ["b"]


def test_lcs_pairs_index_both_lists_in_increasing_order() -> None:
    candidate = metrics.tokenize("the cat sat on the mat")
    reference = metrics.tokenize("a cat on a mat")
    pairs = metrics.lcs_pairs(candidate, reference)
    assert pairs == [(1, 1), (3, 2), (5, 4)]
    assert all(candidate[c] == reference[r] for c, r in pairs)


# rouge/testdata/target.txt and prediction.txt, lines 1 and 2 (random strings that exercise
# the tokenizer), with the ROUGE-1.5.5 values of testRouge1/2/LAgainstRouge155.
TARGETS = [
    "ZfbCUIUuePaiLVUlCaUXxkpu XPeWing tUHfPMuZ',-Xd Y BrUgVJing M-HV.-DgdDaY.rFDJCRing "
    "Ht-LM EKBDXkME,yz'RBr q'wtion wIojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxer tKM L\n",
    "KsJdPByEtAor fE-Qg Dpdbring cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMtion psing "
    "sbKao Q m qiing LMmer HqqLFXe,XPY,J XsurkMer ,ed nB'wH'bWVHjWFEing "
    "tQ.saefZwJtKrTlixYpMMsJing UCAPwNHeYVjDing c T BUySKtion gMPfJpwGw p'NvxAoping eu "
    "pBwMBKV'I DNxqelhu,PHPxDEq,mtion SN\n",
]
PREDICTIONS = [
    "rFDJCRtion Ht-LM EKtDXkME,yz'RBr q'wer wrojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxi\n",
    "n cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMer pstion sbKao Q m qier LMmed "
    "HqqLFXe,XPY,J XsurkMeo ,ed nB'wH'bWVHjWFEer tQ.saefZwJtKrTlixYpMMNJtion UCAPwNHeYVjD\n",
]
ROUGE_155 = {  # (line, metric): (recall, precision, F)
    (0, "rouge1"): (0.40741, 0.68750, 0.51163),
    (1, "rouge1"): (0.40476, 0.65385, 0.50000),
    (0, "rouge2"): (0.30769, 0.53333, 0.39024),
    (1, "rouge2"): (0.29268, 0.48000, 0.36364),
    (0, "rougeL"): (0.40741, 0.68750, 0.51163),
    (1, "rougeL"): (0.40476, 0.65385, 0.50000),
}


@pytest.mark.parametrize(("line", "rouge"), sorted(ROUGE_155))
def test_rouge_score_against_rouge_1_5_5(line: int, rouge: str) -> None:
    if rouge == "rougeL":
        score = metrics.rouge_l(PREDICTIONS[line], TARGETS[line])
    else:
        score = metrics.rouge_n(PREDICTIONS[line], TARGETS[line], n=int(rouge[-1]))
    recall, precision, f1 = ROUGE_155[(line, rouge)]
    assert round(score.recall, 5) == recall
    assert round(score.precision, 5) == precision
    assert round(score.f1, 5) == f1


def test_ngram_match_positions_mark_as_many_matches_as_rouge_counts() -> None:
    candidate = metrics.tokenize(COURSE_CANDIDATE)
    reference = metrics.tokenize(COURSE_REFERENCE)
    assert metrics.ngram_match_positions(candidate, reference, 1) == ((0, 1, 3, 4), (0, 1, 2, 3))
    assert metrics.ngram_match_positions(candidate, reference, 2) == ((0, 3), (0, 2))
    cand_starts, ref_starts = metrics.ngram_match_positions(
        ["the", "the", "the"], ["the", "cat", "the", "mat"], 1
    )
    assert (cand_starts, ref_starts) == ((0, 1), (0, 2))


# --- BLEU: NLTK's tests and docstring (Papineni et al. 2002's examples) -----------------------

NLTK_REFERENCES = [
    "It is a guide to action that ensures that the military will forever heed Party commands",
    "It is the guiding principle which guarantees the military forces always being under the "
    "command of the Party",
    "It is the practical guide for the army always to heed the directions of the party",
]
NLTK_HYPOTHESIS_1 = (
    "It is a guide to action which ensures that the military always obeys the commands of the party"
)
NLTK_HYPOTHESIS_2 = (
    "It is to insure the troops forever hearing the activity guidebook that party direct"
)


def test_nltk_modified_precision_the_the_the_example() -> None:
    """test__modified_precision, example 1: p1 = 2/7 (0.2857), p2 = 0."""
    score = metrics.bleu(
        "the the the the the the the", ["the cat is on the mat", "there is a cat on the mat"]
    )
    assert round(score.precisions[0], 4) == 0.2857
    assert score.matches[:2] == (2, 0)
    assert score.precisions[1] == 0.0
    assert score.bleu == 0.0


def test_nltk_modified_precision_of_the_example() -> None:
    """test__modified_precision, example 2: "of the" has p1 = p2 = 1."""
    score = metrics.bleu("of the", NLTK_REFERENCES)
    assert score.precisions[:2] == (1.0, 1.0)


@pytest.mark.parametrize(
    ("hypothesis", "p1", "p2"),
    [(NLTK_HYPOTHESIS_1, 0.9444, 0.5882), (NLTK_HYPOTHESIS_2, 0.5714, 0.0769)],
)
def test_nltk_modified_precision_proper_mt_outputs(hypothesis: str, p1: float, p2: float) -> None:
    """test__modified_precision, example 3 (values rounded to 4 places as there)."""
    score = metrics.bleu(hypothesis, NLTK_REFERENCES)
    assert round(score.precisions[0], 4) == p1
    assert round(score.precisions[1], 4) == p2


def test_nltk_sentence_bleu_docstring_hypothesis_1_is_0_5045() -> None:
    """bleu_score.sentence_bleu docstring: 0.5045... (no smoothing, BLEU-4)."""
    score = metrics.bleu(NLTK_HYPOTHESIS_1, NLTK_REFERENCES)
    assert math.floor(score.bleu * 1e4) / 1e4 == 0.5045
    assert score.brevity_penalty == 1.0
    assert (score.candidate_length, score.reference_length) == (18, 18)


def test_nltk_sentence_bleu_docstring_hypothesis_2_without_trigram_matches_is_zero() -> None:
    """bleu_score.sentence_bleu docstring: no 3-gram or 4-gram overlap, round(..., 4) == 0.0."""
    score = metrics.bleu(NLTK_HYPOTHESIS_2, NLTK_REFERENCES)
    assert score.matches[2:] == (0, 0)
    assert score.bleu == 0.0


# --- BLEU: sacreBLEU's tests ------------------------------------------------------------------


def test_sacrebleu_test_statistics() -> None:
    """test_bleu.py test_case_statistics: counts [4, 2, 1, 0], totals [6, 5, 4, 3]."""
    score = metrics.bleu("am I am a character sequence", "I am a symbol string sequence a a")
    assert score.matches == (4, 2, 1, 0)
    assert score.totals == (6, 5, 4, 3)


def test_sacrebleu_test_offset() -> None:
    """test_bleu.py test_case_offset: 0.1555722182 with floor 0.1, 0 without smoothing."""
    hypothesis, reference = "am I am a character sequence", "I am a symbol string sequence a a"
    floored = metrics.bleu(hypothesis, [reference], smoothing="floor")
    assert abs(floored.bleu - 0.1555722182) < 1e-8
    assert metrics.bleu(hypothesis, [reference]).bleu == 0.0


@pytest.mark.parametrize(
    ("hypothesis", "reference", "expected"),
    [
        ("this is a test", "this is a test", 1.0),
        ("this is a fest", "this is a test", 0.223606797749979),
    ],
)
def test_sacrebleu_test_raw_bleu(hypothesis: str, reference: str, expected: float) -> None:
    """test_bleu.py test_raw_bleu_cases (raw_corpus_bleu: floor 0.01, effective order)."""
    score = metrics.bleu(hypothesis, [reference], smoothing="floor", floor=0.01)
    assert abs(score.bleu - expected) < 1e-8


@pytest.mark.parametrize(
    ("hypothesis", "reference", "expected"),
    [
        ("test", "a test", 0.3678794411714425),
        ("a test", "a test", 1.0),
        ("a little test", "a test", 0.03218297948685433),
    ],
)
def test_sacrebleu_test_effective_order(hypothesis: str, reference: str, expected: float) -> None:
    """test_bleu.py test_case_effective_order (floor 0.01): short candidates drop orders."""
    score = metrics.bleu(hypothesis, [reference], smoothing="floor", floor=0.01)
    assert abs(score.bleu - expected) < 1e-8


def test_sacrebleu_test_scoring_from_statistics() -> None:
    """test_bleu.py test_case_scoring: counts [9, 7, 5, 3] / [10, 8, 6, 4], lengths 11, 11."""
    score = metrics.bleu_from_counts((9, 7, 5, 3), (10, 8, 6, 4), 11, 11)
    assert abs(score.bleu - 0.8375922397) < 1e-8


@pytest.mark.parametrize(
    ("matches", "totals", "lengths", "smoothing", "floor"),
    [
        ((0, 0, 0, 0), (0, 0, 0, 0), (0, 0), "floor", 0.1),
        ((0, 0, 0, 0), (0, 0, 0, 0), (1, 5), "floor", 0.01),
        ((6, 5, 4, 0), (6, 5, 4, 3), (6, 6), "none", 0.1),
        ((0, 0, 0, 0), (4, 4, 2, 1), (0, 1), "none", 0.1),
    ],
)
def test_sacrebleu_test_degenerate_statistics_score_zero(
    matches: tuple[int, ...],
    totals: tuple[int, ...],
    lengths: tuple[int, int],
    smoothing: str,
    floor: float,
) -> None:
    """test_bleu.py test_case_degenerate_stats (an offset of 0 is our "none")."""
    assert metrics.bleu_from_counts(matches, totals, *lengths, smoothing, floor=floor).bleu == 0.0


@pytest.mark.parametrize("smoothing", ["exp", "none", "floor"])
def test_sacrebleu_sentence_bleu_without_any_match_is_zero(smoothing: str) -> None:
    """test_sentence_bleu.py test_cases_zero_bleu (issue #141): "this is a cat" / "okay thanks"."""
    assert metrics.bleu("this is a cat", ["okay thanks"], smoothing=smoothing).bleu == 0.0


def test_exp_smoothing_halves_each_further_order_without_matches() -> None:
    """By hand: counts [4, 2, 1, 0] / [6, 5, 4, 3] -> p4 = 1 / (2 * 3); BP = exp(1 - 8/6)."""
    score = metrics.bleu(
        "am I am a character sequence", "I am a symbol string sequence a a", smoothing="exp"
    )
    expected = math.exp(1 - 8 / 6) * (4 / 6 * 2 / 5 * 1 / 4 * 1 / 6) ** 0.25
    assert score.bleu == pytest.approx(expected)
    # two orders without matches: 1/(2 t3) then 1/(4 t4)
    two = metrics.bleu_from_counts((3, 1, 0, 0), (4, 3, 2, 1), 4, 4, "exp")
    assert two.bleu == pytest.approx((3 / 4 * 1 / 3 * 1 / 4 * 1 / 4) ** 0.25)


def test_exp_smoothing_uses_the_effective_order_for_short_candidates() -> None:
    """sacreBLEU's sentence_bleu: a 2-token candidate is scored on unigrams and bigrams."""
    assert metrics.bleu("a test", "a test", smoothing="exp").bleu == 1.0
    assert metrics.bleu("a test", "a test", smoothing="none").bleu == 0.0


def test_course_example_bleu_precisions_by_hand() -> None:
    score = metrics.bleu(COURSE_CANDIDATE, COURSE_REFERENCE)
    assert score.matches == (4, 2, 0, 0)
    assert score.totals == (5, 4, 3, 2)
    assert score.precisions == (4 / 5, 2 / 4, 0.0, 0.0)
    assert score.bleu == 0.0
    smoothed = metrics.bleu(COURSE_CANDIDATE, COURSE_REFERENCE, smoothing="exp")
    assert smoothed.bleu == pytest.approx((4 / 5 * 2 / 4 * 1 / 6 * 1 / 8) ** 0.25)
    assert metrics.bleu(COURSE_CANDIDATE, COURSE_REFERENCE, max_n=2).bleu == pytest.approx(
        (4 / 5 * 2 / 4) ** 0.5
    )


# --- BLEU: lengths and checks -----------------------------------------------------------------


def test_closest_reference_length_ties_go_to_the_shorter_reference() -> None:
    assert metrics.closest_reference_length(5, [4, 6]) == 4
    assert metrics.closest_reference_length(5, [6, 4]) == 4
    assert metrics.closest_reference_length(5, [9, 6, 2]) == 6


def test_bleu_uses_the_closest_reference_for_the_brevity_penalty() -> None:
    score = metrics.bleu("a b c", ["a b c d e f g", "a b c d"])
    assert score.reference_length == 4
    assert score.brevity_penalty == pytest.approx(math.exp(1 - 4 / 3))


def test_brevity_penalty_is_one_for_a_longer_candidate_and_zero_for_an_empty_one() -> None:
    assert metrics.brevity_penalty(5, 4) == 1.0
    assert metrics.brevity_penalty(4, 4) == 1.0
    assert metrics.brevity_penalty(0, 4) == 0.0
    assert metrics.brevity_penalty(2, 4) == pytest.approx(math.exp(-1))


def test_clipping_takes_the_most_any_single_reference_has() -> None:
    """ "the" is clipped to 2 (the most in one reference), not 2 + 1 over both."""
    score = metrics.bleu("the the the", ["the cat the", "the dog"], max_n=1)
    assert score.matches == (2,)


def test_bleu_accepts_one_reference_string_or_a_list() -> None:
    assert metrics.bleu("it is cold", "it is cold") == metrics.bleu("it is cold", ["it is cold"])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"references": []}, "references must be one reference string or a non-empty list"),
        ({"max_n": 0}, "max_n must be an integer >= 1, got 0"),
        ({"smoothing": "add-k"}, "smoothing must be one of 'none', 'exp', 'floor', got 'add-k'"),
        ({"smoothing": "floor", "floor": 0}, "floor must be a finite number > 0, got 0"),
    ],
)
def test_bleu_checks_name_the_parameter_and_range(kwargs: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {"candidate": "a b", "references": ["a b"], **kwargs}
    with pytest.raises(ValueError, match=re.escape(message)):
        metrics.bleu(**arguments)  # type: ignore[arg-type]


def test_bleu_from_counts_refuses_inconsistent_counts() -> None:
    with pytest.raises(ValueError, match="matches and totals must be non-empty and of equal"):
        metrics.bleu_from_counts((1, 1), (2,), 2, 2)
    with pytest.raises(ValueError, match=re.escape("matches must not exceed totals, got 3 > 2")):
        metrics.bleu_from_counts((3,), (2,), 2, 2)
    with pytest.raises(ValueError, match="candidate_length must be an integer >= 0, got -1"):
        metrics.bleu_from_counts((1,), (2,), -1, 2)

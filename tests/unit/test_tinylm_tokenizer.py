"""The byte-level BPE tokenizer: exact round trips, the byte alphabet, learnt merges."""

from __future__ import annotations

import itertools

import pytest

from genai_notes.tinylm.tokenizer import BPETokenizer, train_tokenizer

from .tinylm_helpers import CORPUS, small_model

ODD_TEXTS = [
    "",
    "plain words",
    "  leading and trailing spaces  ",
    "tabs\tand\nnew\n\nlines\r\n",
    "numbers 1,234.5e-3 and 12345678",
    "Unicode: wörld, ΑΒΓ, 日本語, emoji 🙂👍🏽, combining é",
    "code: `def f(x): return x**2  # ok`",
    "\x00\x01 control bytes \x7f",
]


@pytest.mark.parametrize("text", ODD_TEXTS)
def test_decode_of_encode_gives_the_text_back(text: str) -> None:
    tokenizer = small_model().tokenizer
    assert tokenizer.decode(tokenizer.encode(text)) == text


def test_every_byte_is_a_token_so_nothing_is_unknown() -> None:
    tokenizer = small_model().tokenizer
    byte_tokens = {tokenizer.token_bytes(i) for i in range(tokenizer.vocab_size)}
    assert {bytes([b]) for b in range(256)} <= byte_tokens


def test_vocabulary_is_the_bytes_plus_one_token_per_merge() -> None:
    tokenizer = small_model().tokenizer
    assert tokenizer.vocab_size == 256 + len(tokenizer.merges) == 300


def test_frequent_words_of_the_corpus_become_single_tokens() -> None:
    tokenizer = small_model().tokenizer
    # " the" occurs over thirty times in CORPUS; a 44-merge vocabulary learns it whole.
    assert len(tokenizer.encode(" the")) == 1
    assert len(tokenizer.encode(" tokens")) < len(b" tokens")


def test_a_merge_joins_the_most_frequent_pair_first() -> None:
    # Pre-tokenised, "abab abab cd cd" is "abab", "Ġabab", "Ġcd", "Ġcd" (Ġ is the space
    # byte). Pair counts by hand: a-b 4, b-a 2, c-d 2, Ġ-c 2, Ġ-a 1; so (a, b) is first.
    tokenizer = train_tokenizer(["abab abab cd cd"], 258)
    assert tokenizer.merges[0] == ("a", "b")


def test_dict_form_round_trips() -> None:
    tokenizer = small_model().tokenizer
    again = BPETokenizer.from_dict(tokenizer.to_dict())
    assert again == tokenizer
    assert again.encode(CORPUS[0]) == tokenizer.encode(CORPUS[0])


def test_merge_steps_end_in_the_tokens_encode_gives() -> None:
    tokenizer = small_model().tokenizer
    for piece in (" attention", " tokens", "Sampling", " 🙂"):
        steps = tokenizer.merge_steps(piece)
        assert steps[0] == [bytes([b]).decode("utf-8", errors="replace") for b in piece.encode()]
        assert steps[-1] == tokenizer.token_strings(tokenizer.encode(piece))
        assert all(len(a) > len(b) for a, b in itertools.pairwise(steps))


def test_merge_steps_of_a_hand_made_vocabulary() -> None:
    # Pieces "abab", "Ġabab", "Ġabab": pairs a-b 6, b-a 3, Ġ-a 2, so (a, b) first; then
    # ab-ab 3, Ġ-ab 2, so (ab, ab). "abab" goes a b a b -> ab ab -> abab.
    tokenizer = train_tokenizer(["abab abab abab"], 258)
    assert tokenizer.merges[:2] == (("a", "b"), ("ab", "ab"))
    assert tokenizer.merge_steps("abab") == [["a", "b", "a", "b"], ["ab", "ab"], ["abab"]]

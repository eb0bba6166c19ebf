"""A byte-level BPE tokenizer, trained with Hugging Face `tokenizers` and kept as plain data.

Byte-level means the base alphabet is the 256 byte values (each shown as one printable
character, GPT-2's mapping), so every string encodes without an unknown token and decoding
the bytes back gives the string exactly. Text is first split by GPT-2's pre-tokenisation
pattern, then each piece's bytes are merged pair by pair in the order the merges were learnt.
The vocabulary and the ordered merges are all a reader's browser needs to do the same
(`docs/javascripts/tinylm.js` does).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from tokenizers import Tokenizer as HFTokenizer
from tokenizers import decoders, models, pre_tokenizers, trainers

__all__ = ["BPETokenizer", "train_tokenizer"]


@dataclass(frozen=True)
class BPETokenizer:
    """A trained byte-level BPE tokenizer: the vocabulary by id and the merges by rank."""

    vocab: tuple[str, ...]
    """Token strings in GPT-2's byte-to-character alphabet; index = token id."""
    merges: tuple[tuple[str, str], ...]
    """Learnt merges, first learnt first applied."""

    @property
    def vocab_size(self) -> int:
        """Number of tokens."""
        return len(self.vocab)

    @cached_property
    def _hf(self) -> HFTokenizer:
        model = models.BPE(
            vocab={token: i for i, token in enumerate(self.vocab)}, merges=list(self.merges)
        )
        tokenizer = HFTokenizer(model)
        tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
        tokenizer.decoder = decoders.ByteLevel()
        return tokenizer

    def encode(self, text: str) -> list[int]:
        """Token ids of `text`."""
        return list(self._hf.encode(text, add_special_tokens=False).ids)

    def decode(self, ids: Sequence[int]) -> str:
        """The text of token ids; `decode(encode(t)) == t` for every string `t`."""
        return str(self._hf.decode(list(ids), skip_special_tokens=False))

    def token_bytes(self, token_id: int) -> bytes:
        """The bytes one token stands for."""
        return bytes(_CHAR_TO_BYTE[c] for c in self.vocab[token_id])

    def token_strings(self, ids: Sequence[int]) -> list[str]:
        """Each token's text, a broken UTF-8 sequence shown as U+FFFD (for showing splits)."""
        return [self.token_bytes(i).decode("utf-8", errors="replace") for i in ids]

    def merge_steps(self, piece: str) -> list[list[str]]:
        """How BPE builds one pre-tokenised piece (a word with its leading space, say):
        the symbols before the first merge and after each merge that applies, in rank
        order, shown as text. The last step is the piece's tokens."""
        symbols = [_BYTE_TO_CHAR[b] for b in piece.encode("utf-8")]
        ranks = self._ranks
        steps = [list(symbols)]
        while len(symbols) > 1:
            known = [ranks[p] for p in itertools.pairwise(symbols) if p in ranks]
            if not known:
                break
            rank = min(known)
            a, b = self.merges[rank]
            merged: list[str] = []
            i = 0
            while i < len(symbols):
                if i + 1 < len(symbols) and symbols[i] == a and symbols[i + 1] == b:
                    merged.append(a + b)
                    i += 2
                else:
                    merged.append(symbols[i])
                    i += 1
            symbols = merged
            steps.append(list(symbols))
        return [[self._show(s) for s in step] for step in steps]

    @cached_property
    def _ranks(self) -> dict[tuple[str, str], int]:
        return {pair: rank for rank, pair in enumerate(self.merges)}

    @staticmethod
    def _show(symbol: str) -> str:
        return bytes(_CHAR_TO_BYTE[c] for c in symbol).decode("utf-8", errors="replace")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: `{"vocab": [...], "merges": [[a, b], ...]}`."""
        return {"vocab": list(self.vocab), "merges": [list(m) for m in self.merges]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BPETokenizer:
        """The inverse of `to_dict`."""
        return cls(
            vocab=tuple(str(t) for t in data["vocab"]),
            merges=tuple((str(a), str(b)) for a, b in data["merges"]),
        )


def train_tokenizer(texts: Sequence[str], vocab_size: int) -> BPETokenizer:
    """Learn a byte-level BPE vocabulary of `vocab_size` tokens from `texts`.

    Args:
        texts: The training documents.
        vocab_size: Target vocabulary, the 256 byte tokens included. A corpus too small to
            support that many merges gives fewer tokens.

    Returns:
        The tokenizer, as plain data.
    """
    tokenizer = HFTokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=2,
        show_progress=False,
        special_tokens=[],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tokenizer.train_from_iterator(list(texts), trainer=trainer)
    model = json.loads(tokenizer.to_str())["model"]
    by_id = sorted(model["vocab"].items(), key=lambda item: item[1])
    if [i for _, i in by_id] != list(range(len(by_id))):
        raise RuntimeError("tokenizers returned a vocabulary with gaps in its ids")
    merges = tuple(
        tuple(m.split(" ", 1)) if isinstance(m, str) else (m[0], m[1]) for m in model["merges"]
    )
    return BPETokenizer(vocab=tuple(t for t, _ in by_id), merges=merges)  # type: ignore[arg-type]


def _bytes_to_unicode() -> dict[int, str]:
    """GPT-2's reversible map from bytes to printable characters."""
    keep = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1)]
    keep += range(ord("®"), ord("ÿ") + 1)
    chars = list(keep)
    extra = 0
    for b in range(256):
        if b not in keep:
            keep.append(b)
            chars.append(256 + extra)
            extra += 1
    return dict(zip(keep, (chr(c) for c in chars), strict=True))


_BYTE_TO_CHAR = _bytes_to_unicode()
_CHAR_TO_BYTE = {c: b for b, c in _BYTE_TO_CHAR.items()}

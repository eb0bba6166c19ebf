"""The trained model as a cached build artefact.

`train_or_load` trains only when no valid entry exists for `key(corpus, hyperparameters)`,
which hashes the corpus, the bytes of every module of this package (so any code change
retrains) and the hyperparameters, together with the numpy and tokenizers versions. The entry
is the weights file itself (`weights.to_bytes`), written atomically and checked whole on
reading; an entry that does not parse is retrained and replaced.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from genai_notes.engine.files import write_atomically
from genai_notes.tinylm import weights
from genai_notes.tinylm.config import Hyperparameters
from genai_notes.tinylm.entry import SITE_WEIGHTS_SCRIPT, entry_path, key, prune
from genai_notes.tinylm.train import TrainedModel, train

__all__ = [
    "SITE_WEIGHTS_SCRIPT",
    "entry_path",
    "key",
    "prune",
    "train_or_load",
    "weights_file",
    "weights_script",
]


def train_or_load(
    corpus_texts: Sequence[str],
    cache_dir: Path,
    hyperparameters: Hyperparameters | None = None,
) -> TrainedModel:
    """The trained model for a corpus: from the cache when a valid entry exists, else trained
    (about a minute and a half of CPU with the default hyperparameters) and stored.

    Args:
        corpus_texts: The documents in a fixed order (the notes' pages sorted by path).
        cache_dir: Folder of the cache entries; created when missing.
        hyperparameters: Defaults to `Hyperparameters()`.

    Returns:
        The model, always as parsed from the entry's bytes, so a cold and a warm build see
        the same values.
    """
    hp = hyperparameters or Hyperparameters()
    path = entry_path(cache_dir, corpus_texts, hp)
    try:
        return weights.from_bytes(path.read_bytes())
    except FileNotFoundError:
        pass
    except weights.CorruptWeightsError:
        pass  # a torn or tampered entry is a miss; training replaces it below
    data = weights.to_bytes(train(corpus_texts, hp))
    write_atomically(path, data)
    return weights.from_bytes(data)


def weights_file(trained: TrainedModel) -> bytes:
    """The binary weights file (for fetching over HTTP, or for tools)."""
    return weights.to_bytes(trained)


def weights_script(trained: TrainedModel) -> str:
    """The text of `tinylm-weights.js`, the weights in base64 as a classic script, which is
    what the browser loads (it works from `file://`, where `fetch` does not)."""
    return weights.weights_js(weights.to_bytes(trained))

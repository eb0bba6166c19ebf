"""A tiny GPT trained on the notes: a byte-level BPE tokenizer and a decoder-only transformer
in numpy (forward, backward, AdamW), cached as a build artefact and exported to a weights
file that `docs/javascripts/tinylm.js` runs in the reader's browser.

No MkDocs and no matplotlib here: the build engine calls `artefact.train_or_load` and ships
`artefact.weights_script(...)`; figures read the returned `TrainedModel`.
"""

from __future__ import annotations

from genai_notes.tinylm.artefact import key, train_or_load, weights_file, weights_script
from genai_notes.tinylm.config import Hyperparameters
from genai_notes.tinylm.corpus import notes_corpus
from genai_notes.tinylm.train import TrainedModel, TrainingLog

__all__ = [
    "Hyperparameters",
    "TrainedModel",
    "TrainingLog",
    "key",
    "notes_corpus",
    "train_or_load",
    "weights_file",
    "weights_script",
]

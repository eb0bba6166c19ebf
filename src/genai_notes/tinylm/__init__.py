"""A tiny GPT trained on the notes: a byte-level BPE tokenizer and a decoder-only transformer
in numpy (forward, backward, AdamW), cached as a build artefact and exported to a weights
file that `docs/javascripts/tinylm.js` runs in the reader's browser.

No MkDocs and no matplotlib here. The build engine does, once per build::

    trained = tinylm.train_or_load(tinylm.notes_corpus(docs_dir), cache_dir)
    # ship the weights next to docs/javascripts/tinylm.js, e.g. in on_files:
    #   File.generated(config, tinylm.artefact.SITE_WEIGHTS_SCRIPT,
    #                  content=tinylm.weights_script(trained))
    tinylm.artefact.prune(cache_dir, [tinylm.artefact.entry_path(cache_dir, corpus, hp)])

and pages that use the model include `javascripts/tinylm.js` (which loads the weights script
itself at the first read of `genaiNotes.tinyModel.ready`). Figures read the `TrainedModel`:
its `log`, `tokenizer`, `next_token_logits`, `attention` and `generate`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from genai_notes.tinylm.config import Hyperparameters
from genai_notes.tinylm.corpus import notes_corpus
from genai_notes.tinylm.entry import key

if TYPE_CHECKING:
    from genai_notes.tinylm.artefact import train_or_load, weights_file, weights_script
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

# What needs numpy and tokenizers is imported at first use: a warm build, which finds its
# model in the cache, never loads them (see genai_notes.tinylm.entry).
_LAZY = {
    "TrainedModel": "genai_notes.tinylm.train",
    "TrainingLog": "genai_notes.tinylm.train",
    "train_or_load": "genai_notes.tinylm.artefact",
    "weights_file": "genai_notes.tinylm.artefact",
    "weights_script": "genai_notes.tinylm.artefact",
}


_SUBMODULES = {"artefact", "layers", "model", "optim", "tokenizer", "train", "weights"}


def __getattr__(name: str) -> Any:
    """The numpy-backed names and submodules, imported when first asked for."""
    if name in _SUBMODULES:
        return importlib.import_module(f"genai_notes.tinylm.{name}")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'genai_notes.tinylm' has no attribute '{name}'")
    return getattr(importlib.import_module(module), name)

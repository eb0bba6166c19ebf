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

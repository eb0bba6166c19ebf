"""Where a trained model lives in the cache, and how it reaches the site, without numpy.

A warm build only needs the model's cache entry (its key covers the corpus, this package's
code, the hyperparameters and the libraries' versions) and the weights script made from the
entry's bytes: this module computes both without importing numpy, tokenizers or the model.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from genai_notes.tinylm.config import Hyperparameters

__all__ = ["SITE_WEIGHTS_SCRIPT", "WEIGHTS_GLOBAL", "entry_path", "key", "prune", "weights_js"]

SITE_WEIGHTS_SCRIPT = "javascripts/tinylm-weights.js"
"""Where the site serves the weights script: next to `javascripts/tinylm.js`, which loads it."""

WEIGHTS_GLOBAL = "genaiNotesTinyLMWeights"
"""The global the weights script sets, which `docs/javascripts/tinylm.js` reads."""

_PACKAGE_DIR = Path(__file__).resolve().parent


def key(corpus_texts: Sequence[str], hyperparameters: Hyperparameters) -> str:
    """Hex SHA-256 of everything the trained weights depend on."""
    digest = hashlib.sha256(b"genai-notes tinylm artefact v2\0")
    digest.update(f"{len(corpus_texts)}\0".encode())
    for text in corpus_texts:
        data = text.encode("utf-8")
        digest.update(f"{len(data)}\0".encode() + data)
    for module in sorted(_PACKAGE_DIR.glob("*.py")):
        data = module.read_bytes()
        digest.update(f"{module.name}\0{len(data)}\0".encode() + data)
    digest.update(json.dumps(hyperparameters.to_dict(), sort_keys=True).encode())
    numpy, tokenizers = (importlib.metadata.version(n) for n in ("numpy", "tokenizers"))
    digest.update(f"\0numpy {numpy}\0tokenizers {tokenizers}".encode())
    return digest.hexdigest()


def entry_path(cache_dir: Path, corpus_texts: Sequence[str], hp: Hyperparameters) -> Path:
    """The cache file of a corpus and hyperparameters."""
    return Path(cache_dir) / f"tinylm-{key(corpus_texts, hp)[:32]}.bin"


def prune(cache_dir: Path, keep: Iterable[Path]) -> list[Path]:
    """Delete the tinylm entries (and stray temporary files) in `cache_dir` that are not in
    `keep`, the `entry_path`s this build used; returns what was deleted. Other files in the
    folder are left alone."""
    kept = {Path(p).resolve() for p in keep}
    removed = []
    for path in sorted(Path(cache_dir).glob("tinylm-*")):
        if path.resolve() not in kept and path.is_file():
            path.unlink()
            removed.append(path)
    return removed


def weights_js(data: bytes) -> str:
    """A classic script that sets `window.genaiNotesTinyLMWeights` to `data` in base64.

    Browsers refuse `fetch` of `file://` URLs, but load `<script src>` from them, so this
    is how the weights reach a page opened from disk (`tinylm.js` adds the script itself).
    """
    encoded = base64.b64encode(data).decode("ascii")
    return f'window.{WEIGHTS_GLOBAL} = "{encoded}";\n'

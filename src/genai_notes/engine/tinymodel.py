"""The tiny model as a build artefact: which trained model a build uses, and what pages say of it.

The corpus is the notes, so any edit of a page changes the artefact's key
(:func:`genai_notes.tinylm.key`), and training costs about two minutes. Two policies:

- ``retrain=True`` (``mkdocs build``): the model of the notes as they are now, trained when
  the cache has no entry for them, then recorded as the latest model; other entries are pruned.
- ``retrain=False`` (``mkdocs serve``, or ``GENAI_TINYLM=keep``): the exact entry when there is
  one, else the latest trained model (stale: trained on an earlier state of the notes), which
  the log and the pages say; only a cache with no model at all trains.

Everything drawn from the model is keyed by the entry's SHA-256 (:attr:`ModelArtefact.digest`),
so a retrained model never shows old figures. No MkDocs here; numpy and tokenizers are imported
only when a page uses the model.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from genai_notes.engine.files import file_stat, write_atomically

if TYPE_CHECKING:
    from genai_notes.tinylm import Hyperparameters, TrainedModel

__all__ = ["LATEST", "SCRIPTS", "ModelArtefact", "ModelError", "load", "prepare"]

LATEST = "latest.json"
"""The record, in the model cache folder, of the last model trained: its entry and when."""
SCRIPTS = "site-scripts"
"""The folder, in the model cache folder, of the weights script of the model in use."""


class ModelError(Exception):
    """The model could not be trained or loaded (the message says why)."""


@dataclass(frozen=True)
class ModelArtefact:
    """The trained model a build uses.

    Attributes:
        path: Its cache entry (the weights file).
        digest: SHA-256 of the entry's bytes: part of the key of everything computed from it.
        current: Trained on the notes as they are now (False: an earlier state, kept by serve).
        trained_at: When it was trained, ISO 8601 UTC (minutes).
        data: The entry's bytes, as read and hashed when the build chose it.
    """

    path: Path
    digest: str
    current: bool
    trained_at: str
    data: bytes = field(default=b"", repr=False, compare=False)

    def note(self) -> str:
        """What the log and the pages say about the model's provenance (plain text)."""
        if self.current:
            return (
                "This model was trained by the build on the notes as they are now "
                "(the same seed gives the same weights)."
            )
        when = self.trained_at.replace("T", " ")
        return (
            f"Trained on the notes as of {when} UTC: the pages changed since, and "
            "mkdocs serve keeps the last trained model rather than spend two minutes "
            "retraining; mkdocs build (or GENAI_TINYLM=retrain) trains it again."
        )

    def weights_script(self) -> str:
        """The text of ``tinylm-weights.js`` for the site: this entry's bytes in base64.

        Raises:
            ModelError: The entry changed or is gone since the build chose it.
        """
        from genai_notes.tinylm import entry

        if self.data:  # the very bytes whose digest keys what the build computed from them
            return entry.weights_js(self.data)
        try:
            data = self.path.read_bytes()
        except OSError as exc:
            raise ModelError(f"the tiny model's weights cannot be read: {exc}") from exc
        if hashlib.sha256(data).hexdigest() != self.digest:
            raise ModelError(f"the tiny model's weights {self.path} changed during the build")
        return entry.weights_js(data)

    def weights_file(self) -> Path:
        """:meth:`weights_script` as a file of the model cache (``site-scripts/``), which a
        build links into the site: written when missing, or when it is not the file written
        last (its size, modification time and inode are recorded beside it), so a warm build
        neither encodes two megabytes again nor writes them.

        Raises:
            ModelError: As :meth:`weights_script`, or the file cannot be written.
        """
        folder = self.path.parent / SCRIPTS
        target = folder / f"{self.path.stem}-{self.digest[:16]}.js"
        record = target.with_suffix(".json")
        try:
            if json.loads(record.read_bytes()) == file_stat(target):
                return target
        except (OSError, ValueError):
            pass
        try:
            write_atomically(target, self.weights_script().encode("ascii"))
            write_atomically(record, json.dumps(file_stat(target)).encode())
            for other in folder.iterdir():
                if other not in (target, record):
                    other.unlink(missing_ok=True)  # the script of a model no longer used
        except OSError as exc:
            raise ModelError(f"the tiny model's weights script cannot be written: {exc}") from exc
        return target

    def trained(self) -> TrainedModel:
        """The model itself (parsed once per entry and process)."""
        return load(self.path, self.digest)


@lru_cache(maxsize=2)
def load(path: Path, digest: str) -> TrainedModel:
    """The trained model of an entry whose bytes hash to ``digest``.

    Raises:
        ModelError: The file is missing, altered or does not parse.
    """
    from genai_notes.tinylm import weights

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ModelError(f"the tiny model's weights cannot be read: {exc}") from exc
    if hashlib.sha256(data).hexdigest() != digest:
        raise ModelError(f"the tiny model's weights {path} changed during the build")
    try:
        return weights.from_bytes(data)
    except weights.CorruptWeightsError as exc:
        raise ModelError(f"the tiny model's weights {path} are corrupt: {exc}") from exc


def prepare(
    docs_dir: Path,
    cache_dir: Path,
    *,
    retrain: bool,
    hyperparameters: Hyperparameters | None = None,
) -> ModelArtefact:
    """The model this build uses (see the module docstring for the two policies).

    Args:
        docs_dir: The notes (the corpus is every ``*.md`` under it).
        cache_dir: The model cache folder (entries and :data:`LATEST`).
        retrain: Train when the notes changed (build) or keep the latest model (serve).
        hyperparameters: The model's (default: the notes' model, ``Hyperparameters()``).

    Raises:
        ModelError: Training failed, or no model could be read.
    """
    from genai_notes import tinylm
    from genai_notes.tinylm import entry

    cache_dir = Path(cache_dir)
    corpus = tinylm.notes_corpus(Path(docs_dir))
    hp = hyperparameters or tinylm.Hyperparameters()
    exact = entry.entry_path(cache_dir, corpus, hp)
    latest = _read_latest(cache_dir)
    stale = not retrain and not exact.is_file()  # serve: keep the latest model
    if latest is not None and (latest.get("entry") == exact.name or stale):
        recorded = cache_dir / str(latest["entry"])
        # The recorded model, with the hash of its bytes taken when it was chosen: equal bytes
        # are the whole check, so no numpy or tokenizers is loaded (a warm build).
        data = recorded.read_bytes() if recorded.is_file() else b""
        digest = hashlib.sha256(data).hexdigest()
        if data and digest == latest.get("sha256"):
            if retrain:
                entry.prune(cache_dir, [exact])
            when = str(latest["trained_at"])
            return ModelArtefact(recorded, digest, recorded == exact, when, data)
    from genai_notes.tinylm import weights

    if stale and latest is not None:
        path = cache_dir / str(latest["entry"])
        try:
            data = path.read_bytes()
            weights.from_bytes(data)
        except (OSError, weights.CorruptWeightsError):
            pass  # the latest model is gone or broken: train one below
        else:
            digest = hashlib.sha256(data).hexdigest()
            _record(cache_dir, {**latest, "sha256": digest})
            return ModelArtefact(path, digest, False, str(latest["trained_at"]), data)
    fresh = not exact.is_file()
    try:
        tinylm.train_or_load(corpus, cache_dir, hp)
        data = exact.read_bytes()
    except (OSError, ValueError) as exc:
        raise ModelError(
            f"the tiny model could not be trained: {type(exc).__name__}: {exc}"
        ) from exc
    digest = hashlib.sha256(data).hexdigest()
    if (
        fresh
        or latest is None
        or latest.get("entry") != exact.name
        or latest.get("sha256") != digest
    ):
        when = _now() if fresh else _mtime(exact)
        record: dict[str, object] = {"entry": exact.name, "trained_at": when, "sha256": digest}
        _record(cache_dir, record)
        latest = record
    if retrain:
        entry.prune(cache_dir, [exact])
    return ModelArtefact(exact, digest, True, str(latest["trained_at"]), data)


def _record(cache_dir: Path, record: dict[str, object]) -> None:
    """Write the record of the latest model (its entry, when it was trained, its bytes' hash)."""
    write_atomically(cache_dir / LATEST, json.dumps(record, sort_keys=True).encode())


def _read_latest(cache_dir: Path) -> dict[str, object] | None:
    try:
        record = json.loads((cache_dir / LATEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or not str(record.get("entry", "")).startswith("tinylm-"):
        return None
    if "/" in str(record["entry"]) or "\\" in str(record["entry"]):
        return None
    return record


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M")


def _mtime(path: Path) -> str:
    stamp = path.stat().st_mtime
    return dt.datetime.fromtimestamp(stamp, dt.UTC).strftime("%Y-%m-%dT%H:%M")

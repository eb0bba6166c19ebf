"""The weights file: a compact binary that the browser reads as it is.

Layout (all little-endian):

| bytes | what |
| --- | --- |
| 4 | magic `TLM1` |
| 4 | `n`, the header's length in bytes (uint32) |
| n | the header, UTF-8 JSON, padded with spaces so the data starts at a multiple of 8 |
| rest | the tensors, float32, back to back, at the header's offsets (from the data start) |

The header holds `format`, `version`, the hyperparameters, `vocab_size`, `param_count`, the
tensors (`name`, `shape`, `dtype`, `offset`, `nbytes`, in `model.param_shapes` order), the
tokenizer (`vocab` by id, `merges` by rank) and the training log. Same model, same bytes.
"""

from __future__ import annotations

import json
import struct
from typing import Any

import numpy as np

from genai_notes.tinylm import model
from genai_notes.tinylm.config import Hyperparameters
from genai_notes.tinylm.entry import WEIGHTS_GLOBAL, weights_js
from genai_notes.tinylm.tokenizer import BPETokenizer
from genai_notes.tinylm.train import TrainedModel, TrainingLog

__all__ = [
    "FORMAT",
    "MAGIC",
    "WEIGHTS_GLOBAL",
    "CorruptWeightsError",
    "from_bytes",
    "read_header",
    "to_bytes",
    "weights_js",
]

MAGIC = b"TLM1"
FORMAT = "genai-notes-tinylm"
VERSION = 1


class CorruptWeightsError(ValueError):
    """The bytes are not a complete, consistent weights file."""


def to_bytes(trained: TrainedModel) -> bytes:
    """Serialise a trained model."""
    hp = trained.hyperparameters
    shapes = model.param_shapes(hp, trained.vocab_size)
    tensors, chunks, offset = [], [], 0
    for name, shape in shapes.items():
        array = np.ascontiguousarray(trained.params[name], dtype="<f4")
        if array.shape != shape:
            raise ValueError(f"{name} has shape {array.shape}, expected {shape}")
        data = array.tobytes()
        tensors.append(
            {
                "name": name,
                "shape": list(shape),
                "dtype": "float32",
                "offset": offset,
                "nbytes": len(data),
            }
        )
        chunks.append(data)
        offset += len(data)
    header = {
        "format": FORMAT,
        "version": VERSION,
        "hyperparameters": hp.to_dict(),
        "vocab_size": trained.vocab_size,
        "param_count": trained.param_count,
        "data_bytes": offset,
        "tensors": tensors,
        "tokenizer": trained.tokenizer.to_dict(),
        "log": trained.log.to_dict(),
    }
    text = json.dumps(header, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()
    text += b" " * (-(8 + len(text)) % 8)
    return MAGIC + struct.pack("<I", len(text)) + text + b"".join(chunks)


def read_header(data: bytes) -> tuple[dict[str, Any], int]:
    """The header and the offset where the tensor data starts."""
    if len(data) < 8 or data[:4] != MAGIC:
        raise CorruptWeightsError("not a tinylm weights file (bad magic)")
    (length,) = struct.unpack("<I", data[4:8])
    if 8 + length > len(data):
        raise CorruptWeightsError("the header runs past the end of the file")
    try:
        header = json.loads(data[8 : 8 + length])
    except ValueError as exc:
        raise CorruptWeightsError(f"the header is not JSON: {exc}") from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise CorruptWeightsError("the header does not name the tinylm format")
    if header.get("version") != VERSION:
        raise CorruptWeightsError(f"unsupported version {header.get('version')!r}")
    return header, 8 + length


def from_bytes(data: bytes) -> TrainedModel:
    """Parse a weights file, checking it whole; raises `CorruptWeightsError`."""
    header, start = read_header(data)
    try:
        hp = Hyperparameters.from_dict(header["hyperparameters"])
        tokenizer = BPETokenizer.from_dict(header["tokenizer"])
        log = TrainingLog.from_dict(header["log"])
        expected = model.param_shapes(hp, int(header["vocab_size"]))
        tensors = header["tensors"]
    except (KeyError, TypeError, ValueError) as exc:
        raise CorruptWeightsError(f"the header is incomplete: {exc}") from exc
    if len(data) - start != header.get("data_bytes"):
        raise CorruptWeightsError("the tensor data is truncated or too long")
    if tokenizer.vocab_size != header["vocab_size"]:
        raise CorruptWeightsError("the tokenizer's vocabulary does not match vocab_size")
    if [t["name"] for t in tensors] != list(expected):
        raise CorruptWeightsError("the tensors are not the model's")
    params = {}
    for t in tensors:
        shape = tuple(expected[t["name"]])
        nbytes = 4 * int(np.prod(shape))
        if tuple(t["shape"]) != shape or t["nbytes"] != nbytes or t["dtype"] != "float32":
            raise CorruptWeightsError(f"tensor {t['name']} has the wrong shape or type")
        begin = start + int(t["offset"])
        if begin + nbytes > len(data):
            raise CorruptWeightsError(f"tensor {t['name']} runs past the end of the file")
        array = np.frombuffer(data, dtype="<f4", count=nbytes // 4, offset=begin)
        if not np.all(np.isfinite(array)):
            raise CorruptWeightsError(f"tensor {t['name']} holds NaN or infinity")
        params[t["name"]] = array.reshape(shape).astype(np.float32)
    return TrainedModel(hyperparameters=hp, tokenizer=tokenizer, params=params, log=log)

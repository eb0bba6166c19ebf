"""The cached artefact and the weights file."""

from __future__ import annotations

import base64
import json
import struct
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from genai_notes.tinylm import artefact, entry, weights
from genai_notes.tinylm.config import Hyperparameters

from .tinylm_helpers import CORPUS, SMALL, small_model

QUICK = Hyperparameters(**{**SMALL.to_dict(), "steps": 2, "eval_every": 1, "sample_every": 1})


def test_key_changes_with_the_corpus_the_hyperparameters_and_the_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = entry.key(CORPUS, QUICK)
    assert entry.key(CORPUS, QUICK) == base
    assert entry.key((*CORPUS[:2], CORPUS[2] + "!"), QUICK) != base
    assert entry.key((CORPUS[0] + CORPUS[1], CORPUS[2]), QUICK) != base  # boundaries count
    assert entry.key(CORPUS, Hyperparameters(**{**QUICK.to_dict(), "seed": 1})) != base
    package = tmp_path / "tinylm"
    package.mkdir()
    for module in entry._PACKAGE_DIR.glob("*.py"):
        (package / module.name).write_bytes(module.read_bytes())
    monkeypatch.setattr(entry, "_PACKAGE_DIR", package)
    assert entry.key(CORPUS, QUICK) == base
    (package / "model.py").write_text((package / "model.py").read_text() + "\n# edit\n")
    assert entry.key(CORPUS, QUICK) != base


def count_trainings(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = artefact.train

    def counting(*args: Any) -> Any:
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(artefact, "train", counting)
    return calls


def test_a_miss_trains_and_stores_and_a_hit_loads_the_same_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = count_trainings(monkeypatch)
    cold = artefact.train_or_load(CORPUS, tmp_path, QUICK)
    warm = artefact.train_or_load(CORPUS, tmp_path, QUICK)
    assert len(calls) == 1
    assert [p.name for p in tmp_path.iterdir()] == [
        artefact.entry_path(tmp_path, CORPUS, QUICK).name
    ]
    assert artefact.weights_file(cold) == artefact.weights_file(warm)
    assert artefact.weights_script(cold) == artefact.weights_script(warm)


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # torn write
        lambda data: b"XXXX" + data[4:],  # not our magic
        lambda data: data[:8] + b"}" + data[9:],  # header no longer JSON
        lambda data: data + b"\0\0\0\0",  # trailing bytes
        lambda data: data[:-4] + struct.pack("<f", float("nan")),  # a NaN weight
        lambda data: b"",
    ],
)
def test_a_corrupt_entry_is_retrained_and_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: Any
) -> None:
    artefact.train_or_load(CORPUS, tmp_path, QUICK)
    path = artefact.entry_path(tmp_path, CORPUS, QUICK)
    good = path.read_bytes()
    path.write_bytes(damage(good))
    calls = count_trainings(monkeypatch)
    artefact.train_or_load(CORPUS, tmp_path, QUICK)
    assert len(calls) == 1
    assert path.read_bytes() == good
    assert not list(tmp_path.glob("*.tmp"))


def test_weights_file_layout_is_magic_length_header_then_aligned_float32() -> None:
    trained = small_model()
    data = weights.to_bytes(trained)
    assert data[:4] == b"TLM1"
    (length,) = struct.unpack("<I", data[4:8])
    assert (8 + length) % 8 == 0
    header = json.loads(data[8 : 8 + length])
    assert header["param_count"] == trained.param_count
    assert len(data) == 8 + length + 4 * trained.param_count
    embed = header["tensors"][0]
    assert embed["name"] == "embed" and embed["shape"] == [300, SMALL.d_model]
    start = 8 + length + embed["offset"]
    first_row = np.frombuffer(data[start : start + 4 * SMALL.d_model], dtype="<f4")
    np.testing.assert_array_equal(first_row, trained.params["embed"][0])


def test_weights_file_round_trips_exactly() -> None:
    trained = small_model()
    again = weights.from_bytes(weights.to_bytes(trained))
    assert again.hyperparameters == trained.hyperparameters
    assert again.tokenizer == trained.tokenizer
    assert again.log == trained.log
    for name, value in trained.params.items():
        assert np.array_equal(again.params[name], value)


def test_weights_script_sets_the_global_to_the_file_in_base64() -> None:
    trained = small_model()
    script = artefact.weights_script(trained)
    prefix = f'window.{weights.WEIGHTS_GLOBAL} = "'
    assert script.startswith(prefix) and script.endswith('";\n')
    assert base64.b64decode(script[len(prefix) : -3]) == artefact.weights_file(trained)


def test_prune_keeps_the_entries_in_use_and_other_files(tmp_path: Path) -> None:
    artefact.train_or_load(CORPUS, tmp_path, QUICK)
    used = artefact.entry_path(tmp_path, CORPUS, QUICK)
    stale = tmp_path / "tinylm-0123456789abcdef.bin"
    stale.write_bytes(b"old")
    torn = tmp_path / (used.name + ".x1.tmp")
    torn.write_bytes(b"torn")
    other = tmp_path / "figures.json"
    other.write_text("{}")
    assert artefact.prune(tmp_path, [used]) == sorted([stale, torn])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([used.name, other.name])

"""The text memo: entries valid for one stamp; a build keeps what it used (and, when it replayed
pages, what it did not use too); a memo nobody asked leaves its file alone."""

from __future__ import annotations

from pathlib import Path

from genai_notes.engine.memo import Memo


def _saved(path: Path, stamp: str, **entries: str) -> None:
    memo = Memo(path, stamp)
    for key, value in entries.items():
        memo.put(key, value)
    memo.save()


def test_an_entry_is_read_back_under_its_stamp_only(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    _saved(path, "one", a="1")
    assert Memo(path, "one").get("a") == "1"
    assert Memo(path, "two").get("a") is None


def test_a_build_keeps_the_entries_it_used(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    _saved(path, "s", used="1", unused="2")
    memo = Memo(path, "s")
    assert memo.get("used") == "1"
    memo.save()
    assert Memo(path, "s").get("used") == "1"
    assert Memo(path, "s").get("unused") is None


def test_a_build_that_replayed_pages_keeps_the_entries_it_did_not_use(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    _saved(path, "s", old="1")
    memo = Memo(path, "s")
    memo.put("new", "2")
    memo.save(prune=False)
    assert (Memo(path, "s").get("old"), Memo(path, "s").get("new")) == ("1", "2")


def test_a_memo_nobody_asked_leaves_its_file_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    _saved(path, "s", a="1")
    before = path.stat().st_mtime_ns, path.read_bytes()
    Memo(path, "s").save(prune=False)
    assert (path.stat().st_mtime_ns, path.read_bytes()) == before


def test_an_unreadable_file_is_an_empty_memo(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text("{not json", encoding="utf-8")
    assert Memo(path, "s").get("a") is None
    assert Memo(tmp_path / "missing.json", "s").get("a") is None

"""The glossary file: parsed once, shown as tooltips and as the Glossary page."""

from __future__ import annotations

from pathlib import Path

import pytest

from genai_notes import glossary


def test_terms_are_sorted_case_insensitively(tmp_path: Path) -> None:
    path = tmp_path / "abbr.md"
    path.write_text("*[ZeRO]: Zero.\n\n*[bf16]: Brain float.\n*[LLM]: Large.\n")
    terms = glossary.read_glossary(path)
    assert [t.term for t in terms] == ["bf16", "LLM", "ZeRO"]
    assert glossary.glossary_markdown(terms).startswith("bf16\n:   Brain float.\n")


def test_a_term_defined_twice_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "abbr.md"
    path.write_text("*[LLM]: Large.\n*[LLM]: Again.\n")
    with pytest.raises(ValueError, match=r"abbr.md:2: .LLM. is defined twice"):
        glossary.read_glossary(path)


def test_spellings_that_differ_in_case_share_one_entry(tmp_path: Path) -> None:
    path = tmp_path / "abbr.md"
    path.write_text("*[bf16]: Brain float.\n*[BF16]: Brain float.\n*[LLM]: Large.\n")
    text = glossary.glossary_markdown(glossary.read_glossary(path))
    assert text.count("Brain float.") == 1
    assert text.startswith("bf16, BF16\n:   Brain float.\n")


def test_comments_and_blank_lines_between_entries_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "abbr.md"
    path.write_text("<!-- about\n  this file -->\n\n*[LLM]: Large.\n\n*[PEFT]: Small.\nnot one\n")
    with pytest.raises(ValueError, match=r"abbr.md:7: not a glossary entry"):
        glossary.read_glossary(path)
    path.write_text("<!-- about\n  this file -->\n\n*[LLM]: Large.\n\n*[PEFT]: Small.\n")
    assert [t.term for t in glossary.read_glossary(path)] == ["LLM", "PEFT"]

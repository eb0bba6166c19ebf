"""The glossary file: parsed once, shown as tooltips and as the Glossary page."""

from __future__ import annotations

from genai_notes import glossary


def test_terms_are_sorted_case_insensitively() -> None:
    terms, problems = glossary.read_glossary(
        "*[ZeRO]: Zero.\n\n*[bf16]: Brain float.\n*[LLM]: Large.\n"
    )
    assert problems == []
    assert [t.term for t in terms] == ["bf16", "LLM", "ZeRO"]
    assert glossary.glossary_html(terms).startswith(
        '<dl class="genai-glossary"><dt>bf16</dt><dd>Brain float.</dd>'
    )


def test_a_term_defined_twice_names_both_lines_and_keeps_the_first() -> None:
    terms, problems = glossary.read_glossary("*[LLM]: Large.\n*[LLM]: Again.\n")
    assert [(p.line, p.message) for p in problems] == [
        (2, "'LLM' is defined twice (first on line 1)")
    ]
    assert [t.definition for t in terms] == ["Large."]


def test_spellings_that_differ_in_case_share_one_entry() -> None:
    terms, problems = glossary.read_glossary(
        "*[bf16]: Brain float.\n*[BF16]: Brain float.\n*[LLM]: Large.\n"
    )
    assert problems == []
    text = glossary.glossary_html(terms)
    assert text.count("Brain float.") == 1
    assert "<dt>bf16, BF16</dt>" in text


def test_case_spellings_with_different_definitions_are_a_problem() -> None:
    terms, problems = glossary.read_glossary("*[bf16]: Brain float.\n*[BF16]: Other.\n")
    assert [p.line for p in problems] == [2]
    assert "differ only in case" in problems[0].message
    assert [t.term for t in terms] == ["bf16"]


def test_comments_and_blank_lines_between_entries_are_skipped() -> None:
    text = "<!-- about\n  this file -->\n\n*[LLM]: Large.\n\n*[PEFT]: Small.\nnot one\n"
    terms, problems = glossary.read_glossary(text)
    assert [(p.line, p.message.split(" (")[0]) for p in problems] == [(7, "not a glossary entry")]
    assert [t.term for t in terms] == ["LLM", "PEFT"]


def test_an_unclosed_comment_is_reported_at_its_opening_line() -> None:
    terms, problems = glossary.read_glossary("*[LLM]: Large.\n\n<!-- oops\n\n*[PEFT]: Small.\n")
    assert [p.line for p in problems] == [3]
    assert "never closed" in problems[0].message
    assert [t.term for t in terms] == ["LLM"]


def test_definitions_are_escaped_on_the_glossary_page() -> None:
    terms, _ = glossary.read_glossary("*[X]: <img src=x onerror=alert(1)> & <script>1</script>\n")
    page = glossary.glossary_html(terms)
    assert "<img" not in page and "<script" not in page
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; &lt;script&gt;" in page


def test_a_computed_number_in_a_definition_is_refused() -> None:
    terms, problems = glossary.read_glossary("*[X]: about {{ units.GB }} bytes.\n")
    assert terms == []
    assert "computed number" in problems[0].message


def test_a_term_keeps_its_tooltip_at_its_first_use_only() -> None:
    page = (
        '<h2>About <abbr title="Large">LLM</abbr></h2><p>An <abbr title="Large">LLM</abbr> and'
        ' a <abbr title="Large">LLM</abbr>; <abbr title="Key">KV</abbr>.</p>'
    )
    assert glossary.first_uses_only(page) == (
        '<h2>About LLM</h2><p>An <abbr title="Large">LLM</abbr> and a LLM; '
        '<abbr title="Key">KV</abbr>.</p>'
    )


def test_tooltips_stay_at_the_first_use_outside_headings() -> None:
    term = '<abbr title="Large language model">LLM</abbr>'
    page = f"<h2>An {term}</h2><p>One {term} and {term}.</p><h3>{term}</h3><p>{term}</p>"
    kept = glossary.first_uses_only(page)
    assert kept == f"<h2>An LLM</h2><p>One {term} and LLM.</p><h3>LLM</h3><p>LLM</p>"

"""Computed numbers as tokens: Markdown itself decides what is code."""

from __future__ import annotations

import markdown as python_markdown
import pytest

from genai_notes.engine import slots

EXTENSIONS = ["md_in_html", "pymdownx.superfences", "pymdownx.arithmatex", "admonition"]
CONFIG = {"pymdownx.arithmatex": {"generic": True}}


def _render(page: str) -> tuple[str, list[slots.Slot]]:
    """Protect, convert with Python-Markdown as the site does, and fill with a marker."""
    marked, found = slots.protect(page, "GNXT0001N")
    html = python_markdown.markdown(marked, extensions=EXTENSIONS, extension_configs=CONFIG)

    def render(slot: slots.Slot, context: str) -> str:
        return f"[{context}:{slot.body.strip()}]"

    return slots.fill(html, found, render), found


@pytest.mark.parametrize(
    ("page", "literal"),
    [
        ("```text\n{{ 1 + 1 }}\n```\n", "{{ 1 + 1 }}"),
        ("Text.\n\n    {{ 2 + 2 }}\n", "{{ 2 + 2 }}"),
        ("a `{{ 3 }}` b\n", "{{ 3 }}"),
        ("a ``x {{ 4 }} ` y`` b\n", "{{ 4 }}"),
        ("<pre>{{ 5 }}</pre>\n", "{{ 5 }}"),
        ("!!! note\n    ```\n    {{ 6 }}\n    ```\n", "{{ 6 }}"),
        ("a `{{ x < y }}` b\n", "{{ x &lt; y }}"),
    ],
)
def test_code_of_every_kind_keeps_its_braces(page: str, literal: str) -> None:
    html, _ = _render(page)
    assert literal in html
    assert "[" not in html.replace("[code", "")


def test_a_lone_backtick_does_not_switch_evaluation_off_elsewhere() -> None:
    html, _ = _render("One ` tick {{ 1 }}.\n\nTwo {{ 2 }} and ` another.\n\nThree {{ 3 }}.\n")
    assert "[text:1]" in html and "[text:2]" in html and "[text:3]" in html


def test_numbers_in_math_attributes_and_text_are_told_apart() -> None:
    html, _ = _render('$x = {{ 1 }}$ and [link]({{ 2 }} "t {{ 3 }}") and {{ 4 * 5 * 6 }}\n')
    assert "[math:1]" in html
    assert "[attribute:3]" in html
    assert "[text:4 * 5 * 6]" in html  # no emphasis made of the asterisks


def test_an_unclosed_opening_is_its_own_slot_and_swallows_nothing() -> None:
    marked, found = slots.protect("Line {{ oops\n\nNext {{ 1 }} para.\n", "GNXT0001N")
    assert [(s.closed, s.line, s.column) for s in found] == [(False, 1, 6), (True, 3, 6)]
    assert found[1].body.strip() == "1"
    assert "oops" in marked


def test_lines_and_columns_are_those_of_the_opening_braces() -> None:
    _, found = slots.protect("a\nbb {{ 1 }}\n\n   {{ 2 }}", "GNXT0001N")
    assert [(s.line, s.column) for s in found] == [(2, 4), (4, 4)]

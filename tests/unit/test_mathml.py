"""TeX to MathML at build time."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from genai_notes import mathml


def test_inline_and_display_wrappers_become_mathml() -> None:
    page = (
        '<p>So <span class="arithmatex">\\(a &lt; b\\)</span>.</p>'
        '<div class="arithmatex">\\[\\sqrt{d_k}\\]</div>'
    )
    out = mathml.render_math(page, lambda e: pytest.fail(str(e)))
    assert "arithmatex" not in out
    assert '<math alttext="a &lt; b" display="inline">' in out
    assert "<mo>&lt;</mo>" in out  # "<" escaped, not raw
    assert '<div class="math-display" tabindex="0"><math' in out
    assert "<msqrt>" in out


def test_unknown_command_is_an_error_not_raw_tex() -> None:
    with pytest.raises(mathml.MathError, match=r"unknown command \\nosuch"):
        mathml.tex_to_mathml("\\nosuch{x}", display=False)


def test_converter_failure_goes_to_the_error_handler() -> None:
    errors: list[mathml.MathError] = []

    def on_error(error: mathml.MathError) -> str:
        errors.append(error)
        return "<b>failed</b>"

    out = mathml.render_math('<span class="arithmatex">\\(\\frac{1}{\\)</span>', on_error)
    assert out == "<b>failed</b>"
    assert errors[0].tex == "\\frac{1}{"


@pytest.mark.parametrize(
    "tex",
    [
        r"\text{<script>alert(1)</script>} x",
        r"\text{<img src=x onerror=alert(1)>}",
        r"\text{<a href='javascript:alert(1)'>x</a>}",
        r"\mathrm{<svg onload=alert(1)>}",
    ],
)
def test_no_markup_can_come_out_of_a_formula(tex: str) -> None:
    out = mathml.tex_to_mathml(tex, display=False)
    tags, attributes = _markup(out)
    assert tags <= mathml.MATHML_TAGS, out
    assert attributes <= mathml.MATHML_ATTRIBUTES, out


def _markup(text: str) -> tuple[set[str], set[str]]:
    """Element and attribute names in ``text``, as a browser's HTML parser reads them."""
    tags: set[str] = set()
    attributes: set[str] = set()

    class Reader(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            tags.add(tag)
            attributes.update(name for name, _ in attrs)

    Reader().feed(text)
    return tags, attributes


@pytest.mark.parametrize(
    ("tex", "problem"),
    [(r"\frac{a}{b", "never closed"), (r"a}b", "never opened"), (r"x^{2", "never closed")],
)
def test_unbalanced_braces_are_one_error(tex: str, problem: str) -> None:
    with pytest.raises(mathml.MathError, match=problem):
        mathml.tex_to_mathml(tex, display=False)


def test_escaped_braces_are_balanced() -> None:
    assert "<mo" in mathml.tex_to_mathml(r"\{a\}", display=False)


@pytest.mark.parametrize(
    ("tex", "number"),
    [("12{,}288", "12,288"), ("4{,}096{,}000", "4,096,000"), ("1{,}234.5", "1,234.5")],
)
def test_a_braced_thousands_comma_stays_inside_one_number(tex: str, number: str) -> None:
    # TeX's {,} is a comma with no space after it; a separate <mo>, is spaced like "12, 288"
    out = mathml.tex_to_mathml(f"d = {tex}", display=False)
    assert f"<mn>{number}</mn>" in out
    assert "<mo>" not in out.split("<mo>=</mo>", 1)[1]


def test_a_comma_between_symbols_stays_a_separator() -> None:
    assert "<mo>,</mo>" in mathml.tex_to_mathml("(d, k)", display=False)
    assert "<mn>" not in mathml.tex_to_mathml("x{,}y", display=False)


def test_a_braced_comma_in_a_number_is_part_of_the_number() -> None:
    # TeX sets 2{,}000 as one number with no space after the comma; a spaced operator
    # comma made the lifecycle page read "2, 000 × 700 × 3".
    out = mathml.tex_to_mathml(r"2{,}000 \times 1{,}000{,}000", display=False)
    assert "<mn>2,000</mn>" in out
    assert "<mn>1,000,000</mn>" in out
    assert "<mo>,</mo>" not in out and "&#x0002C;" not in out


def test_a_braced_comma_between_letters_has_no_space_around_it() -> None:
    out = mathml.tex_to_mathml(r"a{,}b", display=False)
    assert '<mi>a</mi><mo lspace="0" rspace="0">,</mo><mi>b</mi>' in out


def test_an_unbraced_comma_stays_a_separator() -> None:
    out = mathml.tex_to_mathml(r"(1, 0)", display=False)
    assert "<mn>1</mn><mo>,</mo><mn>0</mn>" in out


def test_an_inline_formula_keeps_the_brackets_beside_it() -> None:
    # "in GB ($10^9$ bytes)": the browser broke between "(" and the formula
    page = (
        '<p>in GB (<span class="arithmatex">\\(10^9\\)</span> bytes), and '
        '<span class="arithmatex">\\(x\\)</span>.</p>'
    )
    out = mathml.render_math(page, lambda e: pytest.fail(str(e)))
    assert '<p>in GB <span class="genai-math-nowrap">(<math ' in out
    assert '</math></span> bytes), and <span class="genai-math-nowrap"><math ' in out
    assert out.endswith("</math>.</span></p>")


def test_a_formula_without_brackets_beside_it_is_left_bare() -> None:
    out = mathml.render_math('<p>so <span class="arithmatex">\\(x\\)</span> is</p>', pytest.fail)
    assert out.startswith("<p>so <math ") and "genai-math-nowrap" not in out

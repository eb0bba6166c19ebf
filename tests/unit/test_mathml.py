"""TeX to MathML at build time."""

from __future__ import annotations

import pytest

from genai_notes import mathml


def test_inline_and_display_wrappers_become_mathml() -> None:
    page = (
        '<p>So <span class="arithmatex">\\(a &lt; b\\)</span>.</p>'
        '<div class="arithmatex">\\[\\sqrt{d_k}\\]</div>'
    )
    out = mathml.render_math(page, lambda e: pytest.fail(str(e)))
    assert "arithmatex" not in out
    assert (
        '<math alttext="a &lt; b" xmlns="http://www.w3.org/1998/Math/MathML" display="inline">'
        in out
    )
    assert "<mo>&#x0003C;</mo>" in out  # "<" as a character reference, not raw
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

"""The ``{{ }}`` interpreter: what it allows, what it refuses, and where it reports."""

from __future__ import annotations

import pytest

from genai_notes import calc


def test_arithmetic_and_formatting() -> None:
    text, failures = calc.substitute("x {{ (2 + 3) * 4 / 8 | .2f }} y {{ 2 ** 10 | , }}")
    assert failures == []
    assert text == "x 2.50 y 1,024"


def test_fenced_and_inline_code_are_left_alone() -> None:
    source = "a `{{ 1 + 1 }}` b\n\n```text\n{{ 1 + 1 }}\n```\n\n~~~\n{{ 2 }}\n~~~\nc {{ 1 + 1 }}\n"
    text, failures = calc.substitute(source)
    assert failures == []
    assert text == source.replace("c {{ 1 + 1 }}", "c 2")


@pytest.mark.parametrize(
    ("expression", "problem"),
    [
        ("__import__('os')", "unknown name '__import__'"),
        ("open('x')", "unknown name 'open'"),
        ("units.__dict__", "private attribute"),
        ("[x for x in (1, 2)]", "is not allowed"),
        ("1 +", "not a valid expression"),
        ("lambda: 1", "is not allowed"),
    ],
)
def test_refuses_what_is_not_arithmetic_on_science_calls(expression: str, problem: str) -> None:
    with pytest.raises(calc.CalcError, match=problem):
        calc.evaluate(expression, calc.science_namespace())


def test_failure_reports_the_line_in_the_markdown() -> None:
    text, failures = calc.substitute("one\n\n```\n{{ x }}\n```\nfive {{ 1 / 0 }}\n")
    assert [(f.line, f.expression) for f in failures] == [(6, "1 / 0")]
    assert "ZeroDivisionError" in failures[0].problem
    assert "computed number failed" in text


def test_bad_format_spec_is_reported() -> None:
    _, failures = calc.substitute("{{ 'text' | .2f }}")
    assert len(failures) == 1
    assert "format '.2f'" in failures[0].problem

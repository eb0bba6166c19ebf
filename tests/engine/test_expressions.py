"""The expression language: what it computes, what it refuses, and that every refusal is a
one-sentence ExpressionError, quickly."""

from __future__ import annotations

import random
import time
import types

import pytest

from genai_notes.engine import expressions
from genai_notes.engine.expressions import ExpressionError, Namespace, evaluate

SCIENCE = Namespace.science()


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("(2 + 3) * 4 / 8", 2.5),
        ("2 ** 10", 1024),
        ("units.to_gb(memory.weights_bytes(7e9, 'fp16'))", 14.0),  # 7e9 x 2 bytes / 1e9
        ("metrics.bleu('a b c d', ['a b c d']).bleu", 1.0),
        ("memory.DTYPES['fp32']", 4.0),
        ("scaling.KNOWN_MODELS[0].name", "GPT-3 175B"),
        ("sampling.softmax([0.0, 0.0])[1]", 0.5),
        ("3 > 2", 1),
        ("-units.GB", -1e9),
    ],
)
def test_computes_arithmetic_on_exported_science(source: str, expected: object) -> None:
    assert evaluate(source, SCIENCE) == expected


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("__import__('os')", "only science functions"),
        ("os", "write module.name"),
        ("open('x')", "only science functions"),
        ("units.os", "not something the notes may compute"),
        ("memory.np.load", "not something the notes may compute"),
        ("units.to_gb.__globals__", "cannot be read from a function"),
        ("units.__dict__", "not something the notes may compute"),
        ("'{0.__class__}'.format(1)", "only science functions"),
        ("'abc'.upper()", "only science functions"),
        ("scaling.KNOWN_MODELS[0].__class__", "has no field"),
        ("scaling.KNOWN_MODELS[0].__init__", "has no field"),
        ("[x for x in (1, 2)]", "is not allowed"),
        ("lambda: 1", "is not allowed"),
        ("(1, 2)[0:1]", "slices are not allowed"),
        ("'a' * 3", "arithmetic needs numbers"),
        ("[1] * 10", "arithmetic needs numbers"),
        ("units.to_gb(*[1])", "'*' arguments"),
        ("units.to_gb(**{})", r"'\*\*' arguments"),
        ("1 +", "not a valid expression"),
        ("", "empty"),
    ],
)
def test_refuses_everything_outside_the_allow_list(source: str, problem: str) -> None:
    with pytest.raises(ExpressionError, match=problem):
        evaluate(source, SCIENCE)


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("10**10**10", "too large an integer"),
        ("9**9**9", "too large an integer"),
        ("2**200", "too large an integer"),
        ("7" * 5000, "longer than"),
        ("+".join(["1"] * 2000), "longer than"),
        ("+".join(["1"] * 290), "more than"),
        ("[" * 100 + "1" + "]" * 100, "nested more than"),
        ("1e308 * 10", "not a finite number"),
        ("10.0 ** 400", "OverflowError"),
        ("1 / 0", "ZeroDivisionError"),
        ("5 % 0", "ZeroDivisionError"),
        ("sampling.sample([1.0, 2.0], 10**16)", "too large for a function argument"),
        ("memory.weights_bytes(1e9, 'fp99')", "fp99"),
        ("sampling.softmax([1.0, 2.0])", "not a number or text"),
        ("memory.DTYPES", "not a number or text"),
    ],
)
def test_every_bound_breach_is_a_quick_sentence(source: str, problem: str) -> None:
    started = time.monotonic()
    with pytest.raises(ExpressionError, match=problem):
        evaluate(source, SCIENCE)
    assert time.monotonic() - started < 1.0


def test_a_science_function_that_runs_too_long_is_stopped_by_the_time_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slow = types.ModuleType("slow")
    slow.wait = lambda seconds: time.sleep(seconds) or 1.0  # type: ignore[attr-defined]
    slow.__all__ = ["wait"]  # type: ignore[attr-defined]
    monkeypatch.setattr(expressions, "TIME_LIMIT", 0.2)
    with pytest.raises(ExpressionError, match=r"took longer than 0\.2 s"):
        evaluate("slow.wait(5)", Namespace({"slow": slow}))


def test_a_name_that_is_almost_right_gets_a_suggestion() -> None:
    with pytest.raises(ExpressionError, match="did you mean 'weights_bytes'"):
        evaluate("memory.weight_bytes(1e9, 'fp32')", SCIENCE)
    with pytest.raises(ExpressionError, match="did you mean 'scaling'"):
        evaluate("scalng.PF_DAY", SCIENCE)


def test_random_garbage_only_ever_raises_expression_errors() -> None:
    alphabet = "units.memory()[]'\"0123456789+-*/%<>=!,._ abcxyz{}:;@#~^&|\\\n"
    rng = random.Random(12)
    for _ in range(3000):
        source = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        try:
            value = evaluate(source, SCIENCE)
        except ExpressionError:
            continue
        assert isinstance(value, int | float | str)

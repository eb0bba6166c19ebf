"""The unit allow-list and the reader's-answer parser, and its JavaScript twin in
docs/javascripts/problems.js run in V8 (mini-racer) on random inputs, without a browser."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from genai_notes.engine import units
from genai_notes.engine.units import UnitError, answer_in, read_answer, unit

ROOT = Path(__file__).resolve().parents[2]
N_CASES = 800
GB = unit("GB")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("140 GB", 140.0),
        ("140GB", 140.0),
        ("1.4e11 B", 140.0),  # 1.4e11 bytes / 1e9 bytes per GB
        ("1.4E11 B", 140.0),
        ("140", 140.0),  # a bare number is in the problem's unit
        ("1.4 × 10^11 B", 140.0),
        ("1.4·10¹¹ B", 140.0),
        ("1.4 x 10**11 B", 140.0),
        ("10^11 B", 100.0),
        ("1,400 MB", 1.4),
        ("0.14 TB", 140.0),
        ("1 GiB", 2**30 / 1e9),  # 1.073741824 GB
        ("−2.5 GB", -2.5),  # a typographic minus
        ("140 bytes", 140e-9),
        ("  140\u00a0GB  ", 140.0),
    ],
)
def test_a_readers_answer_is_read_in_the_problems_unit(text: str, expected: float) -> None:
    assert math.isclose(answer_in(text, GB), expected, rel_tol=1e-12)


def test_binary_and_si_prefixes_and_times_convert_within_a_dimension() -> None:
    assert math.isclose(answer_in("1 TiB", unit("GiB")), 1024.0)
    assert math.isclose(answer_in("250 ms", unit("s")), 0.25)
    assert math.isclose(answer_in("2 h", unit("min")), 120.0)
    assert math.isclose(answer_in("3.14 PFLOP", unit("EFLOP")), 3.14e-3)
    assert math.isclose(answer_in("25%", unit("")), 0.25)
    assert math.isclose(answer_in("0.25", unit("%")), 0.25)  # bare: read as 0.25 %
    assert math.isclose(answer_in("2 k tokens", unit("tokens")), 2000.0)
    assert math.isclose(answer_in("3.35 TB/s", unit("GB/s")), 3350.0)
    assert math.isclose(answer_in("1,500 tokens/s", unit("ktokens/s")), 1.5)


def test_a_decimal_comma_is_refused_with_a_message_that_says_why() -> None:
    with pytest.raises(UnitError, match=r"write decimals with a point \(1\.5\)"):
        read_answer("1,5")
    with pytest.raises(UnitError, match="groups of three"):
        read_answer("14,00")
    with pytest.raises(UnitError, match="groups of three"):
        read_answer("1,4000")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "type a number"),
        ("abc", "not a number"),
        ("140 Gb", "unknown unit 'Gb'"),
        ("140 KB", "unknown unit 'KB'"),  # SI kilo is k
        ("5 s", "s is a time; the question asks for a memory in GB"),
        ("1e9999", "too large"),
        ("1" * 81, "longer than 80"),
        ("140 GiFLOP", "unknown unit"),  # binary prefixes are for bytes only
    ],
)
def test_what_cannot_be_read_is_a_message(text: str, message: str) -> None:
    with pytest.raises(UnitError, match=message.replace("(", r"\(")):
        answer_in(text, GB)


def test_every_base_unit_of_the_contract_is_allowed() -> None:
    for symbol in ("B", "FLOP", "FLOP/s", "s", "tokens", "parameters", "GPUs", "USD", "%", ""):
        unit(symbol)
    for prefix in "kMGTPE":
        assert unit(prefix + "B").factor == 10.0 ** (3 * " kMGTPE".index(prefix))
    for index, prefix in enumerate(("Ki", "Mi", "Gi", "Ti"), start=1):
        assert unit(prefix + "B").factor == 2.0 ** (10 * index)
    with pytest.raises(UnitError):
        unit("GB/s/s")


# -- the JavaScript twin ---------------------------------------------------------------------

_SUPER = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
TARGETS = [
    *("GB", "B", "GiB", "TB/s", "tokens/s", "FLOP/B", "TFLOP/s", "FLOP", "s", "ms", "tokens"),
    *("M tokens", "%", "", "USD"),
]
UNITS = [
    *TARGETS,
    "kB",
    "MiB",
    "TB",
    "PFLOP",
    "EFLOP",
    "GFLOP/s",
    "µs",
    "ns",
    "min",
    "h",
    "token",
    "Gparameters",
    "GPUs",
    "GPU",
    "kUSD",
    "bytes",
    "Gb",
    "KB",
    "GiFLOP",
    "xyz",
    "G B",
    "FLOPs",
    "FLOPS",
    "GB/s",
    "GiB/s",
    "ktokens/s",
    "k tokens/s",
]


def _mantissa(rng: np.random.Generator) -> str:
    kind = int(rng.integers(0, 9))
    number = float(10 ** rng.uniform(-4, 7))
    if kind == 0:
        return f"{int(number):,}"  # correct groups of three
    if kind == 1:
        return f"{int(number):,}".replace(",", "\u202f")
    if kind == 2:
        return f"{int(rng.integers(0, 100))},{int(rng.integers(0, 100))}"  # a decimal comma
    if kind == 3:
        return f"{int(rng.integers(1, 10))},{int(rng.integers(1000, 99999))}"  # bad groups
    if kind == 4:
        return f".{int(rng.integers(0, 1000))}"
    if kind == 5:
        return f"{int(number)}."
    return f"{number:.{int(rng.integers(0, 8))}f}"


def _exponent(rng: np.random.Generator) -> str:
    power = int(rng.integers(-30, 31))
    kind = int(rng.integers(0, 8))
    if kind == 0:
        return f"e{power}"
    if kind == 1:
        return f"E+{abs(power)}"
    if kind == 2:
        return f" × 10^{power}"
    if kind == 3:
        return f"·10{str(power).translate(_SUPER)}"
    if kind == 4:
        return f"x10**{power}"
    if kind == 5:
        return f" * 10^{{{power}}}"
    return ""


def _answer(rng: np.random.Generator) -> str:
    if rng.random() < 0.05:
        alphabet = list("0123456789.,eE+-−×x^*·⁰¹²³ GBkMiTs%/ \u00a0\u202f\t")
        return "".join(rng.choice(alphabet, size=int(rng.integers(0, 14))))
    sign = str(rng.choice(["", "", "-", "+", "−"]))
    if rng.random() < 0.08:
        text = sign + f"10^{int(rng.integers(-5, 15))}"
    else:
        text = sign + _mantissa(rng) + _exponent(rng)
    if rng.random() < 0.7:
        text += str(rng.choice(["", " ", "  ", "\u00a0"])) + str(rng.choice(UNITS))
    if rng.random() < 0.1:
        text = str(rng.choice([" ", "\t", "\n"])) + text + str(rng.choice([" ", "\n"]))
    return text


def _cases(seed: int, count: int) -> list[dict[str, str]]:
    rng = np.random.default_rng(seed)
    return [{"text": _answer(rng), "target": str(rng.choice(TARGETS))} for _ in range(count)]


def _python(case: dict[str, str]) -> dict[str, Any]:
    try:
        return {"value": answer_in(case["text"], unit(case["target"]))}
    except UnitError as exc:
        return {"error": str(exc)}


_RUNNER = """(cases) => {
  const p = window.genaiNotes.problems;
  return cases.map((c) => {
    try { return {value: p.answerIn(c.text, p.unit(c.target))}; }
    catch (e) { return {error: String(e.message)}; }
  });
}"""


def _in_v8(cases: list[dict[str, str]]) -> list[dict[str, Any]]:
    from py_mini_racer import MiniRacer

    context = MiniRacer()
    try:
        context.eval("var window = globalThis;")
        context.eval((ROOT / "docs/javascripts/problems.js").read_text(encoding="utf-8"))
        text = context.eval(f"JSON.stringify(({_RUNNER})({json.dumps(cases)}))")
    finally:
        context.close()
    result: list[dict[str, Any]] = json.loads(str(text))
    return result


def test_javascript_reads_every_answer_as_python_does() -> None:
    cases = _cases(20261201, N_CASES)
    javascript = _in_v8(cases)
    read = refused = 0
    for case, js in zip(cases, javascript, strict=True):
        py = _python(case)
        what = f"{case['text']!r} in {case['target']!r}: Python {py}, JavaScript {js}"
        if "error" in py:
            assert js.get("error") == py["error"], what
            refused += 1
        else:
            assert "value" in js, what
            assert math.isclose(js["value"], py["value"], rel_tol=1e-12, abs_tol=0.0), what
            read += 1
    # Both kinds are exercised in earnest, not one by accident.
    assert read > 200
    assert refused > 200


def test_javascript_grades_as_python_checks_tolerances() -> None:
    from genai_notes.engine.problems import within

    rng = np.random.default_rng(7)
    cases = []
    for _ in range(300):
        target = float(rng.choice([0.0, float(10 ** rng.uniform(-3, 12))]))
        tol = float(rng.uniform(0.001, 0.1))
        value = target * (1 + float(rng.uniform(-0.15, 0.15))) + float(rng.choice([0, 1e-3]))
        cases.append({"value": value, "target": target, "tol": tol})
    from py_mini_racer import MiniRacer

    context = MiniRacer()
    try:
        context.eval("var window = globalThis;")
        context.eval((ROOT / "docs/javascripts/problems.js").read_text(encoding="utf-8"))
        runner = (
            "(cs) => cs.map((c) => window.genaiNotes.problems.within(c.value, c.target, c.tol))"
        )
        found = json.loads(str(context.eval(f"JSON.stringify(({runner})({json.dumps(cases)}))")))
    finally:
        context.close()
    for case, js in zip(cases, found, strict=True):
        assert js == within(case["value"], case["target"], case["tol"]), case


def test_the_module_lists_the_units_it_documents() -> None:
    assert set(units.BASES) >= {"B", "FLOP", "FLOP/s", "s", "tokens", "parameters", "GPUs", "USD"}

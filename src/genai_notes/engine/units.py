"""The units a problem's answer may be in, and the parser of what a reader types.

A unit is a base symbol (``B``, ``FLOP``, ``FLOP/s``, ``s``, ``tokens``, ``parameters``,
``GPUs``, ``USD``; also ``B/s``, ``tokens/s``, ``FLOP/B``, ``min``, ``h``) with an optional
prefix: SI ``k M G T P E`` for every base but ``min``, ``h`` and ``FLOP/B``, binary ``Ki Mi Gi
Ti`` for bytes, ``m µ u n`` for seconds; ``%`` and ``""`` are dimensionless. The reader's
answer is a number with an optional unit: ``140 GB``, ``1.4e11 B``, ``1.4 × 10^11``,
``1.4·10¹¹``, ``1,400`` (commas only between groups of three digits). A bare number is read in
the problem's unit; a unit of the same dimension is converted (``GiB`` to ``GB``).

``docs/javascripts/problems.js`` implements the same parser; ``tests/engine/test_units.py``
checks that both agree on random inputs. Change one, change the other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_INPUT = 80
"""Characters a reader's answer may have."""

SI = {"k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18}
BINARY = {"Ki": 2.0**10, "Mi": 2.0**20, "Gi": 2.0**30, "Ti": 2.0**40}
SMALL = {"m": 1e-3, "µ": 1e-6, "μ": 1e-6, "u": 1e-6, "n": 1e-9}


@dataclass(frozen=True)
class Base:
    """A base unit: its dimension, its size in the dimension's reference unit, its prefixes."""

    symbol: str
    dimension: str
    factor: float
    prefixes: tuple[str, ...]


BASES: dict[str, Base] = {
    base.symbol: base
    for base in (
        Base("B", "memory", 1.0, (*SI, *BINARY)),
        Base("FLOP", "compute", 1.0, tuple(SI)),
        Base("FLOP/s", "throughput", 1.0, tuple(SI)),
        Base("s", "time", 1.0, (*SI, *SMALL)),
        Base("min", "time", 60.0, ()),
        Base("h", "time", 3600.0, ()),
        Base("tokens", "tokens", 1.0, tuple(SI)),
        Base("parameters", "parameters", 1.0, tuple(SI)),
        Base("GPUs", "GPUs", 1.0, tuple(SI)),
        Base("USD", "money", 1.0, tuple(SI)),
        Base("B/s", "bandwidth", 1.0, (*SI, *BINARY)),
        Base("tokens/s", "token rate", 1.0, tuple(SI)),
        Base("FLOP/B", "intensity", 1.0, ()),
        Base("%", "ratio", 0.01, ()),
    )
}
ALIASES = {
    "byte": "B",
    "bytes": "B",
    "FLOPs": "FLOP",
    "FLOPS": "FLOP/s",
    "token": "tokens",
    "parameter": "parameters",
    "params": "parameters",
    "param": "parameters",
    "GPU": "GPUs",
    "sec": "s",
}
DIMENSION_NAMES = {
    "memory": "a memory",
    "compute": "an amount of compute",
    "throughput": "a compute rate",
    "time": "a time",
    "tokens": "a number of tokens",
    "parameters": "a number of parameters",
    "GPUs": "a number of GPUs",
    "money": "an amount of money",
    "bandwidth": "a bandwidth",
    "token rate": "a token rate",
    "intensity": "an arithmetic intensity",
    "ratio": "a pure number",
}
_PREFIXES = sorted({*SI, *BINARY, *SMALL}, key=len, reverse=True)


class UnitError(ValueError):
    """A unit or a reader's answer that cannot be read; the message is one sentence."""


@dataclass(frozen=True)
class Unit:
    """A unit as a symbol, its dimension and its size in the dimension's reference unit."""

    symbol: str
    dimension: str
    factor: float


def unit(symbol: str) -> Unit:
    """The unit a symbol names (``"GB"``, ``"TFLOP/s"``, ``"%"``, ``""``).

    Raises:
        UnitError: Not a known unit (the message lists the allowed bases).
    """
    text = symbol.strip(" ")
    if text == "":
        return Unit("", "ratio", 1.0)
    base = BASES.get(ALIASES.get(text, text))
    if base is not None:
        return Unit(text, base.dimension, base.factor)
    for prefix in _PREFIXES:
        if text.startswith(prefix):
            rest = text[len(prefix) :].lstrip(" ")
            base = BASES.get(ALIASES.get(rest, rest))
            if base is not None and prefix in base.prefixes:
                factor = (SI | BINARY | SMALL)[prefix] * base.factor
                return Unit(text, base.dimension, factor)
    raise UnitError(
        f"unknown unit '{text[:20]}' (allowed: {', '.join(b for b in BASES if b != '%')} with "
        'prefixes k M G T P E, Ki Mi Gi Ti for bytes; "%"; or "" for a pure number)'
    )


def symbols() -> list[str]:
    """Every unit symbol a problem may name (prefixed forms included), for suggestions."""
    found = [""]
    for base in BASES.values():
        found.append(base.symbol)
        found += [prefix + base.symbol for prefix in base.prefixes]
    return found


def convert(value: float, source: Unit, target: Unit) -> float:
    """``value`` in ``source`` expressed in ``target``.

    Raises:
        UnitError: The units measure different things.
    """
    if source.dimension != target.dimension:
        raise UnitError(
            f"{source.symbol or 'a pure number'} is {DIMENSION_NAMES[source.dimension]}; "
            f"the question asks for {DIMENSION_NAMES[target.dimension]}"
            + (f" in {target.symbol}" if target.symbol else "")
        )
    if source.factor == target.factor:
        return value
    return value * source.factor / target.factor


_SUPER = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
# Every piece is ASCII or listed by hand, so Python's and JavaScript's regexes read alike.
_POWER = (
    r"10(?:\^\{{?(?P<caret{n}>[+-]?[0-9]{{1,4}})\}}?|\*\*(?P<stars{n}>[+-]?[0-9]{{1,4}})"
    r"|(?P<super{n}>[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]{{1,4}}))"
)
_ANSWER = re.compile(
    r"^(?P<sign>[+-]?)(?:"
    + _POWER.format(n=1)
    + r"|(?P<mantissa>[0-9][0-9,\u202f\u2009]*(?:\.[0-9]*)?|\.[0-9]+)"
    r"(?:[eE](?P<e>[+-]?[0-9]{1,4}))?"
    r"(?: *[×xX*·⋅] *" + _POWER.format(n=2) + r")?"
    r") *(?P<unit>[\s\S]*)"
)
_GROUPED = re.compile(r"^[0-9]{1,3}(?:(?P<sep>[,\u202f\u2009])[0-9]{3})(?:(?P=sep)[0-9]{3})*$")


@dataclass(frozen=True)
class Reading:
    """A reader's answer: the number as typed, in the unit as typed (None: no unit typed)."""

    value: float
    unit: Unit | None


def read_answer(text: str) -> Reading:
    """Read a reader's answer: a number with an optional exponent and unit.

    Raises:
        UnitError: Not a number, a decimal comma, bad digit groups, an unknown unit, too long.
    """
    clean = text.strip(" \t\n").replace("\u2212", "-").replace("\u00a0", " ")
    if not clean:
        raise UnitError("type a number, for example 140 or 1.4e11")
    if len(clean) > MAX_INPUT:
        raise UnitError(f"the answer is longer than {MAX_INPUT} characters")
    match = _ANSWER.fullmatch(clean)
    if match is None:
        raise UnitError("that is not a number: write it like 140, 1.4e11 or 1.4 × 10^11")
    mantissa = match.group("mantissa")
    if mantissa is None:
        mantissa = "1"
    whole, point, fraction = mantissa.partition(".")
    if re.search(r"[,\u202f\u2009]", whole):
        if _GROUPED.match(whole) is None:
            if re.fullmatch(r"[0-9]+,[0-9]{1,2}", whole):
                raise UnitError(
                    f"'{whole}': write decimals with a point ({whole.replace(',', '.')}); "
                    "a comma only separates groups of three digits (1,400)"
                )
            raise UnitError(f"'{whole}': separate thousands in groups of three digits (1,400,000)")
        whole = re.sub(r"[,\u202f\u2009]", "", whole)
    exponent = 0
    for name in ("e", "caret1", "stars1", "caret2", "stars2"):
        if match.group(name) is not None:
            exponent += int(match.group(name))
    for name in ("super1", "super2"):
        if match.group(name) is not None:
            exponent += int(match.group(name).translate(_SUPER))
    digits = (whole or "0") + (point + fraction if fraction else "")
    value = float(f"{match.group('sign')}{digits}e{exponent}")
    if value != value or value in (float("inf"), float("-inf")):
        raise UnitError("that number is too large")
    symbol = match.group("unit").strip(" ")
    return Reading(value, unit(symbol) if symbol else None)


def answer_in(text: str, target: Unit) -> float:
    """A reader's answer as a number in the problem's unit.

    Raises:
        UnitError: The answer cannot be read or is in a unit of another dimension.
    """
    reading = read_answer(text)
    if reading.unit is None:
        return reading.value
    return convert(reading.value, reading.unit, target)

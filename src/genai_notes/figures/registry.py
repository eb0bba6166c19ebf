"""Find figure functions, describe their parameters, and check an author's parameters.

Everything here reads the functions' signatures, type hints and docstrings, so the parameter
checks, the error messages and the figure catalogue come from one place: the code.
"""

from __future__ import annotations

import importlib
import inspect
import math
import re
import traceback
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal, get_args, get_origin, get_type_hints

from genai_notes.engine.suggest import did_you_mean
from genai_notes.figures.base import FIGURE_ATTRIBUTE, FigureInfo, FigureResult, Length, Range

BUILTIN_MODULES = (
    "genai_notes.figures.sampling",
    "genai_notes.figures.memory",
    "genai_notes.figures.scaling",
    "genai_notes.figures.diagrams",
    "genai_notes.figures.workflows",
    "genai_notes.figures.finetuning",
    "genai_notes.figures.overview",
    "genai_notes.figures.rlhf",
    "genai_notes.figures.applications",
    "genai_notes.figures.measured",
    "genai_notes.figures.walkthroughs",
    "genai_notes.figures.tinymodel",
)


_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


class ParameterError(ValueError):
    """An author's parameters do not fit the figure: the message is one readable sentence.

    Attributes:
        parameter: The parameter at fault, when there is one (to point at its line).
    """

    def __init__(self, message: str, parameter: str | None = None) -> None:
        """Keep the message and the parameter's name."""
        super().__init__(message)
        self.parameter = parameter


@dataclass(frozen=True)
class Parameter:
    """One parameter of a figure, as the catalogue and the checks see it."""

    name: str
    kind: Any  # the bare type: float, int, bool, str, list[float], Literal[...]
    default: Any
    range: Range | None
    length: Length | None
    meaning: str

    @property
    def type_name(self) -> str:
        """The type as an author reads it, e.g. ``list of numbers`` or ``one of 'a', 'b'``."""
        return _type_name(self.kind)

    @property
    def allowed(self) -> str:
        """The allowed values in words ("" when any value of the type is allowed)."""
        parts = []
        if get_origin(self.kind) is Literal:
            parts.append("one of " + ", ".join(repr(c) for c in get_args(self.kind)))
        if self.range is not None:
            parts.append(f"in {self.range.describe()}")
        if self.length is not None:
            parts.append(f"{self.length.min} to {self.length.max} items")
        return "; ".join(parts)


@dataclass(frozen=True)
class FigureDef:
    """A registered figure: its function, name, purpose and parameters."""

    function: Callable[..., FigureResult]
    info: FigureInfo
    parameters: tuple[Parameter, ...]

    @property
    def name(self) -> str:
        """The name an author writes in a figure block."""
        return self.info.name

    def check(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """Return every parameter's value, defaults filled in, after checking ``params``.

        Raises:
            ParameterError: Unknown parameter, wrong type, or value out of range.
        """
        known = {p.name: p for p in self.parameters}
        unknown = sorted(set(params) - set(known))
        if unknown:
            allowed = ", ".join(known) or "none"
            hint = did_you_mean(unknown[0], known) or f" (figure {self.name} takes: {allowed})"
            raise ParameterError(f"unknown parameter '{unknown[0]}'{hint}", unknown[0])
        return {
            p.name: _coerce(p, params[p.name]) if p.name in params else p.default
            for p in self.parameters
        }

    def call(self, params: Mapping[str, Any]) -> FigureResult:
        """Check ``params`` and call the figure function."""
        return self.function(**self.check(params))


def lookup(figures: Mapping[str, FigureDef], name: str) -> FigureDef:
    """The figure called ``name``.

    Raises:
        ParameterError: No such figure; the message suggests the closest names.
    """
    if name in figures:
        return figures[name]
    hint = did_you_mean(name, figures) or " (the figure catalogue lists every figure)"
    raise ParameterError(f"unknown figure '{name}'{hint}")


def collect(
    module_names: Iterable[str], on_error: Callable[[str, str], None] | None = None
) -> dict[str, FigureDef]:
    """Import the modules and return their figures by name.

    Args:
        module_names: Modules to import.
        on_error: Called with a module's name and the problem (one sentence with the file and
            line where known) when it cannot be imported or registers a bad figure; the other
            modules' figures are still returned. Without it the first problem is raised.

    Raises:
        ImportError: A module cannot be imported (only without ``on_error``).
        TypeError: A figure is registered twice or its signature is not usable (likewise).
    """
    figures: dict[str, FigureDef] = {}
    for module_name in module_names:
        try:
            figures.update(_collect_one(module_name, figures))
        except Exception as exc:
            if on_error is None:
                raise
            on_error(module_name, _import_problem(exc))
    return dict(sorted(figures.items()))


def _collect_one(module_name: str, known: Mapping[str, FigureDef]) -> dict[str, FigureDef]:
    module = importlib.import_module(module_name)
    found: dict[str, FigureDef] = {}
    for _, function in inspect.getmembers(module, inspect.isfunction):
        info = getattr(function, FIGURE_ATTRIBUTE, None)
        if not isinstance(info, FigureInfo) or function.__module__ != module.__name__:
            continue
        if info.name in known or info.name in found:
            raise TypeError(f"figure {info.name} is defined twice ({module_name})")
        found[info.name] = FigureDef(function, info, _parameters(function))
    return found


def _import_problem(exc: BaseException) -> str:
    """A module's import failure as one sentence, with file and line for a syntax error."""
    if isinstance(exc, ModuleNotFoundError):
        return f"{type(exc).__name__}: {exc}"
    if isinstance(exc, SyntaxError):
        return f"{exc.filename}:{exc.lineno}:{exc.offset or 1}: syntax error: {exc.msg}"
    frames = traceback.extract_tb(exc.__traceback__)
    where = next(
        (
            f"{f.filename}:{f.lineno}: "
            for f in reversed(frames)
            if "genai_notes" in f.filename or not f.filename.startswith("<")
        ),
        "",
    )
    return f"{where}{type(exc).__name__}: {exc}"


def _parameters(function: Callable[..., Any]) -> tuple[Parameter, ...]:
    hints = get_type_hints(function, include_extras=True)
    meanings = _arg_docs(function.__doc__ or "")
    parameters = []
    for name, param in inspect.signature(function).parameters.items():
        if param.default is inspect.Parameter.empty:
            raise TypeError(f"{function.__name__}: parameter {name} needs a default")
        kind, extras = hints[name], tuple[Any, ...]()
        if get_origin(kind) is Annotated:
            kind, *rest = get_args(kind)
            extras = tuple(rest)
        rng = next((e for e in extras if isinstance(e, Range)), None)
        length = next((e for e in extras if isinstance(e, Length)), None)
        parameters.append(Parameter(name, kind, param.default, rng, length, meanings.get(name, "")))
    return tuple(parameters)


def _arg_docs(doc: str) -> dict[str, str]:
    """The ``Args:`` section of a Google-style docstring, by parameter name."""
    lines = inspect.cleandoc(doc).splitlines()
    found: dict[str, str] = {}
    inside, current = False, None
    for line in lines:
        if line.strip() == "Args:":
            inside = True
            continue
        if inside and line and not line.startswith(" "):
            break
        match = re.match(r"^\s{4}(\w+)(?: \([^)]*\))?:\s*(.*)$", line)
        if inside and match:
            current = match.group(1)
            found[current] = match.group(2).strip()
        elif inside and current and line.strip():
            found[current] += " " + line.strip()
    return found


def _type_name(kind: Any) -> str:
    if get_origin(kind) is Literal:
        return "choice"
    if get_origin(kind) in (list, tuple):
        return f"list of {_type_name(get_args(kind)[0])}s"
    if get_origin(kind) in (typing.Union, types.UnionType):
        return (
            " or ".join(_type_name(a) for a in get_args(kind) if a is not type(None)) + " or null"
        )
    return {float: "number", int: "integer", bool: "true/false", str: "text"}.get(kind, str(kind))


def _coerce(param: Parameter, value: Any) -> Any:
    """Check one value against its parameter and return it in the parameter's type."""
    try:
        return _coerce_kind(param, param.kind, value)
    except ParameterError as exc:
        raise ParameterError(f"parameter '{param.name}' {exc}", param.name) from None


def _coerce_kind(param: Parameter, kind: Any, value: Any) -> Any:
    origin = get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in get_args(kind):
            return None
        inner = [a for a in get_args(kind) if a is not type(None)]
        return _coerce_kind(param, inner[0], value)
    if origin is Literal:
        if value not in get_args(kind):
            raise ParameterError(f"must be {param.allowed}, got {value!r}")
        return value
    if origin is list:
        if not isinstance(value, list):
            raise ParameterError(f"must be a list, got {value!r}")
        length = param.length or Length()
        if not length.min <= len(value) <= length.max:
            raise ParameterError(f"must have {length.min} to {length.max} items, got {len(value)}")
        return [_coerce_kind(param, get_args(kind)[0], item) for item in value]
    if kind is bool:
        if not isinstance(value, bool):
            raise ParameterError(f"must be true or false, got {value!r}")
        return value
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ParameterError(f"must be a whole number, got {value!r}")
        return _in_range(param, value)
    if kind is float:
        if isinstance(value, str) and _NUMBER.match(value.strip()):
            value = float(value)  # YAML 1.1 reads 7.5e9 (no dot, no sign) as text
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ParameterError(f"must be a number, got {value!r}")
        return _in_range(param, float(value))
    if kind is str:
        if not isinstance(value, str):
            raise ParameterError(f"must be text, got {value!r}")
        return value
    raise TypeError(f"unsupported parameter type {kind!r}")


def _in_range(param: Parameter, value: float) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        raise ParameterError(f"must be a finite number, got {value!r}")
    if param.range is not None and not param.range.contains(value):
        raise ParameterError(f"must be in {param.range.describe()}, got {value!r}")
    return value

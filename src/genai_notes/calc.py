"""Computed numbers in prose: ``{{ expression }}`` and ``{{ expression | format }}``.

A page states a number that the science core can compute as an expression, for example
``{{ units.to_gb(memory.weights_bytes(1e9, "fp32")) | .0f }}``, and the build writes the value.
Expressions are evaluated by a small interpreter over Python's AST that allows literals,
arithmetic, indexing, attribute access and calls into :mod:`genai_notes.science` modules only.
Fenced code blocks and inline code are left alone. This module knows nothing of MkDocs.
"""

from __future__ import annotations

import ast
import importlib
import operator
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

MODULES = (
    "sampling",
    "memory",
    "scaling",
    "formats",
    "units",
    "metrics",
    "peft",
    "parallelism",
    "hardware",
)

_EXPRESSION = re.compile(r"\{\{(?P<body>.*?)\}\}", re.DOTALL)
_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})")
_INLINE_CODE = re.compile(r"(`+)(?:.+?)\1", re.DOTALL)
_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Pow: operator.pow,
    ast.Mod: operator.mod,
}
_UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}


class CalcError(Exception):
    """An expression that cannot be evaluated or formatted."""


@dataclass(frozen=True)
class CalcFailure:
    """One failed expression and the line of the page it stands on (1-based)."""

    line: int
    expression: str
    problem: str


class Namespace(dict[str, ModuleType]):
    """The science modules an expression may name, each imported when first used."""

    def __missing__(self, name: str) -> ModuleType:
        if name not in MODULES:
            raise KeyError(name)
        try:
            module = importlib.import_module(f"genai_notes.science.{name}")
        except ImportError as exc:
            raise CalcError(f"the science module '{name}' cannot be imported: {exc}") from exc
        self[name] = module
        return module

    def __contains__(self, name: object) -> bool:
        return name in MODULES


def science_namespace() -> Namespace:
    """Return the namespace of science modules, imported lazily."""
    return Namespace()


def evaluate(source: str, namespace: Namespace) -> Any:
    """Evaluate one expression with the restricted interpreter.

    Raises:
        CalcError: A syntax error, a construct that is not allowed, or an error raised by the
            science function (its message is kept).
    """
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise CalcError(f"not a valid expression ({exc.msg})") from exc
    try:
        return _eval(tree.body, namespace)
    except CalcError:
        raise
    except (ValueError, TypeError, ZeroDivisionError, IndexError, KeyError) as exc:
        raise CalcError(f"{type(exc).__name__}: {exc}") from exc


def _eval(node: ast.expr, namespace: Namespace) -> Any:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float | str | None):
        return node.value
    if isinstance(node, ast.List | ast.Tuple):
        return [_eval(item, namespace) for item in node.elts]
    if isinstance(node, ast.Name):
        if node.id not in namespace:
            raise CalcError(f"unknown name '{node.id}' (allowed: {', '.join(MODULES)})")
        return namespace[node.id]
    if isinstance(node, ast.Attribute):
        if node.attr.startswith("_"):
            raise CalcError(f"private attribute '{node.attr}' is not allowed")
        value = _eval(node.value, namespace)
        if not hasattr(value, node.attr):
            raise CalcError(f"'{ast.unparse(node.value)}' has no attribute '{node.attr}'")
        return getattr(value, node.attr)
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return _BINARY[type(node.op)](_eval(node.left, namespace), _eval(node.right, namespace))
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_eval(node.operand, namespace))
    if isinstance(node, ast.Subscript):
        return _eval(node.value, namespace)[_eval(node.slice, namespace)]
    if isinstance(node, ast.Call):
        return _call(node, namespace)
    raise CalcError(f"'{ast.unparse(node)}' is not allowed in a computed number")


def _call(node: ast.Call, namespace: Namespace) -> Any:
    function = _eval(node.func, namespace)
    if not callable(function):
        raise CalcError(f"'{ast.unparse(node.func)}' is not a function")
    args = [_eval(arg, namespace) for arg in node.args]
    kwargs = {}
    for keyword in node.keywords:
        if keyword.arg is None:
            raise CalcError("'**' arguments are not allowed")
        kwargs[keyword.arg] = _eval(keyword.value, namespace)
    return function(*args, **kwargs)


def format_value(value: Any, spec: str) -> str:
    """Format a computed value with a Python format spec (``str()`` when the spec is empty)."""
    try:
        return format(value, spec) if spec else str(value)
    except (ValueError, TypeError) as exc:
        raise CalcError(f"format '{spec}' does not apply to {value!r}: {exc}") from exc


def substitute(markdown: str) -> tuple[str, list[CalcFailure]]:
    """Replace every ``{{ ... }}`` outside code by its value.

    Returns:
        The new Markdown and the failures; a failed expression is replaced by a visible marker.
    """
    failures: list[CalcFailure] = []
    if "{{" not in markdown:
        return markdown, failures
    namespace = science_namespace()
    out: list[str] = []
    for start_line, chunk, is_code in _split_code(markdown):
        if is_code:
            out.append(chunk)
        else:
            out.append(_substitute_prose(chunk, start_line, namespace, failures))
    return "".join(out), failures


def _substitute_prose(
    text: str, start_line: int, namespace: Namespace, failures: list[CalcFailure]
) -> str:
    protected = {m.start(): m.end() for m in _INLINE_CODE.finditer(text)}

    def in_code(pos: int) -> bool:
        return any(start <= pos < end for start, end in protected.items())

    def replace(match: re.Match[str]) -> str:
        if in_code(match.start()):
            return match.group(0)
        body = match.group("body")
        expression, _, spec = body.partition("|")
        try:
            return format_value(evaluate(expression, namespace), spec.strip())
        except CalcError as exc:
            line = start_line + text.count("\n", 0, match.start())
            failures.append(CalcFailure(line, expression.strip(), str(exc)))
            return f"**[computed number failed: {expression.strip()}]**"

    return _EXPRESSION.sub(replace, text)


def _split_code(markdown: str) -> Iterator[tuple[int, str, bool]]:
    """Yield (first line number, text, is fenced code) chunks covering the whole Markdown."""
    lines = markdown.splitlines(keepends=True)
    chunk: list[str] = []
    chunk_start = 1
    fence: str | None = None
    for number, line in enumerate(lines, start=1):
        match = _FENCE.match(line)
        opens = fence is None and match is not None
        closes = fence is not None and match is not None and match.group("fence").startswith(fence)
        if opens and match is not None:
            if chunk:
                yield chunk_start, "".join(chunk), False
            chunk, chunk_start, fence = [line], number, match.group("fence")
        elif closes:
            chunk.append(line)
            yield chunk_start, "".join(chunk), True
            chunk, chunk_start, fence = [], number + 1, None
        else:
            chunk.append(line)
    if chunk:
        yield chunk_start, "".join(chunk), fence is not None

"""The language of computed numbers: ``{{ expression }}`` and ``{{ expression | spec }}``.

An expression is parsed with Python's ``ast`` and evaluated by an allow-list interpreter:
number and text literals, lists and tuples of them, arithmetic, comparisons, unary minus,
indexing, keyword arguments, and calls of the functions (or reads of the constants) that a
science module lists in its ``__all__``. The only attribute access besides ``module.name`` is
reading a declared field (or property) of a dataclass that a science function returned.
Nothing else is reachable: no builtins, no methods of strings or numbers, no ``format`` tricks.

Every evaluation is bounded: the length of the expression, its number of syntax nodes, the size
of every integer (exponents included), the length of every list, and the time spent. A breach or
any exception becomes an :class:`ExpressionError` with one readable sentence. Results must be
finite numbers or short plain text. This module knows nothing of MkDocs.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import math
import numbers
import operator
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from types import ModuleType
from typing import Any

from genai_notes.engine.suggest import did_you_mean

MAX_LENGTH = 600
"""Characters an expression may have."""
MAX_NODES = 400
"""Syntax nodes an expression may have (a 2,000-term sum is refused, not overflowed)."""
MAX_DEPTH = 40
"""Nesting depth of the syntax tree."""
MAX_INT_BITS = 128
"""Bits an integer may have at any step (about 10^38)."""
MAX_ITEMS = 4096
"""Items a list, tuple or array may have at any step."""
MAX_TEXT = 200
"""Characters a text result may have."""
MAX_ARGUMENT = 10**15
"""Largest whole number a science function may be given."""
TIME_LIMIT = 2.0
"""Seconds one expression may take."""

_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}
_UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}


class ExpressionError(ValueError):
    """An expression that is not allowed, does not evaluate, or breaks a bound."""


@dataclasses.dataclass(frozen=True)
class Namespace:
    """What expressions may name: each science module and the names in its ``__all__``."""

    modules: Mapping[str, ModuleType]

    @classmethod
    def science(cls) -> Namespace:
        """The modules listed in :mod:`genai_notes.science`'s ``__all__``."""
        package = importlib.import_module("genai_notes.science")
        names: Sequence[str] = package.__all__
        return cls({name: importlib.import_module(f"genai_notes.science.{name}") for name in names})

    def lookup(self, module: str, name: str) -> Any:
        """The exported ``module.name``.

        Raises:
            ExpressionError: No such module, or a name the module does not export.
        """
        found = self.modules.get(module)
        if found is None:
            raise ExpressionError(f"unknown name '{module}'{did_you_mean(module, self.modules)}")
        exported: Sequence[str] = getattr(found, "__all__", ())
        if name not in exported:
            raise ExpressionError(
                f"'{module}.{name}' is not something the notes may compute"
                f"{did_you_mean(name, exported)}"
            )
        return getattr(found, name)


@dataclasses.dataclass
class _Run:
    """One evaluation: the namespace and its deadline."""

    namespace: Namespace
    deadline: float

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise ExpressionError(f"the expression took longer than {TIME_LIMIT:g} s")


def parse(source: str) -> ast.expr:
    """Parse and bound one expression.

    Raises:
        ExpressionError: Too long, not an expression, too many nodes or too deeply nested.
    """
    text = source.strip()
    if not text:
        raise ExpressionError("the expression is empty")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression is longer than {MAX_LENGTH} characters")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"not a valid expression ({exc.msg})") from None
    except (ValueError, RecursionError, MemoryError):
        raise ExpressionError("not a valid expression") from None
    for count, _ in enumerate(ast.walk(tree), start=1):
        if count > MAX_NODES:
            raise ExpressionError(f"the expression has more than {MAX_NODES} parts")
    if _depth(tree.body) > MAX_DEPTH:
        raise ExpressionError(f"the expression is nested more than {MAX_DEPTH} deep")
    return tree.body


def _depth(node: ast.AST) -> int:
    children = list(ast.iter_child_nodes(node))
    return 1 + max((_depth(child) for child in children), default=0)


def evaluate(source: str, namespace: Namespace) -> float | int | str:
    """Evaluate one expression and return its checked result.

    Raises:
        ExpressionError: Anything that goes wrong, as one sentence.
    """
    body = parse(source)
    run = _Run(namespace, time.monotonic() + TIME_LIMIT)
    outcome: list[Any] = []

    def work() -> None:
        try:
            outcome.append(("value", _eval(body, run)))
        except ExpressionError as exc:
            outcome.append(("error", exc))
        except RecursionError:
            outcome.append(("error", ExpressionError("the expression is nested too deeply")))
        except Exception as exc:  # a science function's own error, kept as its message
            outcome.append(("error", ExpressionError(f"{type(exc).__name__}: {_short(str(exc))}")))

    # A daemon thread bounds the time even inside a science function: if it overruns, the
    # build reports it and goes on (the thread is abandoned, and dies with the process).
    worker = threading.Thread(target=work, name="genai-notes-expression", daemon=True)
    worker.start()
    worker.join(TIME_LIMIT)
    if not outcome:
        raise ExpressionError(f"the expression took longer than {TIME_LIMIT:g} s")
    kind, value = outcome[0]
    if kind == "error":
        raise value
    return result(value)


def result(value: Any) -> float | int | str:
    """The value as a finite Python number or short text.

    Raises:
        ExpressionError: Not a number or text, not finite, or too long.
    """
    value = _plain(value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ExpressionError(f"the result is {value}, not a finite number")
        return value
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise ExpressionError(f"the result is text longer than {MAX_TEXT} characters")
        return value
    raise ExpressionError(f"the result is a {_kind(value)}, not a number or text")


def _eval(node: ast.expr, run: _Run) -> Any:
    run.check_time()
    if isinstance(node, ast.Constant):
        return _constant(node.value)
    if isinstance(node, ast.List | ast.Tuple):
        return _bounded([_eval(item, run) for item in node.elts])
    if isinstance(node, ast.Name):
        raise ExpressionError(
            f"'{node.id}' alone names nothing: write module.name"
            f"{did_you_mean(node.id, run.namespace.modules)}"
        )
    if isinstance(node, ast.Attribute):
        return _attribute(node, run)
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return _binary(node, run)
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _number(_UNARY[type(node.op)](_number(_eval(node.operand, run))))
    if isinstance(node, ast.Compare):
        return _compare(node, run)
    if isinstance(node, ast.Subscript):
        return _subscript(node, run)
    if isinstance(node, ast.Call):
        return _call(node, run)
    raise ExpressionError(f"'{_short(ast.unparse(node))}' is not allowed in a computed number")


def _constant(value: object) -> Any:
    if isinstance(value, bool | int | float | str) or value is None:
        return _number(value) if isinstance(value, int | float) else value
    raise ExpressionError(f"the literal {_short(repr(value))} is not allowed")


def _attribute(node: ast.Attribute, run: _Run) -> Any:
    if isinstance(node.value, ast.Name):
        return _exported(run.namespace.lookup(node.value.id, node.attr))
    owner = _eval(node.value, run)
    if dataclasses.is_dataclass(owner) and not isinstance(owner, type) and _science(owner):
        fields = [f.name for f in dataclasses.fields(owner)]
        fields += [n for n, v in vars(type(owner)).items() if isinstance(v, property)]
        if node.attr in fields:
            return _data(getattr(owner, node.attr))
        raise ExpressionError(
            f"a {type(owner).__name__} has no field '{node.attr}'{did_you_mean(node.attr, fields)}"
        )
    raise ExpressionError(f"'.{node.attr}' cannot be read from a {_kind(owner)}")


def _exported(value: Any) -> Any:
    """An exported name: a function, or data that the interpreter can hold."""
    if callable(value) and not isinstance(value, type):
        return value
    return _data(value)


def _data(value: Any) -> Any:
    """Check that science data (a constant) is made of things expressions may hold."""
    value = _plain(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Mapping):
        return value
    if _is_array(value):
        if value.dtype.kind not in "biuf":
            raise ExpressionError("only arrays of numbers can be used in a computed number")
        return _bounded(value)
    if isinstance(value, list | tuple):
        return _bounded(list(value)) if isinstance(value, list) else value
    if dataclasses.is_dataclass(value) and not isinstance(value, type) and _science(value):
        return value
    raise ExpressionError(f"a {_kind(value)} cannot be used in a computed number")


def _science(value: object) -> bool:
    return type(value).__module__.startswith("genai_notes.science.")


def _binary(node: ast.BinOp, run: _Run) -> Any:
    left = _number(_eval(node.left, run))
    right = _number(_eval(node.right, run))
    if isinstance(node.op, ast.Pow):
        _check_power(left, right)
    return _number(_BINARY[type(node.op)](left, right))


def _check_power(base: float | int, exponent: float | int) -> None:
    """Refuse a power whose result would be a huge integer before computing it."""
    integers = isinstance(base, int) and isinstance(exponent, int)
    if (
        integers
        and exponent > 0
        and abs(base) > 1
        and exponent * math.log2(abs(base)) > MAX_INT_BITS
    ):
        raise ExpressionError(f"the power {base} ** {exponent} is too large an integer")


def _compare(node: ast.Compare, run: _Run) -> bool:
    left = _number(_eval(node.left, run))
    for op, comparator in zip(node.ops, node.comparators, strict=True):
        if type(op) not in _COMPARE:
            raise ExpressionError("only <, <=, >, >=, == and != compare numbers")
        right = _number(_eval(comparator, run))
        if not _COMPARE[type(op)](left, right):
            return False
        left = right
    return True


def _subscript(node: ast.Subscript, run: _Run) -> Any:
    if isinstance(node.slice, ast.Slice):
        raise ExpressionError("slices are not allowed; index one item")
    owner = _eval(node.value, run)
    index = _plain(_eval(node.slice, run))
    if isinstance(owner, Mapping):
        if not isinstance(index, str | int):
            raise ExpressionError("a table is indexed by a name or a number")
        if index not in owner:
            raise ExpressionError(f"no entry {index!r}{did_you_mean(str(index), owner)}")
        return _data(owner[index])
    if isinstance(owner, list | tuple) or _is_array(owner):
        if isinstance(index, bool) or not isinstance(index, int):
            raise ExpressionError("a list is indexed by a whole number")
        if not -len(owner) <= index < len(owner):
            raise ExpressionError(f"index {index} is outside a list of {len(owner)} items")
        return _data(owner[index])
    raise ExpressionError(f"a {_kind(owner)} cannot be indexed")


def _call(node: ast.Call, run: _Run) -> Any:
    if not isinstance(node.func, ast.Attribute) or not isinstance(node.func.value, ast.Name):
        raise ExpressionError("only science functions can be called, as module.function(...)")
    function = run.namespace.lookup(node.func.value.id, node.func.attr)
    if not callable(function) or isinstance(function, type):
        raise ExpressionError(f"'{ast.unparse(node.func)}' is not a function")
    args = [_argument(_eval(arg, run)) for arg in node.args if not isinstance(arg, ast.Starred)]
    if len(args) != len(node.args):
        raise ExpressionError("'*' arguments are not allowed")
    kwargs: dict[str, Any] = {}
    for keyword in node.keywords:
        if keyword.arg is None:
            raise ExpressionError("'**' arguments are not allowed")
        kwargs[keyword.arg] = _argument(_eval(keyword.value, run))
    value = function(*args, **kwargs)
    run.check_time()
    return _data(value)


def _argument(value: Any) -> Any:
    """What may be passed to a science function: numbers, text, lists of them, science data.

    Integers passed to a function are bounded more tightly than in arithmetic, so no count
    (of samples, of n-gram orders, of layers) can make a science function run for long.
    """
    if isinstance(value, list):
        return [_argument(item) for item in value]
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_ARGUMENT:
        raise ExpressionError(
            f"the whole number {_short(str(value), 24)} is too large for a function argument "
            "(write large quantities as floats, e.g. 1.75e11)"
        )
    return _data(value)


def _number(value: Any) -> Any:
    """Check a number: bounded integers, any float (finiteness is checked on the result)."""
    value = _plain(value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        if value.bit_length() > MAX_INT_BITS:
            raise ExpressionError(f"an integer in the expression has more than {MAX_INT_BITS} bits")
        return value
    if isinstance(value, float):
        return value
    raise ExpressionError(f"arithmetic needs numbers, got a {_kind(value)}")


def _bounded(value: Any) -> Any:
    if len(value) > MAX_ITEMS:
        raise ExpressionError(f"a list in the expression has more than {MAX_ITEMS} items")
    return value


def _plain(value: Any) -> Any:
    """numpy scalars (and 0-d arrays) as Python numbers."""
    if isinstance(value, numbers.Integral) and not isinstance(value, int):
        return int(value)
    if isinstance(value, numbers.Real) and not isinstance(value, int | float):
        return float(value)
    if _is_array(value) and getattr(value, "ndim", 1) == 0:
        return _plain(value.item())
    return value


def _is_array(value: object) -> bool:
    return type(value).__module__ == "numpy" and type(value).__name__ == "ndarray"


def _kind(value: object) -> str:
    if _is_array(value):
        return "list of numbers"
    if isinstance(value, list | tuple):
        return "list"
    if isinstance(value, Mapping):
        return "table"
    if isinstance(value, ModuleType):
        return "module"
    if callable(value):
        return "function (call it)"
    return type(value).__name__


def _short(text: str, limit: int = 80) -> str:
    """Text cut for a message, so no message grows with its input."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"

"""Problem blocks: a question with a computed answer, graded in the reader's browser.

An author writes, anywhere a fence may stand (top level, in an admonition or a tab)::

    ```problem
    id: training-memory-7b
    title: Memory to train a 7B model
    question: |
      A model of {{ 7e9 | .3g }} parameters is trained with Adam in mixed precision. ...
    answer: memory.training_memory_bytes(7e9) / 1e9
    unit: GB
    rel_tol: 0.02
    hints:
      - Count bytes per parameter for each thing stored.
    solution:
      - text: Bytes per parameter in mixed precision with Adam.
        formula: 'M = (2 + 2 + 12)\\,N'
        result: 16 * 7e9 / 1e9
    mistakes:
      - answer: 2 * 7e9 / 1e9
        feedback: That is the bf16 weights alone.
    ```

:func:`swap_blocks` reads and checks every block of a page (keys, unit, every expression
evaluated, no wrong answer graded as right, ids unique). The question, hints, feedback and
solution are Markdown; the markup around them (the form, the ``data-*`` attributes) travels as
one-line tokens that :func:`fill` replaces after Markdown. Given a converter (the site's own
Markdown, memoised by the build), the whole problem is converted on its own and its ``{{ }}``
computed at once, and one token stands for it in the page; without one, or when its text needs
the page (links, footnotes), its Markdown goes into the page at the block's indentation, so the
page's Markdown renders it (math and ``{{ }}`` included) inside admonitions too. The worked
solution is marked so :func:`solutions` can copy it into the Solutions appendix. Every author
mistake becomes a message ``docs/PAGE.md:LINE:COL: problem`` and an error box; nothing here
raises for bad content. No MkDocs here.
"""

from __future__ import annotations

import dataclasses
import html
import json
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import yaml

from genai_notes.engine import slots as slot_tokens
from genai_notes.engine import units
from genai_notes.engine.expressions import ExpressionError, Namespace, evaluate
from genai_notes.engine.files import TextMemo
from genai_notes.engine.suggest import did_you_mean
from genai_notes.engine.tokens import swap_tokens
from genai_notes.engine.typeset import format_value
from genai_notes.figures import blocks

KIND = "problem"
"""The fence's info word: ```problem."""
KEYS = {
    "id": True,
    "title": True,
    "question": True,
    "answer": True,
    "unit": True,
    "rel_tol": False,
    "hints": False,
    "solution": True,
    "mistakes": True,
    "format": False,
}
"""A problem's keys (True: required). ``format`` is the spec of the shown answer (``.3g``)."""
STEP_KEYS = {"text": False, "formula": False, "result": False, "unit": False, "format": False}
"""A solution step's keys (a step needs ``text`` or ``formula``; ``unit`` overrides the
problem's for its result)."""
MISTAKE_KEYS = {"answer": True, "feedback": True}
DEFAULT_REL_TOL = 0.01
DEFAULT_FORMAT = ".3g"
MAX_TITLE = 120
MAX_ITEMS = 12
"""Hints, steps or mistakes a problem may have."""
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TOKEN = re.compile(r"GNXP\d{4}N\d{5}Z")
"""A token of :class:`Fragments` alone in a paragraph (the paragraph goes too) or inline."""
_LOCAL_PREFIX = "GNXP9999N"
"""Tokens of the markup inside one problem converted on its own (filled before it joins a page)."""
_NUMBER_PREFIX = "GNXQ0000N"
"""Tokens of the ``{{ }}`` of one problem converted on its own (computed before it joins a page)."""
_NEEDS_PAGE = re.compile(r"\]\(|\]\[|^[ \t]*\[[^\]]+\]:|\[\^|<a\b", re.MULTILINE | re.IGNORECASE)
"""Markdown that only the page can render right: links (the site rewrites them), references
and footnotes."""
Convert = Callable[[str], str]
"""Markdown to HTML, as the site's pages are converted."""
RenderNumber = Callable[[slot_tokens.Slot, slot_tokens.Context], str]
"""The HTML of one ``{{ }}`` (its line and column in the page's Markdown), or an error mark."""
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")

Warn = Callable[[str], None]


class Where(Protocol):
    """How messages name a place in the page (``engine.build.Where``)."""

    @property
    def line_map(self) -> list[int]:
        """The page's line of each line of the Markdown as the engine rewrote it."""
        ...

    def at(self, line: int, column: int = 1) -> str:
        """``path:line:column`` for a line of the Markdown as the engine rewrote it."""
        ...


class ProblemError(ValueError):
    """An invalid problem block; one readable sentence and the Markdown line it is on."""

    def __init__(self, message: str, line: int, column: int = 1) -> None:
        """Keep the message and the place."""
        super().__init__(message)
        self.line = line
        self.column = column


@dataclass(frozen=True)
class Text:
    """A Markdown field: its text and the Markdown line of each of its lines."""

    text: str
    first: int
    block: bool

    def lines(self) -> Iterator[tuple[str, int]]:
        """Each line with the Markdown line it came from (folded text: the key's line)."""
        for number, line in enumerate(self.text.split("\n")):
            yield line, self.first + number if self.block else self.first


@dataclass(frozen=True)
class Step:
    """One step of the worked solution, its result computed."""

    text: Text | None
    formula: str | None
    formula_line: int
    value: float | None
    unit: str
    spec: str


@dataclass(frozen=True)
class Mistake:
    """A likely wrong answer, computed, and the feedback it earns."""

    value: float
    feedback: Text


@dataclass(frozen=True)
class Problem:
    """A checked problem block, every expression computed."""

    id: str
    title: str
    question: Text
    answer: float
    unit: str
    rel_tol: float
    spec: str
    hints: list[Text] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    mistakes: list[Mistake] = field(default_factory=list)


@dataclass
class Fragments:
    """The HTML that each token of a page stands for, and the problem ids seen."""

    prefix: str
    html: dict[str, str] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)

    def token(self, markup: str) -> str:
        """A new token for ``markup``."""
        token = f"{self.prefix}{len(self.html):05d}Z"
        self.html[token] = markup
        return token


# -- reading and checking ----------------------------------------------------------------


class _Node:
    """The YAML node tree of a block with the Markdown line of each node."""

    def __init__(self, node: Any, first_line: int) -> None:
        self.node = node
        self.first_line = first_line

    def line(self, node: Any) -> int:
        return self.first_line + int(node.start_mark.line)


def read_problem(raw: blocks.RawBlock, namespace: Callable[[], Namespace]) -> Problem:
    """Read, check and compute one problem block.

    Raises:
        ProblemError: Bad YAML, a missing, unknown or ill-typed key, an unknown unit, an
            expression that does not compute, or a mistake graded as the answer or as
            another mistake.
    """
    try:
        if len(raw.body) > blocks.MAX_BLOCK:
            raise blocks.BlockError(
                f"the block is longer than {blocks.MAX_BLOCK} characters", raw.start + 1
            )
        node = blocks.compose(raw)
        blocks.check_repeats(node, raw.start + 2)
        data = blocks.construct(node, raw)
    except blocks.BlockError as exc:
        message = str(exc)
        if "cannot start any token" in message:
            message += ' (put a value that starts with % in quotes: unit: "%")'
        raise ProblemError(message, exc.line or raw.start + 1) from None
    tree = _Node(node, raw.start + 2)
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise ProblemError(f"the block must be YAML keys ({', '.join(KEYS)})", raw.start + 1)
    places = {str(k.value): (k, v) for k, v in node.value}
    _check_keys(data, KEYS, "the block", raw.start + 1, places, tree)
    return _Checker(raw, tree, places, namespace).problem(data)


def _check_keys(
    data: dict[Any, Any],
    allowed: dict[str, bool],
    what: str,
    line: int,
    places: dict[str, tuple[Any, Any]],
    tree: _Node,
) -> None:
    unknown = sorted((str(k) for k in data if str(k) not in allowed), key=str)
    if unknown:
        key_node = places[unknown[0]][0] if unknown[0] in places else None
        raise ProblemError(
            f"unknown key '{unknown[0][:60]}' in {what} (allowed: {', '.join(allowed)})",
            tree.line(key_node) if key_node is not None else line,
        )
    missing = [key for key, required in allowed.items() if required and data.get(key) is None]
    if missing:
        advice = ' (write unit: "" for a pure number)' if "unit" in missing else ""
        raise ProblemError(f"{what} needs {' and '.join(repr(k) for k in missing)}{advice}", line)


class _Checker:
    """Checks the values of one block, naming the line of each mistake."""

    def __init__(
        self,
        raw: blocks.RawBlock,
        tree: _Node,
        places: dict[str, tuple[Any, Any]],
        namespace: Callable[[], Namespace],
    ) -> None:
        self.raw = raw
        self.tree = tree
        self.places = places
        self.namespace = namespace

    def at(self, key: str) -> int:
        return self.tree.line(self.places[key][1]) if key in self.places else self.raw.start + 1

    def problem(self, data: dict[str, Any]) -> Problem:
        problem_id = data["id"]
        if not isinstance(problem_id, str) or not _ID.match(problem_id):
            raise ProblemError(
                "'id' must be lower-case letters, digits and single dashes, got "
                f"{blocks.short(problem_id)}",
                self.at("id"),
            )
        title = self.plain(data["title"], "title")
        unit = self.unit(data["unit"], self.at("unit"))
        rel_tol = self.rel_tol(data.get("rel_tol", DEFAULT_REL_TOL))
        spec = self.spec(data.get("format", DEFAULT_FORMAT), self.at("format"))
        answer = self.number(data["answer"], "answer", self.at("answer"))
        self.shown(answer, spec, self.at("format") if "format" in data else self.at("answer"))
        question = self.text(data["question"], "question", self.places["question"][1])
        hints = [self.text(h, f"hints[{i}]", n) for i, (h, n) in self.items(data, "hints")]
        steps = [
            self.step(s, i, n, unit.symbol, spec) for i, (s, n) in self.items(data, "solution")
        ]
        if not steps:
            raise ProblemError("'solution' needs at least one step", self.at("solution"))
        mistakes = [self.mistake(m, i, n) for i, (m, n) in self.items(data, "mistakes")]
        if not mistakes:
            raise ProblemError(
                "'mistakes' needs at least one likely wrong answer", self.at("mistakes")
            )
        self.distinct(answer, rel_tol, mistakes, [n for _, (_, n) in self.items(data, "mistakes")])
        return Problem(
            problem_id, title, question, answer, unit.symbol, rel_tol, spec, hints, steps, mistakes
        )

    def items(self, data: dict[str, Any], key: str) -> list[tuple[int, tuple[Any, Any]]]:
        value = data.get(key)
        if value is None:
            return []
        node = self.places[key][1]
        if not isinstance(value, list) or not isinstance(node, yaml.SequenceNode):
            raise ProblemError(f"'{key}' must be a list (lines starting with '- ')", self.at(key))
        if len(value) > MAX_ITEMS:
            raise ProblemError(f"'{key}' has more than {MAX_ITEMS} items", self.at(key))
        return list(enumerate(zip(value, node.value, strict=True)))

    def plain(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise ProblemError(f"'{key}' must be text, got {blocks.short(value)}", self.at(key))
        text = " ".join(value.split())
        if len(text) > MAX_TITLE:
            raise ProblemError(f"'{key}' is longer than {MAX_TITLE} characters", self.at(key))
        if "{{" in text:
            raise ProblemError(f"'{key}' is plain text: no {{{{ }}}} in it", self.at(key))
        return text

    def text(self, value: Any, key: str, node: Any) -> Text:
        if not isinstance(value, str) or not value.strip():
            raise ProblemError(
                f"'{key}' must be Markdown text, got {blocks.short(value)}", self.tree.line(node)
            )
        block = getattr(node, "style", None) in ("|", ">")
        first = self.tree.line(node) + (1 if block else 0)
        # Raw HTML is not allowed in a problem's text: a tag would break the markup around it.
        return Text(_TAG_START.sub("&lt;", value.strip("\n")), first, block)

    def unit(self, value: Any, line: int) -> units.Unit:
        if not isinstance(value, str):
            raise ProblemError(
                f'\'unit\' must be a unit symbol (GB, FLOP, s, ...), "%" or "" for a pure '
                f"number, got {blocks.short(value)}",
                line,
            )
        try:
            return units.unit(value)
        except units.UnitError as exc:
            hint = did_you_mean(value.strip(), units.symbols())
            raise ProblemError(f"{exc}{hint}", line) from None

    def rel_tol(self, value: Any) -> float:
        number = _as_float(value)
        if number is None or not 0 < number < 0.5:
            raise ProblemError(
                f"'rel_tol' must be a number between 0 and 0.5 (0.02 is 2%), got "
                f"{blocks.short(value)}",
                self.at("rel_tol"),
            )
        return number

    def spec(self, value: Any, line: int) -> str:
        if not isinstance(value, str) or len(value) > 12:
            raise ProblemError(f"'format' must be a format spec like .3g, got {value!r}", line)
        try:
            format_value(1.5, value)
        except ExpressionError as exc:
            raise ProblemError(f"'format': {exc}", line) from None
        return value

    def shown(self, value: float, spec: str, line: int) -> None:
        try:
            format_value(value, spec)
        except ExpressionError as exc:
            raise ProblemError(str(exc), line) from None

    def number(self, value: Any, key: str, line: int) -> float:
        """The value of an expression (YAML may have read a bare number already)."""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise ProblemError(f"'{key}' must be an expression, got {blocks.short(value)}", line)
        source = value if isinstance(value, str) else repr(value)
        if "{{" in source:
            raise ProblemError(
                f"'{key}' is an expression already: write it without {{{{ }}}}", line
            )
        try:
            result = evaluate(source, self.namespace())
        except ExpressionError as exc:
            raise ProblemError(
                f"'{key}' does not compute: '{_clip(source)}': {exc}", line
            ) from None
        if isinstance(result, str) or not math.isfinite(result):
            raise ProblemError(f"'{key}' must compute a finite number, got {result!r}", line)
        return float(result)

    def step(self, value: Any, index: int, node: Any, unit: str, spec: str) -> Step:
        where = f"solution[{index}]"
        line = self.tree.line(node)
        if not isinstance(value, dict) or not isinstance(node, yaml.MappingNode):
            raise ProblemError(
                f"{where} must be keys (text, formula, result), got {blocks.short(value)}", line
            )
        places = {str(k.value): (k, v) for k, v in node.value}
        _check_keys(value, STEP_KEYS, where, line, places, self.tree)
        if value.get("text") is None and value.get("formula") is None:
            raise ProblemError(f"{where} needs 'text' or 'formula'", line)
        text = (
            self.text(value["text"], f"{where}.text", places["text"][1])
            if "text" in value
            else None
        )
        formula = self.formula(value.get("formula"), where, places)
        step_unit = (
            self.unit(value["unit"], self.tree.line(places["unit"][1])).symbol
            if "unit" in value
            else unit
        )
        step_spec = spec
        if "format" in value:
            step_spec = self.spec(value["format"], self.tree.line(places["format"][1]))
        result = None
        if value.get("result") is not None:
            result_line = self.tree.line(places["result"][1])
            result = self.number(value["result"], f"{where}.result", result_line)
            self.shown(result, step_spec, result_line)
        formula_line = self.tree.line(places["formula"][1]) if "formula" in places else line
        return Step(text, formula, formula_line, result, step_unit, step_spec)

    def formula(self, value: Any, where: str, places: dict[str, tuple[Any, Any]]) -> str | None:
        if value is None:
            return None
        line = self.tree.line(places["formula"][1])
        if not isinstance(value, str) or not value.strip():
            raise ProblemError(f"{where}.formula must be TeX text, got {blocks.short(value)}", line)
        if "$" in value.replace(r"\$", ""):
            raise ProblemError(f"{where}.formula is TeX already: write it without $ or $$", line)
        if re.search(r"\n[ \t]*\n", value):
            raise ProblemError(f"{where}.formula may not contain a blank line", line)
        formula = " ".join(value.split())
        # A line that starts with '<' would be read as raw HTML before math is found.
        return "{}" + formula if formula.startswith("<") else formula

    def mistake(self, value: Any, index: int, node: Any) -> Mistake:
        where = f"mistakes[{index}]"
        line = self.tree.line(node)
        if not isinstance(value, dict) or not isinstance(node, yaml.MappingNode):
            raise ProblemError(
                f"{where} must be keys (answer, feedback), got {blocks.short(value)}", line
            )
        places = {str(k.value): (k, v) for k, v in node.value}
        _check_keys(value, MISTAKE_KEYS, where, line, places, self.tree)
        answer_line = self.tree.line(places["answer"][1])
        number = self.number(value["answer"], f"{where}.answer", answer_line)
        feedback = self.text(value["feedback"], f"{where}.feedback", places["feedback"][1])
        return Mistake(number, feedback)

    def distinct(
        self, answer: float, rel_tol: float, mistakes: Sequence[Mistake], nodes: Sequence[Any]
    ) -> None:
        """Refuse a mistake that the grader would call right, or that another mistake hides."""
        for index, (mistake, node) in enumerate(zip(mistakes, nodes, strict=True)):
            line = self.tree.line(node)
            if within(mistake.value, answer, rel_tol):
                raise ProblemError(
                    f"mistakes[{index}] computes {mistake.value:.6g}, within rel_tol "
                    f"{rel_tol:g} of the answer {answer:.6g}: the reader could never get it",
                    line,
                )
            for other in range(index):
                earlier = mistakes[other].value
                if within(mistake.value, earlier, rel_tol) or within(
                    earlier, mistake.value, rel_tol
                ):
                    raise ProblemError(
                        f"mistakes[{index}] computes {mistake.value:.6g}, within rel_tol "
                        f"{rel_tol:g} of mistakes[{other}] ({earlier:.6g})",
                        line,
                    )


def within(value: float, target: float, rel_tol: float) -> bool:
    """True when ``value`` is within ``rel_tol`` of ``target`` (the grader's test; a target of
    zero takes ``rel_tol`` as an absolute tolerance)."""
    if target == 0:
        return abs(value) <= rel_tol
    return abs(value - target) <= rel_tol * abs(target)


def _clip(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _as_float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())  # YAML 1.1 reads 1e-2 as text
        except ValueError:
            return None
    return None


# -- the page's Markdown -----------------------------------------------------------------


def swap_blocks(
    markdown: str,
    where: Where,
    warn: Warn,
    namespace: Callable[[], Namespace],
    fragments: Fragments,
    memo: TextMemo | None = None,
) -> str:
    """The page's Markdown with every problem block swapped for its Markdown and tokens.

    ``memo`` keeps each problem that checked without error by its YAML (its stamp must cover
    the code of the expressions, the science and this module), so a warm build computes none.

    Keeps ``where.line_map`` leading each new line back to the page's own. Every author
    mistake goes to ``warn`` as ``docs/PAGE.md:LINE:COL: problem block ...`` and becomes an
    error box.
    """
    raws, error = blocks.scan_blocks(markdown, (KIND,))
    if error is not None:
        warn(f"{where.at(error.line or 1)}: problem block: {error}")
    placed = [
        (raw, place_block(raw, where, warn, namespace, fragments, memo).lines) for raw in raws
    ]
    return blocks.splice(markdown, placed, where.line_map) if placed else markdown


@dataclass(frozen=True)
class PlacedProblem:
    """What replaces one problem block in its page.

    Attributes:
        lines: The Markdown lines, each with its line in the input.
        id: The problem's id (None: the block did not check).
        html: The whole problem as HTML when it was converted on its own (then ``lines``
            hold one token for it), else None.
    """

    lines: list[tuple[str, int]]
    id: str | None = None
    html: str | None = None


def reuse(
    raw: blocks.RawBlock, fragments: Fragments, problem_id: str, markup: str
) -> PlacedProblem | None:
    """A problem converted by an earlier build (its id and HTML from a memo) placed again;
    None when its id is already used in the page (:func:`place_block` then says so)."""
    if problem_id in fragments.ids:
        return None
    fragments.ids[problem_id] = raw.start + 1
    return PlacedProblem(_token_lines(raw, fragments.token(markup)), problem_id, markup)


def _token_lines(raw: blocks.RawBlock, token: str) -> list[tuple[str, int]]:
    """One token in a paragraph of its own, at the block's indentation."""
    line = raw.start + 1
    return [("", line), (f"{raw.indent}{token}", line), ("", line)]


def place_block(
    raw: blocks.RawBlock,
    where: Where,
    warn: Warn,
    namespace: Callable[[], Namespace],
    fragments: Fragments,
    memo: TextMemo | None,
    convert: Convert | None = None,
    number: RenderNumber | None = None,
) -> PlacedProblem:
    """What replaces one problem block: Markdown lines, or one token for its HTML when
    ``convert`` and ``number`` are given (see the module's docstring).

    Blocks of a page are placed in their order, so that a repeated id names the first use.
    """
    column = len(raw.indent) + 1
    try:
        problem = _read_memoised(raw, namespace, memo)
        if problem.id in fragments.ids:
            raise ProblemError(
                f"the id '{problem.id}' is already used by the problem on line "
                f"{where.at(fragments.ids[problem.id]).rsplit(':', 2)[-2]}",
                raw.start + 2,
            )
    except ProblemError as exc:
        name = _block_id(raw)
        message = f"{where.at(exc.line, max(exc.column, column))}: problem block{name}: {exc}"
        warn(message)
        token = fragments.token(error_box(message))
        return PlacedProblem([(f"{raw.indent}{token}", raw.start + 1)])
    fragments.ids[problem.id] = raw.start + 1
    if convert is not None and number is not None:
        converted = _converted(problem, raw, convert, number)
        if converted is not None:
            lines = _token_lines(raw, fragments.token(converted))
            return PlacedProblem(lines, problem.id, converted)
    lines = [
        (f"{raw.indent}{text}" if text else "", n)
        for text, n in markdown_of(problem, fragments, raw.start + 1)
    ]
    return PlacedProblem(lines, problem.id)


def _converted(
    problem: Problem, raw: blocks.RawBlock, convert: Convert, number: RenderNumber
) -> str | None:
    """The problem as HTML, converted on its own, its numbers computed (None: its text needs
    the page's Markdown)."""
    local = Fragments(_LOCAL_PREFIX)
    lines = markdown_of(problem, local, raw.start + 1)
    text = "\n".join(line for line, _ in lines)
    if _NEEDS_PAGE.search(text):
        return None
    marked, found = slot_tokens.protect(text, _NUMBER_PREFIX)

    def render(slot: slot_tokens.Slot, context: slot_tokens.Context) -> str:
        line = lines[slot.line - 1][1] if 1 <= slot.line <= len(lines) else raw.start + 1
        placed = dataclasses.replace(slot, line=line, column=slot.column + len(raw.indent))
        return number(placed, context)

    return slot_tokens.fill(fill(convert(marked), local), found, render)


def _block_id(raw: blocks.RawBlock) -> str:
    match = re.search(r"^id:[ \t]*([a-z0-9-]{1,60})[ \t]*$", raw.body, re.MULTILINE)
    return f" '{match.group(1)}'" if match else ""


def markdown_of(problem: Problem, fragments: Fragments, line: int) -> list[tuple[str, int]]:
    """The Markdown of a checked problem, each line with its Markdown line (unindented)."""
    out: list[tuple[str, int]] = []

    def markup(text: str, at: int = line) -> None:
        out.extend([("", at), (fragments.token(text), at), ("", at)])

    def markdown(text: Text) -> None:
        out.extend(text.lines())

    markup(_opening(problem))
    markdown(problem.question)
    markup(_form(problem))
    for number, hint in enumerate(problem.hints, start=1):
        markup(
            f'<div class="genai-problem-hint" data-hint="{number}">'
            f'<p class="genai-problem-hint-label">Hint {number}</p>',
            hint.first,
        )
        markdown(hint)
        markup("</div>", hint.first)
    markup('</div><div class="genai-problem-mistakes" hidden>')
    for mistake in problem.mistakes:
        markup(
            f'<div class="genai-problem-mistake" data-value="{_attribute(repr(mistake.value))}">',
            mistake.feedback.first,
        )
        markdown(mistake.feedback)
        markup("</div>", mistake.feedback.first)
    markup(
        f'</div><details class="genai-problem-solution" data-for="{problem.id}" '
        f'data-title="{_attribute(problem.title)}"><summary>Solution</summary><!--GNXS-->'
    )
    for step in problem.steps:
        markup('<div class="genai-problem-step">', step.formula_line)
        if step.text is not None:
            markdown(step.text)
        if step.formula is not None:
            out.extend([("", step.formula_line), ("$$", step.formula_line)])
            out.extend([(step.formula, step.formula_line), ("$$", step.formula_line)])
        if step.value is not None:
            shown = _with_unit(format_value(step.value, step.spec), step.unit)
            markup(f'<p class="genai-problem-result">= {html.escape(shown)}</p>', step.formula_line)
        markup("</div>", step.formula_line)
    shown = _with_unit(format_value(problem.answer, problem.spec), problem.unit)
    markup(
        f'<p class="genai-problem-final">Answer: <strong>{html.escape(shown)}</strong></p>'
        "<!--/GNXS--></details>"
        '<p class="genai-problem-print-note">The worked solution is in the Solutions appendix.'
        "</p></section>"
    )
    return out


def _opening(problem: Problem) -> str:
    anchor = f"problem-{problem.id}"
    attributes = {
        "class": "genai-problem",
        "id": anchor,
        "data-problem": problem.id,
        "data-answer": repr(problem.answer),
        "data-unit": problem.unit,
        "data-rel-tol": repr(problem.rel_tol),
        "aria-labelledby": f"{anchor}-title",
    }
    opened = " ".join(f'{k}="{_attribute(v)}"' for k, v in attributes.items())
    return (
        f"<section {opened}>"
        f'<p class="genai-problem-title" id="{anchor}-title">'
        f'<span class="genai-problem-kicker">Problem</span> {html.escape(problem.title)}</p>'
        '<div class="genai-problem-question">'
    )


def _form(problem: Problem) -> str:
    anchor = f"problem-{problem.id}"
    asked = f"in {problem.unit}" if problem.unit else "a number"
    if problem.unit == "%":
        asked = "in %"
    hint = (
        f'<button type="button" class="md-button genai-problem-hint-button" '
        f'aria-controls="{anchor}-hints">Hint</button>'
        if problem.hints
        else ""
    )
    return (
        f'</div><form class="genai-problem-form" hidden novalidate>'
        f'<label for="{anchor}-input">Your answer ({html.escape(asked)})</label>'
        '<span class="genai-problem-row">'
        f'<input id="{anchor}-input" class="genai-problem-input" type="text" '
        f'autocomplete="off" autocapitalize="off" spellcheck="false" '
        f'aria-describedby="{anchor}-feedback">'
        '<button type="submit" class="md-button md-button--primary">Check</button>'
        f"{hint}</span></form>"
        '<p class="genai-problem-nojs">Checking an answer needs JavaScript; the hints and the '
        "worked solution are below.</p>"
        f'<div class="genai-problem-feedback" id="{anchor}-feedback" aria-live="polite" '
        'data-state=""></div>'
        f'<div class="genai-problem-hints" id="{anchor}-hints">'
    )


def _with_unit(shown: str, unit: str) -> str:
    if not unit:
        return shown
    return f"{shown}{unit}" if unit == "%" else f"{shown}\u00a0{unit}"


def _attribute(text: str) -> str:
    return html.escape(text, quote=True)


def error_box(message: str) -> str:
    """A visible error in place of a problem that failed (the message is plain text)."""
    return (
        '<div class="admonition failure genai-error" role="alert">'
        '<p class="admonition-title">Problem error</p>'
        f"<p>{html.escape(message)}</p></div>"
    )


# -- after Markdown ----------------------------------------------------------------------


def fill(page_html: str, fragments: Fragments) -> str:
    """Put each token's markup where Markdown left it."""
    if not fragments.html:
        return page_html

    return swap_tokens(page_html, _TOKEN, lambda token, text: fragments.html.get(token, text))


def _read_memoised(
    raw: blocks.RawBlock, namespace: Callable[[], Namespace], memo: TextMemo | None
) -> Problem:
    """:func:`read_problem`, or the problem an identical block checked to before (its lines
    stored relative to the block and moved to where the block is now).

    Raises:
        ProblemError: As :func:`read_problem` (errors are never memoised).
    """
    key = "problem:" + raw.body
    found = memo.get(key) if memo is not None else None
    if found is not None:
        return _moved(_problem_from(json.loads(found)), raw.start)
    problem = read_problem(raw, namespace)
    if memo is not None:
        memo.put(key, json.dumps(dataclasses.asdict(_moved(problem, -raw.start))))
    return problem


def _moved(problem: Problem, by: int) -> Problem:
    """The problem with every Markdown line it records moved by ``by`` lines."""

    def text(found: Text | None) -> Text | None:
        return None if found is None else dataclasses.replace(found, first=found.first + by)

    def required(found: Text) -> Text:
        return dataclasses.replace(found, first=found.first + by)

    return dataclasses.replace(
        problem,
        question=required(problem.question),
        hints=[required(hint) for hint in problem.hints],
        steps=[
            dataclasses.replace(step, text=text(step.text), formula_line=step.formula_line + by)
            for step in problem.steps
        ],
        mistakes=[
            dataclasses.replace(mistake, feedback=required(mistake.feedback))
            for mistake in problem.mistakes
        ],
    )


def _problem_from(data: dict[str, Any]) -> Problem:
    """A :class:`Problem` from its :func:`dataclasses.asdict` form."""
    return Problem(
        **{
            **data,
            "question": Text(**data["question"]),
            "hints": [Text(**hint) for hint in data["hints"]],
            "steps": [
                Step(**{**step, "text": Text(**step["text"]) if step["text"] else None})
                for step in data["steps"]
            ],
            "mistakes": [
                Mistake(value=m["value"], feedback=Text(**m["feedback"])) for m in data["mistakes"]
            ],
        }
    )

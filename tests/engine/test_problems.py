"""Problem blocks: reading and checking the YAML, computing every expression, the Markdown put
in the block's place, and what an attacker could write in one."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import markdown as markdown_module
import pytest

from genai_notes.engine import problems, solutions
from genai_notes.engine.expressions import Namespace
from genai_notes.figures import blocks

GOOD = """\
```problem
id: training-memory-7b
title: Memory to train a 7B model
question: |
  A model of {{ 7e9 | .3g }} parameters is trained with Adam in mixed precision.
  How much memory do its model states take?
answer: 16 * 7e9 / 1e9
unit: GB
rel_tol: 0.02
hints:
  - Count bytes per parameter.
  - Adam keeps two states.
solution:
  - text: Bytes per parameter.
    formula: 'M = (2 + 2 + 12)\\,N'
    result: 16 * 7e9 / 1e9
mistakes:
  - answer: 2 * 7e9 / 1e9
    feedback: That is the bf16 weights alone.
  - answer: 16 * 7e9 / 2**30
    feedback: That is GiB.
```
"""


@dataclass
class FakeWhere:
    """A page as build.Where names it, for a page of ``lines`` lines."""

    lines: int
    line_map: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.line_map[:] = range(1, self.lines + 2)

    def at(self, line: int, column: int = 1) -> str:
        if 1 <= line <= len(self.line_map):
            line = self.line_map[line - 1]
        return f"docs/page.md:{line}:{column}"


def _raw(text: str) -> blocks.RawBlock:
    return next(blocks.find_blocks(text, kind="problem"))


def _read(text: str) -> problems.Problem:
    return problems.read_problem(_raw(text), Namespace.science)


def _error(text: str) -> problems.ProblemError:
    with pytest.raises(problems.ProblemError) as caught:
        _read(text)
    return caught.value


def _swap(page: str) -> tuple[str, list[str], problems.Fragments, FakeWhere]:
    messages: list[str] = []
    where = FakeWhere(page.count("\n"))
    fragments = problems.Fragments("GNXP0001N")
    out = problems.swap_blocks(page, where, messages.append, Namespace.science, fragments)
    return out, messages, fragments, where


def _html(page: str) -> str:
    out, messages, fragments, _ = _swap(page)
    assert messages == []
    converter = markdown_module.Markdown(
        extensions=["admonition", "attr_list", "md_in_html", "pymdownx.arithmatex"],
        extension_configs={"pymdownx.arithmatex": {"generic": True}},
    )
    return problems.fill(converter.convert(out), fragments)


# -- reading and computing -------------------------------------------------------------------


def test_a_good_block_computes_answer_mistakes_and_results() -> None:
    problem = _read(GOOD)
    # 16 bytes per parameter (ZeRO section 3.1) times 7e9 parameters is 112e9 bytes = 112 GB.
    assert problem.answer == pytest.approx(112.0)
    assert problem.unit == "GB"
    assert problem.rel_tol == 0.02
    assert [m.value for m in problem.mistakes] == pytest.approx([14.0, 112e9 / 2**30])
    assert problem.steps[0].value == pytest.approx(112.0)
    assert problem.steps[0].formula == r"M = (2 + 2 + 12)\,N"
    assert [h.text for h in problem.hints] == [
        "Count bytes per parameter.",
        "Adam keeps two states.",
    ]


def test_science_functions_and_dataclass_fields_compute() -> None:
    text = GOOD.replace(
        "answer: 16 * 7e9 / 1e9", "answer: memory.mixed_precision_adam_bytes(7e9).total / 1e9"
    )
    assert _read(text).answer == pytest.approx(112.0)


def test_rel_tol_defaults_and_reads_yaml_text_exponents() -> None:
    assert _read(GOOD.replace("rel_tol: 0.02\n", "")).rel_tol == problems.DEFAULT_REL_TOL
    assert _read(GOOD.replace("rel_tol: 0.02", "rel_tol: 2e-2")).rel_tol == 0.02


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        (("unit: GB", "unit: Gb"), 8, "unknown unit 'Gb'"),
        (("rel_tol: 0.02", "rel_tol: 0"), 9, "'rel_tol' must be a number between 0 and 0.5"),
        (("answer: 16 * 7e9 / 1e9", "answer: memory.nosuch(1)"), 7, "'answer' does not compute"),
        (("answer: 16 * 7e9 / 1e9", "answer: '{{ 16 }}'"), 7, "without {{ }}"),
        (("id: training-memory-7b", "id: Training_7B"), 2, "'id' must be lower-case"),
        (("title: Memory to train a 7B model", "colour: red"), 3, "unknown key 'colour'"),
        (("    result: 16 * 7e9 / 1e9", "    result: 1 / 0"), 16, "'solution[0].result' does not"),
        (("    formula: 'M", "    formul: 'M"), 15, "unknown key 'formul' in solution[0]"),
        (("  - answer: 2 * 7e9 / 1e9", "  - answer: 112"), 18, "within rel_tol 0.02 of the answer"),
        (("  - answer: 16 * 7e9 / 2**30", "  - answer: 14.1"), 20, "of mistakes[0]"),
        (
            ("    feedback: That is GiB.", "    feedbak: GiB."),
            21,
            "unknown key 'feedbak' in mistakes[1]",
        ),
    ],
)
def test_each_bad_value_is_reported_at_its_line(
    change: tuple[str, str], line: int, message: str
) -> None:
    old, new = change
    assert old in GOOD
    error = _error(GOOD.replace(old, new, 1))
    assert message in str(error)
    assert error.line == line


def test_missing_required_keys_are_named() -> None:
    error = _error(GOOD.replace("unit: GB\n", "").replace("mistakes:\n", "hints2:\n"))
    assert "unknown key 'hints2'" in str(error)
    error = _error(GOOD.replace("unit: GB\n", ""))
    assert "needs 'unit'" in str(error)
    assert error.line == 1


def test_a_block_without_mistakes_or_steps_is_refused() -> None:
    no_mistakes = GOOD.split("mistakes:")[0] + "mistakes: []\n```\n"
    assert "at least one likely wrong answer" in str(_error(no_mistakes))


def test_an_unquoted_percent_gets_advice() -> None:
    assert 'unit: "%"' in str(_error(GOOD.replace("unit: GB", "unit: %")))


# -- attacks ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "expression",
    [
        "__import__('os').system('echo hacked')",
        "().__class__.__bases__[0].__subclasses__()",
        "memory.__builtins__",
        "open('/etc/passwd')",
        "(lambda: 1)()",
        "[x for x in (1, 2)]",
        "memory.weights_bytes.__globals__",
    ],
)
def test_an_expression_that_tries_to_escape_is_refused(expression: str) -> None:
    text = GOOD.replace("answer: 16 * 7e9 / 1e9", f'answer: "{expression}"')
    assert "'answer' does not compute" in str(_error(text))


@pytest.mark.parametrize(
    "expression", ["10 ** 10 ** 10", "9 ** 9 ** 9", "2 ** 100000", "1e308 * 10"]
)
def test_a_huge_number_is_refused_quickly(expression: str) -> None:
    text = GOOD.replace("answer: 16 * 7e9 / 1e9", f"answer: {expression}")
    error = _error(text)
    assert "answer" in str(error)
    assert error.line == 7


def test_yaml_anchors_aliases_and_a_billion_laughs_are_refused() -> None:
    bomb = "\n".join(
        ["```problem", "a: &a [x, x, x, x, x, x, x, x, x]"]
        + [
            f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]"
            for i in range(8)
        ]
        + ["```", ""]
    )
    assert "anchors and aliases" in str(_error(bomb))


def test_a_huge_block_is_refused_before_yaml_reads_it() -> None:
    huge = "```problem\nid: x\ntitle: " + "y" * (blocks.MAX_BLOCK + 10) + "\n```\n"
    assert "longer than" in str(_error(huge))


def test_a_repeated_key_is_refused() -> None:
    error = _error(GOOD.replace("unit: GB\n", "unit: GB\nunit: B\n"))
    assert "written twice" in str(error)
    assert error.line == 9


def test_html_in_title_and_feedback_is_escaped() -> None:
    page = (
        GOOD.replace("title: Memory to train a 7B model", 'title: <img src=x onerror="alert(1)">')
        .replace("feedback: That is GiB.", "feedback: <script>alert(2)</script> GiB")
        .replace("  - Count bytes per parameter.", "  - <iframe src=javascript:alert(3)>")
    )
    html = _html(page)
    assert "<img" not in html
    assert "<script" not in html
    assert "<iframe" not in html
    assert "&lt;img src=x" in html
    assert "&lt;script&gt;alert(2)" in html


def test_a_title_with_quotes_cannot_break_out_of_an_attribute() -> None:
    html = _html(
        GOOD.replace("title: Memory to train a 7B model", """title: 'a" onmouseover="x'""")
    )
    assert 'data-title="a&quot; onmouseover=&quot;x"' in html
    assert ' onmouseover="x"' not in html


# -- the page --------------------------------------------------------------------------------


def test_the_markup_carries_what_the_grader_and_tests_rely_on() -> None:
    html = _html("# Page\n\n" + GOOD)
    section = re.search(r"<section [^>]*>", html)
    assert section is not None
    tag = section.group(0)
    assert 'data-problem="training-memory-7b"' in tag
    assert 'data-answer="112.0"' in tag
    assert 'data-unit="GB"' in tag
    assert 'data-rel-tol="0.02"' in tag
    assert re.search(r'aria-live="polite" data-state=""', html)
    assert '<label for="problem-training-memory-7b-input">' in html
    assert html.count('class="genai-problem-mistake"') == 2
    assert '<details class="genai-problem-solution"' in html
    assert "= 112\u00a0GB" in html
    assert '<div class="arithmatex">\\[\nM = (2 + 2 + 12)\\,N\n\\]</div>' in html
    # The question stays Markdown for the page to render, its computed number included.
    assert "A model of {{ 7e9 | .3g }} parameters" in html


def test_a_problem_inside_an_admonition_keeps_its_indentation() -> None:
    indented = "".join(f"    {line}\n" if line else "\n" for line in GOOD.splitlines())
    html = _html('!!! example "Try it"\n\n' + indented)
    admonition = html.split('<div class="admonition example">', 1)[1]
    assert '<section class="genai-problem"' in admonition
    assert "<p>A model of" in admonition


def test_line_map_leads_the_question_back_to_its_line() -> None:
    page = "# Page\n\nIntro.\n\n" + GOOD
    out, _, _, where = _swap(page)
    lines = out.split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("A model of"))
    assert where.line_map[at] == 9  # line 9 of the page: the question's first line
    hint = next(i for i, line in enumerate(lines) if line == "Adam keeps two states.")
    assert where.line_map[hint] == 16


def test_messages_name_page_line_and_problem_and_an_error_box_replaces_the_block() -> None:
    page = "# Page\n\n" + GOOD.replace("unit: GB", "unit: parsecs")
    out, messages, fragments, _ = _swap(page)
    assert len(messages) == 1
    assert messages[0].startswith(
        "docs/page.md:10:1: problem block 'training-memory-7b': unknown unit 'parsecs'"
    )
    assert "Problem error" in problems.fill(out, fragments)
    assert "<section" not in problems.fill(out, fragments)


def test_a_duplicate_id_on_a_page_is_an_error_at_the_second_block() -> None:
    page = "# Page\n\n" + GOOD + "\nText.\n\n" + GOOD
    _, messages, _, _ = _swap(page)
    assert len(messages) == 1
    second = 2 + GOOD.count("\n") + 3 + 1
    assert messages[0].startswith(f"docs/page.md:{second + 1}:1: problem block")
    assert "already used by the problem on line 3" in messages[0]


def test_an_unclosed_block_is_reported() -> None:
    _, messages, _, _ = _swap("# Page\n\n```problem\nid: x\n")
    assert messages == [
        "docs/page.md:3:1: problem block: the problem block is never closed with ```"
    ]


def test_solutions_are_found_in_the_rendered_page_and_linked_back() -> None:
    html = _html("# Page\n\n" + GOOD)
    found = solutions.solutions(html)
    assert [(s.id, s.title) for s in found] == [
        ("training-memory-7b", "Memory to train a 7B model")
    ]
    assert "= 112\u00a0GB" in found[0].html
    appendix = solutions.appendix_html([("Compute & memory", "../week1/x/", found)])
    assert '<h2 class="genai-solutions-chapter">Compute &amp; memory</h2>' in appendix
    assert '<a href="../week1/x/#problem-training-memory-7b">' in appendix
    assert solutions.appendix_html([]) == "<p>No chapter has problems yet.</p>"


def test_an_unknown_unit_suggests_the_nearest_known_one() -> None:
    assert "did you mean 'GB'?" in str(_error(GOOD.replace("unit: GB", "unit: Gb")))


def test_a_problem_inside_a_content_tab_renders_there() -> None:
    indented = "".join(f"    {line}\n" if line else "\n" for line in GOOD.splitlines())
    out, messages, fragments, _ = _swap('=== "Try it"\n\n' + indented)
    assert messages == []
    converter = markdown_module.Markdown(
        extensions=["pymdownx.tabbed", "pymdownx.arithmatex"],
        extension_configs={"pymdownx.tabbed": {"alternate_style": True}},
    )
    html = problems.fill(converter.convert(out), fragments)
    tab = html.split('<div class="tabbed-block">', 1)[1]
    assert '<section class="genai-problem"' in tab
    assert "<p>A model of" in tab


# -- converted on its own (the build's path) -------------------------------------------------


def _converter() -> markdown_module.Markdown:
    return markdown_module.Markdown(
        extensions=["admonition", "attr_list", "md_in_html", "pymdownx.arithmatex"],
        extension_configs={"pymdownx.arithmatex": {"generic": True}},
    )


def _place_converted(
    page: str, number: problems.RenderNumber | None = None
) -> tuple[problems.PlacedProblem, list[str], list[str]]:
    """Place the page's one problem with a converter; also return the texts converted and
    the messages."""
    converted: list[str] = []
    md = _converter()

    def convert(text: str) -> str:
        converted.append(text)
        md.reset()
        return str(md.convert(text))

    def computed(slot: problems.slot_tokens.Slot, context: str) -> str:
        return f"[{slot.body.strip()} at {slot.line}:{slot.column} in {context}]"

    messages: list[str] = []
    where = FakeWhere(page.count("\n"))
    fragments = problems.Fragments("GNXP0001N")
    placed = problems.place_block(
        _raw(page),
        where,
        messages.append,
        Namespace.science,
        fragments,
        None,
        convert,
        number or computed,
    )
    return placed, converted, messages


def test_a_converted_problem_is_one_token_for_html_with_its_numbers_computed() -> None:
    placed, converted, messages = _place_converted("Text.\n\n" + GOOD)
    assert messages == []
    assert len(converted) == 1, "the whole problem is converted at once"
    tokens = [text for text, _ in placed.lines if text]
    assert len(tokens) == 1 and re.fullmatch(r"GNXP0001N\d{5}Z", tokens[0])
    assert placed.id == "training-memory-7b" and placed.html is not None
    # the question's {{ 7e9 | .3g }} is on line 7 of the page (the fence is line 3), at
    # column 12 of the question's text (YAML takes off the block's indentation; the page's
    # own Markdown saw the same column)
    assert "[7e9 | .3g at 7:12 in text]" in placed.html
    assert 'data-problem="training-memory-7b"' in placed.html
    assert "Count bytes per parameter." in placed.html
    assert "GNXP9999N" not in placed.html and "GNXQ0000N" not in placed.html


def test_a_converted_problem_renders_as_the_page_would() -> None:
    """The HTML of the problem converted on its own equals what the page's Markdown makes
    of the same problem (with numbers computed the same way)."""
    page = "Text.\n\n" + GOOD
    placed, _, _ = _place_converted(page)
    from_page = _html(page)
    assert placed.html is not None
    # the page path leaves the {{ }} for the page to compute: compare around the numbers
    assert _squash(placed.html.split("[7e9")[1].split("]", 1)[1]) in _squash(from_page)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_a_problem_with_a_link_joins_its_page_as_markdown() -> None:
    """Only the page's Markdown rewrites links between pages: such a problem is not
    converted on its own."""
    page = GOOD.replace("  - Adam keeps two states.", "  - See [the notes](notes.md).")
    placed, converted, messages = _place_converted(page)
    assert messages == [] and converted == [] and placed.html is None
    assert any("[the notes](notes.md)" in text for text, _ in placed.lines)


def test_a_problem_reused_from_a_memo_keeps_ids_unique() -> None:
    fragments = problems.Fragments("GNXP0001N")
    raw = _raw(GOOD)
    first = problems.reuse(raw, fragments, "training-memory-7b", "<section>x</section>")
    assert first is not None and fragments.html[first.lines[1][0]] == "<section>x</section>"
    assert problems.reuse(raw, fragments, "training-memory-7b", "<section>x</section>") is None

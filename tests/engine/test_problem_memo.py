"""A problem block read from the memo gives the page exactly what a fresh reading gives, also
when the block has moved in its page, and computes nothing."""

from __future__ import annotations

from genai_notes.engine import problems
from genai_notes.engine.expressions import Namespace
from tests.engine.test_problems import GOOD, FakeWhere


class DictMemo:
    """A memo in a dictionary."""

    def __init__(self) -> None:
        self.data: dict[str, str] = {}

    def get(self, key: str) -> str | None:
        return self.data.get(key)

    def put(self, key: str, value: str) -> None:
        self.data[key] = value


def _swap(page: str, memo: DictMemo | None, namespace: object) -> tuple[str, list[int], dict]:
    where = FakeWhere(page.count("\n"))
    fragments = problems.Fragments("GNXP0001N")
    messages: list[str] = []
    out = problems.swap_blocks(page, where, messages.append, namespace, fragments, memo)  # type: ignore[arg-type]
    assert messages == []
    return out, where.line_map, fragments.html


def test_a_memoised_problem_moved_down_the_page_equals_a_fresh_one() -> None:
    memo = DictMemo()
    _swap(f"Intro.\n\n{GOOD}", memo, Namespace.science)
    assert len(memo.data) == 1
    moved = f"Intro.\n\nMore.\n\nAnd more.\n\n{GOOD}\nAfter.\n"

    def no_namespace() -> Namespace:
        raise AssertionError("a memoised problem computed an expression")

    assert _swap(moved, memo, no_namespace) == _swap(moved, None, Namespace.science)


def test_a_broken_problem_is_never_memoised() -> None:
    memo = DictMemo()
    broken = GOOD.replace("unit: GB", "unit: parsecs")
    where = FakeWhere(broken.count("\n"))
    messages: list[str] = []
    problems.swap_blocks(
        broken, where, messages.append, Namespace.science, problems.Fragments("GNXP0001N"), memo
    )
    assert messages and memo.data == {}

"""The week-1 chapters' problems in Chromium: a right answer, a known mistake and a wrong one.

Every expected value below is worked by hand from the question's givens, not read from the
science code:

* introduction, 13e9 BF16 parameters: 13e9 x 2 bytes = 26 GB; FP32 would be 52 GB; 26e9 bytes
  are 24.2 GiB (26e9 / 2**30 = 24.21).
* prompts, 12 turns of 200 tokens re-sent: 200 x (1 + ... + 12) = 200 x 78 = 15,600 tokens;
  the conversation alone is 2,400.
* transformers, one Llama 3.1 8B attention layer: 2 x 4096 x 4096 + 2 x 4096 x 1024 =
  33,554,432 + 8,388,608 = 41,943,040 weights; without GQA 4 x 4096**2 = 67,108,864.
* generation-config, probabilities 0.546, 0.245, 0.122, ... and top_p 0.8: 0.546 + 0.245 =
  0.791 < 0.8, + 0.122 = 0.912, so 3 tokens; stopping before the crossing token gives 2.
* inference, 80 GB minus 16.06 GB of weights = 63.94 GB; one 8,192-token cache is
  2 x 32 x 8 x 128 x 8192 x 2 = 1,073,741,824 bytes; 63.94e9 / 1.0737e9 = 59.5, so 59; without
  the weights 80e9 / 1.0737e9 = 74.5, so 74.
* lifecycle, mixed-precision Adam: 16 bytes x 7e9 = 112 GB = 104.3 GiB; the course's 24 bytes
  give 168 GB.
* pretraining, word 2-grams of "the cat sat on the mat" and "the cat sat on a mat": 3 shared of
  7 distinct, 3 / 7 = 0.4286; dividing by one set's 5 gives 0.6.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.helpers import guard

pytestmark = pytest.mark.browser


PAGES = (
    "introduction",
    "prompts",
    "transformers",
    "generation-config",
    "inference",
    "lifecycle",
    "pretraining",
)

CASES = (
    # page, problem id, right answers, (mistake, a word of its feedback), a wrong answer
    ("introduction", "weights-13b-bf16", ("26 GB", "2.6e10 B", "24.21 GiB"), ("52", "FP32"), "30"),
    ("introduction", "weights-13b-bf16", ("26",), ("24.2", "GiB"), "20"),
    ("prompts", "chat-history-tokens", ("15600", "15,600 tokens"), ("2400", "length"), "9000"),
    ("transformers", "attention-weights-gqa", ("41943040",), ("67108864", "multi-head"), "5e7"),
    ("generation-config", "top-p-survivors", ("3",), ("2", "crosses"), "5"),
    ("inference", "sequences-on-a100", ("59",), ("74", "weights"), "40"),
    ("lifecycle", "full-finetune-memory", ("112 GB", "104.3 GiB"), ("168", "24 bytes"), "56"),
    ("pretraining", "shingle-jaccard-bigrams", ("0.4286", "0.43"), ("0.6", "union"), "0.5"),
)


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    """A fresh browser context (its own localStorage)."""
    fresh = browser.new_context()
    yield fresh
    fresh.close()


def _open(context: Any, site_url: str, page_name: str) -> tuple[Any, list[str], list[str]]:
    page = context.new_page()
    outside, errors = guard(page)
    page.goto(f"{site_url}week1/{page_name}/", wait_until="load")
    return page, outside, errors


def _answer(section: Any, text: str) -> tuple[str, str]:
    section.locator("input").fill(text)
    section.locator("input").press("Enter")
    feedback = section.locator(".genai-problem-feedback")
    return feedback.get_attribute("data-state") or "", feedback.inner_text()


@pytest.mark.parametrize("page_name", PAGES)
def test_every_chapter_has_at_least_four_problems_with_their_markup(
    context: Any, site_url: str, page_name: str
) -> None:
    page, outside, errors = _open(context, site_url, page_name)
    sections = page.locator("section[data-problem]")
    assert sections.count() >= 4
    for index in range(sections.count()):
        section = sections.nth(index)
        assert math.isfinite(float(section.get_attribute("data-answer") or "nan"))
        assert section.get_attribute("data-unit") is not None
        assert float(section.get_attribute("data-rel-tol") or "0") > 0
        assert section.locator(".genai-problem-feedback").get_attribute("aria-live") == "polite"
    assert outside == []
    assert errors == []


@pytest.mark.parametrize(("page_name", "problem", "rights", "mistake", "wrong"), CASES)
def test_right_mistaken_and_wrong_answers_are_told_apart(
    context: Any,
    site_url: str,
    page_name: str,
    problem: str,
    rights: tuple[str, ...],
    mistake: tuple[str, str],
    wrong: str,
) -> None:
    page, outside, errors = _open(context, site_url, page_name)
    section = page.locator(f"section[data-problem={problem}]")
    for right in rights:
        assert _answer(section, right)[0] == "correct", right
    state, text = _answer(section, mistake[0])
    assert state == "mistake"
    assert mistake[1] in text
    assert _answer(section, wrong)[0] == "incorrect"
    assert outside == []
    assert errors == []

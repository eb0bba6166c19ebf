"""Problems in Chromium: answers graded right, as a known mistake and wrong, units converted,
hints one by one, the keyboard alone, axe in both palettes, progress kept, no JavaScript and
print, over HTTP and from the unzipped offline copy by file://.

The example problems live in docs/authoring/index.md. Expected values are worked by hand: a
7e9-parameter model trained with Adam in mixed precision keeps 16 bytes per parameter (ZeRO,
Rajbhandari et al. 2019, section 3.1), 112e9 bytes = 112 GB = 104.3 GiB; its bf16 weights
alone are 14 GB."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from axe_playwright_python.base import AXE_FILE_PATH

from tests.browser.helpers import guard

pytestmark = pytest.mark.browser

PAGE = "authoring/"
MEMORY = "training-memory-7b"
SCHEMES = {"light": "default", "dark": "slate"}

_VIOLATIONS = """async (selector) => {
  const result = await axe.run({include: [[selector]]}, {resultTypes: ["violations"]});
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}"""


@pytest.fixture
def problem_page(browser: Any, site_url: str) -> Iterator[Any]:
    """The authoring page at the memory problem, in a fresh context; no request leaves the
    host and no console error is allowed."""
    context = browser.new_context()
    page = context.new_page()
    outside, errors = guard(page)
    page.goto(site_url + PAGE + f"#problem-{MEMORY}", wait_until="load")
    yield page
    context.close()
    assert outside == []
    assert errors == []


def _problem(page: Any, problem: str = MEMORY) -> Any:
    return page.locator(f"section[data-problem={problem}]")


def answer(page: Any, text: str, problem: str = MEMORY) -> tuple[str, str]:
    """Type an answer, press Enter; the feedback's state and text."""
    section = _problem(page, problem)
    section.locator("input").fill(text)
    section.locator("input").press("Enter")
    feedback = section.locator(".genai-problem-feedback")
    return feedback.get_attribute("data-state") or "", feedback.inner_text()


def test_the_markup_holds_the_answer_in_its_unit(problem_page: Any) -> None:
    section = _problem(problem_page)
    assert float(section.get_attribute("data-answer")) == pytest.approx(112.0)
    assert section.get_attribute("data-unit") == "GB"
    assert section.get_attribute("data-rel-tol") == "0.02"
    feedback = section.locator(".genai-problem-feedback")
    assert feedback.get_attribute("aria-live") == "polite"
    assert section.locator(".genai-problem-nojs").is_hidden()


def test_a_right_answer_is_correct(problem_page: Any) -> None:
    state, text = answer(problem_page, "112 GB")
    assert state == "correct"
    assert "Correct" in text
    assert _problem(problem_page).get_attribute("data-result") == "correct"


def test_a_known_mistake_gets_its_own_feedback(problem_page: Any) -> None:
    state, text = answer(problem_page, "14")
    assert state == "mistake"
    assert "16-bit weights alone" in text
    state, text = answer(problem_page, "104.3")  # the answer in GiB, read as GB
    assert state == "mistake"
    assert "GiB" in text


def test_a_wrong_answer_is_incorrect_and_unreadable_input_says_why(problem_page: Any) -> None:
    state, text = answer(problem_page, "50 GB")
    assert state == "incorrect"
    assert "Not this one" in text
    state, text = answer(problem_page, "1,5")
    assert state == "unreadable"
    assert "write decimals with a point (1.5)" in text
    state, text = answer(problem_page, "112 s")
    assert state == "unreadable"
    assert "a time" in text


@pytest.mark.parametrize(
    "text", ["112 GB", "1.12e11 B", "1.12 × 10^11 B", "112000 MB", "104.31 GiB"]
)
def test_equivalent_answers_in_other_units_are_correct(problem_page: Any, text: str) -> None:
    assert answer(problem_page, text)[0] == "correct"


def test_140_gb_and_1_4e11_bytes_grade_alike(problem_page: Any) -> None:
    first = answer(problem_page, "140 GB")
    second = answer(problem_page, "1.4e11 B")
    assert first == second
    assert "Read as 140\u00a0GB" in first[1]


def test_hints_are_shown_one_at_a_time(problem_page: Any) -> None:
    section = _problem(problem_page)
    hints = section.locator(".genai-problem-hint")
    button = section.locator(".genai-problem-hint-button")
    assert hints.count() == 2
    assert not hints.nth(0).is_visible()
    button.click()
    assert hints.nth(0).is_visible()
    assert not hints.nth(1).is_visible()
    button.click()
    assert hints.nth(1).is_visible()
    assert button.is_disabled()


def test_keyboard_alone_answers_takes_a_hint_and_opens_the_solution(problem_page: Any) -> None:
    page = problem_page
    section = _problem(page)

    def tab_to(selector: str) -> None:
        for _ in range(40):
            page.keyboard.press("Tab")
            if page.evaluate(
                "(s) => document.activeElement && document.activeElement.matches(s)", selector
            ):
                return
        raise AssertionError(f"Tab never reached {selector}")

    tab_to(f"#problem-{MEMORY}-input")
    page.keyboard.type("112 GB")
    page.keyboard.press("Enter")
    assert section.locator(".genai-problem-feedback").get_attribute("data-state") == "correct"
    tab_to(f"#problem-{MEMORY} .genai-problem-hint-button")
    page.keyboard.press("Enter")
    assert section.locator(".genai-problem-hint").nth(0).is_visible()
    tab_to(f"#problem-{MEMORY} .genai-problem-solution > summary")
    focus = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle !== 'none'")
    assert focus
    page.keyboard.press("Enter")
    assert section.locator(".genai-problem-solution").get_attribute("open") is not None
    assert "112" in section.locator(".genai-problem-final").inner_text()


def test_progress_is_kept_in_local_storage_only(problem_page: Any) -> None:
    answer(problem_page, "14")
    stored = problem_page.evaluate("() => localStorage.getItem('genai-notes.problems')")
    assert '"answer":"14"' in stored
    problem_page.reload(wait_until="load")
    section = _problem(problem_page)
    assert section.locator("input").input_value() == "14"
    assert section.locator(".genai-problem-feedback").get_attribute("data-state") == "mistake"


def test_grading_works_when_storage_is_unavailable(browser: Any, site_url: str) -> None:
    context = browser.new_context()
    context.add_init_script(
        "Object.defineProperty(window, 'localStorage', {get() { throw new Error('denied'); }});"
    )
    page = context.new_page()
    _, errors = guard(page)
    try:
        page.goto(site_url + PAGE, wait_until="load")
        assert answer(page, "112 GB")[0] == "correct"
        assert [e for e in errors if "problems.js" in e] == []
    finally:
        context.close()


@pytest.mark.parametrize("palette", sorted(SCHEMES))
def test_axe_finds_nothing_serious_in_a_problem_in_each_state(
    browser: Any, site_url: str, palette: str
) -> None:
    context = browser.new_context(color_scheme=palette)
    context.add_init_script(path=str(AXE_FILE_PATH))
    page = context.new_page()
    try:
        page.goto(site_url + PAGE, wait_until="load")
        assert page.locator("body").get_attribute("data-md-color-scheme") == SCHEMES[palette]
        selector = f"#problem-{MEMORY}"
        _problem(page).locator(".genai-problem-hint-button").click()
        _problem(page).locator(".genai-problem-solution > summary").click()
        found: list[str] = []
        for text in ("112 GB", "14", "50", "1,5"):
            answer(page, text)
            found += page.evaluate(_VIOLATIONS, selector)
        assert found == []
    finally:
        context.close()


def test_without_javascript_the_form_is_hidden_and_the_solution_is_there(
    browser: Any, site_url: str
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(site_url + PAGE, wait_until="load")
        section = _problem(page)
        assert section.locator("form").is_hidden()
        assert section.locator(".genai-problem-nojs").is_visible()
        assert section.locator(".genai-problem-hint").nth(0).is_visible()
        section.locator(".genai-problem-solution > summary").click()
        assert "112" in section.locator(".genai-problem-final").inner_text()
    finally:
        context.close()


def test_print_keeps_the_question_and_leaves_out_the_form_and_solution(problem_page: Any) -> None:
    problem_page.emulate_media(media="print")
    section = _problem(problem_page)
    assert section.locator(".genai-problem-question").is_visible()
    for part in ("form", ".genai-problem-hints", ".genai-problem-solution"):
        assert section.locator(part).is_hidden(), part
    assert section.locator(".genai-problem-print-note").is_visible()


def test_the_solutions_appendix_links_back_to_each_problem(browser: Any, site_url: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(site_url + "solutions/", wait_until="load")
        links = page.locator(".genai-solution h3 a")
        targets = [links.nth(i).get_attribute("href") for i in range(links.count())]
        for href in targets:
            assert href is not None and "#problem-" in href
            # Material's scripts may have made the link absolute: resolve it as the browser would.
            page.goto(urljoin(site_url + "solutions/", href), wait_until="load")
            problem = href.split("#problem-", 1)[1]
            assert _problem(page, problem).count() == 1, href
        # The authoring examples are not chapters: they stay out of the appendix.
        assert not any(href and "authoring/" in href for href in targets)
    finally:
        context.close()


# -- the offline copy ----------------------------------------------------------------------


def test_problems_are_graded_from_the_offline_copy_by_file_url(
    browser: Any, offline_page_file: Path
) -> None:
    context = browser.new_context()
    page = context.new_page()
    outside, errors = guard(page, lambda url: url.startswith(("file:", "data:", "blob:")))
    try:
        page.goto(offline_page_file.as_uri() + f"#problem-{MEMORY}", wait_until="load")
        assert answer(page, "112 GB")[0] == "correct"
        state, text = answer(page, "14 GB")
        assert state == "mistake"
        assert "16-bit weights alone" in text
        assert answer(page, "1.4e11 B")[0] == "incorrect"
        compute = "training-compute-chinchilla"
        # 6 x 70e9 x 1.4e12 = 5.88e23 FLOP; 2ND = 1.96e23 is the forward pass only.
        assert answer(page, "5.88e23", compute)[0] == "correct"
        assert answer(page, "1.96 × 10^23 FLOP", compute)[0] == "mistake"
        _problem(page).locator(".genai-problem-hint-button").click()
        assert _problem(page).locator(".genai-problem-hint").nth(0).is_visible()
        assert outside == []
        assert errors == []
    finally:
        context.close()


def test_the_offline_copy_links_the_appendix_to_html_files(offline_page_file: Path) -> None:
    appendix = offline_page_file.parent.parent / "solutions.html"
    html = appendix.read_text(encoding="utf-8")
    assert "genai-notes:solutions" not in html
    for href in re.findall(r'<h3><a href="([^"]+)"', html):
        assert ".html#problem-" in href


@pytest.fixture(scope="module")
def offline_page_file(offline_copy: Path) -> Path:
    """The authoring page of the unzipped offline copy."""
    page = offline_copy / "authoring/index.html"
    assert page.is_file()
    return page


# -- how a worked step reads ---------------------------------------------------------------

# A result right under a display formula is that formula's next line: its text is centred on
# the formula (it sat at the left margin, far from a centred formula it continues).
_RESULT_OFF_CENTRE = """() => [...document.querySelectorAll(
    ".genai-solution .math-display + .genai-problem-result")].filter((result) => {
  const math = result.previousElementSibling.querySelector("math").getBoundingClientRect();
  const range = document.createRange();
  range.selectNodeContents(result);
  const text = range.getBoundingClientRect();
  return Math.abs((text.left + text.right) / 2 - (math.left + math.right) / 2) > 4;
}).map((result) => result.textContent)"""


@pytest.mark.parametrize("width", [1280, 390])
def test_a_result_under_a_display_formula_is_centred_on_it(
    browser: Any, site_url: str, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(site_url + "solutions/", wait_until="load")
        assert page.locator(".genai-solution .math-display + .genai-problem-result").count() >= 20
        assert page.evaluate(_RESULT_OFF_CENTRE) == []
    finally:
        context.close()

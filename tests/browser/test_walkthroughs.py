"""Step-through walkthroughs in Chromium: every walkthrough stepped by keyboard and buttons
over HTTP and from the unzipped offline copy by file://, the caption announced, reduced motion
honoured, and every step shown as a strip without JavaScript, in print and in the PDF."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.helpers import guard
from tests.site.helpers import ROOT

pytestmark = pytest.mark.browser

# Page (as served) -> its walkthroughs and their number of steps, as the pages define them.
WALKTHROUGHS = {
    "week1/transformers/": {"attention-steps": 5},
    "week1/generation-config/": {"sampling-steps": 4},
    "week1/inference/": {"kv-cache-steps": 4},
    "week1/multi-gpu/": {"ring-all-reduce-steps": 7, "zero3-steps": 4, "pipeline-steps": 3},
    "week3/rlhf/": {"ppo-steps": 4},
}
CASES = [(page, ident, n) for page, found in WALKTHROUGHS.items() for ident, n in found.items()]


@pytest.fixture
def new_page(browser: Any) -> Iterator[Any]:
    """Opens pages in fresh contexts; fails the test on any page error or console error."""
    contexts: list[Any] = []
    errors: list[str] = []

    def opener(url: str, **context_args: Any) -> Any:
        context = browser.new_context(**context_args)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url, wait_until="load")
        return page

    yield opener
    for context in contexts:
        context.close()
    assert errors == []


def _visible_steps(page: Any, ident: str) -> list[str]:
    return page.eval_on_selector_all(
        f"#{ident} [data-step]",
        "(steps) => steps.filter((s) => s.getClientRects().length > 0)"
        ".map((s) => s.getAttribute('data-step'))",
    )


def _state(page: Any, ident: str) -> tuple[str, list[str], str]:
    root = page.locator(f"#{ident}")
    counter = root.locator(".genai-walkthrough__counter").inner_text()
    live = root.locator(".genai-walkthrough__live").text_content() or ""
    return counter, _visible_steps(page, ident), live


def _step_by_keyboard(page: Any, ident: str, n: int) -> None:
    """Focus the walkthrough, press -> to the end, then End, Home and <-; check each step."""
    root = page.locator(f"#{ident}")
    root.locator(".genai-walkthrough__counter").wait_for()
    assert root.get_attribute("data-walkthrough") == ident
    assert root.locator(".genai-walkthrough__live").get_attribute("aria-live") == "polite"
    assert _state(page, ident)[:2] == (f"Step 1 of {n}", ["1"])
    root.focus()
    captions = []
    for step in range(2, n + 1):
        page.keyboard.press("ArrowRight")
        counter, visible, live = _state(page, ident)
        assert (counter, visible) == (f"Step {step} of {n}", [str(step)])
        caption = root.locator(f"[data-step='{step}'] figcaption").inner_text()
        assert live.startswith(f"Step {step} of {n}: ")
        assert " ".join(caption.split()) in live
        captions.append(live)
    assert len(set(captions)) == n - 1  # the announcement changes at every step
    page.keyboard.press("ArrowRight")  # past the end: stays on the last step
    assert _state(page, ident)[1] == [str(n)]
    page.keyboard.press("Home")
    assert _state(page, ident)[:2] == (f"Step 1 of {n}", ["1"])
    page.keyboard.press("End")
    assert _state(page, ident)[:2] == (f"Step {n} of {n}", [str(n)])
    page.keyboard.press("ArrowLeft")
    counter, visible, live = _state(page, ident)
    assert (counter, visible) == (f"Step {n - 1} of {n}", [str(n - 1)])
    assert live.startswith(f"Step {n - 1} of {n}: ")


@pytest.mark.parametrize(("path", "ident", "n"), CASES, ids=[c[1] for c in CASES])
def test_every_walkthrough_steps_by_keyboard_over_http(
    new_page: Any, site_url: str, path: str, ident: str, n: int
) -> None:
    page = new_page(site_url + path)
    _step_by_keyboard(page, ident, n)


def test_the_buttons_step_and_stop_at_the_ends(new_page: Any, site_url: str) -> None:
    page = new_page(site_url + "week1/multi-gpu/", viewport={"width": 390, "height": 844})
    root = page.locator("#pipeline-steps")
    previous = root.get_by_role("button", name="Previous")
    following = root.get_by_role("button", name="Next")
    assert previous.get_attribute("aria-disabled") == "true"
    following.click()
    following.click()
    assert _state(page, "pipeline-steps")[:2] == ("Step 3 of 3", ["3"])
    assert following.get_attribute("aria-disabled") == "true"
    following.focus()  # Playwright will not click an aria-disabled button; a reader can
    page.keyboard.press("Enter")
    assert _visible_steps(page, "pipeline-steps") == ["3"]
    previous.click()
    assert _state(page, "pipeline-steps")[:2] == ("Step 2 of 3", ["2"])
    # one step's figure at phone width: the phone drawing, within the screen
    box = root.locator("[data-step='2'] img:visible").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390


def test_each_step_keeps_the_size_of_the_first(new_page: Any, site_url: str) -> None:
    page = new_page(site_url + "week1/transformers/")
    root = page.locator("#attention-steps")
    sizes = set()
    root.focus()
    for _ in range(5):
        box = root.locator(".genai-walkthrough__step:visible img:visible").bounding_box()
        sizes.add((round(box["width"]), round(box["height"])))
        page.keyboard.press("ArrowRight")
    assert len(sizes) == 1


@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
def test_reduced_motion_turns_the_transition_off(new_page: Any, site_url: str, motion: str) -> None:
    page = new_page(site_url + "week1/generation-config/", reduced_motion=motion)
    page.locator("#sampling-steps").get_by_role("button", name="Next").click()
    animation = page.eval_on_selector(
        "#sampling-steps [data-step='2']", "(s) => getComputedStyle(s).animationName"
    )
    assert (animation == "none") == (motion == "reduce")


@pytest.mark.parametrize("path", sorted(WALKTHROUGHS))
def test_without_javascript_every_step_is_shown_as_a_strip(
    new_page: Any, site_url: str, path: str
) -> None:
    page = new_page(site_url + path, java_script_enabled=False)
    for ident, n in WALKTHROUGHS[path].items():
        assert _visible_steps(page, ident) == [str(i) for i in range(1, n + 1)]
        labels = page.locator(f"#{ident} .genai-walkthrough__number").all_inner_texts()
        assert labels == [f"Step {i} of {n}" for i in range(1, n + 1)]
        assert page.locator(f"#{ident} button").count() == 0
        tops = {
            round(page.locator(f"#{ident} [data-step='{i}']").bounding_box()["y"])
            for i in range(1, n + 1)
        }
        assert len(tops) == 1  # side by side: a strip that scrolls sideways


@pytest.mark.parametrize("path", sorted(WALKTHROUGHS))
def test_in_print_every_step_is_shown_without_buttons(
    new_page: Any, site_url: str, path: str
) -> None:
    page = new_page(site_url + path)
    page.locator("[data-walkthrough] .genai-walkthrough__counter").first.wait_for()
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 688, "height": 1000})  # A4's 182 mm between margins
    for ident, n in WALKTHROUGHS[path].items():
        assert _visible_steps(page, ident) == [str(i) for i in range(1, n + 1)]
        assert page.locator(f"#{ident} .genai-walkthrough__controls").is_hidden()
        assert page.locator(f"#{ident} .genai-walkthrough__number").first.is_visible()
        # One step a row: each drawing about as wide as the strip, so its labels print at
        # the size they were drawn (two columns halved them to about 5 pt).
        strip = page.locator(f"#{ident} ol.genai-walkthrough__steps").bounding_box()
        image = page.locator(f"#{ident} [data-step='1'] img").first.bounding_box()
        assert strip is not None and image is not None
        assert image["width"] >= 0.8 * strip["width"], (ident, image, strip)


@pytest.mark.parametrize(("path", "ident", "n"), CASES, ids=[c[1] for c in CASES])
def test_every_walkthrough_steps_by_keyboard_from_the_offline_copy(
    browser: Any, offline_copy: Path, path: str, ident: str, n: int
) -> None:
    context = browser.new_context()
    page = context.new_page()
    outside, errors = guard(page, lambda url: url.startswith(("file:", "data:", "blob:")))
    try:
        page.goto((offline_copy / (path.rstrip("/") + ".html")).as_uri(), wait_until="load")
        _step_by_keyboard(page, ident, n)
        assert outside == []
        assert errors == []
    finally:
        context.close()


def test_the_pdf_prints_every_step_of_every_walkthrough(site_dir: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader

    target = tmp_path / "course.pdf"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts/pdf.py"),
            "--site",
            str(site_dir),
            "--out",
            str(target),
        ],
        cwd=ROOT,
        check=True,
    )
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(target).pages)
    for _, ident, n in CASES:
        for step in range(1, n + 1):
            assert f"Step {step} of {n}" in text, (ident, step)
    assert "Previous" not in text.split("Scaled dot-product attention, step by step", 1)[1][:200]
    assert "Ring all-reduce on four GPUs" in text


def test_arrows_on_an_explorable_step_figure_move_its_marks_not_the_step(
    new_page: Any, site_url: str
) -> None:
    """A step's bar chart is explorable: with the figure focused, the arrows belong to it."""
    page = new_page(site_url + "week1/generation-config/")
    root = page.locator("#sampling-steps")
    root.locator(".genai-walkthrough__counter").wait_for()
    figure = root.locator("[data-step='1'] figure[data-explorable]")
    figure.focus()
    page.keyboard.press("ArrowRight")
    readout = root.locator("[data-step='1'] .genai-explore-readout")
    assert readout.is_visible() and readout.inner_text().strip()
    assert _state(page, "sampling-steps")[:2] == ("Step 1 of 4", ["1"])
    root.focus()
    page.keyboard.press("ArrowRight")
    assert _state(page, "sampling-steps")[:2] == ("Step 2 of 4", ["2"])

"""The figure style: contrast of every colour in both palettes, one colour per concept, sizes."""

from __future__ import annotations

import dataclasses
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from genai_notes.figures import artefacts
from genai_notes.figures.registry import BUILTIN_MODULES, collect
from genai_notes.figures.render import render_svg
from genai_notes.figures.style import CONCEPTS, DARK, LIGHT, PHONE, WIDE, Theme
from genai_notes.tinylm import artefact as tinylm_artefact
from tests.figures.helpers import each_theme, svg_font_sizes_px, text_touching_frames
from tests.unit.tinylm_helpers import small_model


def _luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a ``#rrggbb`` colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two colours."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_matches_the_wcag_examples() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@each_theme
@pytest.mark.parametrize(
    "name", ["text", "muted", "blue", "vermillion", "green", "pink", "ochre", "violet", "highlight"]
)
def test_text_and_series_colours_read_as_text_on_the_background(theme: Theme, name: str) -> None:
    assert contrast(getattr(theme, name), theme.background) >= 4.5


@each_theme
def test_removed_marks_still_reach_3_to_1(theme: Theme) -> None:
    assert contrast(theme.removed, theme.background) >= 3.0


@each_theme
def test_text_on_boxes_and_on_filled_marks_reads(theme: Theme) -> None:
    assert contrast(theme.text, theme.surface) >= 4.5
    assert contrast(theme.muted, theme.surface) >= 4.5
    for hue in theme.series:
        assert contrast(theme.on_fill, hue) >= 4.5, hue
        assert contrast(hue, theme.surface) >= 3.0, hue  # box outlines and arrows on boxes


@each_theme
def test_every_step_of_the_ramp_is_a_visible_mark(theme: Theme) -> None:
    steps = theme.ramp(7)
    assert len(steps) == 7
    ratios = [contrast(step, theme.background) for step in steps]
    assert min(ratios) >= 3.0
    assert ratios == sorted(ratios)  # ordered: each step stronger than the one before


@each_theme
def test_every_concept_has_a_colour(theme: Theme) -> None:
    for concept in CONCEPTS:
        assert theme.colour(concept).startswith("#")


def test_an_unknown_concept_is_an_error() -> None:
    with pytest.raises(KeyError):
        LIGHT.colour("no such concept")


def test_the_fits_keep_different_colours() -> None:
    assert LIGHT.colour("Hoffmann fit") != LIGHT.colour("Epoch fit")
    assert DARK.colour("weights") != DARK.colour("optimizer states")


def test_sizes_meet_the_targets_at_their_display_widths() -> None:
    # Wide: drawn 7 in, shown at 96 px/in; phone: drawn 3.75 in, shown 358 px wide.
    px_per_pt_wide = 96 / 72
    px_per_pt_phone = 96 / 72 * 358 / (3.75 * 96)
    assert WIDE.label * px_per_pt_wide >= 0.85 * 16
    assert WIDE.note * px_per_pt_wide >= 11
    assert PHONE.note * px_per_pt_phone >= 11


# The tiny model's figures read its weights as the build hands them over: a small model here.
_WEIGHTS = Path(tempfile.mkdtemp(prefix="style-tinylm-")) / "tinylm-small.bin"
_WEIGHTS.write_bytes(tinylm_artefact.weights_file(small_model()))
MODEL = [("tinylm", str(_WEIGHTS))]
artefacts.use(MODEL)
FIGURES = collect(BUILTIN_MODULES)
DRAWN = sorted(name for name, f in FIGURES.items() if f.call({}).draw is not None)
artefacts.use([])


@pytest.fixture(autouse=True)
def model_weights() -> Iterator[None]:
    """Every test here draws with the small model's weights handed over, as in a build."""
    artefacts.use(MODEL)
    yield
    artefacts.use([])


@pytest.mark.parametrize("name", DRAWN)
def test_no_figure_text_is_below_11_px_wide_or_on_a_phone(name: str) -> None:
    result = FIGURES[name].call({})
    wide = svg_font_sizes_px(render_svg(result, LIGHT), shown_px=result.width * 96)
    width, height = result.phone_size
    phone_result = dataclasses.replace(result, width=width, height=height)
    phone = svg_font_sizes_px(render_svg(phone_result, LIGHT), shown_px=358)
    assert _smallest_base(wide) >= 11
    assert _smallest_base(phone) >= 11


def _smallest_base(sizes: list[float]) -> float:
    """The smallest size that is not a mathtext super- or subscript: mathtext sets scripts at
    about 70% of their base (60-75% after its rounding), a base that is present too."""
    present = set(sizes)
    bases = [s for s in sizes if not any(0.6 <= s / p <= 0.75 for p in present)]
    return min(bases)


# Beyond the defaults: a step a page shows whose title carries a radical.
_WITH_RADICALS: list[tuple[str, dict[str, Any]]] = [("walkthroughs.attention", {"step": "scaling"})]


@pytest.mark.parametrize(
    ("name", "params"),
    [(name, {}) for name in DRAWN] + _WITH_RADICALS,
    ids=[*DRAWN, *(f"{name}-{params}" for name, params in _WITH_RADICALS)],
)
def test_figure_text_names_only_the_font_it_was_measured_in(
    name: str, params: dict[str, Any]
) -> None:
    """Text stays text in the SVG, so a font the reader lacks is replaced by another with other
    metrics: mathtext's ``\\sqrt`` named STIXSizeOneSym, and its sign shrank away from its bar."""
    result = FIGURES[name].call(params)
    width, height = result.phone_size
    for drawn in (result, dataclasses.replace(result, width=width, height=height)):
        svg = render_svg(drawn, LIGHT).decode()
        named = re.findall(r"font-family: ([^;\"]+)|font: [^;\"]*?px ([^;\"]+)", svg)
        families = {(a or b).split(",")[0].strip("' ") for a, b in named}
        assert families == {"DejaVu Sans"}, families


# Week 1's box diagrams: their labels sit inside rounded frames.
_BOXED = ["diagrams.lifecycle", "overview.use_cases", "diagrams.transformer"]


@pytest.mark.parametrize("name", _BOXED)
def test_box_labels_keep_clear_of_their_frames(name: str) -> None:
    """At least 0.025 in (2.4 px at 1280) between a label and its box's frame, wide and on a
    phone: the lifecycle's three-line steps touched their frames, and a use-case prompt ran
    through its box's sides."""
    result = FIGURES[name].call({})
    for size in ((result.width, result.height), result.phone_size):
        assert text_touching_frames(result, size, pad=0.025) == []

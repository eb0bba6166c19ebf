"""The predicted-against-measured figure: its table is the published measurements beside the
calculator's predictions, and it draws stably in both themes."""

from __future__ import annotations

import pytest

from genai_notes.figures import registry
from genai_notes.figures.style import Theme
from genai_notes.science import hardware
from tests.figures.helpers import assert_same_svg_with_text_twice, column, each_theme

FIGURES = registry.collect(["genai_notes.figures.measured"])


def test_table_lists_each_measurement_with_its_source_and_error() -> None:
    result = FIGURES["measured.training_memory"].call({})
    # torchtitan docs/performance.md, Tables 1, 3 and 2: 82.4, 67.0 and 83.9 GiB.
    assert column(result, "measured (GiB)") == [82.4, 67.0, 83.9]
    assert all("torchtitan" in source for source in column(result, "source"))
    for measured, predicted, error in zip(
        column(result, "measured (GiB)"),
        column(result, "predicted (GiB)"),
        column(result, "error"),
        strict=True,
    ):
        assert error == pytest.approx(predicted / measured - 1)


def test_fsdp_over_8_gpus_is_predicted_by_hand() -> None:
    # 16 bytes x 8,030,261,248 / 8 GPUs of states, plus 32 layers x 8192 x 2 x 4096 x 34 bytes.
    by_hand = (16 * 8_030_261_248 / 8 + 32 * 8192 * 2 * 4096 * 34) / 2**30
    assert hardware.predicted_gib(hardware.MEASUREMENTS[0]) == pytest.approx(by_hand)


@each_theme
def test_draws_the_same_svg_twice(theme: Theme) -> None:
    assert_same_svg_with_text_twice(FIGURES["measured.training_memory"], theme)


def test_serving_table_lists_each_measurement_with_its_error() -> None:
    result = FIGURES["measured.serving_speed"].call({})
    # See tests/science/test_hardware.py for the printed figures checked against the sources.
    assert column(result, "measured (tokens/s)")[0] == pytest.approx(54.34)
    assert column(result, "measured (tokens/s)")[1] == pytest.approx(1000 / 18.58)
    assert len(column(result, "source")) == len(hardware.SERVING_MEASUREMENTS)
    for measured, predicted, error in zip(
        column(result, "measured (tokens/s)"),
        column(result, "predicted (tokens/s)"),
        column(result, "error"),
        strict=True,
    ):
        assert error == pytest.approx(predicted / measured - 1)


@each_theme
def test_serving_figure_draws_the_same_svg_twice(theme: Theme) -> None:
    assert_same_svg_with_text_twice(FIGURES["measured.serving_speed"], theme)

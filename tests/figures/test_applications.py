"""Application figures: their tables match hand-worked bytes and bits, checks, stable SVG.

Index memory follows the Faiss wiki ("Faiss indexes"): flat ``4d``, HNSW ``4d + 8M``, IVF-PQ
``M + 8`` bytes per vector. Bits per weight of group-wise int4: ``4 + (scale + zero) / g``.
"""

from __future__ import annotations

from typing import Any

import pytest

from genai_notes.figures import registry
from genai_notes.figures.registry import FigureDef, ParameterError
from genai_notes.figures.style import Theme
from tests.figures.helpers import (
    assert_same_svg_with_text_twice,
    column,
    drawn_with_renderer,
    each_theme,
)

FIGURES = registry.collect(["genai_notes.figures.applications"])


def fig(name: str) -> FigureDef:
    return FIGURES[name]


def test_the_family_registers_its_two_figures() -> None:
    assert set(FIGURES) == {"applications.index_memory", "applications.quant_bits"}
    assert "genai_notes.figures.applications" in registry.BUILTIN_MODULES


def test_index_memory_of_the_rag_papers_21m_passages() -> None:
    result = fig("applications.index_memory").call({})
    assert column(result, "bytes per vector") == [768 * 4, 768 * 4 + 32 * 2 * 4, 64 + 8]
    assert column(result, "memory (GB) for 21M vectors") == pytest.approx(
        [21e6 * 3072 / 1e9, 21e6 * 3328 / 1e9, 21e6 * 72 / 1e9]
    )


def test_index_memory_gives_the_most_vectors_64_gb_holds() -> None:
    result = fig("applications.index_memory").call({})
    # 64e9 bytes over 3,072, 3,328 and 72 bytes per vector, rounded down.
    assert column(result, "most vectors in 64 GB") == [20_833_333, 19_230_769, 888_888_888]


def test_index_memory_without_a_memory_line_has_no_count_column() -> None:
    result = fig("applications.index_memory").call({"memory_gb": None})
    assert not any(c.startswith("most vectors") for c in result.table.columns)
    assert result.draw is not None


def test_index_memory_marks_where_each_index_outgrows_the_memory() -> None:
    from matplotlib.figure import Figure

    from genai_notes.figures.style import LIGHT

    result = fig("applications.index_memory").call({})
    drawing = Figure(figsize=(result.width, result.height))
    result.draw(drawing, LIGHT)  # type: ignore[misc]
    (ax,) = drawing.axes
    crossings = sorted(
        float(ln.get_xdata()[0])
        for ln in ax.get_lines()
        if len(ln.get_xdata()) == 1 and float(ln.get_ydata()[0]) == 64
    )
    assert crossings == [19_230_769, 20_833_333, 888_888_888]
    assert {"19.2M", "20.8M", "889M", "64 GB of memory"} <= {t.get_text() for t in ax.texts}


def test_index_memory_follows_its_parameters() -> None:
    result = fig("applications.index_memory").call({"n_vectors": 1e6, "dim": 1024, "hnsw_m": 16})
    assert column(result, "bytes per vector")[:2] == [4096, 4096 + 128]
    assert column(result, "index")[1] == "HNSW, M = 16"


def test_quant_bits_at_group_128_are_4_25_4_15625_and_4_125() -> None:
    result = fig("applications.quant_bits").call({})
    assert column(result, "group size") == [32, 64, 128, 256]
    row = column(result, "group size").index(128)
    assert column(result, "fp16 scale + fp16 zero point")[row] == 4.25
    assert column(result, "fp16 scale + packed zero point")[row] == 4 + 20 / 128
    assert column(result, "fp16 scale only (symmetric)")[row] == 4.125


def test_quant_bits_sorts_and_deduplicates_group_sizes() -> None:
    result = fig("applications.quant_bits").call({"bits": 3, "group_sizes": [128, 32, 128]})
    assert column(result, "group size") == [32, 128]
    assert column(result, "fp16 scale + fp16 zero point") == [3 + 32 / 32, 3 + 32 / 128]


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("applications.index_memory", {"dim": 4}),
        ("applications.index_memory", {"hnsw_m": 1000}),
        ("applications.quant_bits", {"bits": 1}),
        ("applications.quant_bits", {"group_sizes": [128]}),
    ],
)
def test_out_of_range_parameters_are_refused(name: str, params: dict[str, Any]) -> None:
    with pytest.raises(ParameterError):
        fig(name).check(params)


@each_theme
@pytest.mark.parametrize("name", ["applications.index_memory", "applications.quant_bits"])
def test_drawing_is_stable_and_keeps_text(name: str, theme: Theme) -> None:
    assert_same_svg_with_text_twice(fig(name), theme)


@pytest.mark.parametrize("name", ["applications.index_memory", "applications.quant_bits"])
def test_the_phone_drawing_uses_short_labels(name: str) -> None:
    from matplotlib.figure import Figure

    from genai_notes.figures.style import LIGHT

    result = fig(name).call({})
    phone = Figure(figsize=result.phone_size)
    result.draw(phone, LIGHT)  # type: ignore[misc]
    texts = [t.get_text() for ax in phone.axes for t in ax.get_yticklabels() + ax.texts]
    texts += [t.get_text() for ax in phone.axes if ax.get_legend() for t in ax.get_legend().texts]
    assert all(len(text) <= 24 for text in texts), texts


@each_theme
@pytest.mark.parametrize("phone", [False, True], ids=["wide", "phone"])
def test_quant_bits_names_the_4_bit_line_from_above_it(theme: Theme, phone: bool) -> None:
    # it sat on the dashed line it names, its letters touching the dashes
    result = fig("applications.quant_bits").call({})
    drawing, renderer = drawn_with_renderer(
        result, theme, result.phone_size if phone else (result.width, result.height)
    )
    ax = drawing.axes[0]
    (label,) = [t for t in ax.texts if t.get_text().endswith("bits, the name")]
    line_y = ax.transData.transform((32, 4.0))[1]
    assert label.get_window_extent(renderer).y0 >= line_y + 2.0 * drawing.dpi / 72

"""Memory figures: their tables match the science (and the ZeRO paper), checks, stable SVG."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from genai_notes.figures import registry
from genai_notes.figures.registry import FigureDef, ParameterError
from genai_notes.figures.render import render_svg
from genai_notes.figures.style import DARK, LIGHT
from genai_notes.science import formats, memory
from tests.figures.helpers import assert_same_svg_with_text_twice, column, text_over_other_marks

FIGURES = registry.collect(["genai_notes.figures.memory"])
DRAWN = [
    "memory.weights_per_format",
    "memory.training_stack",
    "memory.bit_layouts",
    "memory.zero_stages",
    "memory.model_weights",
]


def fig(name: str) -> FigureDef:
    return FIGURES[name]


def test_the_family_registers_exactly_its_six_figures() -> None:
    assert set(FIGURES) == {*DRAWN, "memory.per_format_table"}


# --- bytes per parameter ---


@pytest.mark.parametrize("n_params", [1e9, 7e9, 1e6])
def test_weights_per_format_gives_bytes_per_param_times_count_in_gb_and_gib(
    n_params: float,
) -> None:
    result = fig("memory.weights_per_format").call({"n_params": n_params})
    label = {1e9: "1B", 7e9: "7B", 1e6: "1M"}[n_params]
    assert column(result, "format") == ["fp32", "fp16", "bf16", "int8", "int4"]
    bytes_each = [4.0, 2.0, 2.0, 1.0, 0.5]  # the data types' widths: 32, 16, 16, 8, 4 bits
    assert column(result, "bytes per parameter") == bytes_each
    assert column(result, f"memory (GB) for {label}") == pytest.approx(
        [b * n_params / 1e9 for b in bytes_each]
    )
    assert column(result, f"memory (GiB) for {label}") == pytest.approx(
        [b * n_params / 2**30 for b in bytes_each]
    )


def test_weights_per_format_draws_in_either_unit() -> None:
    for unit in ("GB", "GiB"):
        assert fig("memory.weights_per_format").call({"unit": unit}).draw is not None


def test_weights_per_format_gives_the_largest_model_each_gpu_holds_in_each_format() -> None:
    result = fig("memory.weights_per_format").call({})
    # 24e9 and 80e9 bytes over 4, 2, 2, 1 and 0.5 bytes per parameter.
    assert column(result, "most parameters in 24 GB") == [6e9, 12e9, 12e9, 24e9, 48e9]
    assert column(result, "most parameters in 80 GB") == [20e9, 40e9, 40e9, 80e9, 160e9]


def test_weights_per_format_draws_a_line_per_distinct_width_and_a_dot_per_crossing() -> None:
    from matplotlib.figure import Figure

    from genai_notes.figures.style import LIGHT

    result = fig("memory.weights_per_format").call({"gpu_memory_gb": [80]})
    drawing = Figure(figsize=(result.width, result.height))
    result.draw(drawing, LIGHT)  # type: ignore[misc]
    (ax,) = drawing.axes
    # fp16 and bf16 share a line: 4 lines through (x, bytes * x / 1e9) in GB.
    lines = [ln for ln in ax.get_lines() if ln.get_linestyle() == "-" and len(ln.get_xdata()) == 2]
    slopes = sorted(float(ln.get_ydata()[0] / ln.get_xdata()[0]) for ln in lines)
    assert slopes == pytest.approx([0.5e-9, 1e-9, 2e-9, 4e-9])
    crossings = sorted(
        float(ln.get_xdata()[0])
        for ln in ax.get_lines()
        if len(ln.get_xdata()) == 1 and float(ln.get_ydata()[0]) == 80
    )
    assert crossings == [20e9, 40e9, 80e9, 160e9]
    labels = {t.get_text() for t in ax.texts}
    assert {"20B", "40B", "80B", "160B", "80 GB GPU", "fp16 / bf16"} <= labels


def test_per_format_table_is_a_table_of_bits_bytes_and_memory() -> None:
    result = fig("memory.per_format_table").call({"n_params": 3e9})
    assert result.draw is None
    assert column(result, "bits") == [32, 16, 16, 8, 4]
    assert column(result, "bytes per parameter") == [
        memory.bytes_per_param(d) for d in ("fp32", "fp16", "bf16", "int8", "int4")
    ]
    assert column(result, "memory (GB) for 3B") == pytest.approx([12, 6, 6, 3, 1.5])
    assert column(result, "memory (GiB) for 3B")[0] == pytest.approx(12e9 / 2**30)


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("memory.weights_per_format", {"n_params": 0}),
        ("memory.weights_per_format", {"n_params": 1e14}),
        ("memory.weights_per_format", {"unit": "MB"}),
        ("memory.weights_per_format", {"gpu_memory_gb": [24, 40, 80, 141]}),
        ("memory.per_format_table", {"n_params": -1.0}),
        ("memory.training_stack", {"n_params": 10.0}),
    ],
)
def test_parameter_count_and_unit_out_of_range_are_refused(
    name: str, params: dict[str, Any]
) -> None:
    with pytest.raises(ParameterError):
        fig(name).check(params)


# --- training memory ---


def test_training_stack_lists_the_course_and_zero_parts_with_their_totals() -> None:
    result = fig("memory.training_stack").call({})
    per_param = dict(
        zip(
            zip(column(result, "accounting"), column(result, "part"), strict=True),
            column(result, "bytes per parameter"),
            strict=True,
        )
    )
    course, zero = "course (fp32 + Adam)", "ZeRO mixed-precision Adam"
    # The course slide: 4 + 8 + 4 + 8 = 24; ZeRO section 3.1: 2 + 2 + 4 + 4 + 4 = 16.
    assert [v for (a, _), v in per_param.items() if a == course] == [4, 8, 4, 8, 24]
    assert [v for (a, _), v in per_param.items() if a == zero] == [2, 2, 4, 4, 4, 16]
    assert per_param[(course, "total")] == memory.course_training_bytes(1).total
    assert per_param[(zero, "total")] == memory.mixed_precision_adam_bytes(1).total


def test_training_stack_gb_follow_the_parameter_count() -> None:
    result = fig("memory.training_stack").call({"n_params": 7e9})
    gb = column(result, "memory (GB) for 7B")
    parts = [
        *memory.course_training_bytes(7e9).items,
        *memory.mixed_precision_adam_bytes(7e9).items,
    ]
    assert column(result, "part") == [
        *memory.course_training_bytes(1).labels,
        "total",
        *memory.mixed_precision_adam_bytes(1).labels,
        "total",
    ]
    expected = [b / 1e9 for _, b in parts[:4]] + [168.0] + [b / 1e9 for _, b in parts[4:]] + [112.0]
    assert gb == pytest.approx(expected)


# --- bit layouts ---


def test_bit_layouts_of_pi_match_numpy_and_the_bf16_truncation() -> None:
    result = fig("memory.bit_layouts").call({})
    rows = {row[0]: dict(zip(result.table.columns, row, strict=True)) for row in result.table.rows}
    f32 = format(int(np.float32(np.pi).view(np.uint32)), "032b")
    f16 = format(int(np.float16(np.pi).view(np.uint16)), "016b")
    assert rows["fp32"]["sign bit"] + rows["fp32"]["exponent bits"] == f32[:9]
    assert rows["fp32"]["mantissa bits (int8: low 7 code bits)"] == f32[9:]
    assert (
        rows["fp16"]["exponent bits"] + rows["fp16"]["mantissa bits (int8: low 7 code bits)"]
        == f16[1:]
    )
    # pi in fp32 is 0x40490FDB; its low half 0x0FDB < 0x8000, so bf16 keeps the high half.
    assert f32[:16] == format(0x4049, "016b")
    bf16 = rows["bf16"]
    assert (
        bf16["sign bit"] + bf16["exponent bits"] + bf16["mantissa bits (int8: low 7 code bits)"]
        == f32[:16]
    )
    assert rows["fp32"]["stored value"] == float(np.float32(np.pi))
    assert rows["fp16"]["stored value"] == rows["bf16"]["stored value"] == 3.140625
    assert rows["fp16"]["absolute error"] == pytest.approx(np.pi - 3.140625)
    assert rows["int8"]["int8 code"] == 127
    assert rows["int8"]["int8 scale"] == pytest.approx(np.pi / 127)
    assert rows["fp32"]["int8 code"] is None


def test_bit_layouts_int8_scale_sets_the_code_as_the_course_example_does() -> None:
    result = fig("memory.bit_layouts").call({"value": 3.141592653589793, "int8_scale": 4.0 / 127})
    row = dict(zip(result.table.columns, result.table.rows[3], strict=True))
    # The page's worked example: pi / (4/127) = 99.75 -> code 100, stored 100 * 4 / 127.
    assert row["int8 code"] == 100
    assert row["stored value"] == pytest.approx(400 / 127)
    assert row["sign bit"] + str(row["mantissa bits (int8: low 7 code bits)"]) == "01100100"


@pytest.mark.parametrize("value", [-60000.0, -1.5, 0.0, 1e-9, 2.5e4])
def test_bit_layouts_rows_are_what_represent_gives(value: float) -> None:
    result = fig("memory.bit_layouts").call({"value": value})
    for row, dtype in zip(result.table.rows, ("fp32", "fp16", "bf16", "int8"), strict=True):
        rep = formats.represent(value, dtype)
        cells = dict(zip(result.table.columns, row, strict=True))
        bits = f"{cells['sign bit']}{cells['exponent bits'] or ''}"
        assert bits + str(cells["mantissa bits (int8: low 7 code bits)"]) == rep.bits
        assert cells["stored value"] == rep.stored
        assert cells["absolute error"] == rep.abs_error


@pytest.mark.parametrize(
    "params",
    [{"value": 70000.0}, {"value": float("nan")}, {"int8_scale": 0.0}, {"int8_scale": -1.0}],
)
def test_bit_layouts_refuses_values_fp16_cannot_hold_and_bad_scales(
    params: dict[str, Any],
) -> None:
    with pytest.raises(ParameterError):
        fig("memory.bit_layouts").check(params)


# --- ZeRO stages ---


def test_zero_stages_reproduce_the_papers_figure_1() -> None:
    result = fig("memory.zero_stages").call({})
    # ZeRO Figure 1: Psi = 7.5B, N_d = 64, K = 12 -> 120, 31.4, 16.6, 1.9 GB per GPU.
    totals = column(result, "total (GB)")
    assert totals == pytest.approx([120.0, 31.40625, 16.640625, 1.875])
    assert [round(t, 1) for t in totals] == [120.0, 31.4, 16.6, 1.9]
    assert column(result, "fits in 80 GB") == ["no", "yes", "yes", "yes"]


@pytest.mark.parametrize(("n_params", "n_gpus", "k"), [(1.4e9, 1, 12), (7e10, 8, 16)])
def test_zero_stage_parts_are_the_science_breakdown(n_params: float, n_gpus: int, k: int) -> None:
    result = fig("memory.zero_stages").call(
        {"n_params": n_params, "n_gpus": n_gpus, "optimizer_bytes": k, "gpu_memory_gb": None}
    )
    assert not any(c.startswith("fits") for c in result.table.columns)
    for stage in range(4):
        expected = memory.zero_breakdown_per_gpu(n_params, n_gpus, stage, k)
        row = dict(zip(result.table.columns, result.table.rows[stage], strict=True))
        for part in ("parameters (fp16)", "gradients (fp16)", "optimizer states"):
            assert row[f"{part} (GB)"] == pytest.approx(expected.get(part) / 1e9)
        assert row["total (GiB)"] == pytest.approx(expected.total / 2**30)


@pytest.mark.parametrize(
    "params",
    [
        {"n_gpus": 0},
        {"n_gpus": 4097},
        {"n_gpus": 2.5},
        {"optimizer_bytes": 0},
        {"n_params": 0.0},
        {"gpu_memory_gb": -80.0},
    ],
)
def test_zero_stages_refuses_bad_parameters(params: dict[str, Any]) -> None:
    with pytest.raises(ParameterError):
        fig("memory.zero_stages").check(params)


# --- drawing ---


@pytest.mark.parametrize("name", DRAWN)
def test_each_figure_renders_text_and_the_same_svg_twice(name: str) -> None:
    for theme in (LIGHT, DARK):
        assert_same_svg_with_text_twice(fig(name), theme)


def test_per_format_table_has_no_image() -> None:
    with pytest.raises(ValueError, match="no image"):
        render_svg(fig("memory.per_format_table").call({}), LIGHT)


# --- weights of well-known models ---


def test_model_weights_default_rows_are_weights_bytes_in_gb() -> None:
    result = fig("memory.model_weights").call({})
    assert column(result, "model") == [
        "BERT-Base",
        "FLAN-T5-XL",
        "LLaMA-7B",
        "Llama 2 70B",
        "GPT-3",
        "BLOOM",
    ]
    counts = [110e6, 3e9, 6.7e9, 70e9, 175e9, 176e9]
    assert column(result, "parameters") == counts
    for dtype in ("fp32", "fp16", "int8"):
        assert column(result, f"{dtype} (GB)") == [
            memory.weights_bytes(n, dtype) / 1e9 for n in counts
        ]
    # GPT-3 in fp16: 350 GB, as on the introduction page.
    assert column(result, "fp16 (GB)")[4] == pytest.approx(350.0)


def test_model_weights_takes_its_own_models_and_formats() -> None:
    params = {"models": ["Tiny=1e6", "Big=1e12"], "formats": ["int4", "bf16"]}
    result = fig("memory.model_weights").call(params)
    assert result.table.columns == ("model", "parameters", "int4 (GB)", "bf16 (GB)")
    assert column(result, "int4 (GB)") == [0.5e6 / 1e9, 0.5e12 / 1e9]


@pytest.mark.parametrize(
    "params",
    [
        {"models": ["no count"]},
        {"models": ["=7e9"]},
        {"models": ["Huge=1e14"]},
        {"formats": ["fp8"]},
        {"formats": ["fp16", "fp16"]},
    ],
)
def test_model_weights_refuses_malformed_models_and_unknown_formats(params: dict[str, Any]) -> None:
    with pytest.raises(ParameterError):
        fig("memory.model_weights").call(params)


def test_model_weights_refuses_too_many_models_or_a_gpu_size_out_of_range() -> None:
    with pytest.raises(ParameterError):
        fig("memory.model_weights").check({"models": [f"M{i}=1e9" for i in range(9)]})
    with pytest.raises(ParameterError):
        fig("memory.model_weights").check({"gpu_memory_gb": [0.5]})


def test_training_stack_labels_run_into_no_other_bar_and_stay_in_the_figure() -> None:
    # the course's "Adam states (2 × fp32): 8", labelled to the right of its bar, ran into
    # the ZeRO bar beside it
    result = fig("memory.training_stack").call({})
    for size in ((result.width, result.height), result.phone_size):
        assert text_over_other_marks(result, size) == []


def test_bit_layout_legend_swatches_are_filled_as_the_cells_are() -> None:
    # the phone's cells are solid, but its legend kept the wide drawing's 45% fill: the
    # swatches read darker than the bits they name
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    from genai_notes.figures.style import LIGHT

    result = fig("memory.bit_layouts").call({})
    for size in ((result.width, result.height), result.phone_size):
        with matplotlib.rc_context(LIGHT.rc(size[0])):
            drawn = Figure(figsize=size, layout="constrained")
            FigureCanvasAgg(drawn)
            assert result.draw is not None
            result.draw(drawn, LIGHT)
            ax = drawn.axes[0]
            cells = {
                tuple(round(c, 3) for c in p.get_facecolor())
                for p in ax.patches
                if isinstance(p, Rectangle) and p.get_fill()
            }
            legend = ax.get_legend()
            assert legend is not None
            swatches = {tuple(round(c, 3) for c in h.get_facecolor()) for h in legend.get_patches()}
            assert swatches <= cells, (size, swatches - cells)

"""Scaling figures: their tables match the papers' formulas, their checks, their drawings."""

from __future__ import annotations

import math
from typing import Any

import pytest

from genai_notes.figures import registry
from genai_notes.figures.base import FigureResult, Table
from genai_notes.figures.registry import ParameterError
from genai_notes.figures.style import DARK, LIGHT
from genai_notes.science import scaling
from tests.figures.helpers import assert_same_svg_with_text_twice

FIGURES = registry.collect(["genai_notes.figures.scaling"])
DRAWN = ["scaling.kaplan", "scaling.isoflop", "scaling.models", "scaling.pf_days"]
DRAWN.append("scaling.domain_frontier")
TABLE_ONLY = ["scaling.compute_table", "scaling.chinchilla_table3"]

# Hoffmann et al. 2022 eq. 10 and Besiroglu et al. 2024: (E, A, B, alpha, beta).
PRINTED_FITS = {
    "hoffmann2022": (1.69, 406.4, 410.7, 0.34, 0.28),
    "epoch2024": (1.8172, 482.01, 2085.43, 0.3478, 0.3658),
}
PF_DAY = 1e15 * 86400


def call(name: str, **params: Any) -> FigureResult:
    return FIGURES[name].call(params)


def records(table: Table) -> list[dict[str, Any]]:
    return [dict(zip(table.columns, row, strict=True)) for row in table.rows]


def printed_loss(n: float, d: float, fit: str) -> float:
    e, a, b, alpha, beta = PRINTED_FITS[fit]
    return e + a / n**alpha + b / d**beta


def printed_optimum(c: float, fit: str) -> tuple[float, float]:
    """Hoffmann et al. eq. 4 from the printed constants."""
    _, a, b, alpha, beta = PRINTED_FITS[fit]
    g = (alpha * a / (beta * b)) ** (1 / (alpha + beta))
    n = g * (c / 6) ** (beta / (alpha + beta))
    return n, c / (6 * n)


def test_every_scaling_figure_is_registered() -> None:
    assert sorted(FIGURES) == sorted(DRAWN + TABLE_ONLY)


# --- scaling.kaplan --------------------------------------------------------------------


def test_kaplan_samples_each_law_on_powers_of_ten_with_the_papers_constants() -> None:
    rows = records(call("scaling.kaplan").table)
    laws = {  # Kaplan et al. 2020, eqs. 1.1-1.3: (x_c, alpha, first power of ten, step)
        "L(N)": (8.8e13, 0.076, 5, 1),
        "L(D)": (5.4e13, 0.095, 7, 1),
        "L(C_min)": (3.1e8, 0.050, -8, 2),
    }
    for law, (critical, alpha, first, step) in laws.items():
        panel = [r for r in rows if r["law"] == law]
        powers = [10.0 ** (first + step * k) for k in range(7)]
        assert [r["x"] for r in panel] == pytest.approx(powers, rel=1e-12)
        for r in panel:
            assert r["loss (nats/token)"] == pytest.approx((critical / r["x"]) ** alpha)


def test_kaplan_points_sets_the_samples_per_law() -> None:
    assert len(call("scaling.kaplan", points=2).table.rows) == 6


# --- scaling.isoflop -------------------------------------------------------------------


@pytest.mark.parametrize("fit", ["hoffmann2022", "epoch2024"])
def test_isoflop_marks_the_closed_form_minimum_of_each_curve(fit: str) -> None:
    rows = records(call("scaling.isoflop", fit=fit).table)
    budgets = [1e18, 1e19, 1e20, 1e21, 1e22, 1e23, 1e24]
    assert sorted({r["compute (FLOPs)"] for r in rows}) == budgets
    for c in budgets:
        curve = [r for r in rows if r["compute (FLOPs)"] == c and r["point"] == "curve"]
        (best,) = [r for r in rows if r["compute (FLOPs)"] == c and r["point"] == "optimum"]
        n_opt, d_opt = printed_optimum(c, fit)
        assert (best["parameters"], best["tokens"]) == pytest.approx((n_opt, d_opt))
        assert best["loss (nats/token)"] == pytest.approx(printed_loss(n_opt, d_opt, fit))
        for r in curve:
            assert 6 * r["parameters"] * r["tokens"] == pytest.approx(c)
            assert r["loss (nats/token)"] == pytest.approx(
                printed_loss(r["parameters"], r["tokens"], fit)
            )
            assert r["loss (nats/token)"] >= best["loss (nats/token)"] - 1e-12
        assert min(r["parameters"] for r in curve) == pytest.approx(n_opt / 10)
        assert max(r["parameters"] for r in curve) == pytest.approx(n_opt * 10)


def test_isoflop_sorts_the_budgets_it_is_given() -> None:
    rows = call("scaling.isoflop", budgets=[1e22, 1e20], points=5).table.rows
    assert [r[0] for r in rows] == [1e20] * 6 + [1e22] * 6


# --- scaling.models --------------------------------------------------------------------


def test_models_places_each_known_model_at_its_published_size_and_tokens() -> None:
    rows = records(call("scaling.models").table)
    by_series = {r["series"]: r for r in rows}
    assert by_series["GPT-3 175B"]["parameters"] == 175e9
    assert by_series["GPT-3 175B"]["tokens"] == 300e9
    assert by_series["Llama 3 8B"]["tokens per parameter"] == pytest.approx(15e12 / 8e9)
    assert by_series["BloombergGPT 50B"]["tokens"] == 569e9
    assert {m.name for m in scaling.KNOWN_MODELS} <= set(by_series)


@pytest.mark.parametrize("fit", ["hoffmann2022", "epoch2024"])
def test_models_draws_the_ratio_line_and_the_fits_frontier(fit: str) -> None:
    rows = records(call("scaling.models", fit=fit, ratio=30.0).table)
    rule = [r for r in rows if r["series"] == "30 tokens per parameter"]
    assert len(rule) == 2
    assert all(r["tokens"] == pytest.approx(30 * r["parameters"]) for r in rule)
    frontier = [r for r in rows if r["series"].startswith("compute-optimal")]
    assert len(frontier) == 25
    for r in frontier:
        c = 6 * r["parameters"] * r["tokens"]
        assert (r["parameters"], r["tokens"]) == pytest.approx(printed_optimum(c, fit))
    # The frontier spans the same parameter range as the ratio line (the x axis).
    assert frontier[0]["parameters"] == pytest.approx(rule[0]["parameters"])
    assert frontier[-1]["parameters"] == pytest.approx(rule[1]["parameters"])


# --- scaling.compute_table and scaling.pf_days -----------------------------------------


def test_compute_table_gives_6nd_and_the_reported_compute_with_their_ratio() -> None:
    result = call("scaling.compute_table")
    assert result.draw is None
    rows = {r["model"]: r for r in records(result.table)}
    gpt3 = rows["GPT-3 175B"]
    assert gpt3["6ND (FLOPs)"] == pytest.approx(6 * 175e9 * 300e9)
    # Brown et al. 2020, Table D.1: 3.14e23 FLOPs.
    assert gpt3["reported (FLOPs)"] == 3.14e23
    assert gpt3["6ND / reported"] == pytest.approx(3.15e23 / 3.14e23)
    assert rows["Gopher 280B"]["6ND / reported"] == pytest.approx(5.04e23 / 5.76e23)
    llama = rows["LLaMA 65B"]
    assert llama["6ND (FLOPs)"] == pytest.approx(6 * 65.2e9 * 1.4e12)
    assert llama["reported (FLOPs)"] is None
    assert llama["6ND / reported"] is None
    assert llama["source"] == "Touvron 2023, Table 2"
    assert rows["Gopher 280B"]["source"] == "Rae 2021; Hoffmann 2022, Table 3"


def test_compute_table_fits_a_column_in_seven_short_headed_columns() -> None:
    table = call("scaling.compute_table").table
    assert len(table.columns) == 7
    assert max(len(str(row[-1])) for row in table.rows) <= 40


def test_pf_days_shows_6nd_and_reported_pf_days_for_the_chosen_models() -> None:
    names = ["Chinchilla 70B", "Llama 3 8B"]
    rows = records(call("scaling.pf_days", models=names).table)
    assert [r["model"] for r in rows] == names
    assert rows[0]["6ND (PF-days)"] == pytest.approx(6 * 70e9 * 1.4e12 / PF_DAY)
    assert rows[0]["reported (PF-days)"] == pytest.approx(5.76e23 / PF_DAY)
    assert rows[1]["6ND (PF-days)"] == pytest.approx(6 * 8e9 * 15e12 / PF_DAY)
    assert rows[1]["reported (PF-days)"] is None


# --- scaling.chinchilla_table3 ---------------------------------------------------------


@pytest.mark.parametrize("fit", ["hoffmann2022", "epoch2024"])
def test_table3_prints_approach_1_beside_the_closed_form(fit: str) -> None:
    result = call("scaling.chinchilla_table3", fit=fit)
    assert result.draw is None
    rows = result.table.rows
    # Hoffmann et al. 2022, Table 3, as printed: parameters, FLOPs, Gopher units, tokens.
    printed = [
        (400e6, 1.92e19, "1/29,968", 8.0e9),
        (1e9, 1.21e20, "1/4,761", 20.2e9),
        (10e9, 1.23e22, "1/46", 205.1e9),
        (67e9, 5.76e23, "1", 1.5e12),
        (175e9, 3.85e24, "6.7", 3.7e12),
        (280e9, 9.90e24, "17.2", 5.9e12),
        (520e9, 3.43e25, "59.5", 11.0e12),
        (1e12, 1.27e26, "221.3", 21.2e12),
        (10e12, 1.30e28, "22515.9", 216.2e12),
    ]
    assert len(rows) == len(printed)
    for row, (n, c, units, d) in zip(rows, printed, strict=True):
        n_opt, d_opt = printed_optimum(c, fit)
        assert row == pytest.approx(
            (n / 1e9, c, units, d / 1e9, d / n, n_opt / 1e9, d_opt / 1e9, d_opt / n_opt)
        )


def test_table3_closed_form_gives_about_32b_at_gophers_budget_with_the_printed_fit() -> None:
    gopher = records(call("scaling.chinchilla_table3").table)[3]
    assert gopher["Approach 3 (hoffmann 2022) N (billions)"] == pytest.approx(32, abs=1)


# --- scaling.domain_frontier -----------------------------------------------------------


def test_domain_frontier_places_bloomberggpt_and_chinchilla_at_6nd() -> None:
    rows = records(call("scaling.domain_frontier").table)
    by_series = {r["series"]: r for r in rows}
    assert by_series["BloombergGPT 50B"]["compute (FLOPs)"] == pytest.approx(1.727484e23)
    assert by_series["BloombergGPT 50B"]["parameters"] == 50.6e9
    assert by_series["Chinchilla 70B"]["compute (FLOPs)"] == pytest.approx(5.88e23)
    # Wu et al. 2023: 0.75 of 1.3M A100-hours at 102 TFLOP/s.
    assert by_series["planning budget"]["compute (FLOPs)"] == pytest.approx(3.5802e23)
    assert by_series["planning budget"]["parameters"] is None


def test_domain_frontier_draws_the_20_token_rule_and_both_fits() -> None:
    rows = records(call("scaling.domain_frontier", planning_flops=None).table)
    assert "planning budget" not in {r["series"] for r in rows}
    rule = [r for r in rows if r["series"].startswith("20 tokens per parameter")]
    assert rule[0]["compute (FLOPs)"] == pytest.approx(1e22)
    assert rule[-1]["compute (FLOPs)"] == pytest.approx(1e24)
    for r in rule:
        assert r["parameters"] == pytest.approx(math.sqrt(r["compute (FLOPs)"] / 120))
        assert r["tokens"] == pytest.approx(20 * r["parameters"])
    for fit, label in (("hoffmann2022", "Hoffmann"), ("epoch2024", "Besiroglu")):
        line = [r for r in rows if label in r["series"]]
        assert len(line) == 25
        for r in line:
            assert (r["parameters"], r["tokens"]) == pytest.approx(
                printed_optimum(r["compute (FLOPs)"], fit)
            )


# --- parameter checks ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("scaling.kaplan", {"points": 1}),
        ("scaling.isoflop", {"fit": "kaplan2020"}),
        ("scaling.isoflop", {"budgets": [1e20, 1e20]}),
        ("scaling.isoflop", {"budgets": [1e10]}),
        ("scaling.isoflop", {"budgets": []}),
        ("scaling.isoflop", {"span": 1.0}),
        ("scaling.models", {"models": ["GPT-4"]}),
        ("scaling.models", {"ratio": 0.0}),
        ("scaling.compute_table", {"models": ["Gopher 280B", "Gopher 280B"]}),
        ("scaling.pf_days", {"models": []}),
        ("scaling.chinchilla_table3", {"fit": "approach1"}),
        ("scaling.domain_frontier", {"flops_min": 1e24, "flops_max": 1e22}),
        ("scaling.domain_frontier", {"planning_flops": -1.0}),
    ],
)
def test_bad_parameters_raise_a_parameter_error(name: str, params: dict[str, Any]) -> None:
    with pytest.raises(ParameterError):
        call(name, **params)


def test_an_unknown_model_error_lists_the_known_ones() -> None:
    with pytest.raises(ParameterError, match="Chinchilla 70B"):
        FIGURES["scaling.pf_days"].call({"models": ["LLaMA 7B"]})


# --- drawings --------------------------------------------------------------------------


@pytest.mark.parametrize("name", DRAWN)
def test_drawing_is_svg_text_and_the_same_bytes_twice(name: str) -> None:
    for theme in (LIGHT, DARK):
        assert_same_svg_with_text_twice(FIGURES[name], theme)

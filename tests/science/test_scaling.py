"""Tests for genai_notes.science.scaling.

Sources: Kaplan et al. 2020 (arXiv 2001.08361); Hoffmann et al. 2022, Chinchilla
(arXiv 2203.15556); Besiroglu et al. 2024 (arXiv 2404.10102); Brown et al. 2020, GPT-3
(arXiv 2005.14165).
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from genai_notes.science import scaling

CHINCHILLA_N = 70e9
CHINCHILLA_D = 1.4e12
GOPHER_BUDGET = 5.76e23  # Hoffmann et al. Table 3, one "Gopher unit"


# --- compute -------------------------------------------------------------------------


def test_gpt3_training_compute_matches_table_d1() -> None:
    """GPT-3 Table D.1: 174.6B parameters x 300B tokens -> 3.14e23 FLOPs, 3.64e3 PF-days."""
    flops = scaling.training_flops(174.6e9, 300e9)
    assert flops == pytest.approx(3.14e23, rel=0.005)
    assert scaling.pf_days(flops) == pytest.approx(3.64e3, rel=0.005)


def test_one_pf_day_is_1e15_flops_per_second_for_a_day() -> None:
    assert scaling.PF_DAY == 8.64e19
    assert scaling.flops_from_pf_days(1.0) == 8.64e19
    assert scaling.pf_days(scaling.flops_from_pf_days(3640.0)) == pytest.approx(3640.0)


def test_compute_functions_accept_arrays_and_return_arrays() -> None:
    flops = scaling.training_flops(np.array([1e9, 2e9]), np.array([1e10, 1e10]))
    assert isinstance(flops, np.ndarray)
    np.testing.assert_array_equal(flops, [6e19, 1.2e20])
    assert isinstance(scaling.training_flops(1e9, 1e10), float)


def test_tokens_per_param_of_chinchilla_is_20() -> None:
    assert scaling.tokens_per_param(CHINCHILLA_N, CHINCHILLA_D) == pytest.approx(20.0)


# --- Kaplan --------------------------------------------------------------------------


def test_kaplan_constants_are_those_of_equations_1_1_to_1_3() -> None:
    """Kaplan eqs. 1.1-1.3: alpha_N 0.076, N_c 8.8e13; alpha_D 0.095, D_c 5.4e13;
    alpha_C^min 0.050, C_c^min 3.1e8 PF-days."""
    laws = (scaling.KAPLAN_N, scaling.KAPLAN_D, scaling.KAPLAN_C)
    assert [(law.alpha, law.critical) for law in laws] == [
        (0.076, 8.8e13),
        (0.095, 5.4e13),
        (0.050, 3.1e8),
    ]


def test_kaplan_laws_equal_one_at_the_critical_scale() -> None:
    assert scaling.kaplan_loss_n(8.8e13) == 1.0
    assert scaling.kaplan_loss_d(5.4e13) == 1.0
    assert scaling.kaplan_loss_c(3.1e8) == 1.0


def test_kaplan_doubling_the_model_multiplies_the_loss_by_2_to_the_minus_alpha() -> None:
    ratio = scaling.kaplan_loss_n(2e9) / scaling.kaplan_loss_n(1e9)
    assert ratio == pytest.approx(2**-0.076)
    ratio_d = scaling.kaplan_loss_d(2e10) / scaling.kaplan_loss_d(1e10)
    assert ratio_d == pytest.approx(2**-0.095)


def test_kaplan_compute_law_takes_pf_days() -> None:
    loss_one_pf_day = scaling.kaplan_loss_c(1.0)
    assert loss_one_pf_day == pytest.approx(3.1e8**0.05)
    assert scaling.kaplan_loss_c(scaling.pf_days(8.64e19)) == pytest.approx(loss_one_pf_day)


def test_kaplan_laws_work_on_arrays() -> None:
    losses = scaling.kaplan_loss_n(np.logspace(6, 12, 7))
    assert isinstance(losses, np.ndarray)
    assert np.all(np.diff(losses) < 0)


# --- Chinchilla parametric loss ------------------------------------------------------


def test_fits_hold_the_published_constants() -> None:
    """Hoffmann eq. 10 and Besiroglu et al. 2024's refit."""
    hoffmann, epoch = scaling.FITS["hoffmann2022"], scaling.FITS["epoch2024"]
    assert (hoffmann.E, hoffmann.A, hoffmann.B, hoffmann.alpha, hoffmann.beta) == (
        1.69,
        406.4,
        410.7,
        0.34,
        0.28,
    )
    assert (epoch.E, epoch.A, epoch.B, epoch.alpha, epoch.beta) == (
        1.8172,
        482.01,
        2085.43,
        0.3478,
        0.3658,
    )


def test_fits_are_read_only() -> None:
    with pytest.raises(TypeError):
        scaling.FITS["mine"] = scaling.FITS["epoch2024"]  # type: ignore[index]
    with pytest.raises(AttributeError):
        scaling.FITS["epoch2024"].E = 0.0  # type: ignore[misc]


def test_hoffmann_fit_gives_approach_3_exponent_a_of_0_46() -> None:
    """Hoffmann Table 2, Approach 3: N_opt ∝ C^0.46, D_opt ∝ C^0.54 (rounded constants)."""
    fit = scaling.FITS["hoffmann2022"]
    assert fit.a == pytest.approx(0.46, abs=0.01)
    assert fit.b == pytest.approx(0.54, abs=0.01)


def test_epoch_fit_scales_parameters_and_tokens_about_equally() -> None:
    """Besiroglu et al. 2024: the refit agrees with Approaches 1-2 (a ≈ b ≈ 0.5)."""
    fit = scaling.FITS["epoch2024"]
    assert fit.a == pytest.approx(0.5, abs=0.02)
    assert fit.a + fit.b == pytest.approx(1.0)


def test_chinchilla_loss_approaches_e_with_infinite_model_and_data() -> None:
    for name, fit in scaling.FITS.items():
        assert scaling.chinchilla_loss(1e60, 1e60, fit=name) == pytest.approx(fit.E, abs=1e-6)


def test_chinchilla_beats_gopher_at_the_same_budget_under_both_fits() -> None:
    """Hoffmann section 4: Chinchilla (70B, 1.4T) outperforms Gopher (280B, 300B)."""
    for name in scaling.FITS:
        chinchilla = scaling.chinchilla_loss(CHINCHILLA_N, CHINCHILLA_D, fit=name)
        gopher = scaling.chinchilla_loss(280e9, 300e9, fit=name)
        assert chinchilla < gopher


def test_chinchilla_loss_works_on_a_grid() -> None:
    n, d = np.meshgrid(np.logspace(8, 11, 4), np.logspace(10, 13, 5))
    losses = scaling.chinchilla_loss(n, d, fit="epoch2024")
    assert losses.shape == (5, 4)
    assert np.all(np.diff(losses, axis=0) < 0) and np.all(np.diff(losses, axis=1) < 0)


@pytest.mark.parametrize("fit", ["hoffmann2022", "epoch2024"])
@pytest.mark.parametrize("flops", [1e20, GOPHER_BUDGET, 1e26])
def test_closed_form_optimum_matches_a_brute_force_search_on_the_isoflop_line(
    fit: str, flops: float
) -> None:
    """Hoffmann eq. 4 against a dense grid of model sizes with D = C / (6N)."""
    n_opt, d_opt = scaling.compute_optimal(flops, fit=fit)
    grid = np.logspace(np.log10(n_opt) - 2, np.log10(n_opt) + 2, 400_001)
    losses = scaling.isoflop_loss(flops, grid, fit=fit)
    brute = grid[int(np.argmin(losses))]
    assert n_opt == pytest.approx(brute, rel=1e-3)
    assert 6 * n_opt * d_opt == pytest.approx(flops)


def test_epoch_fit_recovers_chinchilla_at_gophers_budget() -> None:
    """Chinchilla: 70B parameters, 1.4T tokens, ~20 tokens/parameter at 5.76e23 FLOPs."""
    n_opt, d_opt = scaling.compute_optimal(GOPHER_BUDGET, fit="epoch2024")
    assert 50e9 < n_opt < 100e9
    assert 15 < scaling.tokens_per_param(n_opt, d_opt) < 25


def test_hoffmann_approach_3_predicts_a_smaller_model_than_chinchilla() -> None:
    """Hoffmann section 3.3: Approach 3 predicts smaller N_opt than Approaches 1-2."""
    n_opt, d_opt = scaling.compute_optimal(GOPHER_BUDGET, fit="hoffmann2022")
    assert n_opt < CHINCHILLA_N
    assert scaling.tokens_per_param(n_opt, d_opt) > 2 * 20


def test_unknown_fit_error_lists_the_fits() -> None:
    expected = "fit must be one of 'hoffmann2022', 'epoch2024', got 'kaplan2020'"
    with pytest.raises(ValueError, match=re.escape(expected)):
        scaling.chinchilla_loss(1e9, 1e10, fit="kaplan2020")
    with pytest.raises(ValueError, match=re.escape(expected)):
        scaling.compute_optimal(1e21, fit="kaplan2020")


# --- Table 3 and known models ---------------------------------------------------------


def test_table3_has_the_nine_printed_rows() -> None:
    assert [row.parameters for row in scaling.CHINCHILLA_TABLE3] == [
        400e6,
        1e9,
        10e9,
        67e9,
        175e9,
        280e9,
        520e9,
        1e12,
        10e12,
    ]


def test_table3_rows_satisfy_c_equals_6nd_to_print_precision() -> None:
    """The 67B row's 1.5T is rounded from ~1.43T, hence the 5% tolerance."""
    for row in scaling.CHINCHILLA_TABLE3:
        assert scaling.training_flops(row.parameters, row.tokens) == pytest.approx(
            row.flops, rel=0.05
        )


def test_table3_gopher_units_are_flops_over_5_76e23() -> None:
    """Within 2%: the printed FLOPs have 3 digits (1.23e22 / 5.76e23 is 1/46.8, printed 1/46)."""
    for row in scaling.CHINCHILLA_TABLE3:
        assert row.flops / GOPHER_BUDGET == pytest.approx(row.gopher_units, rel=0.02)
        numerator, _, denominator = row.gopher_units_printed.replace(",", "").partition("/")
        printed = float(numerator) / float(denominator or 1)
        assert printed == pytest.approx(row.gopher_units)


def test_table3_is_about_20_tokens_per_parameter() -> None:
    for row in scaling.CHINCHILLA_TABLE3:
        assert 19.5 < scaling.tokens_per_param(row.parameters, row.tokens) < 23.0


def test_known_models_reproduce_reported_compute_with_6nd() -> None:
    """GPT-3 (Table D.1) within 1%, Chinchilla within 3%; Gopher's 6ND is 5.0e23."""
    tolerances = {"GPT-3 175B": 0.01, "Chinchilla 70B": 0.03, "Gopher 280B": 0.15}
    reported = [m for m in scaling.KNOWN_MODELS if m.reported_flops is not None]
    assert {m.name for m in reported} == set(tolerances)
    for model in reported:
        assert model.flops_6nd == pytest.approx(model.reported_flops, rel=tolerances[model.name])


def test_known_models_have_the_published_sizes_and_tokens() -> None:
    expected = {
        "GPT-3 175B": (175e9, 300e9),
        "Gopher 280B": (280e9, 300e9),
        "Chinchilla 70B": (70e9, 1.4e12),
        "LLaMA 65B": (65.2e9, 1.4e12),
        "Llama 2 70B": (70e9, 2.0e12),
        "BloombergGPT 50B": (50.6e9, 569e9),
        "Llama 3 8B": (8e9, 15e12),
    }
    assert {m.name: (m.n_params, m.n_tokens) for m in scaling.KNOWN_MODELS} == expected
    assert all("arXiv" in m.citation or "model card" in m.citation for m in scaling.KNOWN_MODELS)


def test_known_model_lookup_names_the_known_models() -> None:
    assert scaling.known_model("Chinchilla 70B").tokens_per_param == pytest.approx(20.0)
    with pytest.raises(ValueError, match=r"name must be one of 'GPT-3 175B', .*got 'GPT-5'"):
        scaling.known_model("GPT-5")


# --- errors --------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [0.0, -1.0, math.nan, math.inf])
def test_scaling_functions_refuse_non_positive_inputs(bad: float) -> None:
    with pytest.raises(ValueError, match="n_params must be finite and > 0"):
        scaling.training_flops(bad, 1e9)
    with pytest.raises(ValueError, match="n_tokens must be finite and > 0"):
        scaling.chinchilla_loss(1e9, bad)
    with pytest.raises(ValueError, match="n_params must be finite and > 0"):
        scaling.kaplan_loss_n(bad)
    with pytest.raises(ValueError, match="pf_days must be finite and > 0"):
        scaling.kaplan_loss_c(bad)
    with pytest.raises(ValueError, match="flops must be a finite number > 0"):
        scaling.compute_optimal(bad)

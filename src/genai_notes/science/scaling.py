"""Scaling laws: training compute, Kaplan et al. 2020, Chinchilla, and well-known models.

Sources (every constant below names its own):

* Kaplan et al. 2020, "Scaling Laws for Neural Language Models", arXiv 2001.08361,
  equations 1.1-1.3 (summarised in their Table 1 / section 1.2).
* Hoffmann et al. 2022, "Training Compute-Optimal Large Language Models" (Chinchilla),
  arXiv 2203.15556: equation 2 (parametric loss), equation 4 (its minimum under C = 6ND),
  equation 10 (the Approach 3 fit) and Table 3 (Approach 1 projections).
* Besiroglu et al. 2024, "Chinchilla Scaling: A replication attempt", arXiv 2404.10102:
  a refit of the same parametric loss.

Loss functions accept a float or a float64 array (all arguments of one call the same kind)
and return the same kind. Losses are in nats per token on each paper's own data and
tokenizer, so they do not transfer between papers or to other models.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, TypeVar, overload

import numpy as np
from numpy.typing import NDArray

from genai_notes.science._validate import one_of, positive_array, positive_int, positive_number

FloatArray = NDArray[np.float64]
FloatOrArray = TypeVar("FloatOrArray", float, FloatArray)

FLOPS_PER_PARAM_PER_TOKEN: Final = 6.0
"""Training FLOPs per parameter per token: 2 forward plus 4 backward (Kaplan et al. 2020,
section 2.1; Hoffmann et al. 2022 use the same C = 6ND)."""

PF_DAY: Final = 1e15 * 86400.0
"""FLOPs in one petaflop/s-day: 10**15 FLOP/s for 86,400 s = 8.64e19."""


@overload
def _like(template: float, values: FloatArray) -> float: ...
@overload
def _like(template: FloatArray, values: FloatArray) -> FloatArray: ...
def _like(template: float | FloatArray, values: FloatArray) -> float | FloatArray:
    """Return ``values`` as a float when the caller passed a scalar, else as an array."""
    if isinstance(template, np.ndarray) or np.ndim(values) > 0:
        return values
    return float(values)


def training_flops(n_params: FloatOrArray, n_tokens: FloatOrArray) -> FloatOrArray:
    """Training compute C = 6ND (Kaplan et al. 2020 section 2.1; Hoffmann et al. 2022).

    Args:
        n_params: Parameter count N, > 0.
        n_tokens: Training tokens D, > 0.

    Returns:
        FLOPs.

    Raises:
        ValueError: If an argument is not finite and > 0.
    """
    n = positive_array("n_params", n_params)
    d = positive_array("n_tokens", n_tokens)
    return _like(n_params, FLOPS_PER_PARAM_PER_TOKEN * n * d)


def pf_days(flops: FloatOrArray) -> FloatOrArray:
    """Convert FLOPs to petaflop/s-days (1 PF-day = 8.64e19 FLOPs).

    Args:
        flops: Floating-point operations, > 0.

    Returns:
        PF-days.

    Raises:
        ValueError: If ``flops`` is not finite and > 0.
    """
    return _like(flops, positive_array("flops", flops) / PF_DAY)


def flops_from_pf_days(days: FloatOrArray) -> FloatOrArray:
    """Convert petaflop/s-days to FLOPs (the inverse of :func:`pf_days`).

    Args:
        days: PF-days, > 0.

    Returns:
        FLOPs.

    Raises:
        ValueError: If ``days`` is not finite and > 0.
    """
    return _like(days, positive_array("pf_days", days) * PF_DAY)


def tokens_per_param(n_params: FloatOrArray, n_tokens: FloatOrArray) -> FloatOrArray:
    """Training tokens per parameter, D / N (about 20 on Chinchilla's Table 3 frontier).

    Args:
        n_params: Parameter count N, > 0.
        n_tokens: Training tokens D, > 0.

    Returns:
        D / N.

    Raises:
        ValueError: If an argument is not finite and > 0.
    """
    n = positive_array("n_params", n_params)
    d = positive_array("n_tokens", n_tokens)
    return _like(n_params, d / n)


# --- Kaplan et al. 2020 --------------------------------------------------------------


@dataclass(frozen=True)
class PowerLaw:
    """A single-variable power law L(x) = (x_c / x) ** alpha.

    Attributes:
        alpha: The exponent.
        critical: The scale x_c, in ``unit``.
        unit: What x counts.
        variable: The argument's name, used in error messages.
        source: Paper, arXiv id and equation.
    """

    alpha: float
    critical: float
    unit: str
    variable: str
    source: str

    def __call__(self, x: FloatOrArray) -> FloatOrArray:
        """Evaluate the law.

        Args:
            x: The variable, in ``unit``, > 0.

        Returns:
            The loss in nats per token.

        Raises:
            ValueError: If ``x`` is not finite and > 0.
        """
        values = positive_array(self.variable, x)
        return _like(x, (self.critical / values) ** self.alpha)


_KAPLAN = "Kaplan et al. 2020, arXiv 2001.08361"
KAPLAN_N: Final = PowerLaw(
    0.076, 8.8e13, "non-embedding parameters", "n_params", f"{_KAPLAN}, eq. 1.1"
)
"""L(N): models trained to convergence on enough data; N excludes embeddings."""
KAPLAN_D: Final = PowerLaw(0.095, 5.4e13, "tokens", "n_tokens", f"{_KAPLAN}, eq. 1.2")
"""L(D): large models trained with early stopping on D tokens."""
KAPLAN_C: Final = PowerLaw(0.050, 3.1e8, "PF-days", "pf_days", f"{_KAPLAN}, eq. 1.3")
"""L(C_min): compute-efficient training with C_min PF-days (C_c^min = 3.1e8 PF-days)."""


def kaplan_loss_n(n_params: FloatOrArray) -> FloatOrArray:
    """Kaplan eq. 1.1: L(N) = (8.8e13 / N) ** 0.076, N = non-embedding parameters."""
    return KAPLAN_N(n_params)


def kaplan_loss_d(n_tokens: FloatOrArray) -> FloatOrArray:
    """Kaplan eq. 1.2: L(D) = (5.4e13 / D) ** 0.095, D = training tokens."""
    return KAPLAN_D(n_tokens)


def kaplan_loss_c(days: FloatOrArray) -> FloatOrArray:
    """Kaplan eq. 1.3: L(C_min) = (3.1e8 / C_min) ** 0.050, C_min in PF-days."""
    return KAPLAN_C(days)


# --- Chinchilla parametric loss ------------------------------------------------------


@dataclass(frozen=True)
class ChinchillaFit:
    """Constants of L(N, D) = E + A / N**alpha + B / D**beta (Hoffmann et al. eq. 2).

    Attributes:
        name: Key in :data:`FITS`.
        E: Irreducible loss.
        A: Model-size coefficient.
        B: Data coefficient.
        alpha: Model-size exponent.
        beta: Data exponent.
        source: Paper, arXiv id and where the numbers are printed.
    """

    name: str
    E: float
    A: float
    B: float
    alpha: float
    beta: float
    source: str

    @property
    def a(self) -> float:
        """Exponent of N_opt in C: beta / (alpha + beta) (Hoffmann eq. 4)."""
        return self.beta / (self.alpha + self.beta)

    @property
    def b(self) -> float:
        """Exponent of D_opt in C: alpha / (alpha + beta) (Hoffmann eq. 4)."""
        return self.alpha / (self.alpha + self.beta)

    @property
    def G(self) -> float:
        """G = (alpha A / (beta B)) ** (1 / (alpha + beta)) (Hoffmann eq. 4)."""
        return float(
            (self.alpha * self.A / (self.beta * self.B)) ** (1.0 / (self.alpha + self.beta))
        )


FITS: Final = MappingProxyType(
    {
        "hoffmann2022": ChinchillaFit(
            name="hoffmann2022",
            E=1.69,
            A=406.4,
            B=410.7,
            alpha=0.34,
            beta=0.28,
            source="Hoffmann et al. 2022, arXiv 2203.15556, eq. 10 (Approach 3, as printed)",
        ),
        "epoch2024": ChinchillaFit(
            name="epoch2024",
            E=1.8172,
            A=482.01,
            B=2085.43,
            alpha=0.3478,
            beta=0.3658,
            source="Besiroglu et al. 2024, arXiv 2404.10102, refit of Hoffmann's Approach 3",
        ),
    }
)
"""Published fits of the Chinchilla parametric loss, by name (read-only)."""


def get_fit(fit: str) -> ChinchillaFit:
    """Look up a fit by name.

    Args:
        fit: ``"hoffmann2022"`` or ``"epoch2024"``.

    Returns:
        The fit's constants.

    Raises:
        ValueError: For an unknown name; the message lists the known fits.
    """
    return FITS[one_of("fit", fit, FITS)]


def chinchilla_loss(
    n_params: FloatOrArray, n_tokens: FloatOrArray, fit: str = "hoffmann2022"
) -> FloatOrArray:
    """Predicted final loss L(N, D) = E + A / N**alpha + B / D**beta.

    Args:
        n_params: Parameter count N (all parameters, embeddings included), > 0.
        n_tokens: Training tokens D, > 0.
        fit: Which constants to use; see :data:`FITS`.

    Returns:
        Loss in nats per token on Hoffmann et al.'s MassiveText evaluation.

    Raises:
        ValueError: For non-positive arguments or an unknown fit.
    """
    constants = get_fit(fit)
    n = positive_array("n_params", n_params)
    d = positive_array("n_tokens", n_tokens)
    loss = constants.E + constants.A / n**constants.alpha + constants.B / d**constants.beta
    return _like(n_params, loss)


def compute_optimal(flops: float, fit: str = "hoffmann2022") -> tuple[float, float]:
    """The (N, D) that minimise :func:`chinchilla_loss` on the line C = 6ND.

    Closed form, Hoffmann et al. eq. 4: N_opt = G (C/6) ** a with
    G = (alpha A / (beta B)) ** (1/(alpha+beta)), a = beta / (alpha+beta), and
    D_opt = C / (6 N_opt).

    This is Approach 3. With the constants as printed in the paper it gives smaller
    models and more tokens per parameter than Approach 1, whose projections are
    :data:`CHINCHILLA_TABLE3` (about 20 tokens per parameter): at Gopher's budget of
    5.76e23 FLOPs, ``"hoffmann2022"`` gives about 32B parameters where Chinchilla used
    70B, while the ``"epoch2024"`` refit lands near 70B.

    Args:
        flops: Training compute C, > 0.
        fit: Which constants to use; see :data:`FITS`.

    Returns:
        ``(n_params, n_tokens)``.

    Raises:
        ValueError: For non-positive compute or an unknown fit.
    """
    constants = get_fit(fit)
    budget = positive_number("flops", flops)
    n_opt = constants.G * (budget / FLOPS_PER_PARAM_PER_TOKEN) ** constants.a
    return n_opt, budget / (FLOPS_PER_PARAM_PER_TOKEN * n_opt)


def isoflop_loss(flops: float, n_params: FloatOrArray, fit: str = "hoffmann2022") -> FloatOrArray:
    """Loss along one iso-FLOP line: L(N, C / (6N)) for the given model sizes.

    Args:
        flops: Training compute C, > 0.
        n_params: Model sizes N, > 0.
        fit: Which constants to use; see :data:`FITS`.

    Returns:
        The loss at each model size, training on the tokens the budget leaves.

    Raises:
        ValueError: For non-positive arguments or an unknown fit.
    """
    budget = positive_number("flops", flops)
    n = positive_array("n_params", n_params)
    tokens = _like(n_params, budget / (FLOPS_PER_PARAM_PER_TOKEN * n))
    return chinchilla_loss(n_params, tokens, fit)


# --- Hoffmann et al. 2022, Table 3 ---------------------------------------------------


@dataclass(frozen=True)
class Table3Row:
    """One row of Hoffmann et al. 2022 Table 3 (Approach 1 projections), as printed.

    Attributes:
        parameters: Model size.
        flops: Compute-optimal training FLOPs.
        gopher_units: FLOPs in units of Gopher's budget, as a number.
        gopher_units_printed: The same cell as printed (e.g. ``"1/29,968"``).
        tokens: Compute-optimal training tokens.
    """

    parameters: float
    flops: float
    gopher_units: float
    gopher_units_printed: str
    tokens: float


CHINCHILLA_TABLE3: Final = (
    Table3Row(400e6, 1.92e19, 1 / 29968, "1/29,968", 8.0e9),
    Table3Row(1e9, 1.21e20, 1 / 4761, "1/4,761", 20.2e9),
    Table3Row(10e9, 1.23e22, 1 / 46, "1/46", 205.1e9),
    Table3Row(67e9, 5.76e23, 1.0, "1", 1.5e12),
    Table3Row(175e9, 3.85e24, 6.7, "6.7", 3.7e12),
    Table3Row(280e9, 9.90e24, 17.2, "17.2", 5.9e12),
    Table3Row(520e9, 3.43e25, 59.5, "59.5", 11.0e12),
    Table3Row(1e12, 1.27e26, 221.3, "221.3", 21.2e12),
    Table3Row(10e12, 1.30e28, 22515.9, "22515.9", 216.2e12),
)
"""Hoffmann et al. 2022 (arXiv 2203.15556) Table 3, all nine rows: "Estimated optimal
training FLOPs and training tokens for various model sizes" (Approach 1)."""


# --- Well-known models ---------------------------------------------------------------


@dataclass(frozen=True)
class KnownModel:
    """A published model's size, training data and, where reported, training compute.

    Attributes:
        name: Display name.
        n_params: Parameter count.
        n_tokens: Training tokens.
        reported_flops: Training FLOPs as reported by a primary source, or None.
        citation: Paper or model card, arXiv id, and table or section.
    """

    name: str
    n_params: float
    n_tokens: float
    reported_flops: float | None
    citation: str

    @property
    def tokens_per_param(self) -> float:
        """D / N."""
        return self.n_tokens / self.n_params

    @property
    def flops_6nd(self) -> float:
        """The 6ND estimate of training compute."""
        return FLOPS_PER_PARAM_PER_TOKEN * self.n_params * self.n_tokens


KNOWN_MODELS: Final = (
    KnownModel(
        "GPT-3 175B",
        175e9,
        300e9,
        3.14e23,
        "Brown et al. 2020, arXiv 2005.14165, Table D.1 (3.14e23 FLOPs = 3.64e3 PF-days, "
        "300B tokens; Table D.1 counts 174.6B parameters)",
    ),
    KnownModel(
        "Gopher 280B",
        280e9,
        300e9,
        5.76e23,
        "Rae et al. 2021, arXiv 2112.11446 (280B, 300B tokens); compute from Hoffmann et al. "
        "2022, arXiv 2203.15556, Table 3 (1 Gopher unit = 5.76e23 FLOPs)",
    ),
    KnownModel(
        "Chinchilla 70B",
        70e9,
        1.4e12,
        5.76e23,
        "Hoffmann et al. 2022, arXiv 2203.15556, Table 1 and section 4.1 (same compute "
        "budget as Gopher, 5.76e23 FLOPs)",
    ),
    KnownModel(
        "LLaMA 65B",
        65.2e9,
        1.4e12,
        None,
        "Touvron et al. 2023, arXiv 2302.13971, Table 2 (65.2B parameters, 1.4T tokens)",
    ),
    KnownModel(
        "Llama 2 70B",
        70e9,
        2.0e12,
        None,
        "Touvron et al. 2023, arXiv 2307.09288, Table 1 (2.0T tokens)",
    ),
    KnownModel(
        "BloombergGPT 50B",
        50.6e9,
        569e9,
        None,
        "Wu et al. 2023, arXiv 2303.17564, sections 3-4 (50.6B parameters; stopped after "
        "569B of 709B tokens)",
    ),
    KnownModel(
        "Llama 3 8B",
        8e9,
        15e12,
        None,
        'Meta Llama 3 model card, meta-llama/llama3 MODEL_CARD.md ("pretrained on over 15 '
        'trillion tokens": 15T is a lower bound)',
    ),
)
"""Models for figures, in release order; compute is None where no primary source gives it."""


def known_model(name: str) -> KnownModel:
    """Look up a model of :data:`KNOWN_MODELS` by name.

    Args:
        name: The model's display name, e.g. ``"Chinchilla 70B"``.

    Returns:
        The model.

    Raises:
        ValueError: For an unknown name; the message lists the known ones.
    """
    by_name = {model.name: model for model in KNOWN_MODELS}
    return by_name[one_of("name", name, by_name)]


# --- Since Chinchilla: Llama 3, mixture of experts, repeated data, inference ----------


@dataclass(frozen=True)
class TokenFit:
    """A fitted power law for the compute-optimal number of training tokens, D*(C) = A C**alpha.

    Attributes:
        A: The coefficient.
        alpha: The exponent.
        source: Paper, arXiv id and section.
    """

    A: float
    alpha: float
    source: str


LLAMA3_TOKEN_FIT: Final = TokenFit(
    0.29,
    0.53,
    "Grattafiori et al. 2024, The Llama 3 Herd of Models, arXiv 2407.21783, section 3.2.1 "
    "(isoFLOP minima from 6e18 to 1e22 FLOPs; (alpha, A) = (0.53, 0.29) as printed)",
)
"""Llama 3's own fit of compute-optimal training tokens against training FLOPs."""


def llama3_optimal_tokens(flops: float) -> float:
    """Compute-optimal training tokens by Llama 3's fit, D* = 0.29 C**0.53.

    With the constants rounded as printed, the fit gives about 10.5T tokens at the
    flagship's 3.8e25 FLOPs, where the paper's own (unrounded) extrapolation reports
    16.55T; the exponent's third digit moves the answer by half.

    Args:
        flops: Training compute C, > 0.

    Returns:
        Tokens.

    Raises:
        ValueError: For non-positive compute.
    """
    budget = positive_number("flops", flops)
    return float(LLAMA3_TOKEN_FIT.A * budget**LLAMA3_TOKEN_FIT.alpha)


def moe_training_flops(n_active_params: float, n_tokens: float) -> float:
    """Training compute of a mixture-of-experts model, 6 N_active D.

    Each token passes through the shared layers and only the experts its router picks, so the
    6ND rule counts the parameters active per token, not the total: DeepSeek-V3 activates 37B
    of its 671B parameters per token (DeepSeek-AI 2024, arXiv 2412.19437).

    Args:
        n_active_params: Parameters used per token, > 0.
        n_tokens: Training tokens, > 0.

    Returns:
        FLOPs.

    Raises:
        ValueError: For non-positive arguments.
    """
    n = positive_number("n_active_params", n_active_params)
    d = positive_number("n_tokens", n_tokens)
    return FLOPS_PER_PARAM_PER_TOKEN * n * d


def inference_flops(n_params: float, n_tokens: float) -> float:
    """Forward-pass compute to process or generate tokens, about 2 N per token.

    Kaplan et al. 2020, section 2.1 (the forward pass is a third of 6N); attention over the
    context is left out, as in 6ND.

    Args:
        n_params: Parameters used per token, > 0.
        n_tokens: Tokens processed or generated, > 0.

    Returns:
        FLOPs.

    Raises:
        ValueError: For non-positive arguments.
    """
    n = positive_number("n_params", n_params)
    d = positive_number("n_tokens", n_tokens)
    return 2.0 * n * d


MUENNIGHOFF_R_D_STAR: Final = 15.4
"""Muennighoff et al. 2023 (arXiv 2305.16264), eq. 5 fit: repeated data loses value with a
half-life-like constant R_D* of about 15.4 repetitions."""


def effective_unique_tokens(
    unique_tokens: float, epochs: float, r_star: float = MUENNIGHOFF_R_D_STAR
) -> float:
    """Tokens of unique data worth the same as ``epochs`` passes over ``unique_tokens``.

    Muennighoff et al. 2023, "Scaling Data-Constrained Language Models", eq. 5:
    D' = U + U R* (1 - exp(-R / R*)), where R = epochs - 1 is the number of repetitions.
    For a few epochs D' is close to epochs * U (repeating is almost as good as new data);
    for many, D' approaches U (1 + R*).

    Args:
        unique_tokens: Unique tokens U, > 0.
        epochs: Passes over the data, >= 1.
        r_star: The decay constant R*, > 0.

    Returns:
        Effective tokens D'.

    Raises:
        ValueError: For non-positive tokens or r_star, or fewer than one epoch.
    """
    unique = positive_number("unique_tokens", unique_tokens)
    decay = positive_number("r_star", r_star)
    if isinstance(epochs, bool) or not epochs >= 1:
        raise ValueError(f"epochs must be >= 1, got {epochs!r}")
    repeats = float(epochs) - 1.0
    return unique + unique * decay * (1.0 - float(np.exp(-repeats / decay)))


def pipeline_bubble_fraction(stages: int, microbatches: int) -> float:
    """Share of a pipeline-parallel step that a GPU spends idle: (p - 1) / (m + p - 1).

    With p stages and m micro-batches, a GPipe or 1F1B schedule takes m + p - 1 slots of
    which p - 1 are the fill and drain bubble (Huang et al. 2019, GPipe; Narayanan et al.
    2021, arXiv 2104.04473, section 2.2.1, who state it relative to the ideal time as
    (p - 1) / m).

    Args:
        stages: Pipeline stages p, an integer >= 1.
        microbatches: Micro-batches per step m, an integer >= 1.

    Returns:
        The idle share of the step, in [0, 1).

    Raises:
        ValueError: For a count below 1.
    """
    p = positive_int("stages", stages)
    m = positive_int("microbatches", microbatches)
    return (p - 1) / (m + p - 1)


def model_flops_utilization(
    n_params: float, tokens_per_second: float, peak_flops: float, n_gpus: int = 1
) -> float:
    """Model FLOPs utilization: 6N x tokens per second over the hardware's peak.

    Chowdhery et al. 2022 (PaLM, arXiv 2204.02311, appendix B) define MFU as the model's
    FLOPs per second (without recomputation) over the peak; this is its 6N form, which leaves
    out attention FLOPs.

    Args:
        n_params: Parameters N, > 0.
        tokens_per_second: Training throughput of the whole job, > 0.
        peak_flops: Peak FLOP/s of one GPU in the precision used, > 0.
        n_gpus: GPUs in the job, an integer >= 1.

    Returns:
        The utilization, a fraction.

    Raises:
        ValueError: For non-positive arguments.
    """
    n = positive_number("n_params", n_params)
    rate = positive_number("tokens_per_second", tokens_per_second)
    peak = positive_number("peak_flops", peak_flops)
    gpus = positive_int("n_gpus", n_gpus)
    return FLOPS_PER_PARAM_PER_TOKEN * n * rate / (peak * gpus)


def gpu_hours(flops: float, peak_flops: float, utilization: float = 1.0) -> float:
    """GPU-hours a training run of ``flops`` takes at a fraction of one GPU's peak.

    hours = C / (peak x utilization) / 3600. Divide by 24 for GPU-days, and by the number of
    GPUs for wall-clock time (assuming they all run at that utilization).

    Args:
        flops: Training compute C, > 0 (for example :func:`training_flops`).
        peak_flops: Peak FLOP/s of one GPU in the precision used, > 0.
        utilization: Share of the peak achieved (MFU), in (0, 1].

    Returns:
        GPU-hours.

    Raises:
        ValueError: For non-positive arguments or a utilization above 1.
    """
    budget = positive_number("flops", flops)
    peak = positive_number("peak_flops", peak_flops)
    share = positive_number("utilization", utilization)
    if share > 1:
        raise ValueError(f"utilization must be in (0, 1], got {utilization!r}")
    return budget / (peak * share) / 3600.0


def rule_of_thumb_optimal(flops: float, tokens_per_param: float = 20.0) -> tuple[float, float]:
    """Compute-optimal (N, D) when D = r N is fixed: N = sqrt(C / (6 r)), D = r N.

    The "about 20 tokens per parameter" reading of Hoffmann et al. 2022, Approaches 1 and 2
    (Chinchilla, 70B parameters on 1.4T tokens, is the r = 20 point of C = 5.88e23).

    Args:
        flops: Training compute C, > 0.
        tokens_per_param: The ratio r = D / N, > 0.

    Returns:
        ``(n_params, n_tokens)``.

    Raises:
        ValueError: For non-positive arguments.
    """
    budget = positive_number("flops", flops)
    ratio = positive_number("tokens_per_param", tokens_per_param)
    n = (budget / (FLOPS_PER_PARAM_PER_TOKEN * ratio)) ** 0.5
    return n, ratio * n


def tokens_with_replay(domain_tokens: float, replay_share: float) -> float:
    """Total tokens a run sees when ``replay_share`` of every batch is replayed general text.

    The domain tokens are the other 1 - share of the mix: total = domain / (1 - share).

    Args:
        domain_tokens: Domain tokens to train on (epochs included), > 0.
        replay_share: Share of the mix that is replayed general data, in [0, 1).

    Returns:
        Total training tokens.

    Raises:
        ValueError: For non-positive domain tokens or a share outside [0, 1).
    """
    domain = positive_number("domain_tokens", domain_tokens)
    if isinstance(replay_share, bool) or not 0 <= replay_share < 1:
        raise ValueError(f"replay_share must be in [0, 1), got {replay_share!r}")
    return domain / (1.0 - float(replay_share))


# What computed numbers in the notes may name (see genai_notes.calc).
__all__ = [
    "CHINCHILLA_TABLE3",
    "FITS",
    "FLOPS_PER_PARAM_PER_TOKEN",
    "KAPLAN_C",
    "KAPLAN_D",
    "KAPLAN_N",
    "KNOWN_MODELS",
    "LLAMA3_TOKEN_FIT",
    "MUENNIGHOFF_R_D_STAR",
    "PF_DAY",
    "chinchilla_loss",
    "compute_optimal",
    "effective_unique_tokens",
    "flops_from_pf_days",
    "get_fit",
    "gpu_hours",
    "inference_flops",
    "isoflop_loss",
    "kaplan_loss_c",
    "kaplan_loss_d",
    "kaplan_loss_n",
    "known_model",
    "llama3_optimal_tokens",
    "model_flops_utilization",
    "moe_training_flops",
    "pf_days",
    "pipeline_bubble_fraction",
    "rule_of_thumb_optimal",
    "tokens_per_param",
    "tokens_with_replay",
    "training_flops",
]

"""Figures: sampling.

How decoding turns a next-token distribution into a choice: temperature, top-k and top-p
(:mod:`genai_notes.science.sampling` does every computation), and greedy versus seeded
random draws on a toy bigram model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal, get_args

import numpy as np

from genai_notes.figures.base import FigureResult, Length, Range, Table, figure
from genai_notes.figures.registry import ParameterError
from genai_notes.figures.style import finished, is_phone, legend, sizes
from genai_notes.numbers import format_number
from genai_notes.science import sampling

if TYPE_CHECKING:
    from collections.abc import Callable

    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from genai_notes.figures.style import Theme

# The worked example of docs/week1/generation-config.md: after "The soup was".
EXAMPLE_LOGITS = [2.0, 1.6, 1.2, 0.9, 0.2, -1.0]
EXAMPLE_TOKENS = ["delicious", "hot", "good", "cold", "salty", "purple"]

Logits = Annotated[list[float], Range(-30.0, 30.0), Length(2, 12)]
Tokens = Annotated[list[str], Length(2, 12)]
# Bounded below so logits / T stays finite and the bars stay readable.
Temperature = Annotated[float, Range(0.05, 10.0)]


def _check_tokens(logits: list[float], tokens: list[str]) -> None:
    if len(tokens) != len(logits):
        raise ParameterError(
            f"'tokens' must have one label per logit: got {len(tokens)} tokens "
            f"for {len(logits)} logits"
        )


def _yes_no(mask: np.ndarray) -> list[str]:
    return ["yes" if bool(kept) else "no" for kept in mask]


# --------------------------------------------------------------------------- temperature


@figure("sampling.temperature")
def temperature(
    logits: Logits = EXAMPLE_LOGITS,
    temperatures: Annotated[list[float], Range(0.05, 10.0), Length(1, 5)] = [0.5, 1.0, 2.0],  # noqa: B006
    tokens: Tokens = EXAMPLE_TOKENS,
) -> FigureResult:
    """Softmax of one next-token distribution at several temperatures.

    Args:
        logits: The model's scores (logits) for each candidate token, unitless.
        temperatures: Temperatures to compare, each in [0.05, 10]; below 1 sharpens.
        tokens: Labels of the candidate tokens, one per logit.
    """
    _check_tokens(logits, tokens)
    if len(set(temperatures)) != len(temperatures):
        raise ParameterError(f"'temperatures' must all be different, got {temperatures}")
    probs = [sampling.softmax(logits, temperature=t) for t in temperatures]
    columns = [f"p at T = {t:g}" for t in temperatures]
    data: dict[str, list[Any]] = {"token": tokens, "logit": logits}
    data.update({c: list(p) for c, p in zip(columns, probs, strict=True)})
    table = Table.from_columns(
        data,
        formats={"logit": ".2f"} | dict.fromkeys(columns, ".3f"),
    )

    def draw(fig: Figure, theme: Theme) -> None:
        ax = fig.add_subplot()
        phone = is_phone(fig)
        x = np.arange(len(tokens))
        width = 0.8 / len(temperatures)
        # temperature is ordered: a sequential ramp, in the order of the values
        ramp = dict(zip(sorted(temperatures), theme.ramp(len(temperatures)), strict=True))
        for i, (t, p) in enumerate(zip(temperatures, probs, strict=True)):
            offset = (i - (len(temperatures) - 1) / 2) * width
            ax.bar(x + offset, p, width * 0.92, color=ramp[t], label=f"$T$ = {format_number(t)}")
        ax.set_xlabel("next token (logit in brackets)")
        ax.set_xticks(
            x,
            [f"{tok}\n({format_number(z, 'g')})" for tok, z in zip(tokens, logits, strict=True)],
            rotation=30 if phone else 0,
        )
        ax.set_ylabel("probability")
        ax.set_ylim(0, float(max(np.max(p) for p in probs)) * 1.12)
        ax.grid(axis="x", visible=False)
        legend(fig, ax, loc="best", title="temperature", alignment="left", phone_ncols=3)

    return FigureResult(table, finished(draw), width=7.0, height=3.8, phone_height=4.6)


# --------------------------------------------------------------------------- top-k, top-p


@figure("sampling.top_k_top_p")
def top_k_top_p(
    logits: Logits = EXAMPLE_LOGITS,
    tokens: Tokens = EXAMPLE_TOKENS,
    temperature: Temperature = 1.0,
    top_k: Annotated[int, Range(1, 12)] = 3,
    top_p: Annotated[float, Range(0.0, 1.0, low_open=True)] = 0.8,
) -> FigureResult:
    """Top-k and top-p applied to the same next-token distribution, side by side.

    Args:
        logits: The model's scores (logits) for each candidate token, unitless.
        tokens: Labels of the candidate tokens, one per logit.
        temperature: Temperature applied to the logits before either filter, in [0.05, 10].
        top_k: Number of most likely tokens top-k keeps (ties with the k-th are kept too).
        top_p: Probability mass top-p's nucleus must reach, in (0, 1].
    """
    _check_tokens(logits, tokens)
    by_k = sampling.stages(logits, temperature=temperature, top_k=top_k)
    by_p = sampling.stages(logits, temperature=temperature, top_p=top_p)
    probs = by_k.probs  # the same distribution both filters start from
    order = np.argsort(-probs, kind="stable")  # science's tie-break: lower index first
    rank = np.empty(len(tokens), dtype=int)
    rank[order] = np.arange(1, len(tokens) + 1)
    cumulative = np.empty(len(tokens))
    cumulative[order] = np.cumsum(probs[order])
    crossing = int(order[np.count_nonzero(by_p.kept) - 1])  # last token the nucleus keeps
    table = Table.from_columns(
        {
            "token": tokens,
            "probability": list(probs),
            "kept by top-k": _yes_no(by_k.kept),
            "probability after top-k": list(by_k.final),
            "rank": [int(r) for r in rank],
            "cumulative probability (by rank)": list(cumulative),
            "kept by top-p": _yes_no(by_p.kept),
            "probability after top-p": list(by_p.final),
        },
        formats={
            "probability": ".3f",
            "probability after top-k": ".3f",
            "cumulative probability (by rank)": ".3f",
            "probability after top-p": ".3f",
        },
    )

    def draw(fig: Figure, theme: Theme) -> None:
        phone = is_phone(fig)
        left, right = fig.subplots(2, 1) if phone else fig.subplots(1, 2, sharey=True)
        top = float(max(np.max(by_k.final), np.max(by_p.final)))
        _filter_panel(left, theme, tokens, probs, by_k.kept, by_k.final, None)
        left.set_title(f"top-$k$ = {top_k}: keeps {np.count_nonzero(by_k.kept)}")
        left.set_ylabel("probability")
        sorted_tokens = [tokens[i] for i in order]
        _filter_panel(
            right,
            theme,
            sorted_tokens,
            probs[order],
            by_p.kept[order],
            by_p.final[order],
            int(np.flatnonzero(order == crossing)[0]),
        )
        x = np.arange(len(tokens))
        right.plot(x, cumulative[order], color=theme.text, marker="o", markersize=4, lw=1.4)
        right.axhline(top_p, color=theme.highlight, lw=1.2, ls="--")
        right.text(
            len(tokens) - 0.5,
            top_p,
            f"top-$p$ = {format_number(top_p)}",
            color=theme.highlight,
            ha="right",
            va="bottom",
        )
        right.set_title(f"top-$p$ = {format_number(top_p)}: keeps {np.count_nonzero(by_p.kept)}")
        if phone:
            right.set_ylabel("probability")
        right.set_xlabel("tokens sorted by probability")
        right.set_ylim(0, max(1.05, top * 1.25))
        left.set_xlabel("tokens")
        _legend(fig, theme, ncols=2 if phone else 4)

    return FigureResult(table, finished(draw), width=7.0, height=4.2, phone_height=7.4)


def _filter_panel(
    ax: Axes,
    theme: Theme,
    labels: list[str],
    probs: np.ndarray,
    kept: np.ndarray,
    after: np.ndarray,
    crossing: int | None,
) -> None:
    """Bars of ``probs``: kept ones in colour, removed ones greyed, and an outline at the
    renormalised probability of each kept token. ``crossing`` marks top-p's last token."""
    x = np.arange(len(labels))
    colours = [
        theme.colour("crossing")
        if i == crossing
        else theme.colour("kept")
        if k
        else theme.colour("removed")
        for i, k in enumerate(kept)
    ]
    ax.bar(x, probs, 0.7, color=colours)
    ax.bar(x[kept], after[kept], 0.7, fill=False, edgecolor=theme.text, lw=1.0, ls=(0, (3, 2)))
    ax.set_xticks(x, labels, rotation=30, ha="right", rotation_mode="anchor")
    ax.grid(axis="x", visible=False)
    if crossing is not None:
        ax.annotate(
            "crosses $p$:\nkept",
            (crossing, probs[crossing]),
            xytext=(0, 6),
            textcoords="offset points",
            ha="center",
            va="bottom",
            color=theme.highlight,
        )


def _legend(fig: Figure, theme: Theme, ncols: int) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [
        Patch(color=theme.colour("kept"), label="kept"),
        Patch(color=theme.colour("removed"), label="removed"),
        Patch(fill=False, edgecolor=theme.text, ls=(0, (3, 2)), label="kept, renormalised"),
        Line2D([], [], color=theme.text, marker="o", markersize=4, lw=1.4, label="cumulative"),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=ncols)


# --------------------------------------------------------------------------- greedy vs sampled

Word = Literal["the", "soup", "was", "hot", "and", "so", "good", "."]
VOCAB: tuple[str, ...] = get_args(Word)

# A toy bigram "language model", made up for this figure: the next word depends only on the
# current one. Each row holds the logits of the next word, in VOCAB order; -3 marks a word
# that does not fit. Each row's top choice leads into the loop "the soup was good . the ...",
# so greedy decoding from any word ends in it, while sampling has two or three plausible
# words at every step.
#             the  soup   was   hot   and    so  good     .
TOY_BIGRAM: dict[str, tuple[float, ...]] = {
    "the": (-3.0, 1.5, -3.0, 1.0, -3.0, -3.0, -3.0, -3.0),
    "soup": (-3.0, -3.0, 1.5, -3.0, 0.9, -3.0, -3.0, 1.0),
    "was": (-3.0, -3.0, -3.0, 1.1, -3.0, 1.0, 1.2, -3.0),
    "hot": (-3.0, 1.0, -3.0, -3.0, 1.1, -3.0, -3.0, 1.2),
    "and": (0.8, -3.0, -3.0, 0.9, -3.0, 0.7, 1.0, -3.0),
    "so": (-3.0, -3.0, -3.0, 1.2, -3.0, -3.0, 1.3, -3.0),
    "good": (-3.0, 0.9, -3.0, -3.0, 1.1, -3.0, -3.0, 1.3),
    ".": (1.5, -3.0, -3.0, -3.0, -3.0, 0.8, -3.0, -3.0),
}
REPEAT_N = 3  # a word is highlighted when it ends or lies in a 3-gram already seen in its row


def _generate(prompt: str, n_tokens: int, pick: Callable[[np.ndarray], int]) -> list[str]:
    """Continue ``prompt`` by ``n_tokens`` words; ``pick`` maps logits to a word index."""
    words = [prompt]
    for _ in range(n_tokens):
        words.append(VOCAB[pick(np.array(TOY_BIGRAM[words[-1]]))])
    return words[1:]


def repeated_positions(words: list[str], n: int = REPEAT_N) -> list[bool]:
    """For each word, whether it belongs to an n-gram that already occurred earlier."""
    marks = [False] * len(words)
    seen: set[tuple[str, ...]] = set()
    for start in range(len(words) - n + 1):
        gram = tuple(words[start : start + n])
        if gram in seen:
            for i in range(start, start + n):
                marks[i] = True
        seen.add(gram)
    return marks


@figure("sampling.greedy_vs_sampled")
def greedy_vs_sampled(
    prompt: Word = "the",
    n_tokens: Annotated[int, Range(2, 12)] = 12,
    temperature: Temperature = 1.0,
    top_p: Annotated[float, Range(0.0, 1.0, low_open=True)] = 0.9,
    seeds: Annotated[list[int], Range(0, 9999), Length(1, 5)] = [0, 1, 2, 3, 4],  # noqa: B006
) -> FigureResult:
    """Greedy decoding loops on a toy bigram model; seeded sampling varies and loops less.

    Args:
        prompt: The word generation starts from (one of the toy model's eight words).
        n_tokens: Number of words to generate after the prompt.
        temperature: Temperature of the sampled runs, in [0.05, 10] (greedy ignores it).
        top_p: Top-p of the sampled runs, in (0, 1]; 1 samples from every word.
        seeds: Seeds of the sampled runs' random generators, one run per seed.
    """
    if len(set(seeds)) != len(seeds):
        raise ParameterError(f"'seeds' must all be different, got {seeds}")
    runs: list[tuple[str, int | None, list[str]]] = [
        ("greedy", None, _generate(prompt, n_tokens, sampling.greedy))
    ]
    for seed in seeds:
        rng = np.random.default_rng(seed)

        def draw_one(logits: np.ndarray, rng: np.random.Generator = rng) -> int:
            probs = sampling.next_token_probs(logits, temperature=temperature, top_p=top_p)
            return sampling.sample(probs, rng)

        runs.append(("sampled", seed, _generate(prompt, n_tokens, draw_one)))
    marks = [repeated_positions([prompt, *words]) for _, _, words in runs]
    table = Table.from_columns(
        {
            "method": [method for method, _, _ in runs],
            "seed": [seed for _, seed, _ in runs],
            "prompt": [prompt] * len(runs),
            "continuation": [" ".join(words) for _, _, words in runs],
            f"words in repeated {REPEAT_N}-grams": [sum(m) for m in marks],
        }
    )
    height = 0.95 + 0.42 * len(runs)
    phone_height = 1.35 + 1.0 * len(runs)

    def draw(fig: Figure, theme: Theme) -> None:
        from matplotlib.patches import Rectangle

        phone = is_phone(fig)
        size = sizes(fig).label
        fig.set_layout_engine("none")  # one hand-placed axes in inch units
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_axis_off()
        ax.set_xlim(0, fig.get_figwidth())
        ax.set_ylim(fig.get_figheight(), 0)  # inches, top to bottom
        pitch = 1.0 if phone else 0.42
        for row, ((_, seed, words), mark) in enumerate(zip(runs, marks, strict=True)):
            y = (0.55 if phone else 0.3) + pitch * row
            label = "greedy" if seed is None else f"sampled, seed {seed}"
            row_words = [prompt, *words]
            if phone:
                ax.text(0.05, y - 0.3, label, va="center", color=theme.text)
                half = (len(row_words) + 1) // 2
                _word_row(ax, theme, row_words[:half], mark[:half], 0.05, y, size, prompt=True)
                _word_row(ax, theme, row_words[half:], mark[half:], 0.05, y + 0.34, size)
            else:
                ax.text(1.38, y, label, ha="right", va="center", color=theme.text)
                _word_row(ax, theme, row_words, mark, 1.45, y, size, prompt=True)
        y = (0.45 if phone else 0.3) + pitch * len(runs)
        x0 = 0.05 if phone else 1.45
        ax.add_patch(Rectangle((x0, y - 0.07), 0.22, 0.14, color=theme.colour("repeated")))
        ax.text(
            x0 + 0.3,
            y,
            f"in a {REPEAT_N}-word sequence seen earlier in the row",
            va="center",
            color=theme.muted,
        )
        settings = f"$T$ = {format_number(temperature)}, top-$p$ = {format_number(top_p)}"
        ax.text(
            x0,
            y + (0.42 if phone else 0.25),
            f"dashed box: the prompt.\nSampled runs: {settings}"
            if phone
            else f"dashed box: the prompt; sampled runs use {settings}",
            va="center",
            color=theme.muted,
        )

    return FigureResult(
        table, finished(draw), width=7.0, height=height + 0.05, phone_height=phone_height
    )


def _word_row(
    ax: Axes,
    theme: Theme,
    words: list[str],
    mark: list[bool],
    x0: float,
    y: float,
    fontsize: float,
    *,
    prompt: bool = False,
) -> None:
    """Draw words as boxes left to right from x0 (inches), sized to fit the text at
    ``fontsize``; with ``prompt`` the first word is the prompt (a dashed box)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.patches import FancyBboxPatch
    from matplotlib.textpath import TextPath

    font = FontProperties(family="DejaVu Sans")
    # Text widths in inches; "." is given a minimum so its box stays visible.
    widths = [
        max(TextPath((0, 0), w, size=fontsize, prop=font).get_extents().width / 72, 0.05)
        for w in words
    ]
    gap, pad = 0.04, 0.04
    x = x0
    for i, (word, width, repeated) in enumerate(zip(words, widths, mark, strict=True)):
        box = width + 2 * pad
        is_prompt = prompt and i == 0
        ax.add_patch(
            FancyBboxPatch(
                (x, y - 0.15),
                box,
                0.3,
                boxstyle="round,pad=0,rounding_size=0.04",
                facecolor="none"
                if is_prompt
                else theme.colour("repeated")
                if repeated
                else theme.surface,
                edgecolor=theme.colour("repeated") if repeated else theme.muted,
                lw=0.8,
                ls="--" if is_prompt else "-",
            )
        )
        ax.text(
            x + box / 2,
            y,
            word,
            ha="center",
            va="center_baseline",
            fontsize=fontsize,
            color=theme.on_fill if repeated and not is_prompt else theme.text,
        )
        x += box + gap

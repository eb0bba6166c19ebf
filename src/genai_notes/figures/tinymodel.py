"""Figures: the notes' tiny model (:mod:`genai_notes.tinylm`), trained on these notes by the build.

Every value is read from the trained artefact the build hands the figure (its digest is part of
each figure's cache key, so a retrained model redraws them): next-token distributions through
:mod:`genai_notes.science.sampling`, attention weights of every head and layer, the tokenizer's
splits and merges, and the training log (loss curves, checkpoint samples).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import numpy as np

from genai_notes.figures import artefacts
from genai_notes.figures.base import FigureResult, Length, Range, Table, figure
from genai_notes.figures.registry import ParameterError
from genai_notes.figures.style import finished, is_phone, legend, sizes
from genai_notes.numbers import format_number
from genai_notes.science import sampling

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from genai_notes.figures.style import Theme
    from genai_notes.tinylm import TrainedModel

ARTEFACTS = ("tinylm",)
"""The build artefacts these figures read (the engine keys them by the model's digest)."""

# Sentences and words from the notes' own pages.
ATTENTION_SENTENCE = "The model predicts the next token."
TOKENS_TEXT = "Attention lets every token look at the tokens before it."
MERGE_WORD = " attention"
COUNT_LABELS = ["English prose", "numbers", "code"]
COUNT_SAMPLES = [
    "The model reads the prompt and predicts the next token, one token at a time.",
    "16 bytes per parameter: 7e9 parameters need 112 GB, 70e9 need 1,120 GB.",
    "probs = np.exp(z - z.max()); probs /= probs.sum()",
]

Prompt = Annotated[str, Length(1, 200)]


@lru_cache(maxsize=2)
def _load(path: Path, mtime_ns: int) -> TrainedModel:
    from genai_notes.tinylm import weights

    return weights.from_bytes(path.read_bytes())


def model() -> TrainedModel:
    """The trained model of the build (the artefact the engine handed this figure)."""
    path = artefacts.path("tinylm")
    return _load(path, path.stat().st_mtime_ns)


def _printable(text: str, newline: str = "⏎") -> str:
    """``text`` with newlines as ``newline``, tabs as ⇥ and every other control character
    (a byte-level model's early samples hold some) as U+FFFD, which a font can draw: a
    control character in a page is an HTML parse error and shows as an empty box."""
    text = text.replace("\n", newline).replace("\t", "⇥")
    return "".join("\ufffd" if unicodedata.category(c) == "Cc" else c for c in text)


def _shown(token: str) -> str:
    """A token as a label: a leading space as ␣, newlines as ⏎, mathtext's $ escaped."""
    text = _printable(token)
    if text.startswith(" "):
        text = "␣" + text[1:]
    return text.replace("$", r"\$") or "∅"


def _ids(trained: TrainedModel, text: str) -> list[int]:
    ids = trained.tokenizer.encode(text)
    if not ids:
        raise ParameterError("the text has no tokens")
    if len(ids) > trained.context_length:
        raise ParameterError(
            f"the text has {len(ids)} tokens; the model's context is {trained.context_length}"
        )
    return ids


# --------------------------------------------------------------------------- next token


@figure("tinymodel.next_token")
def next_token(
    prompt: Prompt = "The attention",
    temperature: Annotated[float, Range(0.05, 10.0)] = 1.0,
    top_k: Annotated[int | None, Range(1, 4096)] = None,
    top_p: Annotated[float | None, Range(0.0, 1.0, low_open=True)] = None,
    shown: Annotated[int, Range(3, 20)] = 12,
) -> FigureResult:
    """The tiny model's next-token distribution after a prompt, before and after sampling's
    temperature, top-k and top-p (``science.sampling.stages``), for the most likely tokens.

    Args:
        prompt: Text the model continues.
        temperature: Temperature, in [0.05, 10].
        top_k: Keep the k most likely tokens (None keeps all).
        top_p: Keep the nucleus of this probability (None keeps all).
        shown: How many of the most likely tokens to show.
    """
    trained = model()
    logits = trained.next_token_logits(_ids(trained, prompt))
    st = sampling.stages(logits, temperature=temperature, top_k=top_k, top_p=top_p)
    order = np.argsort(-st.probs, kind="stable")[:shown]
    labels = [_shown(t) for t in trained.tokenizer.token_strings([int(i) for i in order])]
    table = Table.from_columns(
        {
            "rank": list(range(1, len(order) + 1)),
            "token": labels,
            "token id": [int(i) for i in order],
            "logit": [float(logits[i]) for i in order],
            "p at T = 1": [float(sampling.softmax(logits)[i]) for i in order],
            "p after T, top-k, top-p": [float(st.final[i]) for i in order],
        },
        formats={"logit": ".2f", "p at T = 1": ".3f", "p after T, top-k, top-p": ".3f"},
    )
    before = sampling.softmax(logits)[order]
    after = st.final[order]

    def draw(fig: Figure, theme: Theme) -> None:
        ax = fig.add_subplot()
        phone = is_phone(fig)
        y = np.arange(len(order))[::-1]
        ax.barh(y + 0.2, before, 0.38, color=theme.series[0], label="$T$ = 1, all tokens")
        ax.barh(y - 0.2, after, 0.38, color=theme.series[1], label="after $T$, top-k, top-p")
        ax.set_yticks(y, labels)
        ax.set_xlabel("probability of the next token")
        ax.set_xlim(0, float(max(before.max(), after.max())) * 1.15)
        ax.grid(axis="y", visible=False)
        ax.set_title(f"after “{_shown(prompt)}”" if not phone else "next token")
        legend(fig, ax, loc="lower right", phone_ncols=1)

    return FigureResult(table, finished(draw), width=7.0, height=4.4, phone_height=6.4)


# --------------------------------------------------------------------------- attention


@figure("tinymodel.attention")
def attention(sentence: Prompt = ATTENTION_SENTENCE) -> FigureResult:
    """The tiny model's attention weights for a sentence: one heat map per head (columns) and
    layer (rows); row = the query token, column = the key token it attends to (causal: only
    earlier tokens and itself).

    Args:
        sentence: A sentence of at most 20 tokens (the labels get crowded beyond).
    """
    trained = model()
    ids = _ids(trained, sentence)
    if len(ids) > 20:
        raise ParameterError(f"the sentence has {len(ids)} tokens; at most 20 stay readable")
    weights = trained.attention(ids)  # (layers, heads, T, T)
    n_layers, n_heads, n, _ = weights.shape
    labels = [_shown(t) for t in trained.tokenizer.token_strings(ids)]
    rows = []
    for layer in range(n_layers):
        for head in range(n_heads):
            for q in range(n):
                top = int(np.argmax(weights[layer, head, q, : q + 1]))
                rows.append(
                    (
                        layer + 1,
                        head + 1,
                        labels[q],
                        labels[top],
                        float(weights[layer, head, q, top]),
                    )
                )
    table = Table(
        ("layer", "head", "query token", "most attended key token", "its weight"),
        tuple(rows),
        {"its weight": ".2f"},
    )

    def draw(fig: Figure, theme: Theme) -> None:
        from matplotlib.colors import LinearSegmentedColormap

        phone = is_phone(fig)
        cmap = LinearSegmentedColormap.from_list("attention", [theme.surface, theme.series[0]])
        panels = [(layer, head) for layer in range(n_layers) for head in range(n_heads)]
        columns = 2 if phone else n_heads
        grid = fig.subplots(len(panels) // columns, columns, squeeze=False)
        note = sizes(fig).note
        for index, (layer, head) in enumerate(panels):
            ax = grid[index // columns][index % columns]
            shown_weights = np.ma.masked_array(
                weights[layer, head], mask=np.triu(np.ones((n, n), dtype=bool), 1)
            )
            ax.imshow(shown_weights, cmap=cmap, vmin=0.0, vmax=1.0)
            ax.set_title(f"layer {layer + 1}, head {head + 1}", fontsize=note)
            ax.grid(visible=False)
            ax.set_xticks([])
            ax.set_yticks([])
            if index % columns == 0:
                ax.set_yticks(range(n), labels, fontsize=note)
            for spine in ax.spines.values():
                spine.set_visible(False)
        fig.supxlabel("key token (left to right: the sentence)", fontsize=note)

    height = 2.0 * n_layers + 0.6
    phone_height = 1.9 * (n_layers * n_heads // 2) + 0.6
    return FigureResult(table, finished(draw), width=7.0, height=height, phone_height=phone_height)


# --------------------------------------------------------------------------- tokenisation


@figure("tinymodel.tokens")
def tokens(text: Prompt = TOKENS_TEXT) -> FigureResult:
    """How the tiny model's tokenizer (byte-level BPE trained on the notes) splits a text:
    one box per token, in order.

    Args:
        text: Text to split.
    """
    trained = model()
    ids = trained.tokenizer.encode(text)
    if not ids:
        raise ParameterError("the text has no tokens")
    pieces = trained.tokenizer.token_strings(ids)
    table = Table.from_columns(
        {
            "position": list(range(1, len(ids) + 1)),
            "token": [_shown(p) for p in pieces],
            "token id": ids,
            "bytes": [len(trained.tokenizer.token_bytes(i)) for i in ids],
        }
    )

    def draw(fig: Figure, theme: Theme) -> None:
        from matplotlib.patches import FancyBboxPatch

        ax = fig.add_subplot()
        ax.set_axis_off()
        width = fig.get_figwidth()
        size = sizes(fig).label
        per_char = size / 72 * 0.62  # inches per character, DejaVu Sans at this size
        x, line = 0.0, 0
        places = []
        for piece in pieces:
            w = max(len(_shown(piece)), 1) * per_char + 0.16
            if x + w > width - 0.1 and x > 0:
                x, line = 0.0, line + 1
            places.append((x, line, w))
            x += w + 0.06
        lines = line + 1
        ax.set_xlim(0, width)
        ax.set_ylim(lines * 0.5, 0)
        colours = (theme.series[0], theme.series[2])
        for i, (piece, (px, pl, w)) in enumerate(zip(pieces, places, strict=True)):
            ax.add_patch(
                FancyBboxPatch(
                    (px + 0.02, pl * 0.5 + 0.07),
                    w - 0.04,
                    0.34,
                    boxstyle="round,pad=0,rounding_size=0.05",
                    facecolor=colours[i % 2],
                    edgecolor="none",
                )
            )
            ax.text(
                px + w / 2,
                pl * 0.5 + 0.24,
                _shown(piece),
                ha="center",
                va="center",
                color=theme.on_fill,
                fontsize=size,
            )

    rows_wide = max(1, round(sum(len(_shown(p)) for p in pieces) * 10.5 / 72 * 0.62 / 6.5 + 0.5))
    rows_phone = max(1, round(sum(len(_shown(p)) for p in pieces) * 9.5 / 72 * 0.62 / 3.3 + 0.5))
    return FigureResult(
        table,
        finished(draw),
        width=7.0,
        height=0.5 * (rows_wide + 1),
        phone_height=0.5 * (rows_phone + 1),
    )


@figure("tinymodel.merges")
def merges(word: Prompt = MERGE_WORD) -> FigureResult:
    """The merge sequence of one word: its bytes, then the symbols after each learnt merge
    that applies, in the order the tokenizer learnt them (a table).

    Args:
        word: One pre-tokenised piece, e.g. a word with its leading space.
    """
    trained = model()
    steps = trained.tokenizer.merge_steps(word)
    rows = []
    for number, symbols in enumerate(steps):
        rows.append((number, " | ".join(_shown(s) for s in symbols), len(symbols)))
    return FigureResult(Table(("merge step", "symbols", "number of symbols"), tuple(rows)))


@figure("tinymodel.token_counts")
def token_counts(
    samples: Annotated[list[str], Length(1, 6)] = COUNT_SAMPLES,
    labels: Annotated[list[str], Length(1, 6)] = COUNT_LABELS,
) -> FigureResult:
    """Characters per token of a few kinds of text (a table): BPE trained on English notes
    packs prose into fewer, longer tokens than digits and code.

    Args:
        samples: The texts.
        labels: What kind of text each is.
    """
    if len(samples) != len(labels):
        raise ParameterError("'labels' must name each sample")
    trained = model()
    rows = []
    for label, text in zip(labels, samples, strict=True):
        ids = trained.tokenizer.encode(text)
        rows.append((label, text, len(text), len(ids), len(text) / max(len(ids), 1)))
    return FigureResult(
        Table(
            ("kind", "text", "characters", "tokens", "characters per token"),
            tuple(rows),
            {"characters per token": ".2f"},
        )
    )


# --------------------------------------------------------------------------- training


def _smooth(values: list[float], window: int) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    out = np.empty_like(array)
    for i in range(len(array)):
        out[i] = array[max(0, i - window + 1) : i + 1].mean()
    return out


@figure("tinymodel.loss")
def loss(window: Annotated[int, Range(1, 100)] = 16) -> FigureResult:
    """Training and validation loss of the tiny model over its optimiser steps, with the
    uniform guess (the log of the vocabulary size) for reference.

    Args:
        window: Steps in the running mean of the (noisy) per-batch training loss.
    """
    trained = model()
    log = trained.log
    hp = trained.hyperparameters
    smooth = _smooth(log.train_loss, window)
    tokens_per_step = hp.batch_size * hp.context
    table = Table.from_columns(
        {
            "step": log.val_steps,
            "epochs of the training split": [
                s * tokens_per_step / log.train_tokens for s in log.val_steps
            ],
            "training loss, running mean (nats/token)": [
                float(smooth[s - 1]) if s else float(log.train_loss[0]) for s in log.val_steps
            ],
            "validation loss (nats/token)": log.val_loss,
            "gap (nats/token)": [
                v - (float(smooth[s - 1]) if s else float(log.train_loss[0]))
                for s, v in zip(log.val_steps, log.val_loss, strict=True)
            ],
        },
        formats={
            "epochs of the training split": ".2f",
            "training loss, running mean (nats/token)": ".3f",
            "validation loss (nats/token)": ".3f",
            "gap (nats/token)": ".3f",
        },
    )
    uniform = float(np.log(trained.vocab_size))

    def draw(fig: Figure, theme: Theme) -> None:
        ax = fig.add_subplot()
        steps = np.arange(1, len(log.train_loss) + 1)
        ax.plot(steps, log.train_loss, color=theme.series[0], alpha=0.3, linewidth=1.0)
        ax.plot(steps, smooth, color=theme.series[0], label="training (running mean)")
        ax.plot(
            log.val_steps,
            log.val_loss,
            color=theme.series[1],
            marker="o",
            label="validation (held-out notes)",
        )
        ax.axhline(uniform, color=theme.muted, linestyle="--", linewidth=1.0)
        ax.annotate(
            f"uniform guess, ln {format_number(trained.vocab_size, ',')}",
            (len(steps), uniform),
            xytext=(0, 3),  # clear of the dashed line: the descender of "g" sat on it
            textcoords="offset points",
            ha="right",
            va="bottom",
            color=theme.text,
            fontsize=sizes(fig).note,
        )
        ax.set_xlabel("optimiser step")
        ax.set_ylabel("cross-entropy (nats/token)")
        ax.set_ylim(0, uniform * 1.12)
        legend(fig, ax, loc="lower left", phone_ncols=1)

    return FigureResult(table, finished(draw), width=7.0, height=3.8, phone_height=4.8)


@figure("tinymodel.samples")
def samples() -> FigureResult:
    """The tiny model's own text at checkpoints of its training (seeded samples, a table)."""
    trained = model()
    log = trained.log
    by_step = dict(zip(log.val_steps, log.val_loss, strict=True))
    rows = []
    for sample in log.samples:
        step = int(sample["step"])
        text = str(sample["text"])
        rows.append((step, by_step.get(step), _printable(text, newline=" ⏎ ")))
    return FigureResult(
        Table(
            ("step", "validation loss (nats/token)", "text (prompt, then the model's tokens)"),
            tuple(rows),
            {"validation loss (nats/token)": ".3f"},
        )
    )


@figure("tinymodel.facts")
def facts() -> FigureResult:
    """The tiny model in numbers (a table): size, shape, data and final losses."""
    trained = model()
    hp = trained.hyperparameters
    log = trained.log
    rows: list[tuple[str, Any]] = [
        ("parameters", trained.param_count),
        ("layers", hp.n_layers),
        ("attention heads per layer", hp.n_heads),
        ("width of the residual stream", hp.d_model),
        ("context (tokens)", hp.context),
        ("vocabulary (tokens, the 256 bytes included)", trained.vocab_size),
        ("training tokens", log.train_tokens),
        ("validation tokens", log.val_tokens),
        ("optimiser steps", hp.steps),
        ("tokens seen in training", hp.steps * hp.batch_size * hp.context),
        ("final validation loss (nats/token)", round(log.val_loss[-1], 3)),
        ("weights file (MB)", round(_weights_bytes(trained) / 1e6, 2)),
    ]
    return FigureResult(Table(("quantity", "value"), tuple(rows)))


def _weights_bytes(trained: TrainedModel) -> int:
    return artefacts.path("tinylm").stat().st_size

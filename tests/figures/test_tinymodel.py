"""Tests for genai_notes.figures.tinymodel on a small trained model (the tinylm tests' SMALL
configuration, a second or two of training): each figure's table against what the model and
its tokenizer say when asked directly, the checks, and rendering in both themes.

Expected values come from the tokenizer's and the model's own API, from a softmax written out
here, or from properties that hold by definition (attention rows sum to one, tokens concatenate
to the text), never from the figure's code.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest

from genai_notes.engine.drawing import Job, draw, start_in_process
from genai_notes.figures import artefacts, registry
from genai_notes.figures import tinymodel as figures
from genai_notes.figures.registry import ParameterError
from genai_notes.figures.style import Theme
from genai_notes.tinylm import artefact
from tests.figures.helpers import (
    assert_same_svg_with_text_twice,
    column,
    drawn_with_renderer,
    each_theme,
)
from tests.unit.tinylm_helpers import small_model

FIGURES = registry.collect(["genai_notes.figures.tinymodel"])


@pytest.fixture(autouse=True)
def weights(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The small model's weights file, handed to the figures as the build would."""
    path = tmp_path_factory.mktemp("tinylm") / "tinylm-small.bin"
    if not path.exists():
        path.write_bytes(artefact.weights_file(small_model()))
    artefacts.use([("tinylm", str(path))])
    yield path
    artefacts.use([])


def test_every_figure_declares_the_model_artefact() -> None:
    assert figures.ARTEFACTS == ("tinylm",)
    assert "genai_notes.figures.tinymodel" in registry.BUILTIN_MODULES
    assert {name.split(".")[0] for name in FIGURES} == {"tinymodel"}


def test_without_the_artefact_a_figure_fails_with_a_message() -> None:
    artefacts.use([])
    with pytest.raises(artefacts.ArtefactMissingError, match="tinylm"):
        FIGURES["tinymodel.facts"].call({})


def test_next_token_table_is_the_softmax_of_the_models_logits() -> None:
    trained = small_model()
    result = FIGURES["tinymodel.next_token"].call({"prompt": "The model", "shown": 5})
    logits = trained.next_token_logits(trained.tokenizer.encode("The model"))
    weights = [math.exp(z - max(logits)) for z in logits]
    by_hand = sorted((w / sum(weights) for w in weights), reverse=True)[:5]
    assert column(result, "p at T = 1") == pytest.approx(by_hand, rel=1e-9)
    # no filter: the distribution to sample from is the same one
    assert column(result, "p after T, top-k, top-p") == pytest.approx(by_hand, rel=1e-9)


def test_next_token_top_k_keeps_k_tokens() -> None:
    result = FIGURES["tinymodel.next_token"].call({"prompt": "The model", "top_k": 2})
    after = column(result, "p after T, top-k, top-p")
    assert sum(p > 0 for p in after) == 2
    assert sum(after) == pytest.approx(1.0)


def test_attention_rows_sum_to_one_per_head() -> None:
    trained = small_model()
    sentence = "The model predicts"
    result = FIGURES["tinymodel.attention"].call({"sentence": sentence})
    n = len(trained.tokenizer.encode(sentence))
    hp = trained.hyperparameters
    assert len(result.table.rows) == hp.n_layers * hp.n_heads * n
    weights = trained.attention(trained.tokenizer.encode(sentence))
    assert weights.sum(axis=-1) == pytest.approx(1.0)
    assert all(0 < w <= 1 for w in column(result, "its weight"))


def test_attention_refuses_a_long_sentence() -> None:
    with pytest.raises(ParameterError, match="at most 20"):
        FIGURES["tinymodel.attention"].call({"sentence": "token " * 25})


def test_tokens_concatenate_to_the_text() -> None:
    text = "Each head computes queries, keys and values."
    result = FIGURES["tinymodel.tokens"].call({"text": text})
    pieces = [t.replace("␣", " ", 1) if t.startswith("␣") else t for t in column(result, "token")]
    assert "".join(pieces) == text
    assert sum(column(result, "bytes")) == len(text.encode())


def test_merges_end_at_the_words_tokens() -> None:
    trained = small_model()
    result = FIGURES["tinymodel.merges"].call({"word": " attention"})
    last = column(result, "symbols")[-1]
    tokens = trained.tokenizer.token_strings(trained.tokenizer.encode(" attention"))
    assert last.split(" | ") == [t.replace(" ", "␣", 1) if t.startswith(" ") else t for t in tokens]
    assert column(result, "number of symbols")[0] == len(" attention")


def test_token_counts_count_characters_and_tokens() -> None:
    trained = small_model()
    result = FIGURES["tinymodel.token_counts"].call({"samples": ["abc def"], "labels": ["x"]})
    assert column(result, "characters") == [7]
    assert column(result, "tokens") == [len(trained.tokenizer.encode("abc def"))]
    with pytest.raises(ParameterError, match="labels"):
        FIGURES["tinymodel.token_counts"].call({"samples": ["a", "b"], "labels": ["x"]})


def test_loss_table_is_the_training_log() -> None:
    log = small_model().log
    result = FIGURES["tinymodel.loss"].call({"window": 1})
    assert column(result, "step") == log.val_steps
    assert column(result, "validation loss (nats/token)") == log.val_loss
    # a window of one: the "running mean" at step s is the loss of batch s
    train = column(result, "training loss, running mean (nats/token)")
    assert train[1:] == [log.train_loss[s - 1] for s in log.val_steps[1:]]


def test_samples_and_facts() -> None:
    trained = small_model()
    samples = FIGURES["tinymodel.samples"].call({})
    assert column(samples, "step") == [s["step"] for s in trained.log.samples]
    facts = dict(FIGURES["tinymodel.facts"].call({}).table.rows)
    assert facts["parameters"] == trained.param_count
    assert facts["vocabulary (tokens, the 256 bytes included)"] == trained.vocab_size


@each_theme
@pytest.mark.parametrize("name", ["tinymodel.next_token", "tinymodel.loss", "tinymodel.tokens"])
def test_drawings_are_stable_text(name: str, theme: Theme) -> None:
    assert_same_svg_with_text_twice(FIGURES[name], theme)


def test_a_job_draws_with_the_artefact_it_names(weights: Path) -> None:
    artefacts.use([])
    start_in_process(["genai_notes.figures.tinymodel"])
    outcome = draw(
        Job("k" * 24, "tinymodel.attention", {"sentence": "The model"}, (("tinylm", str(weights)),))
    )
    assert outcome.error is None, outcome.details
    assert outcome.svgs is not None and set(outcome.svgs) == {
        "light",
        "dark",
        "phone-light",
        "phone-dark",
    }


def test_control_bytes_of_a_sample_are_shown_as_the_replacement_character() -> None:
    # the untrained model's sample at step 0 decoded bytes 0x0f and 0x12: empty boxes in the
    # page (and HTML parse errors); newlines and tabs keep their visible marks
    assert figures._printable("a\x0fb\x12\nc\td", newline=" ⏎ ") == "a\ufffdb\ufffd ⏎ c⇥d"


def test_the_uniform_guess_label_sits_clear_of_its_line() -> None:
    # set with its bottom on the dashed line, the descender of "guess" touched it
    from genai_notes.figures.style import LIGHT

    result = FIGURES["tinymodel.loss"].call({})
    for size in ((result.width, result.height), result.phone_size):
        fig, renderer = drawn_with_renderer(result, LIGHT, size)
        ax = fig.axes[0]
        (label,) = [t for t in ax.texts if t.get_text().startswith("uniform guess")]
        line = next(ln for ln in ax.lines if ln.get_linestyle() == "--")
        line_y = ax.transData.transform((0, line.get_ydata()[0]))[1]
        assert label.get_window_extent(renderer).y0 >= line_y + 2

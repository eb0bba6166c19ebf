"""The sampling playground on the tiny model, in Chromium over HTTP and from file://: a prompt
shows the model's real next-token distribution, temperature changes it, and seeded generation
is reproducible and equals Python's seeded sampling (genai_notes.science.sampling with the same
mulberry32 generator) on the Python model's logits.

A small model (the tinylm tests' SMALL configuration) keeps the page fast; the scripts are the
site's own files.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from genai_notes.science import sampling
from genai_notes.tinylm import artefact
from tests.browser.helpers import guard
from tests.site.helpers import serve_folder
from tests.unit.tinylm_helpers import small_model

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ("genai-constants.js", "genai-science.js", "tinylm.js", "tinylm-playground.js")
NOTE = "This model was trained by the build on the notes as they are now."
PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>playground</title></head>
<body><main>
<div id="pg" data-tinylm-playground data-prompt="The model" data-model-state="current"
 data-model-note="{NOTE}"><p>needs JavaScript</p></div>
</main>
{"".join(f'<script src="javascripts/{s}"></script>' for s in SCRIPTS)}
</body></html>
"""


class Mulberry32:
    """mulberry32 (Tommy Ettinger's 32-bit generator, as genai-science.js's seededRandom),
    written out from its published definition, with numpy Generator's ``random()`` name so
    ``science.sampling.sample`` can draw with it."""

    def __init__(self, seed: int) -> None:
        self.state = seed & 0xFFFFFFFF

    def random(self) -> float:
        mask = 0xFFFFFFFF
        self.state = (self.state + 0x6D2B79F5) & mask
        x = self.state
        x = ((x ^ (x >> 15)) * (x | 1)) & mask
        x ^= (x + (((x ^ (x >> 7)) * (x | 61)) & mask)) & mask
        return ((x ^ (x >> 14)) & mask) / 4294967296


def python_generation(prompt: str, n: int, seed: int, **options: Any) -> list[int]:
    """Seeded generation in Python: the model's logits, science.sampling's filters and draw."""
    trained = small_model()
    ids = trained.tokenizer.encode(prompt)
    rng = Mulberry32(seed)
    out: list[int] = []
    for _ in range(n):
        logits = trained.next_token_logits((ids + out)[-trained.context_length :])
        probs = sampling.next_token_probs(logits, **options)
        out.append(sampling.sample(probs, rng))  # type: ignore[arg-type]
    return out


def write_site(root: Path) -> None:
    scripts = root / "javascripts"
    scripts.mkdir()
    for name in SCRIPTS:
        shutil.copy(ROOT / "docs/javascripts" / name, scripts / name)
    (scripts / "tinylm-weights.js").write_text(artefact.weights_script(small_model()))
    (root / "index.html").write_text(PAGE)


@pytest.fixture(params=["file", "http"])
def playground(request: Any, browser: Any, tmp_path: Path) -> Iterator[Any]:
    """The playground page, opened from file:// and over HTTP."""
    write_site(tmp_path)
    context = browser.new_context()
    page = context.new_page()
    if request.param == "file":
        blocked, errors = guard(page, lambda url: url.startswith("file://"))
        page.goto((tmp_path / "index.html").as_uri())
        yield page
    else:
        with serve_folder(tmp_path) as url:
            blocked, errors = guard(page)
            page.goto(url + "index.html")
            yield page
    context.close()
    assert not blocked, blocked
    assert not errors, errors


def ready(page: Any) -> None:
    page.wait_for_selector("#pg[data-ready='true'] [data-role='distribution'] tbody tr")


def rows(page: Any) -> list[dict[str, float]]:
    return list(
        page.eval_on_selector_all(
            "#pg [data-role='distribution'] tbody tr",
            """(trs) => trs.map((tr) => ({id: Number(tr.dataset.tokenId),
                 p: Number(tr.dataset.p), final: Number(tr.dataset.pFinal)}))""",
        )
    )


def test_a_prompt_shows_the_models_distribution(playground: Any) -> None:
    ready(playground)
    trained = small_model()
    playground.fill("#pg [data-role='prompt']", "Each head")
    playground.wait_for_function(
        "() => document.querySelector('#pg [data-role=output]').textContent.startsWith('Each')"
    )
    logits = trained.next_token_logits(trained.tokenizer.encode("Each head"))
    probs = sampling.softmax(logits)
    top = np.argsort(-probs, kind="stable")[:10]
    shown = rows(playground)
    assert [r["id"] for r in shown] == [int(i) for i in top]
    np.testing.assert_allclose([r["p"] for r in shown], probs[top], rtol=1e-5)
    note = playground.text_content("#pg .genai-tinylm-note")
    assert note == NOTE


def test_temperature_changes_the_distribution_to_sample_from(playground: Any) -> None:
    ready(playground)
    trained = small_model()
    logits = trained.next_token_logits(trained.tokenizer.encode("The model"))
    before = rows(playground)
    playground.fill("#pg [data-role='temperature']", "0.5")
    playground.wait_for_function(
        """(p) => Number(document.querySelector('#pg tbody tr').dataset.pFinal) !== p""",
        arg=before[0]["final"],
    )
    after = rows(playground)
    want = sampling.next_token_probs(logits, temperature=0.5)
    np.testing.assert_allclose(
        [r["final"] for r in after], want[[r["id"] for r in after]], rtol=1e-5
    )
    assert after[0]["final"] > before[0]["final"]  # T < 1 sharpens: the top token gains


def test_seeded_generation_is_reproducible_and_equals_python(playground: Any) -> None:
    ready(playground)
    playground.fill("#pg [data-role='temperature']", "0.9")
    playground.fill("#pg [data-role='top-k']", "20")
    playground.fill("#pg [data-role='top-p']", "0.95")
    playground.fill("#pg [data-role='seed']", "7")
    playground.fill("#pg [data-role='count']", "12")
    runs = []
    for _ in range(2):
        playground.click("#pg [data-role='generate']")
        playground.wait_for_function(
            "() => JSON.parse(document.querySelector('#pg').dataset.generated || '[]').length"
            " === 12"
        )
        runs.append(
            playground.evaluate("() => JSON.parse(document.querySelector('#pg').dataset.generated)")
        )
        playground.click("#pg [data-role='reset']")
    assert runs[0] == runs[1]
    want = python_generation("The model", 12, 7, temperature=0.9, top_k=20, top_p=0.95)
    assert runs[0] == want
    # one token at a time from the same seed gives the same tokens
    playground.fill("#pg [data-role='seed']", "7")
    for _ in range(3):
        playground.click("#pg [data-role='step']")
    stepped = playground.evaluate(
        "() => JSON.parse(document.querySelector('#pg').dataset.generated)"
    )
    assert stepped == want[:3]


def test_seeded_sampling_equals_python_on_the_same_logits(playground: Any) -> None:
    ready(playground)
    rng = np.random.default_rng(3)
    cases = [
        {"logits": list(rng.normal(0, 3, size=50)), "seed": int(s), "t": t, "k": k, "p": p}
        for s, t, k, p in [(0, 1.0, None, None), (1, 0.7, 10, None), (42, 1.3, None, 0.9)]
    ]
    got = playground.evaluate(
        """(cases) => cases.map((c) => {
          const g = window.genaiNotes, rng = g.seededRandom(c.seed), out = [];
          const probs = g.nextTokenProbs(c.logits, {temperature: c.t, topK: c.k, topP: c.p});
          for (let i = 0; i < 20; i++) out.push(g.sample(probs, rng));
          return out;
        })""",
        cases,
    )
    for case, tokens in zip(cases, got, strict=True):
        probs = sampling.next_token_probs(
            case["logits"], temperature=case["t"], top_k=case["k"], top_p=case["p"]
        )
        rng32 = Mulberry32(case["seed"])
        assert tokens == [sampling.sample(probs, rng32) for _ in range(20)]  # type: ignore[arg-type]


def test_the_form_is_keyboard_operable_with_labels(playground: Any) -> None:
    ready(playground)
    labels = playground.eval_on_selector_all(
        "#pg input, #pg textarea",
        "(els) => els.map((e) => document.querySelector(`label[for='${e.id}']`) !== null)",
    )
    assert labels and all(labels)
    playground.focus("#pg [data-role='generate']")
    playground.keyboard.press("Enter")
    playground.wait_for_function(
        "() => JSON.parse(document.querySelector('#pg').dataset.generated || '[]').length > 0"
    )
    assert playground.get_attribute("#pg [data-role='status']", "aria-live") == "polite"


def test_the_built_page_runs_the_notes_model_like_python(browser: Any, site_url: str) -> None:
    """The real site: the playground on generation-config loads the shipped model, says where
    it comes from, and its seeded generation equals Python's on the same (cached) model."""
    from genai_notes.engine import tinymodel
    from tests.site.helpers import model_cache

    model = tinymodel.prepare(ROOT / "docs", model_cache(), retrain=False).trained()
    context = browser.new_context()
    page = context.new_page()
    blocked, errors = guard(page)
    page.goto(site_url + "week1/generation-config/")
    page.wait_for_selector("#tinylm-playground[data-ready='true'] tbody tr", timeout=60_000)
    assert "trained" in page.text_content("#tinylm-playground .genai-tinylm-note").lower()
    got = page.evaluate(
        """() => document.querySelector('#tinylm-playground')
             .genaiGenerate('The attention', 10, {temperature: 0.8, topK: 40}, 5)"""
    )
    ids = model.tokenizer.encode("The attention")
    rng, want = Mulberry32(5), []
    for _ in range(10):
        logits = model.next_token_logits((ids + want)[-model.context_length :])
        probs = sampling.next_token_probs(logits, temperature=0.8, top_k=40)
        want.append(sampling.sample(probs, rng))  # type: ignore[arg-type]
    context.close()
    assert got == want
    assert not blocked, blocked
    assert not errors, errors


# In each row of the distribution, the text of one cell ends at least 4 px before the next
# cell's text begins: the table carries a class, so Material's cell padding never reached it,
# and on a phone "220" ran into "0.027".
_CROWDED_CELLS = """() => {
  const crowded = [];
  for (const row of document.querySelectorAll("#tinylm-playground tr")) {
    const boxes = [...row.cells].map((cell) => {
      const text = document.createRange();
      text.selectNodeContents(cell);
      const rects = [...text.getClientRects()].filter((r) => r.width > 0);
      return rects.length ? [Math.min(...rects.map((r) => r.left)),
                             Math.max(...rects.map((r) => r.right))] : null;
    }).filter(Boolean);
    for (let i = 1; i < boxes.length; i++) {
      if (boxes[i][0] - boxes[i - 1][1] < 4) crowded.push(row.textContent.trim().slice(0, 30));
    }
  }
  return crowded;
}"""


@pytest.mark.parametrize("width", [1280, 390])
def test_the_distribution_tables_cells_keep_apart(browser: Any, site_url: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(site_url + "week1/generation-config/")
    page.wait_for_selector("#tinylm-playground[data-ready='true'] tbody tr", timeout=60_000)
    crowded = page.evaluate(_CROWDED_CELLS)
    context.close()
    assert crowded == []

"""The in-browser calculators in Chromium: the JavaScript agrees with genai_notes on random
inputs, each calculator works from the keyboard alone, and bad input keeps the last result."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import expect

from genai_notes import calculators
from genai_notes.science import memory, peft, sampling, scaling

pytestmark = pytest.mark.browser

N_CASES = 600
REL_TOL = 1e-9
PAGES = {
    "memory": "week1/compute-memory/",
    "scaling": "week1/scaling-laws/",
    "sampling": "week1/generation-config/",
    "training": "week1/compute-memory/",
    "serving": "week1/compute-memory/",
}

# Converts the Python keyword names of each case to the camelCase options of the JavaScript.
CAMEL_JS = """
const camel = (o) => Object.fromEntries(Object.entries(o).map(
  ([k, v]) => [k.replace(/_([a-z])/g, (_, c) => c.toUpperCase()), v]));
const attempt = (f) => { try { return f(); } catch (e) { return {error: String(e.message)}; } };
"""


@pytest.fixture
def open_page(browser: Any, site_url: str) -> Iterator[Any]:
    """Opens a calculator page in a fresh context; fails the test on any console error."""
    contexts: list[Any] = []
    errors: list[str] = []

    def opener(name: str, **context_args: Any) -> Any:
        context = browser.new_context(**context_args)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        # The fragment moves Chromium's focus starting point to the calculator, as a reader
        # following a link to it would; Tab then walks from there, not from the top.
        page.goto(site_url + PAGES[name] + f"#{name}-calculator", wait_until="networkidle")
        return page

    yield opener
    for context in contexts:
        context.close()
    assert errors == []


def close(a: float, b: float) -> bool:
    """Relative error below REL_TOL (exact equality for zeros and infinities)."""
    if a == b:
        return True
    return abs(a - b) <= REL_TOL * max(abs(a), abs(b))


def assert_close(js: Any, py: Any, what: str) -> None:
    if isinstance(py, (list, tuple, np.ndarray)):
        assert len(js) == len(py), what
        for index, (left, right) in enumerate(zip(js, py, strict=True)):
            assert_close(left, right, f"{what}[{index}]")
    else:
        assert close(float(js), float(py)), f"{what}: JavaScript {js!r}, Python {py!r}"


def python_or_error(function: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return function(*args, **kwargs)
    except ValueError as error:
        return {"error": str(error)}


# --- one source of truth: JavaScript against Python ------------------------------------


def memory_cases(rng: np.random.Generator) -> list[dict[str, Any]]:
    target_sets = list(calculators.LORA_TARGET_SETS.values())
    cases = []
    for _ in range(N_CASES):
        heads = int(rng.choice([1, 2, 4, 8, 12, 16, 32, 40, 64, 96]))
        kv_heads = int(rng.choice([k for k in (1, 2, 4, 8, heads) if heads % k == 0]))
        head_dim = int(rng.choice([32, 64, 80, 128, 256]))
        d_model = int(rng.choice([heads * head_dim, int(rng.integers(64, 16384))]))
        mode = str(rng.choice(calculators.MEMORY_MODES))
        full = mode == "full"
        cases.append(
            {
                "mode": mode,
                "dtype": str(rng.choice(list(memory.DTYPES))),
                "kw": {
                    "n_params": float(10 ** rng.uniform(6, 12)),
                    "n_layers": int(rng.integers(1, 128)),
                    "d_model": d_model,
                    "n_heads": heads,
                    "n_kv_heads": kv_heads,
                    "head_dim": head_dim,
                    "seq_len": int(rng.integers(1, 131072)),
                    "batch": int(rng.integers(1, 64)),
                    "stage": int(rng.integers(0, 4)) if full else 0,
                    "n_gpus": int(rng.integers(1, 1024)) if full else 1,
                    "lora_rank": int(rng.integers(1, 64)),
                    "lora_targets": list(target_sets[int(rng.integers(0, len(target_sets)))]),
                    "d_ff": int(rng.integers(64, 65536)),
                },
                "shape": {
                    "vocab": int(rng.integers(1000, 256000)),
                    "gated_mlp": bool(rng.integers(0, 2)),
                    "tied_embeddings": bool(rng.integers(0, 2)),
                },
            }
        )
    return cases


MEMORY_JS = (
    "(cases) => {"
    + CAMEL_JS
    + """
        return cases.map((c) => {
          const g = window.genaiNotes, k = c.kw, s = c.shape;
          return {
            vram: attempt(() => g.vramBreakdown(c.mode, c.dtype, camel(k))),
            kv: g.kvCacheBytes(k.n_layers, k.n_kv_heads, k.head_dim, k.seq_len, k.batch, c.dtype),
            params: g.transformerParams(k.n_layers, k.d_model, s.vocab, camel({
              n_heads: k.n_heads, n_kv_heads: k.n_kv_heads, head_dim: k.head_dim,
              d_ff: k.d_ff, gated_mlp: s.gated_mlp, tied_embeddings: s.tied_embeddings})),
            weights: g.weightsBytes(k.n_params, c.dtype),
            zero: g.zeroBytesPerGpu(k.n_params, k.n_gpus, k.stage),
            act: g.activationBytes(k.n_layers, k.d_model, k.n_heads, k.seq_len, k.batch),
            lora: attempt(() => g.loraModelParams(
              k.d_model, k.n_layers, k.lora_rank, k.lora_targets, k.d_ff)),
            gb: g.toGb(k.n_params), gib: g.toGib(k.n_params),
          };
        });
        }"""
)


def memory_twin_cases() -> list[dict[str, Any]]:
    """The random cases of the memory twins (a fixed seed)."""
    cases: list[dict[str, Any]] = memory_cases(np.random.default_rng(20240607))
    return cases


def check_memory(cases: list[dict[str, Any]], results: list[dict[str, Any]]) -> None:
    """Assert that the JavaScript results of the memory twins equal Python's."""
    computed = 0
    for index, (case, js) in enumerate(zip(cases, results, strict=True)):
        k, s, what = case["kw"], case["shape"], f"case {index} {case['mode']} {case['dtype']}"
        py = python_or_error(calculators.vram_breakdown, case["mode"], case["dtype"], **k)
        if isinstance(py, dict):
            assert "error" in js["vram"], f"{what}: Python refused ({py['error']}), JS did not"
        else:
            computed += 1
            assert [label for label, _ in js["vram"]["items"]] == list(py.labels), what
            assert_close([b for _, b in js["vram"]["items"]], [b for _, b in py.items], what)
            assert_close(js["vram"]["total"], py.total, what + " total")
        assert_close(
            js["kv"],
            memory.kv_cache_bytes(
                k["n_layers"],
                k["n_kv_heads"],
                k["head_dim"],
                k["seq_len"],
                k["batch"],
                case["dtype"],
            ),
            what + " kv",
        )
        expected_params = memory.transformer_params(
            k["n_layers"], k["d_model"], s["vocab"], n_heads=k["n_heads"],
            n_kv_heads=k["n_kv_heads"], head_dim=k["head_dim"], d_ff=k["d_ff"],
            gated_mlp=s["gated_mlp"], tied_embeddings=s["tied_embeddings"],
        )  # fmt: skip
        assert js["params"] == expected_params, what
        assert_close(js["weights"], memory.weights_bytes(k["n_params"], case["dtype"]), what)
        zero = memory.zero_bytes_per_gpu(k["n_params"], k["n_gpus"], k["stage"])
        assert_close(js["zero"], zero, what + " zero")
        act = memory.activation_bytes(
            k["n_layers"], k["d_model"], k["n_heads"], k["seq_len"], k["batch"]
        )
        assert_close(js["act"], act, what + " activations")
        lora = python_or_error(
            peft.lora_model_params, k["d_model"], k["n_layers"], k["lora_rank"],
            k["lora_targets"], k["d_ff"],
        )  # fmt: skip
        assert (js["lora"] == lora) or ("error" in js["lora"] and "error" in lora), what
        assert_close([js["gb"], js["gib"]], [k["n_params"] / 1e9, k["n_params"] / 2**30], what)
    assert computed >= 300  # most cases compute; the rest check that both sides refuse


def test_memory_functions_match_python_on_random_inputs(open_page: Any) -> None:
    page = open_page("memory")
    cases = memory_twin_cases()
    check_memory(cases, page.evaluate(MEMORY_JS, cases))


SCALING_JS = """(cases) => cases.map((c) => {
          const g = window.genaiNotes;
          return {
            optimal: g.computeOptimal(c.flops, c.fit),
            optimalLoss: g.chinchillaLoss(...g.computeOptimal(c.flops, c.fit), c.fit),
            loss: g.chinchillaLoss(c.n, c.d, c.fit),
            pfDays: g.pfDays(c.flops),
            back: g.flopsFromPfDays(c.flops / 1e20),
            sixND: g.trainingFlops(c.n, c.d),
            ratio: g.tokensPerParam(c.n, c.d),
            cluster: g.flopsFromGpuHours(...c.cluster),
          };
        })"""


def scaling_twin_cases() -> list[dict[str, Any]]:
    """The random cases of the scaling twins (a fixed seed)."""
    rng = np.random.default_rng(7)
    cases: list[dict[str, Any]] = [
        {
            "flops": float(10 ** rng.uniform(12, 32)),
            "n": float(10 ** rng.uniform(6, 13)),
            "d": float(10 ** rng.uniform(8, 14)),
            "fit": str(rng.choice(list(scaling.FITS))),
            "cluster": [
                float(rng.integers(1, 100000)),
                float(rng.uniform(0.1, 10000)),
                float(rng.uniform(10, 2000)),
                float(rng.uniform(0.01, 1)),
            ],
        }
        for _ in range(N_CASES)
    ]
    return cases


def check_scaling(cases: list[dict[str, Any]], results: list[dict[str, Any]]) -> None:
    """Assert that the JavaScript results of the scaling twins equal Python's."""
    for index, (case, js) in enumerate(zip(cases, results, strict=True)):
        what = f"case {index} {case['fit']}"
        optimal = scaling.compute_optimal(case["flops"], case["fit"])
        assert_close(js["optimal"], optimal, what + " compute_optimal")
        assert_close(js["optimalLoss"], scaling.chinchilla_loss(*optimal, case["fit"]), what)
        assert_close(js["loss"], scaling.chinchilla_loss(case["n"], case["d"], case["fit"]), what)
        assert_close(js["pfDays"], scaling.pf_days(case["flops"]), what)
        assert_close(js["back"], scaling.flops_from_pf_days(case["flops"] / 1e20), what)
        assert_close(js["sixND"], scaling.training_flops(case["n"], case["d"]), what)
        assert_close(js["ratio"], scaling.tokens_per_param(case["n"], case["d"]), what)
        assert_close(js["cluster"], calculators.flops_from_gpu_hours(*case["cluster"]), what)


def test_scaling_functions_match_python_on_random_inputs(open_page: Any) -> None:
    page = open_page("scaling")
    cases = scaling_twin_cases()
    check_scaling(cases, page.evaluate(SCALING_JS, cases))


class _FixedRandom:
    """Stands in for numpy's Generator: random() returns the given uniform number."""

    def __init__(self, value: float) -> None:
        self.value = value

    def random(self) -> float:
        return self.value


def sampling_cases(rng: np.random.Generator) -> list[dict[str, Any]]:
    cases = []
    for index in range(N_CASES):
        size = int(rng.integers(1, 40))
        logits = rng.normal(0, 3, size).round(int(rng.integers(0, 4)))  # rounding makes ties
        temperature = float(10 ** rng.uniform(-1.3, 0.8))
        top_k = None if rng.random() < 0.3 else int(rng.integers(1, size + 1))
        top_p = None if rng.random() < 0.2 else float(rng.uniform(0.01, 1.0))
        if index % 5 == 0:
            # Put top-p exactly on a cumulative sum, where the kept set could differ.
            after = sampling.stages(logits, temperature=temperature, top_k=top_k).after_top_k
            ranked = np.sort(after)[::-1]
            top_p = float(min(np.cumsum(ranked)[int(rng.integers(0, size))], 1.0))
        if index % 7 == 0:
            top_p = 1.0
        cases.append(
            {
                "logits": [float(z) for z in logits],
                "temperature": temperature,
                "top_k": top_k,
                "top_p": top_p,
                "u": float(rng.random()),
            }
        )
    return cases


SAMPLING_JS = """(cases) => cases.map((c) => {
          const g = window.genaiNotes;
          const st = g.stages(c.logits, {temperature: c.temperature, topK: c.top_k, topP: c.top_p});
          return {
            scaled: st.scaledLogits, probs: st.probs, afterTopK: st.afterTopK,
            afterTopP: st.afterTopP, keptTopK: st.keptTopK, kept: st.kept,
            next: g.nextTokenProbs(
              c.logits, {temperature: c.temperature, topK: c.top_k, topP: c.top_p}),
            softmax: g.softmax(c.logits, c.temperature),
            entropyBits: g.entropy(st.final, 2), entropyNats: g.entropy(st.final),
            greedy: g.greedy(c.logits),
            sample: g.sample(st.final, () => c.u),
          };
        })"""


def sampling_twin_cases() -> list[dict[str, Any]]:
    """The random cases of the sampling twins (a fixed seed)."""
    cases: list[dict[str, Any]] = sampling_cases(np.random.default_rng(99))
    return cases


def check_sampling(cases: list[dict[str, Any]], results: list[dict[str, Any]]) -> None:
    """Assert that the JavaScript results of the sampling twins equal Python's."""
    for index, (case, js) in enumerate(zip(cases, results, strict=True)):
        what = f"case {index}"
        settings = {key: case[key] for key in ("temperature", "top_k", "top_p")}
        st = sampling.stages(case["logits"], **settings)
        assert js["keptTopK"] == st.kept_top_k.tolist(), what + " top-k set"
        assert js["kept"] == st.kept.tolist(), what + " surviving set"
        assert_close(js["scaled"], st.scaled_logits, what + " scaled")
        assert_close(js["probs"], st.probs, what + " softmax")
        assert_close(js["afterTopK"], st.after_top_k, what + " after top-k")
        assert_close(js["afterTopP"], st.after_top_p, what + " after top-p")
        assert_close(js["next"], st.final, what + " next_token_probs")
        assert_close(js["softmax"], sampling.softmax(case["logits"], case["temperature"]), what)
        assert_close(js["entropyBits"], sampling.entropy(st.final, base=2), what + " entropy")
        assert_close(js["entropyNats"], sampling.entropy(st.final), what + " entropy")
        assert js["greedy"] == sampling.greedy(case["logits"]), what
        assert js["sample"] == sampling.sample(st.final, _FixedRandom(case["u"])), what  # type: ignore[arg-type]


def test_sampling_functions_match_python_on_random_inputs(open_page: Any) -> None:
    page = open_page("sampling")
    cases = sampling_twin_cases()
    check_sampling(cases, page.evaluate(SAMPLING_JS, cases))


# --- keyboard only ----------------------------------------------------------------------


def field_id(page: Any, label: str) -> str:
    label_node = page.locator(".genai-calc label", has_text=re.compile(f"^{re.escape(label)}$"))
    return str(label_node.first.get_attribute("for"))


def tab_to(page: Any, label: str) -> str:
    """Press Tab until the field labelled ``label`` has the focus; return its id."""
    target = field_id(page, label)
    if page.evaluate("document.activeElement && document.activeElement.id") == target:
        return target
    for _ in range(300):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == target:
            return target
    raise AssertionError(f"Tab never reached the field labelled {label!r}")


def type_into(page: Any, label: str, text: str, *, at_once: bool = False) -> str:
    """Tab to a text field, select what it holds and type ``text``, keys only.

    Typed key by key, every prefix is an input of its own ("1" on the way to "1e999" is a
    good value); ``at_once`` enters the whole text in one input event, as a paste would.
    """
    target = tab_to(page, label)
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    if text and at_once:
        page.keyboard.insert_text(text)
    elif text:
        page.keyboard.type(text)
    return target


def choose(page: Any, label: str, option_text: str) -> None:
    """Tab to a select and press arrow keys until it shows ``option_text``."""
    target = tab_to(page, label)
    for key in ["Home"] + ["ArrowDown"] * 10:
        page.keyboard.press(key)
        if page.evaluate(
            "(id) => document.getElementById(id).selectedOptions[0].text",
            target,
        ).startswith(option_text):
            return
    raise AssertionError(f"{label!r} has no option {option_text!r}")


def row_cells(page: Any, calculator: str, first_cell: str, table: int = 0) -> list[str]:
    tables = page.locator(f"[data-calculator={calculator}] .genai-calc__results table")
    # The memory table's first cell holds a label and a formula: match the label alone.
    first = page.locator("th, th > .genai-calc__part > .genai-calc__label")
    row = (
        tables.nth(table)
        .locator("tr")
        .filter(has=first.filter(has_text=re.compile(f"^{re.escape(first_cell)}$")))
    )
    return [text.strip() for text in row.first.locator("th, td").all_inner_texts()]


def gb_gib(n_bytes: float) -> list[str]:
    return [f"{n_bytes / 1e9:,.2f}", f"{n_bytes / 2**30:,.2f}"]


def test_memory_calculator_by_keyboard_only(open_page: Any) -> None:
    page = open_page("memory")
    type_into(page, "Batch size (per GPU)", "4")
    type_into(page, "Sequence length (tokens)", "2048")
    page.keyboard.press("Tab")
    # Llama 2 7B from its shape: transformers' 6,738,415,616 less the 2 x 32 + 1 RMSNorm
    # weights of width 4096 the shape formula leaves out.
    n = 6_738_415_616 - (2 * 32 + 1) * 4096
    kv = memory.kv_cache_bytes(32, 32, 128, 2048, 4, "fp16")
    assert row_cells(page, "memory", "KV cache (fp16)")[1:] == gb_gib(kv)
    assert row_cells(page, "memory", "weights (bf16)")[1:] == gb_gib(n * 2)

    # Grouped-query attention: 8 key-value heads shrink the cache four-fold.
    type_into(page, "Key-value heads", "8")
    assert row_cells(page, "memory", "KV cache (fp16)")[1:] == gb_gib(kv / 4)

    choose(page, "Mode", "Full fine-tuning")
    choose(page, "ZeRO stage", "3")
    type_into(page, "GPUs (data parallel)", "8")
    n_gqa = memory.transformer_params(
        32, 4096, 32000, n_heads=32, n_kv_heads=8, head_dim=128, d_ff=11008,
        gated_mlp=True, tied_embeddings=False,
    )  # fmt: skip
    expected = calculators.vram_breakdown(
        "full", "bf16", n_params=n_gqa, n_layers=32, d_model=4096, n_heads=32, n_kv_heads=8,
        head_dim=128, seq_len=2048, batch=4, stage=3, n_gpus=8,
    )  # fmt: skip
    for label, n_bytes in expected.items:
        cells = row_cells(page, "memory", label)
        assert cells[1:] == gb_gib(n_bytes), label
        assert cells[0].startswith(label) and len(cells[0]) > len(label) + 5, "no formula"
    assert row_cells(page, "memory", "Total per GPU")[1:] == gb_gib(expected.total)

    choose(page, "Mode", "QLoRA")
    text = page.locator("[data-calculator=memory] .genai-calc__results").inner_text()
    assert "frozen weights (NF4, 4-bit)" in text and "quantization constants" in text


def test_scaling_calculator_by_keyboard_only(open_page: Any) -> None:
    page = open_page("scaling")
    type_into(page, "Training compute (FLOPs)", "5.76e23")
    for fit, label in (("hoffmann2022", "Hoffmann et al. 2022"), ("epoch2024", "Epoch AI 2024")):
        n_opt, d_opt = scaling.compute_optimal(5.76e23, fit)
        cells = row_cells(page, "scaling", label)
        assert cells[1] == f"{n_opt / 1e9:.4g}B", fit
        assert cells[3] == f"{d_opt / n_opt:,.1f}", fit
        assert cells[4] == f"{scaling.chinchilla_loss(n_opt, d_opt, fit):.3f}", fit
    assert row_cells(page, "scaling", "Chinchilla 70B", table=1)[3] == "20.0"

    choose(page, "Compute given as", "GPUs")
    type_into(page, "GPUs", "2048")
    type_into(page, "Hours", "500")
    flops = calculators.flops_from_gpu_hours(2048, 500, 312, 0.4)
    summary = page.locator("[data-calculator=scaling] .genai-calc__summary").inner_text()
    mantissa, exponent = f"{flops:.3e}".split("e")
    assert f"C = {float(mantissa):g}e{int(exponent)} FLOPs" in summary


def test_sampling_playground_by_keyboard_only(open_page: Any) -> None:
    page = open_page("sampling")
    type_into(page, "Temperature", "0.5")
    type_into(page, "Top-p", "0.8")
    logits = calculators.SAMPLING_PRESETS["The soup was"]["logits"]
    tokens = calculators.SAMPLING_PRESETS["The soup was"]["tokens"]
    final = sampling.next_token_probs(logits, temperature=0.5, top_p=0.8)
    summary = page.locator("[data-calculator=sampling] .genai-calc__summary").inner_text()
    assert summary.startswith(f"{int(np.count_nonzero(final))} of 6 tokens survive")
    assert f"entropy {sampling.entropy(final, base=2):.3f} bits" in summary
    for token, p in zip(tokens, final, strict=True):
        cells = row_cells(page, "sampling", token)
        assert cells[5] == (f"{100 * p:.1f}%" if p > 0 else "0"), token

    type_into(page, "Logit of “purple”", "5")
    changed = [*logits[:5], 5.0]
    final = sampling.next_token_probs(changed, temperature=0.5, top_p=0.8)
    assert row_cells(page, "sampling", "purple")[5] == f"{100 * final[5]:.1f}%"

    tab_to(page, "Greedy decoding (do_sample=False)")
    page.keyboard.press("Space")
    summary = page.locator("[data-calculator=sampling] .genai-calc__summary").inner_text()
    assert summary.startswith("1 of 6 tokens survive")
    assert "“purple”" in summary  # the largest logit now
    assert row_cells(page, "sampling", "purple", table=1)[-1] == "1000"
    assert row_cells(page, "sampling", "delicious", table=1)[-1] == "0"


# --- bad input --------------------------------------------------------------------------

BAD_INPUTS = [
    ("", "Enter a value."),
    ("-5", "Enter a value"),
    ("abc", "Enter a number"),
    ("1e999", "too large"),
]


@pytest.mark.parametrize(
    ("calculator", "label"),
    [
        ("memory", "Layers"),
        ("memory", "Sequence length (tokens)"),
        ("scaling", "Training compute (FLOPs)"),
        ("sampling", "Temperature"),
        ("sampling", "Top-p"),
    ],
)
def test_bad_input_shows_a_message_and_keeps_the_last_result(
    open_page: Any, calculator: str, label: str
) -> None:
    page = open_page(calculator)
    results = page.locator(f"[data-calculator={calculator}] .genai-calc__results")
    good = results.inner_text()
    for text, message in BAD_INPUTS:
        target = type_into(page, label, text, at_once=True)
        error = page.locator(f"#{target}-error")
        assert message.lower() in error.inner_text().lower(), (label, text)
        assert page.locator(f"#{target}").get_attribute("aria-invalid") == "true"
        described_by = page.locator(f"#{target}").get_attribute("aria-describedby")
        assert f"{target}-error" in str(described_by)
        assert results.inner_text() == good, (label, text)
        whole = page.locator(f"[data-calculator={calculator}]").inner_text()
        assert "NaN" not in whole and "Infinity" not in whole
        status = page.locator(f"[data-calculator={calculator}] .genai-calc__status").inner_text()
        assert "last valid input" in status
    # A good value clears the message.
    target = type_into(page, label, "0.9" if label == "Top-p" else "2")
    assert page.locator(f"#{target}-error").inner_text() == ""
    assert page.locator(f"#{target}").get_attribute("aria-invalid") is None


def test_mode_and_format_that_cannot_go_together_explain_why(open_page: Any) -> None:
    page = open_page("memory")
    results = page.locator("[data-calculator=memory] .genai-calc__results")
    choose(page, "Weight format", "int8")
    good = results.inner_text()
    choose(page, "Mode", "Full fine-tuning")
    target = field_id(page, "Weight format")
    assert "fp16 or bf16" in page.locator(f"#{target}-error").inner_text()
    assert results.inner_text() == good


# --- without JavaScript, and with instant navigation -------------------------------------


def test_without_javascript_the_page_keeps_its_figures_and_says_why(open_page: Any) -> None:
    page = open_page("memory", java_script_enabled=False)
    assert page.locator(".genai-figure").count() >= 1
    for name in ("memory", "training", "serving"):
        assert "needs JavaScript" in page.locator(f"[data-calculator={name}]").inner_text()
    # The typical setups stay readable without JavaScript (and in print).
    article = page.locator("article").inner_text()
    assert "Typical training setups" in article and "Typical serving setups" in article


def test_calculator_is_built_after_instant_navigation(open_page: Any) -> None:
    page = open_page("memory")
    page.locator(".md-nav__link[href$='scaling-laws/']").first.click()
    page.locator("[data-calculator=scaling] .genai-calc__results table").first.wait_for()
    assert page.locator("[data-calculator=scaling] .genai-calc").count() == 1
    assert not math.isnan(page.evaluate("window.genaiNotes.computeOptimal(1e23, 'epoch2024')[0]"))


# --- the parallelism and hardware twins, training and serving ------------------------------


def test_new_twins_match_python_in_chromium(open_page: Any) -> None:
    from tests import js_twins

    page = open_page("training")
    all_cases = js_twins.cases()
    counts = js_twins.check(all_cases, page.evaluate(js_twins.JS_RUNNER, all_cases))
    assert all(compared >= 500 for compared in counts.values()), counts
    assert page.evaluate("typeof window.genaiNotes.modelStatesBytesPerGpu") == "function"


def scoped_id(page: Any, calculator: str, label: str) -> str:
    node = page.locator(f"[data-calculator={calculator}] label").filter(
        has_text=re.compile(f"^{re.escape(label)}$")
    )
    return str(node.first.get_attribute("for"))


def tab_to_field(page: Any, calculator: str, label: str) -> str:
    target = scoped_id(page, calculator, label)
    for _ in range(400):
        if page.evaluate("document.activeElement && document.activeElement.id") == target:
            return target
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {label!r} in the {calculator} calculator")


def type_field(page: Any, calculator: str, label: str, text: str) -> str:
    target = tab_to_field(page, calculator, label)
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    page.keyboard.type(text)
    return target


def choose_field(page: Any, calculator: str, label: str, option_text: str) -> None:
    target = tab_to_field(page, calculator, label)
    for key in ["Home"] + ["ArrowDown"] * 12:
        page.keyboard.press(key)
        shown = page.evaluate("(id) => document.getElementById(id).selectedOptions[0].text", target)
        if shown.startswith(option_text):
            return
    raise AssertionError(f"{label!r} has no option {option_text!r}")


def result_value(page: Any, calculator: str, label: str) -> str:
    row = page.locator(f"[data-calculator={calculator}] .genai-calc__results tr").filter(
        has=page.locator(".genai-calc__label", has_text=re.compile(f"^{re.escape(label)}$"))
    )
    return str(row.first.locator("td").last.inner_text()).strip()


def test_training_calculator_by_keyboard_only(open_page: Any) -> None:
    page = open_page("training")
    choose_field(page, "training", "Model", "Llama 3 70B")
    type_field(page, "training", "Tensor parallel (TP)", "8")
    type_field(page, "training", "Pipeline stages (PP)", "4")
    type_field(page, "training", "Data parallel (DP)", "16")
    choose_field(page, "training", "ZeRO stage (over DP)", "1")
    page.keyboard.press("Tab")
    # By hand: 70,553,706,496 / 32 = 2,204,803,328 parameters per GPU; bf16 weights and
    # gradients 2 B each, fp32 master 4 B and Adam 8 B divided by DP 16 under ZeRO-1.
    local = 70_553_706_496 / 32
    assert result_value(page, "training", "weights") == f"{2 * local / 1e9:,.2f} GB"
    assert result_value(page, "training", "optimizer states") == f"{8 * local / 16 / 1e9:,.2f} GB"
    # Activations: 20 layers x 4 micro-batches in flight x 4096 x 1 x 8192 x 34 / 8 bytes.
    assert (
        result_value(page, "training", "activations")
        == f"{80 * 4096 * 8192 * 34 / 8 / 1e9:,.2f} GB"
    )
    formula = page.locator("[data-calculator=training] .genai-calc__formula").first.inner_text()
    assert "TP 8" in formula and "PP 4" in formula
    choose_field(page, "training", "Show memory in", "GiB")
    assert result_value(page, "training", "weights") == f"{2 * local / 2**30:,.2f} GiB"
    # An uneven pipeline is refused beside its field, naming the layers.
    target = type_field(page, "training", "Pipeline stages (PP)", "3")
    assert "80 layers" in page.locator(f"#{target}-error").inner_text()


def test_serving_calculator_by_keyboard_only(open_page: Any) -> None:
    page = open_page("serving")
    choose_field(page, "serving", "GPU", "L4")
    type_field(page, "serving", "Concurrent requests B", "4")
    page.keyboard.press("Tab")
    # Llama 3 8B in bf16 on 24 GB: 0.9 x 24e9 - 16,060,522,496 = 5.539e9 bytes free;
    # 8,192 tokens x 131,072 bytes = 1.0737e9 per request, so 5 requests fit.
    summary = page.locator("[data-calculator=serving] .genai-calc__summary").inner_text()
    assert summary.startswith("5 requests of 8192 tokens fit")
    # Decode at batch 1: 300e9 / (16,060,522,496 + 1,073,741,824) bytes per token.
    expected = 300e9 / (16_060_522_496 + 1_073_741_824)
    assert result_value(page, "serving", "decode speed at batch 1") == f"{expected:.1f} tokens/s"
    choose_field(page, "serving", "Weight format", "int4-g128")
    assert float(result_value(page, "serving", "weights per GPU").split()[0]) < 7


def test_a_link_reopens_the_calculator_in_its_state(open_page: Any, site_url: str) -> None:
    page = open_page("serving")
    choose_field(page, "serving", "Model", "Mixtral 8x7B")
    type_field(page, "serving", "GPUs per replica (TP)", "2")
    type_field(page, "serving", "Context per request (tokens)", "4096")
    page.keyboard.press("Tab")
    url = page.url
    assert "#serving-calculator?" in url and "tp=2" in url and "context=4096" in url
    results = "[data-calculator=serving] .genai-calc__results"
    before = page.locator(results).inner_text()
    other = page.context.new_page()
    other.goto(url, wait_until="networkidle")
    # the reopened page computes on load; under load that may come after "networkidle"
    expect(other.locator(results)).to_have_text(before, use_inner_text=True, timeout=10_000)
    assert other.locator(f"#{scoped_id(other, 'serving', 'Model')}").input_value() == "Mixtral 8x7B"
    # The static table's links set the calculator to the state of their row.
    page.locator("a[href*='#serving-calculator?gpu=L4']").first.click()
    gpu = page.locator(f"#{scoped_id(page, 'serving', 'GPU')}")
    page.wait_for_function(
        "(id) => document.getElementById(id).value === 'L4'", arg=gpu.get_attribute("id")
    )
    assert "L4" in page.locator("[data-calculator=serving] .genai-calc__summary").inner_text()


@pytest.mark.parametrize("text", ["1,5", "0,9"])
def test_a_decimal_comma_is_refused_and_said_not_read_as_fifteen(open_page: Any, text: str) -> None:
    page = open_page("training")
    target = type_field(page, "training", "Micro-batch (sequences)", text)
    message = page.locator(f"#{target}-error").inner_text()
    assert "point for decimals" in message
    # Thousands separators still work.
    target = type_field(page, "training", "Sequence length (tokens)", "4,096")
    assert page.locator(f"#{target}-error").inner_text() == ""


def test_a_100000_digit_paste_is_refused_at_once(open_page: Any) -> None:
    import time

    page = open_page("scaling")
    target = tab_to(page, "Training compute (FLOPs)")
    page.keyboard.press("Control+A")
    start = time.monotonic()
    page.keyboard.insert_text("9" * 100_000)
    message = page.locator(f"#{target}-error").inner_text()
    assert time.monotonic() - start < 5
    assert "too long" in message


def test_out_of_range_advice_does_not_say_try_smaller_values(open_page: Any) -> None:
    page = open_page("scaling")
    type_into(page, "Training compute (FLOPs)", "1e-300", at_once=True)
    text = page.locator("[data-calculator=scaling]").inner_text()
    assert "try smaller values" not in text


def test_calculators_work_from_the_offline_copy_by_file_url(
    browser: Any, offline_copy: Path
) -> None:
    page_file = offline_copy / "week1" / "compute-memory.html"
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        url = page_file.as_uri() + "#training-calculator?tp=2&dp=4"
        page.goto(url, wait_until="load")
        for name in ("memory", "training", "serving"):
            page.locator(f"[data-calculator={name}] .genai-calc__results table").first.wait_for()
        assert (
            page.locator(f"#{scoped_id(page, 'training', 'Tensor parallel (TP)')}").input_value()
            == "2"
        )
        type_field(page, "training", "Data parallel (DP)", "16")
        assert "dp=16" in page.url
        assert errors == []
    finally:
        context.close()


@pytest.mark.parametrize(
    ("calculator", "label", "text"),
    [("sampling", "Temperature", "0.5"), ("scaling", "Training compute (FLOPs)", "3e22")],
)
def test_every_calculator_round_trips_its_state_through_the_hash(
    open_page: Any, calculator: str, label: str, text: str
) -> None:
    page = open_page(calculator)
    type_into(page, label, text)
    page.keyboard.press("Tab")
    assert f"#{calculator}-calculator?" in page.url
    results = f"[data-calculator={calculator}] .genai-calc__results"
    before = page.locator(results).inner_text()
    other = page.context.new_page()
    other.goto(page.url, wait_until="networkidle")
    assert other.locator(f"#{field_id(other, label)}").input_value() == text
    assert other.locator(results).inner_text() == before

/* The sampling playground on the notes' tiny model (docs/week1/generation-config.md).
 *
 * An element <div data-tinylm-playground> becomes a form: the reader types a prompt and sees
 * the model's next-token distribution (window.genaiNotes.tinyModel, docs/javascripts/tinylm.js)
 * before and after temperature, top-k and top-p, and generates text token by token with a seed.
 * The sampling is genai-science.js's twin of genai_notes.science.sampling (nextTokenProbs,
 * then sample with seededRandom, mulberry32), so the same logits and seed give Python's tokens.
 * The build sets data-model-note (where the model comes from); the model's weights load only
 * when a playground is on the page.
 */
(function () {
  "use strict";

  var SHOWN = 10;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      node.setAttribute(name, attrs[name]);
    });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function field(form, id, label, attrs) {
    var wrap = el("div", { class: "genai-tinylm-field" });
    var input = el(attrs.tag || "input", Object.assign({ id: id, name: id }, attrs.attrs));
    if (attrs.value !== undefined) input.value = attrs.value;
    wrap.appendChild(el("label", { for: id }, label));
    wrap.appendChild(input);
    form.appendChild(wrap);
    return input;
  }

  function shown(token) {
    var text = token.replace(/\n/g, "⏎").replace(/\t/g, "⇥");
    if (text.charAt(0) === " ") text = "␣" + text.slice(1);
    return text || "∅";
  }

  // The options of genaiNotes.nextTokenProbs from the form (empty fields: the filter is off).
  function options(inputs) {
    var topK = inputs.topK.value.trim();
    var topP = inputs.topP.value.trim();
    return {
      temperature: Number(inputs.temperature.value),
      topK: topK === "" ? null : Number(topK),
      topP: topP === "" ? null : Number(topP),
    };
  }

  // Seeded generation, exactly as tests/browser/test_tinylm_playground.py does in Python.
  function generate(model, ids, n, opts, seed) {
    var g = window.genaiNotes;
    var rng = g.seededRandom(seed);
    var out = ids.slice();
    var chosen = [];
    for (var step = 0; step < n; step++) {
      var logits = model.nextTokenLogits(out.slice(-model.contextLength));
      var next = g.sample(g.nextTokenProbs(logits, opts), rng);
      out.push(next);
      chosen.push(next);
    }
    return chosen;
  }

  function build(root) {
    var id = root.id || "tinylm-playground";
    root.classList.add("genai-tinylm-playground");
    root.textContent = "";
    var note = root.getAttribute("data-model-note");
    if (note) root.appendChild(el("p", { class: "genai-tinylm-note" }, note));
    var form = el("form", { class: "genai-tinylm-form", "aria-label": "Sampling playground" });
    var inputs = {
      prompt: field(form, id + "-prompt", "Prompt", {
        tag: "textarea",
        attrs: { rows: "2", "data-role": "prompt", spellcheck: "false" },
        value: root.getAttribute("data-prompt") || "The attention",
      }),
      temperature: field(form, id + "-temperature", "Temperature", {
        attrs: { type: "number", min: "0.05", max: "10", step: "0.05", "data-role": "temperature" },
        value: "1",
      }),
      topK: field(form, id + "-top-k", "Top-k (empty: off)", {
        attrs: { type: "number", min: "1", step: "1", "data-role": "top-k" },
        value: "",
      }),
      topP: field(form, id + "-top-p", "Top-p (empty: off)", {
        attrs: { type: "number", min: "0.01", max: "1", step: "0.01", "data-role": "top-p" },
        value: "",
      }),
      seed: field(form, id + "-seed", "Seed", {
        attrs: { type: "number", min: "0", step: "1", "data-role": "seed" },
        value: "0",
      }),
      count: field(form, id + "-count", "Tokens to generate", {
        attrs: { type: "number", min: "1", max: "200", step: "1", "data-role": "count" },
        value: "20",
      }),
    };
    var buttons = el("div", { class: "genai-tinylm-buttons" });
    var stepButton = el("button", { type: "button", class: "md-button", "data-role": "step" },
      "Add one token");
    var runButton = el("button", { type: "submit", class: "md-button md-button--primary",
      "data-role": "generate" }, "Generate");
    var resetButton = el("button", { type: "button", class: "md-button", "data-role": "reset" },
      "Back to the prompt");
    buttons.appendChild(runButton);
    buttons.appendChild(stepButton);
    buttons.appendChild(resetButton);
    form.appendChild(buttons);
    root.appendChild(form);

    var status = el("p", { class: "genai-tinylm-status", "aria-live": "polite",
      "data-role": "status" }, "Loading the model…");
    root.appendChild(status);
    var output = el("p", { class: "genai-tinylm-output", "data-role": "output" });
    output.setAttribute("aria-label", "Prompt and generated text");
    root.appendChild(output);
    var table = el("table", { class: "genai-tinylm-table", "data-role": "distribution" });
    table.appendChild(el("caption", {}, "The " + SHOWN + " most likely next tokens"));
    var head = el("tr");
    ["token", "id", "p at T\u00a0=\u00a01", "p to sample from", ""].forEach(function (h) {
      head.appendChild(el("th", { scope: "col" }, h));
    });
    var thead = el("thead");
    thead.appendChild(head);
    table.appendChild(thead);
    var tbody = el("tbody");
    table.appendChild(tbody);
    var scroll = el("div", { class: "genai-tinylm-scroll", tabindex: "0",
      role: "region", "aria-label": "Next-token distribution" });
    scroll.appendChild(table);
    root.appendChild(scroll);

    var model = null;
    var generated = [];
    var rng = null;
    var rngKey = "";

    function promptIds() {
      return model.encode(inputs.prompt.value);
    }

    function fail(message) {
      status.textContent = message;
      status.setAttribute("data-state", "error");
    }

    function render() {
      if (!model) return;
      var g = window.genaiNotes;
      var ids = promptIds().concat(generated);
      if (ids.length === 0) {
        tbody.textContent = "";
        output.textContent = "";
        fail("Type a prompt: the model needs at least one token.");
        return null;
      }
      var logits, probs, final;
      try {
        logits = model.nextTokenLogits(ids.slice(-model.contextLength));
        probs = g.softmax(logits);
        final = g.nextTokenProbs(logits, options(inputs));
      } catch (e) {
        fail(String(e.message));
        return null;
      }
      var order = probs.map(function (p, i) { return i; });
      order.sort(function (a, b) { return probs[b] - probs[a] || a - b; });
      tbody.textContent = "";
      var strings = model.tokenStrings(order.slice(0, SHOWN));
      order.slice(0, SHOWN).forEach(function (tokenId, rank) {
        var row = el("tr", { "data-token-id": String(tokenId), "data-p": String(probs[tokenId]),
          "data-p-final": String(final[tokenId]) });
        row.appendChild(el("td", { class: "genai-tinylm-token" }, shown(strings[rank])));
        row.appendChild(el("td", {}, String(tokenId)));
        row.appendChild(el("td", {}, probs[tokenId].toFixed(3)));
        row.appendChild(el("td", {}, final[tokenId].toFixed(3)));
        var barCell = el("td", { "aria-hidden": "true", class: "genai-tinylm-barcell" });
        var bar = el("span", { class: "genai-tinylm-bar" });
        bar.style.width = (100 * final[tokenId]).toFixed(1) + "%";
        barCell.appendChild(bar);
        row.appendChild(barCell);
        tbody.appendChild(row);
      });
      output.textContent = "";
      output.appendChild(el("span", { class: "genai-tinylm-prompt" }, inputs.prompt.value));
      model.tokenStrings(generated).forEach(function (t) {
        output.appendChild(el("span", { class: "genai-tinylm-generated" }, t));
      });
      status.removeAttribute("data-state");
      var kept = final.filter(function (p) { return p > 0; }).length;
      status.textContent =
        (generated.length ? generated.length + " tokens generated. " : "") +
        ids.length + " tokens in. Sampling keeps " + kept + " of " + model.vocabSize +
        " tokens.";
      return final;
    }

    function freshRng() {
      var key = inputs.seed.value + "|" + inputs.prompt.value;
      if (!rng || key !== rngKey) {
        rng = window.genaiNotes.seededRandom(Number(inputs.seed.value) >>> 0);
        rngKey = key;
      }
      return rng;
    }

    function addTokens(n) {
      if (!model) return;
      var g = window.genaiNotes;
      var ids = promptIds();
      if (ids.length === 0) {
        render();
        return;
      }
      try {
        var opts = options(inputs);
        var random = freshRng();
        for (var i = 0; i < n; i++) {
          var all = ids.concat(generated);
          var logits = model.nextTokenLogits(all.slice(-model.contextLength));
          generated.push(g.sample(g.nextTokenProbs(logits, opts), random));
        }
      } catch (e) {
        fail(String(e.message));
        return;
      }
      render();
      root.setAttribute("data-generated", JSON.stringify(generated));
    }

    function reset() {
      generated = [];
      rng = null;
      root.setAttribute("data-generated", "[]");
      render();
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      generated = [];
      rng = null;
      var n = Math.max(1, Math.min(200, Math.round(Number(inputs.count.value) || 1)));
      addTokens(n);
    });
    stepButton.addEventListener("click", function () { addTokens(1); });
    resetButton.addEventListener("click", reset);
    inputs.prompt.addEventListener("input", reset);
    inputs.seed.addEventListener("input", function () { rng = null; });
    [inputs.temperature, inputs.topK, inputs.topP].forEach(function (input) {
      input.addEventListener("input", render);
    });

    var tiny = window.genaiNotes && window.genaiNotes.tinyModel;
    if (!tiny) {
      fail("The tiny model's script (javascripts/tinylm.js) is missing from this page.");
      return;
    }
    tiny.ready.then(
      function (m) {
        model = m;
        root.setAttribute("data-ready", "true");
        reset();
      },
      function (e) {
        fail("The model could not be loaded: " + (e && e.message ? e.message : e));
      },
    );
    // For tests and for readers' own experiments in the console.
    root.genaiGenerate = function (prompt, n, opts, seed) {
      return generate(model, model.encode(prompt), n, opts, seed);
    };
  }

  function init() {
    document.querySelectorAll("[data-tinylm-playground]").forEach(function (root) {
      if (root.getAttribute("data-built") === "true") return;
      root.setAttribute("data-built", "true");
      build(root);
    });
  }

  // As calculators.js: DOMContentLoaded (or now) for file://, and Material's document$.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () {
      init();
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

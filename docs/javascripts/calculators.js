/*
 * calculators.js: the forms of the in-browser calculators. Finds every
 * <div class="genai-calculator" data-calculator="memory|scaling|sampling|training|serving">
 * on the page and
 * builds its form; all maths comes from window.genaiNotes (genai-science.js). Every input
 * has a <label>; a bad value shows a message beside its field (aria-describedby) and the
 * results, in an aria-live region, keep the last valid answer. With Material's instant
 * navigation, document$ re-runs init() on every page; without it, DOMContentLoaded does.
 */
(function () {
  "use strict";

  var G = window.genaiNotes;
  var K = G.constants;
  var counter = 0;

  // --- small DOM helpers -------------------------------------------------------------

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "text") node.textContent = value;
      else if (key === "className") node.className = value;
      else node.setAttribute(key, value === true ? "" : value);
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function uid(prefix) {
    counter += 1;
    return "genai-calc-" + prefix + "-" + counter;
  }

  // --- number formatting (never NaN or Infinity: callers check isFinite first) --------

  function sig(x, digits) {
    var d = digits || 4;
    if (x === 0) return "0";
    var abs = Math.abs(x);
    if (abs >= 1e6 || abs < 1e-3) {
      var parts = x.toExponential(d - 1).split("e");
      return parts[0].replace(/\.?0+$/, "") + "e" + parts[1].replace("+", "");
    }
    return Number(x.toPrecision(d)).toLocaleString("en-US", { maximumFractionDigits: 6 });
  }

  function count(x) {
    var units = [
      [1e12, "T"],
      [1e9, "B"],
      [1e6, "M"],
      [1e3, "k"],
    ];
    for (var i = 0; i < units.length; i++) {
      if (Math.abs(x) >= units[i][0]) return sig(x / units[i][0], 4) + units[i][1];
    }
    return sig(x, 4);
  }

  function fixed(x, places) {
    return x.toLocaleString("en-US", {
      minimumFractionDigits: places,
      maximumFractionDigits: places,
    });
  }

  // --- parsing and fields ---------------------------------------------------------------

  var SUFFIX = { k: 1e3, K: 1e3, M: 1e6, B: 1e9, b: 1e9, G: 1e9, T: 1e12, t: 1e12 };

  var MAX_INPUT_LENGTH = 40;

  // Returns {value} or {error}. spec: min, max, integer, minExclusive.
  // The page is in English: a point is the decimal mark and a comma may only separate
  // groups of three digits ("1,024"), so "1,5" is refused with a message, never read as 15.
  // Checking the length first keeps a pasted 100,000-digit string from any slow path.
  function parseNumber(text, spec) {
    var trimmed = String(text).trim();
    if (trimmed.length > MAX_INPUT_LENGTH) {
      return { error: "That is too long for a number (at most " + MAX_INPUT_LENGTH + " characters)." };
    }
    if (trimmed.indexOf(",") >= 0 && !/^[+-]?\d{1,3}(,\d{3})+(\.\d*)?([eE][+-]?\d+)?[kKMBbGTt]?$/.test(trimmed)) {
      return {
        error: "Use a point for decimals (1.5, not 1,5); commas may only group thousands (1,024).",
      };
    }
    var raw = trimmed.replace(/[,_\s]/g, "");
    if (raw === "") return { error: "Enter a value." };
    var factor = 1;
    var last = raw.charAt(raw.length - 1);
    if (spec.suffixes && SUFFIX[last]) {
      factor = SUFFIX[last];
      raw = raw.slice(0, -1);
    }
    if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(raw)) {
      return { error: "Enter a number" + (spec.suffixes ? ", such as 7e9 or 7B." : ".") };
    }
    var value = Number(raw) * factor;
    if (!isFinite(value)) return { error: "That number is too large." };
    if (spec.integer && !Number.isInteger(value)) return { error: "Enter a whole number." };
    var low = spec.minExclusive ? value <= spec.min : value < spec.min;
    if (low || value > spec.max) {
      return { error: "Enter a value " + rangeText(spec) + "." };
    }
    return { value: value };
  }

  function rangeText(spec) {
    var lowWord = spec.minExclusive ? "above " : "from ";
    return lowWord + sig(spec.min, 6) + " to " + sig(spec.max, 6);
  }

  function Form(root, name) {
    this.root = root;
    this.name = name;
    this.fields = {};
    this.lastGood = false;
  }

  // A labelled text input that accepts numbers; inputmode gives phones a numeric keypad.
  Form.prototype.number = function (key, label, value, spec, hint) {
    var id = uid(this.name + "-" + key);
    var errorId = id + "-error";
    var hintId = hint ? id + "-hint" : null;
    var input = el("input", {
      id: id,
      type: "text",
      inputmode: spec.integer ? "numeric" : "decimal",
      autocomplete: "off",
      spellcheck: "false",
      value: value,
      "aria-describedby": (hintId ? hintId + " " : "") + errorId,
      "data-key": key,
    });
    var wrap = el("div", { className: "genai-calc__field" }, [
      el("label", { for: id, text: label }),
      input,
      hint ? el("span", { id: hintId, className: "genai-calc__hint", text: hint }) : null,
      el("span", { id: errorId, className: "genai-calc__error", "aria-live": "polite" }),
    ]);
    this.fields[key] = { kind: "number", input: input, wrap: wrap, spec: spec, errorId: errorId };
    return wrap;
  };

  Form.prototype.select = function (key, label, options, value, hint) {
    var id = uid(this.name + "-" + key);
    var errorId = id + "-error";
    var hintId = hint ? id + "-hint" : null;
    var select = el(
      "select",
      { id: id, "aria-describedby": (hintId ? hintId + " " : "") + errorId, "data-key": key },
      options.map(function (option) {
        return el("option", { value: option[0], text: option[1], selected: option[0] === value });
      }),
    );
    var wrap = el("div", { className: "genai-calc__field" }, [
      el("label", { for: id, text: label }),
      select,
      hint ? el("span", { id: hintId, className: "genai-calc__hint", text: hint }) : null,
      el("span", { id: errorId, className: "genai-calc__error", "aria-live": "polite" }),
    ]);
    this.fields[key] = { kind: "select", input: select, wrap: wrap, errorId: errorId };
    return wrap;
  };

  Form.prototype.checkbox = function (key, label, checked) {
    var id = uid(this.name + "-" + key);
    var input = el("input", { id: id, type: "checkbox", checked: checked, "data-key": key });
    var wrap = el("div", { className: "genai-calc__field genai-calc__field--check" }, [
      input,
      el("label", { for: id, text: label }),
    ]);
    this.fields[key] = { kind: "check", input: input, wrap: wrap };
    return wrap;
  };

  Form.prototype.show = function (key, visible) {
    this.fields[key].wrap.hidden = !visible;
  };

  Form.prototype.set = function (key, value) {
    var field = this.fields[key];
    if (field.kind === "check") field.input.checked = Boolean(value);
    else field.input.value = String(value);
  };

  Form.prototype.setError = function (key, message) {
    var field = this.fields[key];
    if (!field || !field.errorId) return false;
    document.getElementById(field.errorId).textContent = message || "";
    if (message) field.input.setAttribute("aria-invalid", "true");
    else field.input.removeAttribute("aria-invalid");
    return true;
  };

  // Reads every visible field. Returns the values, or null after marking the bad ones.
  Form.prototype.read = function (extraChecks) {
    var values = {};
    var ok = true;
    var self = this;
    Object.keys(this.fields).forEach(function (key) {
      var field = self.fields[key];
      if (field.kind === "check") {
        values[key] = field.input.checked;
        return;
      }
      if (field.kind === "select") {
        values[key] = field.input.value;
        self.setError(key, "");
        return;
      }
      if (field.wrap.hidden || field.input.disabled) {
        self.setError(key, "");
        return;
      }
      var parsed = parseNumber(field.input.value, field.spec);
      self.setError(key, parsed.error);
      if (parsed.error) ok = false;
      else values[key] = parsed.value;
    });
    if (ok && extraChecks) {
      extraChecks(values).forEach(function (problem) {
        self.setError(problem[0], problem[1]);
        ok = false;
      });
    }
    return ok ? values : null;
  };

  // --- shareable state: the inputs in the URL hash, "#<calculator id>?key=value&..." ---

  // The field values that differ from the ones the form was built with.
  Form.prototype.state = function () {
    var self = this;
    var params = new URLSearchParams();
    Object.keys(this.fields).forEach(function (key) {
      var field = self.fields[key];
      var value = field.kind === "check" ? (field.input.checked ? "1" : "0") : field.input.value;
      if (value !== field.initial) params.set(key, value);
    });
    return params;
  };

  // Sets fields from params: selects first (a preset rebuilds or refills other fields),
  // then the rest, so a link restores exactly the state it was made from.
  Form.prototype.restore = function (params) {
    var self = this;
    var apply = function (kinds) {
      Object.keys(self.fields).forEach(function (key) {
        var field = self.fields[key];
        if (!params.has(key) || kinds.indexOf(field.kind) < 0) return;
        var value = params.get(key);
        if (field.kind === "check") field.input.checked = value === "1";
        else if (field.kind === "select") {
          var known = Array.prototype.some.call(field.input.options, function (o) {
            return o.value === value;
          });
          if (!known) return;
          field.input.value = value;
          field.input.dispatchEvent(new Event("change", { bubbles: true }));
        } else field.input.value = value.slice(0, MAX_INPUT_LENGTH + 1);
      });
    };
    apply(["select"]);
    apply(["number", "check"]);
  };

  function hashFor(id) {
    var hash = window.location.hash.replace(/^#/, "");
    var at = hash.indexOf("?");
    if (at < 0 || decodeURIComponent(hash.slice(0, at)) !== id) return null;
    return new URLSearchParams(hash.slice(at + 1));
  }

  function writeHash(id, params) {
    var hash = "#" + id + (params.toString() ? "?" + params.toString() : "");
    if (window.location.hash === hash) return;
    try {
      window.history.replaceState(window.history.state, "", hash);
    } catch (error) {
      window.location.hash = hash; // some file:// contexts refuse replaceState
    }
  }

  // Runs compute(values) and renders it, or keeps the last good result with a status note.
  Form.prototype.wire = function (results, status, read, compute, render, errorFields) {
    var self = this;
    function update() {
      var values = read();
      var problem = null;
      var output = null;
      if (values) {
        try {
          output = compute(values);
        } catch (error) {
          problem = error.message;
        }
        if (output && !allFinite(output)) {
          output = null;
          problem =
            "The result is beyond what a double-precision number holds; bring the values nearer the hints beside them.";
        }
      }
      if (problem) {
        var key = errorFields(problem);
        if (!self.setError(key, problem)) status.textContent = problem;
      }
      if (output) {
        render(output, results);
        self.lastGood = true;
        status.textContent = "";
        results.removeAttribute("data-stale");
      } else {
        if (!problem || self.fields[errorFields(problem)]) {
          status.textContent = self.lastGood
            ? "Fix the marked field; the results below are from the last valid input."
            : "Fix the marked field to see results.";
        }
        results.setAttribute("data-stale", "true");
      }
    }
    var id = this.root.id;
    var fromLink = id ? hashFor(id) : null;
    Object.keys(self.fields).forEach(function (key) {
      var field = self.fields[key];
      field.initial = field.kind === "check" ? (field.input.checked ? "1" : "0") : field.input.value;
    });
    if (fromLink) this.restore(fromLink);
    function changed() {
      update();
      if (id) writeHash(id, self.state());
    }
    this.root.addEventListener("input", changed);
    this.root.addEventListener("change", changed);
    this.update = update;
    update();
    if (fromLink && this.root.scrollIntoView) this.root.scrollIntoView();
    if (id) {
      LINKED[id] = function (params) {
        // As a fresh load would: every field back to its first value, then the link's.
        var initial = new URLSearchParams();
        Object.keys(self.fields).forEach(function (key) {
          if (self.fields[key].initial !== undefined) initial.set(key, self.fields[key].initial);
        });
        self.restore(initial);
        self.restore(params);
        update();
      };
    }
  };

  // A link on the page to "#<calculator id>?..." (the static tables have them) sets that
  // calculator instead of leaving it to the browser or to instant navigation, which would
  // only scroll. Registered once per page load; LINKED is rebuilt with the calculators.
  var LINKED = {};

  function followCalculatorLink(event) {
    var link = event.target && event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || link.origin !== window.location.origin && link.protocol !== "file:") return;
    if (link.pathname !== window.location.pathname) return;
    var hash = link.hash.replace(/^#/, "");
    var at = hash.indexOf("?");
    if (at < 0) return;
    var id = decodeURIComponent(hash.slice(0, at));
    if (!LINKED[id] || !document.getElementById(id)) return;
    event.preventDefault();
    event.stopPropagation();
    try {
      window.history.pushState(window.history.state, "", "#" + hash);
    } catch (error) {
      window.location.hash = "#" + hash;
    }
    LINKED[id](new URLSearchParams(hash.slice(at + 1)));
    document.getElementById(id).scrollIntoView();
  }

  function allFinite(value) {
    if (typeof value === "number") return isFinite(value);
    if (Array.isArray(value)) return value.every(allFinite);
    if (value && typeof value === "object") {
      return Object.keys(value).every(function (key) {
        return allFinite(value[key]);
      });
    }
    return true;
  }

  function shell(root, title, intro) {
    var form = el("form", { className: "genai-calc__form", novalidate: true });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
    });
    var status = el("p", { className: "genai-calc__status", role: "status" });
    var results = el("div", {
      className: "genai-calc__results",
      "aria-live": "polite",
      "aria-label": title + ": results",
    });
    root.textContent = "";
    root.appendChild(
      el("section", { className: "genai-calc", "aria-label": title }, [
        el("p", { className: "genai-calc__title", text: title }),
        intro ? el("p", { className: "genai-calc__intro", text: intro }) : null,
        form,
        status,
        results,
      ]),
    );
    return { form: form, status: status, results: results };
  }

  function fieldset(legend, children) {
    return el("fieldset", { className: "genai-calc__group" }, [el("legend", { text: legend })].concat(children));
  }

  // The caption sits outside the scrolling box so it wraps at phone width; the table
  // carries it as its accessible name. The class keeps Material's table styles off.
  function table(headers, rows, caption) {
    var wrap = el("div", { className: "genai-calc__table-block" });
    if (caption) wrap.appendChild(el("p", { className: "genai-calc__caption", text: caption }));
    wrap.appendChild(el("div", { className: "genai-calc__table" }, [
      el("table", { className: "genai-calc__grid", "aria-label": caption || null }, [
        el("thead", {}, [
          el(
            "tr",
            {},
            headers.map(function (h) {
              return el("th", { scope: "col", text: h });
            }),
          ),
        ]),
        el(
          "tbody",
          {},
          rows.map(function (row) {
            return el(
              "tr",
              { className: row.className || null },
              row.cells.map(function (cell, i) {
                var node = el(i === 0 ? "th" : "td", i === 0 ? { scope: "row" } : {});
                if (typeof cell === "string") node.textContent = cell;
                else node.appendChild(cell);
                return node;
              }),
            );
          }),
        ),
      ]),
    ]));
    return wrap;
  }

  // Which field a message from genai-science.js belongs to: the Python name it starts with.
  function fieldFor(map) {
    return function (message) {
      var names = Object.keys(map);
      for (var i = 0; i < names.length; i++) {
        if (message.indexOf(names[i]) === 0) return map[names[i]];
      }
      return null;
    };
  }

  // A line of links to the page's sections that define the results, when they are there
  // (other pages' headings may be renamed; a missing one is left out, never a dead link).
  function definitions(pairs) {
    var present = pairs.filter(function (pair) {
      return document.getElementById(pair[1]);
    });
    if (!present.length) return null;
    var children = [el("span", { text: "Defined in: " })];
    present.forEach(function (pair, i) {
      if (i) children.push(" · ");
      children.push(el("a", { href: "#" + pair[1], text: pair[0] }));
    });
    return el("p", { className: "genai-calc__assumptions" }, children);
  }

  // --- 1. Memory ------------------------------------------------------------------------

  var INT = function (max) {
    return { min: 1, max: max, integer: true, suffixes: false };
  };

  function buildMemory(root) {
    var parts = shell(
      root,
      "Memory calculator",
      "GPU memory per GPU for a transformer: pick a model shape or type its size, then the format and the job.",
    );
    var f = new Form(root, "memory");
    var llama = K.modelShapes["Llama 2 7B"];
    var presets = [["custom", "Custom"]].concat(
      Object.keys(K.modelShapes).map(function (name) {
        return [name, name];
      }),
    );
    var modes = [
      ["inference", "Inference with a KV cache"],
      ["full", "Full fine-tuning with Adam"],
      ["lora", "LoRA"],
      ["qlora", "QLoRA"],
    ];
    var dtypes = Object.keys(K.dtypes).map(function (d) {
      return [d, d + " (" + K.dtypes[d] + " bytes)"];
    });
    var targets = Object.keys(K.loraTargetSets).map(function (t) {
      return [t, t.split(",").join(", ")];
    });
    var stages = Object.keys(K.zeroStages).map(function (s) {
      return [s, s + (s === "0" ? ": none (data parallel)" : ": " + K.zeroStages[s])];
    });
    parts.form.appendChild(
      fieldset("Model", [
        f.select("preset", "Load a model shape", presets, "Llama 2 7B"),
        f.select("source", "Parameter count", [
          ["shape", "From the shape"],
          ["typed", "Typed in"],
        ], "shape"),
        f.number("params", "Parameters", String(llama.n_params), { min: 1, max: 1e15, suffixes: true }, "e.g. 7e9 or 7B"),
        f.number("layers", "Layers", String(llama.n_layers), INT(10000)),
        f.number("dModel", "Hidden size", String(llama.d_model), INT(1e6)),
        f.number("heads", "Attention heads", String(llama.n_heads), INT(10000)),
        f.number("kvHeads", "Key-value heads", String(llama.n_kv_heads), INT(10000), "fewer than the heads with GQA"),
        f.number("headDim", "Head size", String(llama.head_dim), INT(100000)),
        f.number("vocab", "Vocabulary", String(llama.vocab), INT(1e8)),
        f.number("dFf", "MLP width", String(llama.d_ff), INT(1e7)),
        f.checkbox("gated", "Gated MLP (SwiGLU: three matrices)", llama.gated_mlp),
        f.checkbox("tied", "Output layer tied to the embedding", llama.tied_embeddings),
      ]),
    );
    parts.form.appendChild(
      fieldset("Job", [
        f.select("dtype", "Weight format", dtypes, "bf16"),
        f.select("mode", "Mode", modes, "inference"),
        f.number("rank", "LoRA rank", "8", INT(100000)),
        f.select("targets", "LoRA targets", targets, "q,v"),
        f.number("batch", "Batch size (per GPU)", "1", INT(1e5)),
        f.number("seq", "Sequence length (tokens)", "4096", INT(1e7)),
        f.select("stage", "ZeRO stage", stages, "0"),
        f.number("gpus", "GPUs (data parallel)", "1", INT(1e6)),
      ]),
    );

    function syncVisibility() {
      var mode = f.fields.mode.input.value;
      var typed = f.fields.source.input.value === "typed";
      f.show("params", typed);
      f.show("vocab", !typed);
      f.show("tied", !typed);
      f.show("gated", !typed);
      var lora = mode === "lora" || mode === "qlora";
      f.show("rank", lora);
      f.show("targets", lora);
      f.show("dFf", !typed || (lora && f.fields.targets.input.value.indexOf("ff_") >= 0));
      f.show("stage", mode === "full");
      f.show("gpus", mode === "full");
      var dtype = f.fields.dtype.input;
      if (mode === "qlora") {
        dtype.value = "int4";
        dtype.disabled = true;
      } else {
        dtype.disabled = false;
      }
    }

    f.fields.preset.input.addEventListener("change", function () {
      var shape = K.modelShapes[f.fields.preset.input.value];
      if (!shape) return;
      f.set("params", shape.n_params);
      f.set("layers", shape.n_layers);
      f.set("dModel", shape.d_model);
      f.set("heads", shape.n_heads);
      f.set("kvHeads", shape.n_kv_heads);
      f.set("headDim", shape.head_dim);
      f.set("vocab", shape.vocab);
      f.set("dFf", shape.d_ff);
      f.set("gated", shape.gated_mlp);
      f.set("tied", shape.tied_embeddings);
    });
    parts.form.addEventListener("input", function (event) {
      var key = event.target.getAttribute("data-key");
      if (["preset", "source", "mode", "targets", "dtype", "stage"].indexOf(key) < 0) {
        f.set("preset", "custom");
      }
    });
    root.addEventListener("change", syncVisibility, true);

    function read() {
      syncVisibility();
      return f.read(function (v) {
        var problems = [];
        if (v.kvHeads > v.heads) problems.push(["kvHeads", "Use at most as many as the attention heads."]);
        else if (v.heads % v.kvHeads !== 0) {
          problems.push(["kvHeads", "Must divide the attention heads evenly (GQA groups)."]);
        }
        var mode = v.mode;
        if ((mode === "full" || mode === "lora") && ["fp16", "bf16"].indexOf(v.dtype) < 0) {
          problems.push([
            "dtype",
            mode === "full"
              ? "Full fine-tuning here is mixed precision: choose fp16 or bf16."
              : "LoRA keeps 16-bit frozen weights: choose fp16 or bf16 (or QLoRA for 4-bit).",
          ]);
        }
        return problems;
      });
    }

    function compute(v) {
      var nParams =
        v.source === "typed"
          ? v.params
          : G.transformerParams(v.layers, v.dModel, v.vocab, {
              nHeads: v.heads,
              nKvHeads: v.kvHeads,
              headDim: v.headDim,
              dFf: v.dFf,
              gatedMlp: v.gated,
              tiedEmbeddings: v.tied,
            });
      var full = v.mode === "full";
      var lora = v.mode === "lora" || v.mode === "qlora";
      var targets = K.loraTargetSets[v.targets];
      var result = G.vramBreakdown(v.mode, v.dtype, {
        nParams: nParams,
        nLayers: v.layers,
        dModel: v.dModel,
        nHeads: v.heads,
        nKvHeads: v.kvHeads,
        headDim: v.headDim,
        seqLen: v.seq,
        batch: v.batch,
        stage: full ? Number(v.stage) : 0,
        nGpus: full ? v.gpus : 1,
        loraRank: v.rank,
        loraTargets: targets,
        dFf: v.dFf,
      });
      var trainable = lora
        ? G.loraModelParams(v.dModel, v.layers, v.rank, targets, v.dFf)
        : 0;
      return { v: v, nParams: nParams, result: result, trainable: trainable };
    }

    function formula(label, out) {
      var v = out.v;
      var N = "N = " + count(out.nParams);
      var share = function (minStage) {
        return v.mode === "full" && Number(v.stage) >= minStage && v.gpus > 1 ? " / " + v.gpus + " GPUs" : "";
      };
      if (label.indexOf("KV cache") === 0) {
        var kvBytes = v.dtype === "fp32" ? 4 : 2;
        return "2 (K, V) × " + v.layers + " layers × " + v.kvHeads + " KV heads × " + v.headDim +
          " × " + v.seq + " tokens × " + v.batch + " × " + kvBytes + " B";
      }
      if (label.indexOf("weights (") === 0) return K.dtypes[v.dtype] + " B × " + N;
      if (label.indexOf("parameters (") === 0) return "2 B × " + N + share(3);
      if (label.indexOf("gradients (") === 0) return "2 B × " + N + share(2);
      if (label === "optimizer states") return "12 B (fp32 copy, momentum, variance) × " + N + share(1);
      if (label.indexOf("activations") === 0) {
        return v.layers + " layers × s × b × h × (34 + 5 a s / h), s = " + v.seq + ", b = " +
          v.batch + ", h = " + v.dModel + ", a = " + v.heads;
      }
      if (label === "frozen weights (16-bit)") return "2 B × " + N;
      if (label.indexOf("frozen weights (NF4") === 0) return "0.5 B (4 bits) × " + N;
      if (label === "quantization constants") {
        return "(" + sig(K.qloraBitsPerParam["nf4+dq"], 6) + " − 4) bits ÷ 8 × " + N + " (double quantization)";
      }
      var P = "P = " + count(out.trainable) + " adapter parameters (rank " + v.rank + ")";
      if (label.indexOf("adapter weights") === 0) return "2 B × " + P;
      if (label.indexOf("adapter gradients") === 0) return "2 B × " + P;
      if (label.indexOf("adapter optimizer") === 0) return "12 B × " + P;
      return "";
    }

    // The paragraph of the compute-memory page that defines each line (when it is there).
    function definitionOf(label) {
      if (label.indexOf("KV cache") === 0) return "calc-def-kv";
      if (label.indexOf("activations") === 0) return "calc-def-activations";
      if (label.indexOf("weights (") === 0) return "calc-def-weights";
      return "calc-def-states";
    }

    function render(out, results) {
      var rows = out.result.items.map(function (item) {
        var anchor = definitionOf(item[0]);
        var part = el("span", { className: "genai-calc__part" }, [
          anchor && document.getElementById(anchor)
            ? el("a", { href: "#" + anchor, className: "genai-calc__label", text: item[0] })
            : el("span", { className: "genai-calc__label", text: item[0] }),
          el("code", { className: "genai-calc__formula", text: formula(item[0], out) }),
        ]);
        return { cells: [part, fixed(G.toGb(item[1]), 2), fixed(G.toGib(item[1]), 2)] };
      });
      rows.push({
        className: "genai-calc__total",
        cells: ["Total per GPU", fixed(G.toGb(out.result.total), 2), fixed(G.toGib(out.result.total), 2)],
      });
      var v = out.v;
      var how =
        v.source === "typed"
          ? "as typed"
          : "from the shape: layers × (attention + MLP) + embeddings, biases and norms left out";
      results.textContent = "";
      results.appendChild(
        el("p", { className: "genai-calc__summary" }, [
          el("strong", { text: "Parameters: " + count(out.nParams) }),
          " (" + how + ")." + (out.trainable ? " LoRA trains " + count(out.trainable) + " of them (" + sig((100 * out.trainable) / out.nParams, 3) + "%)." : ""),
        ]),
      );
      results.appendChild(table(["Part and formula", "GB", "GiB"], rows, "Memory per GPU (GB = 10⁹ bytes, GiB = 2³⁰ bytes)"));
    }

    f.wire(
      parts.results,
      parts.status,
      read,
      compute,
      render,
      fieldFor({
        n_params: "params",
        n_layers: "layers",
        d_model: "dModel",
        n_heads: "heads",
        n_kv_heads: "kvHeads",
        head_dim: "headDim",
        vocab: "vocab",
        d_ff: "dFf",
        rank: "rank",
        seq_len: "seq",
        batch: "batch",
        n_gpus: "gpus",
        dtype: "dtype",
      }),
    );
  }

  // --- 2. Compute-optimal scaling -----------------------------------------------------------

  var FIT_LABELS = { hoffmann2022: "Hoffmann et al. 2022", epoch2024: "Epoch AI 2024" };

  function buildScaling(root) {
    var parts = shell(
      root,
      "Compute-optimal calculator",
      "Give a training budget; both Chinchilla fits size the model and its data for it.",
    );
    var f = new Form(root, "scaling");
    var POS = { min: 0, minExclusive: true, max: 1e40, suffixes: false };
    parts.form.appendChild(
      fieldset("Compute budget", [
        f.select("unit", "Compute given as", [
          ["flops", "FLOPs"],
          ["pfdays", "PF-days"],
          ["gpus", "GPUs × hours × peak × utilization"],
        ], "flops"),
        f.number("flops", "Training compute (FLOPs)", "1e23", POS, "e.g. 5.76e23, Gopher's budget"),
        f.number("pfdays", "Training compute (PF-days)", "1157", POS, "1 PF-day = 8.64e19 FLOPs"),
        f.number("gpus", "GPUs", "1024", { min: 0, minExclusive: true, max: 1e9 }),
        f.number("hours", "Hours", "720", { min: 0, minExclusive: true, max: 1e7 }),
        f.number("tflops", "Peak TFLOPS per GPU", "312", { min: 0, minExclusive: true, max: 1e6 }, "A100 dense bf16: 312"),
        f.number("util", "Utilization (0 to 1)", "0.4", { min: 0, minExclusive: true, max: 1 }, "often 0.3 to 0.5"),
      ]),
    );

    function syncVisibility() {
      var unit = f.fields.unit.input.value;
      f.show("flops", unit === "flops");
      f.show("pfdays", unit === "pfdays");
      ["gpus", "hours", "tflops", "util"].forEach(function (key) {
        f.show(key, unit === "gpus");
      });
    }

    function read() {
      syncVisibility();
      return f.read();
    }

    function compute(v) {
      var flops =
        v.unit === "flops"
          ? v.flops
          : v.unit === "pfdays"
            ? G.flopsFromPfDays(v.pfdays)
            : G.flopsFromGpuHours(v.gpus, v.hours, v.tflops, v.util);
      var fits = Object.keys(K.fits).map(function (fit) {
        var opt = G.computeOptimal(flops, fit);
        return {
          fit: fit,
          nParams: opt[0],
          nTokens: opt[1],
          tokensPerParam: G.tokensPerParam(opt[0], opt[1]),
          loss: G.chinchillaLoss(opt[0], opt[1], fit),
        };
      });
      var models = K.knownModels.map(function (m) {
        var own = G.trainingFlops(m.nParams, m.nTokens);
        return {
          name: m.name,
          nParams: m.nParams,
          nTokens: m.nTokens,
          tokensPerParam: G.tokensPerParam(m.nParams, m.nTokens),
          budgetRatio: own / flops,
          sizeRatio: Object.keys(K.fits).map(function (fit) {
            return m.nParams / G.computeOptimal(own, fit)[0];
          }),
        };
      });
      return { flops: flops, pfDays: G.pfDays(flops), fits: fits, models: models };
    }

    function render(out, results) {
      results.textContent = "";
      results.appendChild(
        el("p", { className: "genai-calc__summary" }, [
          el("strong", { text: "C = " + sig(out.flops, 4) + " FLOPs" }),
          " = " + sig(out.pfDays, 4) + " PF-days. Compute-optimal under C = 6ND:",
        ]),
      );
      results.appendChild(
        table(
          ["Fit", "Parameters N", "Tokens D", "Tokens per parameter", "Predicted loss (nats)"],
          out.fits.map(function (r) {
            return { cells: [FIT_LABELS[r.fit] || r.fit, count(r.nParams), count(r.nTokens), fixed(r.tokensPerParam, 1), fixed(r.loss, 3)] };
          }),
          "N = G (C/6)^(β/(α+β)), D = C / 6N (Hoffmann et al. eq. 4); L = E + A/N^α + B/D^β",
        ),
      );
      results.appendChild(
        table(
          ["Model", "N", "D", "Tokens per parameter", "6ND ÷ your C", "N ÷ optimal N (Hoffmann, Epoch)"],
          out.models.map(function (m) {
            return {
              cells: [
                m.name,
                count(m.nParams),
                count(m.nTokens),
                fixed(m.tokensPerParam, 1),
                sig(m.budgetRatio, 3) + "×",
                m.sizeRatio.map(function (r) {
                  return sig(r, 3) + "×";
                }).join(", "),
              ],
            };
          }),
          "Well-known models: their compute against yours, and their size against the compute-optimal size for their own 6ND budget (above 1×: larger and under-trained; below: trained past compute-optimal)",
        ),
      );
      var defined = definitions([
        ["C ≈ 6ND", "counting-training-compute-c-approx-6nd"],
        ["PF-days", "petaflops-days-and-gpu-days"],
        ["the parametric loss and its optimum", "the-parametric-loss-and-its-optimum"],
      ]);
      if (defined) results.appendChild(defined);
    }

    f.wire(
      parts.results,
      parts.status,
      read,
      compute,
      render,
      fieldFor({ flops: "flops", pf_days: "pfdays", n_gpus: "gpus", hours: "hours", peak_tflops: "tflops", utilization: "util" }),
    );
  }

  // --- 3. Sampling playground ------------------------------------------------------------------

  function buildSampling(root) {
    var parts = shell(
      root,
      "Sampling playground",
      "Edit the logits and the settings; each stage of the transformers pipeline is shown, then a seeded sample.",
    );
    var f = new Form(root, "sampling");
    var presetNames = Object.keys(K.samplingPresets);
    var logitsBox = el("div", { className: "genai-calc__logits" });
    parts.form.appendChild(
      fieldset("Next-token distribution", [
        f.select("preset", "Preset", presetNames.map(function (n) {
          return [n, "“" + n + " …”"];
        }), presetNames[0]),
        logitsBox,
      ]),
    );
    var LOGIT = { min: -1000, max: 1000, suffixes: false };
    parts.form.appendChild(
      fieldset("Generation settings", [
        f.number("temperature", "Temperature", "1", { min: 0, minExclusive: true, max: 100 }, "above 0"),
        f.number("topK", "Top-k", "6", INT(6), "all tokens = off"),
        f.number("topP", "Top-p", "1", { min: 0, minExclusive: true, max: 1 }, "1 = off"),
        f.checkbox("greedy", "Greedy decoding (do_sample=False)", false),
        f.number("n", "Samples", "1000", INT(100000)),
        f.number("seed", "Seed", "0", { min: 0, max: 4294967295, integer: true }),
      ]),
    );
    var tokens = [];

    function loadPreset() {
      var preset = K.samplingPresets[f.fields.preset.input.value];
      Object.keys(f.fields).forEach(function (key) {
        if (key.indexOf("logit") === 0) delete f.fields[key];
      });
      logitsBox.textContent = "";
      tokens = preset.tokens.slice();
      preset.tokens.forEach(function (token, i) {
        logitsBox.appendChild(f.number("logit" + i, "Logit of “" + token + "”", String(preset.logits[i]), LOGIT));
      });
      f.fields.topK.spec = INT(tokens.length);
      f.set("topK", tokens.length);
      f.fields.topK.input.parentNode.querySelector(".genai-calc__hint").textContent = tokens.length + " = off";
    }
    f.fields.preset.input.addEventListener("change", loadPreset);
    loadPreset();

    function read() {
      return f.read();
    }

    function compute(v) {
      var logits = tokens.map(function (_, i) {
        return v["logit" + i];
      });
      var st = G.stages(logits, { temperature: v.temperature, topK: v.topK, topP: v.topP });
      var final = st.final;
      if (v.greedy) {
        var best = G.greedy(logits);
        final = logits.map(function (_, i) {
          return i === best ? 1 : 0;
        });
      }
      var rng = G.seededRandom(v.seed);
      var counts = tokens.map(function () {
        return 0;
      });
      for (var i = 0; i < v.n; i++) counts[G.sample(final, rng)] += 1;
      return {
        v: v,
        stages: st,
        final: final,
        entropyBits: G.entropy(final, 2),
        entropyNats: G.entropy(final),
        surviving: final.filter(function (p) {
          return p > 0;
        }).length,
        counts: counts,
      };
    }

    function bar(fraction, label) {
      var width = Math.max(0, Math.min(1, fraction)) * 100;
      return el("span", { className: "genai-calc__bar" }, [
        el("span", { className: "genai-calc__bar-fill", style: "width: " + width.toFixed(2) + "%" }),
        el("span", { className: "genai-calc__bar-label", text: label }),
      ]);
    }

    function render(out, results) {
      var st = out.stages;
      var pct = function (p, kept) {
        return kept ? fixed(100 * p, 1) + "%" : "removed";
      };
      var rows = tokens.map(function (token, i) {
        return {
          className: out.final[i] > 0 ? null : "genai-calc__removed",
          cells: [
            token,
            fixed(st.scaledLogits[i], 3),
            pct(st.probs[i], true),
            pct(st.afterTopK[i], st.keptTopK[i]),
            pct(st.afterTopP[i], st.kept[i]),
            bar(out.final[i], out.final[i] > 0 ? fixed(100 * out.final[i], 1) + "%" : "0"),
          ],
        };
      });
      var maxCount = Math.max.apply(null, out.counts.concat([1]));
      results.textContent = "";
      results.appendChild(
        el("p", { className: "genai-calc__summary" }, [
          el("strong", { text: out.surviving + " of " + tokens.length + " tokens survive" }),
          "; entropy " + fixed(out.entropyBits, 3) + " bits (" + fixed(out.entropyNats, 3) + " nats)" +
            (out.v.greedy ? "; greedy decoding always picks “" + tokens[out.final.indexOf(1)] + "”." : "."),
        ]),
      );
      results.appendChild(
        table(
          // no-break space and hyphen: a narrow column broke "After top-k" into "After top-" over "k"
          ["Token", "Logit\u00a0÷\u00a0T", "Softmax", "After top\u2011k", "After top\u2011p", out.v.greedy ? "Final (greedy)" : "Final"],
          rows,
          "Stages: temperature, softmax, top-k, top-p, renormalised",
        ),
      );
      var defined = definitions([
        ["temperature", "temperature"],
        ["top-k", "top-k-sampling"],
        ["top-p", "top-p-nucleus-sampling"],
        ["greedy decoding", "greedy-decoding-and-random-sampling"],
      ]);
      if (defined) results.appendChild(defined);
      results.appendChild(
        table(
          ["Token", "Draws of " + out.v.n + " (seed " + out.v.seed + ")"],
          tokens.map(function (token, i) {
            return { cells: [token, bar(out.counts[i] / maxCount, String(out.counts[i]))] };
          }),
          "Seeded sample",
        ),
      );
    }

    f.wire(
      parts.results,
      parts.status,
      read,
      compute,
      render,
      fieldFor({ temperature: "temperature", top_k: "topK", top_p: "topP", logits: "logit0" }),
    );
  }

  // --- shared by the training and serving calculators ------------------------------------

  var UNITS = [
    ["GB", "GB (10⁹ bytes)"],
    ["GiB", "GiB (2³⁰ bytes)"],
  ];

  function inUnit(nBytes, unit) {
    return fixed(unit === "GiB" ? G.toGib(nBytes) : G.toGb(nBytes), 2) + " " + unit;
  }

  // A result line: its label links to the paragraph that defines it (an id in the page's
  // calculator section), and its formula shows the current values.
  function line(label, anchor, formulaText, value) {
    var name = anchor
      ? el("a", { href: "#" + anchor, className: "genai-calc__label", text: label })
      : el("span", { className: "genai-calc__label", text: label });
    var part = el("span", { className: "genai-calc__part" }, [
      name,
      el("code", { className: "genai-calc__formula", text: formulaText }),
    ]);
    return { cells: [part, value] };
  }

  function assumptions(text) {
    return el("p", { className: "genai-calc__assumptions" }, [el("strong", { text: "Assumptions: " }), text]);
  }

  function modelOptions() {
    return [["custom", "Custom"]].concat(
      Object.keys(K.hardware.models).map(function (name) {
        return [name, name];
      }),
    );
  }

  function gpuOptions() {
    return Object.keys(K.hardware.gpus).map(function (name) {
      var g = K.hardware.gpus[name];
      return [name, name + " (" + g.memory_gb + " GB)"];
    });
  }

  function presetToCustom(f, form, presetKey, watched) {
    form.addEventListener("input", function (event) {
      var key = event.target.getAttribute("data-key");
      if (watched.indexOf(key) >= 0) f.set(presetKey, "custom");
    });
  }

  // The preset selects say where their numbers come from, in the hint under them.
  function modelHint(name) {
    var shape = K.hardware.models[name];
    return shape ? "Shape from " + shape.source : "Type the shape below";
  }

  function gpuHint(name) {
    var g = K.hardware.gpus[name];
    var peaks = Object.keys(g.dense_tflops).map(function (p) {
      return p + " " + sig(g.dense_tflops[p], 5);
    });
    return g.memory_gb + " GB, " + sig(g.bandwidth_gb_s, 5) + " GB/s, dense TFLOPS " + peaks.join(", ") + " (" + g.source + ")";
  }

  function citeSelections(f, modelKey, gpuKey) {
    function refresh() {
      var m = f.fields[modelKey].input;
      m.parentNode.querySelector(".genai-calc__hint").textContent = modelHint(m.value);
      var g = f.fields[gpuKey].input;
      g.parentNode.querySelector(".genai-calc__hint").textContent = gpuHint(g.value);
    }
    f.fields[modelKey].input.addEventListener("change", refresh);
    f.fields[gpuKey].input.addEventListener("change", refresh);
    f.root.addEventListener("input", refresh);
    refresh();
  }

  // --- 4. Training memory per GPU --------------------------------------------------------

  function buildTraining(root) {
    var parts = shell(
      root,
      "Training memory per GPU",
      "Split a training job over data, tensor, pipeline and context parallelism and see what the busiest GPU holds.",
    );
    var f = new Form(root, "training");
    var P = K.parallelism;
    var start = K.hardware.models["Llama 3 8B"];
    parts.form.appendChild(
      fieldset("Model", [
        f.select("model", "Model", modelOptions(), "Llama 3 8B", " "),
        f.number("params", "Parameters", String(start.n_params), { min: 1, max: 1e15, suffixes: true }, "e.g. 8B or 8e9"),
        f.number("layers", "Layers", String(start.n_layers), INT(10000)),
        f.number("dModel", "Hidden size", String(start.d_model), INT(1e6)),
        f.number("heads", "Attention heads", String(start.n_heads), INT(10000)),
      ]),
    );
    parts.form.appendChild(
      fieldset("Batch and policy", [
        f.number("seq", "Sequence length (tokens)", "4096", INT(1e7)),
        f.number("micro", "Micro-batch (sequences)", "1", INT(1e5)),
        f.number("microbatches", "Micro-batches per step", "64", INT(1e6), "in flight on stage 1: min(PP, this)"),
        f.select("precision", "Precision", Object.keys(P.precisions).map(function (p) {
          var b = P.precisions[p];
          return [p, p + " (" + b[0] + " + " + b[1] + " + " + b[2] + " B)"];
        }), "bf16-mixed"),
        f.select("optimizer", "Optimizer", Object.keys(P.optimizers).map(function (o) {
          return [o, o + " (" + P.optimizers[o] + " B states)"];
        }), "adam"),
        f.select("recompute", "Activation recomputation", P.recompute.map(function (r) {
          return [r, r];
        }), "selective"),
      ]),
    );
    parts.form.appendChild(
      fieldset("Parallelism", [
        f.number("tp", "Tensor parallel (TP)", "1", INT(1024)),
        f.number("pp", "Pipeline stages (PP)", "1", INT(1024), "must divide the layers"),
        f.number("dp", "Data parallel (DP)", "8", INT(1e6)),
        f.number("cp", "Context parallel (CP)", "1", INT(1024), "must divide the sequence"),
        f.select("zero", "ZeRO stage (over DP)", [["0", "0: replicate"], ["1", "1: optimizer states"], ["2", "2: + gradients"], ["3", "3: + weights (FSDP)"]], "3"),
        f.checkbox("sp", "Sequence parallelism (with TP)", true),
        f.select("gpu", "GPU", gpuOptions(), "H100 SXM", " "),
        f.select("unit", "Show memory in", UNITS, "GB"),
      ]),
    );
    citeSelections(f, "model", "gpu");
    var shapeKeys = ["params", "layers", "dModel", "heads"];
    presetToCustom(f, parts.form, "model", shapeKeys);
    f.fields.model.input.addEventListener("change", function () {
      var shape = K.hardware.models[f.fields.model.input.value];
      if (!shape) return;
      f.set("params", shape.n_params);
      f.set("layers", shape.n_layers);
      f.set("dModel", shape.d_model);
      f.set("heads", shape.n_heads);
    });

    function read() {
      return f.read(function (v) {
        var problems = [];
        if (v.layers % v.pp !== 0) problems.push(["pp", "Pipeline stages must divide the " + v.layers + " layers evenly."]);
        if (v.heads % v.tp !== 0) problems.push(["tp", "Tensor parallelism must divide the " + v.heads + " heads evenly."]);
        if (v.seq % v.cp !== 0) problems.push(["cp", "Context parallelism must divide the sequence length evenly."]);
        return problems;
      });
    }

    function compute(v) {
      var result = G.parallelism.trainingMemoryPerGpu({
        nParams: v.params, nLayers: v.layers, dModel: v.dModel, nHeads: v.heads, seqLen: v.seq,
        microBatch: v.micro, tp: v.tp, pp: v.pp, dp: v.dp, cp: v.cp, sequenceParallel: v.sp,
        zeroStage: Number(v.zero), recompute: v.recompute, precision: v.precision, optimizer: v.optimizer,
        nMicrobatches: v.microbatches,
      });
      var gpu = K.hardware.gpus[v.gpu];
      return { v: v, result: result, gpu: gpu, gpus: v.tp * v.pp * v.dp * v.cp };
    }

    function formula(label, v) {
      var b = P.precisions[v.precision];
      var local = count(v.params) + " params / (TP " + v.tp + " × PP " + v.pp + ")";
      var zero = Number(v.zero);
      var over = function (minStage) {
        return zero >= minStage && v.dp > 1 ? " / DP " + v.dp : "";
      };
      if (label === "weights") return b[0] + " B × " + local + over(3);
      if (label === "gradients") return b[1] + " B × " + local + over(2);
      if (label.indexOf("master") === 0) return b[2] + " B × " + local + over(1);
      if (label === "optimizer states") return P.optimizers[v.optimizer] + " B × " + local + over(1);
      var layers = v.layers / v.pp + " layers (L / PP) × " + Math.min(v.pp, v.microbatches) + " micro-batches in flight, min(PP, " + v.microbatches + ")";
      var sbh = "(s / CP) b h = " + v.seq / v.cp + " × " + v.micro + " × " + v.dModel;
      var perElement;
      if (v.recompute === "full") perElement = "2" + (v.sp ? " / TP" : "");
      else {
        perElement = v.sp ? "34 / TP" : "(10 + 24 / TP)";
        if (v.recompute === "none") perElement += " + 5 a s / (h TP)";
      }
      return layers + " × " + sbh + " × [" + perElement + "] B, TP = " + v.tp + ", a = " + v.heads +
        (v.precision === "fp32" ? ", × 2 for fp32" : "");
    }

    var ANCHORS = {
      weights: "calc-def-states",
      gradients: "calc-def-states",
      "master weights (fp32)": "calc-def-states",
      "optimizer states": "calc-def-states",
      activations: "calc-def-activations",
    };

    function render(out, results) {
      var v = out.v;
      var rows = out.result.items.map(function (item) {
        return line(item[0], ANCHORS[item[0]], formula(item[0], v), inUnit(item[1], v.unit));
      });
      rows.push({ className: "genai-calc__total", cells: ["Total on the busiest GPU", inUnit(out.result.total, v.unit)] });
      var capacity = out.gpu.memory_gb * 1e9;
      var fits = out.result.total <= capacity;
      results.textContent = "";
      results.appendChild(
        el("p", { className: "genai-calc__summary" }, [
          el("strong", { text: (fits ? "Fits" : "Does not fit") + " on one " + out.gpu.name }),
          " (" + inUnit(capacity, v.unit) + "): " + sig((100 * out.result.total) / capacity, 3) + "% of its memory, on " +
            count(out.gpus) + " GPUs in all (TP × PP × DP × CP)." +
            (fits ? "" : " Raise ZeRO, TP or PP, or recompute more, to bring it down."),
        ]),
      );
      results.appendChild(table(["Part, formula (values substituted)", "Memory"], rows, "Memory on the first pipeline stage"));
      results.appendChild(
        assumptions(
          "the model leaves out the CUDA context and library workspaces, allocator fragmentation, communication buffers, the embedding and loss activations, and the layer ZeRO-3 gathers before using it; parameters split evenly over TP × PP; 1F1B pipeline schedule; activations of a dense layer (a MoE's routed MLPs keep more).",
        ),
      );
    }

    f.wire(
      parts.results,
      parts.status,
      read,
      compute,
      render,
      fieldFor({ n_params: "params", n_layers: "layers", d_model: "dModel", n_heads: "heads", seq_len: "seq", micro_batch: "micro", n_microbatches: "microbatches", tp: "tp", pp: "pp", dp: "dp", cp: "cp" }),
    );
  }

  // --- 5. Inference and serving -------------------------------------------------------------

  function buildServing(root) {
    var parts = shell(
      root,
      "Inference and serving",
      "Weights, KV cache, what fits on a GPU, and the memory-bandwidth bound on decode speed.",
    );
    var f = new Form(root, "serving");
    var HW = K.hardware;
    var start = HW.models["Llama 3 8B"];
    parts.form.appendChild(
      fieldset("Model", [
        f.select("model", "Model", modelOptions(), "Llama 3 8B", " "),
        f.number("params", "Parameters", String(start.n_params), { min: 1, max: 1e15, suffixes: true }, "all experts of a MoE"),
        f.number("active", "Active parameters per token", String(start.n_params), { min: 1, max: 1e15, suffixes: true }, "the same for a dense model"),
        f.number("experts", "Experts per layer", "1", INT(100000), "1 for a dense model"),
        f.number("topk", "Experts per token", "1", INT(100000)),
        f.number("layers", "Layers", String(start.n_layers), INT(10000)),
        f.number("kvHeads", "Key-value heads", String(start.n_kv_heads), INT(10000), "fewer than the query heads with GQA"),
        f.number("headDim", "Head size", String(start.head_dim), INT(100000)),
        f.number("embed", "Embedding parameters", String(2 * start.vocab * start.d_model), { min: 0, max: 1e15, suffixes: true }, "input + output"),
      ]),
    );
    parts.form.appendChild(
      fieldset("Formats and hardware", [
        f.select("format", "Weight format", Object.keys(HW.weightFormats).map(function (w) {
          return [w, w + " (" + sig(HW.weightFormats[w], 5) + " bits)"];
        }), "bf16"),
        f.checkbox("keepEmbed", "Keep embeddings and output layer in bf16", true),
        f.select("kvFormat", "KV cache format", Object.keys(HW.kvFormats).map(function (k) {
          return [k, k + " (" + HW.kvFormats[k] + " B)"];
        }), "bf16"),
        f.select("gpu", "GPU", gpuOptions(), "H100 SXM", " "),
        f.number("tp", "GPUs per replica (TP)", "1", INT(64)),
        f.number("util", "Usable memory fraction", "0.9", { min: 0, minExclusive: true, max: 1 }, "vLLM now defaults to 0.92 (0.9 before)"),
      ]),
    );
    parts.form.appendChild(
      fieldset("Traffic", [
        f.number("context", "Context per request (tokens)", "8192", INT(1e8), "prompt + output"),
        f.number("batch", "Concurrent requests B", "32", INT(1e6)),
        f.select("unit", "Show memory in", UNITS, "GB"),
      ]),
    );
    citeSelections(f, "model", "gpu");
    presetToCustom(f, parts.form, "model", ["params", "active", "experts", "topk", "layers", "kvHeads", "headDim", "embed"]);
    f.fields.model.input.addEventListener("change", function () {
      var shape = HW.models[f.fields.model.input.value];
      if (!shape) return;
      var counts = G.hardware.shapeParams(shape);
      f.set("params", shape.n_params);
      f.set("active", Math.round(shape.n_params - (counts[0] - counts[1])));
      f.set("experts", shape.n_experts);
      f.set("topk", shape.experts_per_token);
      f.set("layers", shape.n_layers);
      f.set("kvHeads", shape.n_kv_heads);
      f.set("headDim", shape.head_dim);
      f.set("embed", 2 * shape.vocab * shape.d_model);
    });

    function read() {
      return f.read(function (v) {
        var problems = [];
        if (v.active > v.params) problems.push(["active", "Active parameters cannot exceed the parameters."]);
        if (v.topk > v.experts) problems.push(["topk", "Use at most the experts per layer."]);
        if (v.experts === v.topk && v.active !== v.params) problems.push(["active", "With every expert active, set this to the parameters."]);
        if (v.keepEmbed && v.embed > v.params) problems.push(["embed", "Embeddings cannot exceed the parameters."]);
        return problems;
      });
    }

    function compute(v) {
      var gpu = HW.gpus[v.gpu];
      var est = G.hardware.servingEstimate({
        nParams: v.params, activeParams: v.active, nExperts: v.experts, expertsPerToken: v.topk,
        nLayers: v.layers, nKvHeads: v.kvHeads, headDim: v.headDim, embeddingParams: v.embed,
        fmt: v.format, keepEmbeddings: v.keepEmbed, kvFormat: v.kvFormat, gpu: gpu, tp: v.tp,
        usableFraction: v.util, context: v.context, batch: v.batch,
      });
      return {
        v: v, gpu: gpu, weights: est.weightsPerGpu, kvToken: est.kvPerToken,
        kvBatch: est.kvPerSequence * v.batch, fit: est.fit, longest: est.longestContext,
        one: est.decodeBatch1, many: est.decodePerRequest, total: est.decodeTotal,
        memory: gpu.memory_gb * 1e9, bandwidth: gpu.bandwidth_gb_s * 1e9 * v.tp,
        read1: G.hardware.weightBytesRead(v.params, v.active, v.experts, v.topk, 1, est.weightsPerGpu * v.tp / v.params),
        readB: G.hardware.weightBytesRead(v.params, v.active, v.experts, v.topk, v.batch, est.weightsPerGpu * v.tp / v.params),
        kvReplica: est.kvPerSequence * v.tp,
      };
    }

    function render(out, results) {
      var v = out.v;
      var u = v.unit;
      var bits = K.hardware.weightFormats[v.format];
      var tpText = v.tp > 1 ? " / TP " + v.tp : "";
      var localKv = Math.ceil(v.kvHeads / v.tp);
      var free = v.util * out.memory - out.weights;
      var rows = [
        line("weights per GPU", "calc-def-weights",
          "(" + count(v.params - (v.keepEmbed ? v.embed : 0)) + " × " + sig(bits, 5) + " bits / 8" +
            (v.keepEmbed ? " + " + count(v.embed) + " × 2 B" : "") + ")" + tpText, inUnit(out.weights, u)),
        line("KV cache per token", "calc-def-kv",
          "2 (K, V) × " + v.layers + " layers × " + localKv + " KV heads" + (v.tp > 1 ? " on this GPU" : "") + " × " + v.headDim + " × " + K.hardware.kvFormats[v.kvFormat] + " B",
          fixed(out.kvToken / 1e6, 3) + " MB"),
        line("KV cache for B requests", "calc-def-kv",
          "KV per token × " + v.context + " tokens × B " + v.batch, inUnit(out.kvBatch, u)),
        {
          className: "genai-calc__total",
          cells: ["Weights + KV cache per GPU", inUnit(out.weights + out.kvBatch, u)],
        },
        line("requests that fit at this context", "calc-def-fit",
          "⌊(" + v.util + " × " + inUnit(out.memory, u) + " − weights) / (KV per token × " + v.context + ")⌋", String(out.fit)),
        line("longest context at B requests", "calc-def-fit",
          "⌊(" + v.util + " × memory − weights) / (KV per token × " + v.batch + ")⌋", count(out.longest) + " tokens"),
        line("decode speed at batch 1", "calc-def-decode",
          sig(out.bandwidth / 1e9, 4) + " GB/s ÷ (" + inUnit(out.read1, "GB") + " of weights read + " + inUnit(out.kvReplica, "GB") + " of KV cache)",
          fixed(out.one, 1) + " tokens/s"),
        line("decode speed at batch B, per request", "calc-def-decode",
          sig(out.bandwidth / 1e9, 4) + " GB/s ÷ (" + inUnit(out.readB, "GB") + " + " + v.batch + " × " + inUnit(out.kvReplica, "GB") + "), or 2 N_active × B FLOPs ÷ dense peak if slower",
          fixed(out.many, 1) + " tokens/s"),
        line("decode speed at batch B, all requests", "calc-def-decode",
          "B × the line above", fixed(out.total, 0) + " tokens/s"),
      ];
      results.textContent = "";
      var fits = free > 0;
      results.appendChild(
        el("p", { className: "genai-calc__summary" }, [
          el("strong", { text: fits ? out.fit + " requests of " + v.context + " tokens fit" : "The weights do not fit" }),
          fits
            ? " beside the weights on each " + out.gpu.name + " (" + v.tp + " per replica)." +
              (v.batch > out.fit
                ? " " + v.batch + " concurrent requests do not fit: the batch-B lines below assume memory the GPU lacks; lower B or the context, or add GPUs."
                : "")
            : ": use a smaller format, or more GPUs per replica (TP).",
        ]),
      );
      results.appendChild(table(["Quantity, formula (values substituted)", "Value"], rows, "Serving one replica"));
      results.appendChild(
        assumptions(
          "speeds are upper bounds from memory bandwidth (real servers stay below them: kernels never reach the datasheet bandwidth), reading every request's cache at its full context and counting 2 N_active FLOPs per token (attention's own FLOPs left out); memory leaves out the CUDA context, activations during prefill, fragmentation and communication buffers, covered only roughly by the usable fraction; MoE routing is taken as uniform; the datasheet's peak FLOPS are dense.",
        ),
      );
    }

    f.wire(
      parts.results,
      parts.status,
      read,
      compute,
      render,
      fieldFor({ n_params: "params", n_layers: "layers", n_kv_heads: "kvHeads", head_dim: "headDim", context: "context", batch: "batch", unquantized_params: "embed", weight_bytes: "params", usable_fraction: "util", n_experts: "experts", experts_per_token: "topk" }),
    );
  }

  var BUILDERS = {
    memory: buildMemory,
    scaling: buildScaling,
    sampling: buildSampling,
    training: buildTraining,
    serving: buildServing,
  };

  function init() {
    var nodes = document.querySelectorAll("div.genai-calculator[data-calculator]");
    Array.prototype.forEach.call(nodes, function (node) {
      if (node.getAttribute("data-ready") === "true") return;
      var build = BUILDERS[node.getAttribute("data-calculator")];
      if (!build) return;
      node.setAttribute("data-ready", "true");
      build(node);
    });
  }

  // Start on every signal there is: init() skips calculators already built, so running it
  // twice is harmless. Material's document$ fires on instant navigation but never from
  // file:// (the offline copy), so DOMContentLoaded (or now, if that has passed) starts too.
  window.genaiNotes.initCalculators = init;
  document.addEventListener("click", followCalculatorLink, true);
  window.addEventListener("hashchange", function () {
    Object.keys(LINKED).forEach(function (id) {
      var params = hashFor(id);
      if (params && document.getElementById(id)) LINKED[id](params);
    });
  });
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

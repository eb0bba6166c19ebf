/* Problems with computed answers: read what the reader types, grade it, show hints.
 *
 * The page holds everything (src/genai_notes/engine/problems.py writes it): the answer in
 * data-answer (a plain number in data-unit), data-rel-tol, each known mistake's value and
 * feedback, the hints and the worked solution. Nothing is fetched. Progress stays in this
 * browser's localStorage, when there is one.
 *
 * The answer parser is a twin of src/genai_notes/engine/units.py: the same grammar, the same
 * units, the same messages (tests/engine/test_units.py runs both on random inputs). Change one,
 * change the other.
 */
(function () {
  "use strict";

  var root = (window.genaiNotes = window.genaiNotes || {});

  // -- units (twin of engine/units.py) -------------------------------------------------------

  var MAX_INPUT = 80;
  var SI = { k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
  var BINARY = { Ki: Math.pow(2, 10), Mi: Math.pow(2, 20), Gi: Math.pow(2, 30), Ti: Math.pow(2, 40) };
  var SMALL = { m: 1e-3, "\u00b5": 1e-6, "\u03bc": 1e-6, u: 1e-6, n: 1e-9 };
  var ALL = {};
  [SI, BINARY, SMALL].forEach(function (table) {
    Object.keys(table).forEach(function (key) {
      ALL[key] = table[key];
    });
  });
  var SI_KEYS = Object.keys(SI);
  var BASES = {};
  [
    ["B", "memory", 1, SI_KEYS.concat(Object.keys(BINARY))],
    ["FLOP", "compute", 1, SI_KEYS],
    ["FLOP/s", "throughput", 1, SI_KEYS],
    ["s", "time", 1, SI_KEYS.concat(Object.keys(SMALL))],
    ["min", "time", 60, []],
    ["h", "time", 3600, []],
    ["tokens", "tokens", 1, SI_KEYS],
    ["parameters", "parameters", 1, SI_KEYS],
    ["GPUs", "GPUs", 1, SI_KEYS],
    ["USD", "money", 1, SI_KEYS],
    ["B/s", "bandwidth", 1, SI_KEYS.concat(Object.keys(BINARY))],
    ["tokens/s", "token rate", 1, SI_KEYS],
    ["FLOP/B", "intensity", 1, []],
    ["%", "ratio", 0.01, []],
  ].forEach(function (row) {
    BASES[row[0]] = { symbol: row[0], dimension: row[1], factor: row[2], prefixes: row[3] };
  });
  var ALIASES = {
    byte: "B",
    bytes: "B",
    FLOPs: "FLOP",
    FLOPS: "FLOP/s",
    token: "tokens",
    parameter: "parameters",
    params: "parameters",
    param: "parameters",
    GPU: "GPUs",
    sec: "s",
  };
  var DIMENSION_NAMES = {
    memory: "a memory",
    compute: "an amount of compute",
    throughput: "a compute rate",
    time: "a time",
    tokens: "a number of tokens",
    parameters: "a number of parameters",
    GPUs: "a number of GPUs",
    money: "an amount of money",
    bandwidth: "a bandwidth",
    "token rate": "a token rate",
    intensity: "an arithmetic intensity",
    ratio: "a pure number",
  };
  var PREFIXES = Object.keys(ALL).sort(function (a, b) {
    return b.length - a.length;
  });

  function UnitError(message) {
    var error = new Error(message);
    error.name = "UnitError";
    return error;
  }

  function has(table, key) {
    return Object.prototype.hasOwnProperty.call(table, key);
  }

  function chars(text) {
    return Array.from(text);
  }

  function stripSpaces(text) {
    return text.replace(/^ +| +$/g, "");
  }

  function baseOf(text) {
    var name = has(ALIASES, text) ? ALIASES[text] : text;
    return has(BASES, name) ? BASES[name] : null;
  }

  function unit(symbol) {
    var text = stripSpaces(symbol);
    if (text === "") return { symbol: "", dimension: "ratio", factor: 1 };
    var base = baseOf(text);
    if (base) return { symbol: text, dimension: base.dimension, factor: base.factor };
    for (var i = 0; i < PREFIXES.length; i++) {
      var prefix = PREFIXES[i];
      if (text.indexOf(prefix) !== 0) continue;
      var rest = text.slice(prefix.length).replace(/^ +/, "");
      base = baseOf(rest);
      if (base && base.prefixes.indexOf(prefix) >= 0) {
        return { symbol: text, dimension: base.dimension, factor: ALL[prefix] * base.factor };
      }
    }
    throw UnitError(
      "unknown unit '" + chars(text).slice(0, 20).join("") + "' (allowed: " +
        Object.keys(BASES).filter(function (b) { return b !== "%"; }).join(", ") +
        ' with prefixes k M G T P E, Ki Mi Gi Ti for bytes; "%"; or "" for a pure number)'
    );
  }

  function convert(value, source, target) {
    if (source.dimension !== target.dimension) {
      throw UnitError(
        (source.symbol || "a pure number") + " is " + DIMENSION_NAMES[source.dimension] +
          "; the question asks for " + DIMENSION_NAMES[target.dimension] +
          (target.symbol ? " in " + target.symbol : "")
      );
    }
    if (source.factor === target.factor) return value;
    return (value * source.factor) / target.factor;
  }

  var SUPER = "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079";
  function power(n) {
    return (
      "10(?:\\^\\{?(?<caret" + n + ">[+-]?[0-9]{1,4})\\}?|\\*\\*(?<stars" + n +
      ">[+-]?[0-9]{1,4})|(?<super" + n + ">[\u207b\u207a]?[" + SUPER + "]{1,4}))"
    );
  }
  var ANSWER = new RegExp(
    "^(?<sign>[+-]?)(?:" + power(1) +
      "|(?<mantissa>[0-9][0-9,\u202f\u2009]*(?:\\.[0-9]*)?|\\.[0-9]+)" +
      "(?:[eE](?<e>[+-]?[0-9]{1,4}))?" +
      "(?: *[\u00d7xX*\u00b7\u22c5] *" + power(2) + ")?" +
      ") *(?<unit>[\\s\\S]*)$"
  );
  var GROUPED = /^[0-9]{1,3}(?:(?<sep>[,\u202f\u2009])[0-9]{3})(?:\k<sep>[0-9]{3})*$/;
  var SEPARATOR = /[,\u202f\u2009]/;

  function superscript(text) {
    return chars(text)
      .map(function (c) {
        if (c === "\u207b") return "-";
        if (c === "\u207a") return "+";
        return String(SUPER.indexOf(c));
      })
      .join("");
  }

  function readAnswer(text) {
    var clean = text.replace(/^[ \t\n]+|[ \t\n]+$/g, "");
    clean = clean.replace(/\u2212/g, "-").replace(/\u00a0/g, " ");
    if (!clean) throw UnitError("type a number, for example 140 or 1.4e11");
    if (chars(clean).length > MAX_INPUT) {
      throw UnitError("the answer is longer than " + MAX_INPUT + " characters");
    }
    var match = ANSWER.exec(clean);
    if (!match) {
      throw UnitError("that is not a number: write it like 140, 1.4e11 or 1.4 \u00d7 10^11");
    }
    var g = match.groups;
    var mantissa = g.mantissa === undefined ? "1" : g.mantissa;
    var dot = mantissa.indexOf(".");
    var whole = dot < 0 ? mantissa : mantissa.slice(0, dot);
    var fraction = dot < 0 ? "" : mantissa.slice(dot + 1);
    if (SEPARATOR.test(whole)) {
      if (!GROUPED.test(whole)) {
        if (/^[0-9]+,[0-9]{1,2}$/.test(whole)) {
          throw UnitError(
            "'" + whole + "': write decimals with a point (" + whole.replace(/,/g, ".") +
              "); a comma only separates groups of three digits (1,400)"
          );
        }
        throw UnitError("'" + whole + "': separate thousands in groups of three digits (1,400,000)");
      }
      whole = whole.replace(/[,\u202f\u2009]/g, "");
    }
    var exponent = 0;
    ["e", "caret1", "stars1", "caret2", "stars2"].forEach(function (name) {
      if (g[name] !== undefined) exponent += parseInt(g[name], 10);
    });
    ["super1", "super2"].forEach(function (name) {
      if (g[name] !== undefined) exponent += parseInt(superscript(g[name]), 10);
    });
    var digits = (whole || "0") + (fraction ? "." + fraction : "");
    var value = Number(g.sign + digits + "e" + exponent);
    if (!isFinite(value)) throw UnitError("that number is too large");
    var symbol = stripSpaces(g.unit);
    return { value: value, unit: symbol ? unit(symbol) : null };
  }

  function answerIn(text, target) {
    var reading = readAnswer(text);
    if (reading.unit === null) return reading.value;
    return convert(reading.value, reading.unit, target);
  }

  function within(value, target, relTol) {
    if (target === 0) return Math.abs(value) <= relTol;
    return Math.abs(value - target) <= relTol * Math.abs(target);
  }

  // Correct within rel_tol of the answer; else the nearest known mistake within rel_tol of it.
  function grade(value, answer, relTol, mistakes) {
    if (within(value, answer, relTol)) return { state: "correct" };
    var best = -1;
    var bestDistance = Infinity;
    mistakes.forEach(function (mistake, index) {
      if (!within(value, mistake, relTol)) return;
      var distance = mistake === 0 ? Math.abs(value) : Math.abs(value - mistake) / Math.abs(mistake);
      if (distance < bestDistance) {
        best = index;
        bestDistance = distance;
      }
    });
    return best >= 0 ? { state: "mistake", index: best } : { state: "incorrect" };
  }

  root.problems = {
    unit: unit,
    convert: convert,
    readAnswer: readAnswer,
    answerIn: answerIn,
    within: within,
    grade: grade,
  };

  if (typeof document === "undefined") return; // the unit tests run this file without a page

  // -- progress (localStorage only, and only when the browser allows it) ---------------------

  var STORE = "genai-notes.problems";

  function loadProgress() {
    try {
      var text = window.localStorage.getItem(STORE);
      var data = text ? JSON.parse(text) : {};
      return data && typeof data === "object" ? data : {};
    } catch (error) {
      return {};
    }
  }

  function saveProgress(key, entry) {
    try {
      var data = loadProgress();
      data[key] = entry;
      window.localStorage.setItem(STORE, JSON.stringify(data));
    } catch (error) {
      /* storage is unavailable (private mode, file:// in some browsers): keep going */
    }
  }

  // -- the page ---------------------------------------------------------------------------

  function shown(value, symbol) {
    var text = Number(value.toPrecision(6)).toString();
    if (Math.abs(value) >= 1e6 || (value !== 0 && Math.abs(value) < 1e-3)) {
      // As the site writes powers of ten: 1.96 × 10²³, not 1.96e23.
      var parts = value.toExponential(4).split("e");
      var power = chars(String(parseInt(parts[1], 10))).map(function (c) {
        return c === "-" ? "\u207b" : SUPER.charAt(parseInt(c, 10));
      });
      text = parts[0].replace(/\.?0+$/, "") + "\u00a0\u00d7\u00a010" + power.join("");
    }
    if (!symbol) return text;
    return symbol === "%" ? text + "%" : text + "\u00a0" + symbol;
  }

  function paragraph(className, text) {
    var p = document.createElement("p");
    p.className = className;
    p.textContent = text;
    return p;
  }

  function setup(node) {
    var form = node.querySelector("form.genai-problem-form");
    var input = node.querySelector("input.genai-problem-input");
    var feedback = node.querySelector(".genai-problem-feedback");
    if (!form || !input || !feedback) return;
    var answer = parseFloat(node.getAttribute("data-answer"));
    var relTol = parseFloat(node.getAttribute("data-rel-tol"));
    var symbol = node.getAttribute("data-unit") || "";
    var target;
    try {
      target = unit(symbol);
    } catch (error) {
      return;
    }
    var mistakeNodes = Array.prototype.slice.call(node.querySelectorAll(".genai-problem-mistake"));
    var mistakes = mistakeNodes.map(function (m) {
      return parseFloat(m.getAttribute("data-value"));
    });
    var key = window.location.pathname + "#" + node.getAttribute("data-problem");

    node.classList.add("is-ready");
    form.hidden = false;

    function show(state, children) {
      feedback.setAttribute("data-state", state);
      feedback.textContent = "";
      children.forEach(function (child) {
        feedback.appendChild(child);
      });
    }

    function check(remember) {
      var text = input.value;
      var value;
      try {
        value = answerIn(text, target);
      } catch (error) {
        input.setAttribute("aria-invalid", "true");
        show("unreadable", [paragraph("genai-problem-verdict", "Cannot read that: " + error.message + ".")]);
        return;
      }
      input.removeAttribute("aria-invalid");
      var result = grade(value, answer, relTol, mistakes);
      var read = "Read as " + shown(value, symbol) + ".";
      if (result.state === "correct") {
        show("correct", [
          paragraph("genai-problem-verdict", "Correct. " + read),
          paragraph("genai-problem-next", "Open the solution to compare your working."),
        ]);
      } else if (result.state === "mistake") {
        var body = document.createElement("div");
        body.className = "genai-problem-explain";
        Array.prototype.forEach.call(mistakeNodes[result.index].childNodes, function (child) {
          body.appendChild(child.cloneNode(true));
        });
        show("mistake", [paragraph("genai-problem-verdict", "Not quite, and a common slip. " + read), body]);
      } else {
        show("incorrect", [
          paragraph(
            "genai-problem-verdict",
            "Not this one. " + read + " Check each step and the units, or take a hint."
          ),
        ]);
      }
      node.setAttribute("data-result", result.state);
      if (remember) saveProgress(key, { answer: text, state: result.state });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      check(true);
    });

    var hints = Array.prototype.slice.call(node.querySelectorAll(".genai-problem-hint"));
    var hintButton = node.querySelector(".genai-problem-hint-button");
    var hintBox = node.querySelector(".genai-problem-hints");
    if (hintBox) hintBox.setAttribute("aria-live", "polite");
    var shownHints = 0;
    function revealHint() {
      if (shownHints >= hints.length) return;
      hints[shownHints].classList.add("is-shown");
      shownHints += 1;
      if (hintButton) {
        if (shownHints >= hints.length) {
          hintButton.disabled = true;
          hintButton.textContent = "No more hints";
        } else {
          hintButton.textContent = "Hint " + (shownHints + 1) + " of " + hints.length;
        }
      }
    }
    if (hintButton) {
      if (hints.length > 1) hintButton.textContent = "Hint 1 of " + hints.length;
      hintButton.addEventListener("click", revealHint);
    }

    var saved = loadProgress()[key];
    if (saved && typeof saved.answer === "string" && saved.answer) {
      input.value = saved.answer;
      check(false);
    }
  }

  function init() {
    var nodes = document.querySelectorAll("section.genai-problem[data-problem]");
    Array.prototype.forEach.call(nodes, function (node) {
      if (node.getAttribute("data-ready") === "true") return;
      node.setAttribute("data-ready", "true");
      setup(node);
    });
  }

  // Material's document$ fires on instant navigation but never from file:// (the offline copy):
  // start on DOMContentLoaded (or now) too; init() skips problems already set up.
  root.initProblems = init;
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

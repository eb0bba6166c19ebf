/* genai-notes: step-through walkthroughs. Each [data-walkthrough] element holds one
   [data-step] per step (all shown as a strip without JavaScript and in print); this script
   shows one step at a time with Previous/Next buttons, the arrow keys, Home and End, a step
   counter, and the step's caption announced in an aria-live region. */
(function () {
  "use strict";

  function captionOf(step) {
    var caption = step.querySelector("figcaption");
    return caption ? caption.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function button(label, action) {
    var node = document.createElement("button");
    node.type = "button";
    node.className = "md-button genai-walkthrough__button";
    node.setAttribute("data-action", action);
    node.textContent = label;
    return node;
  }

  function build(root) {
    var steps = Array.prototype.slice.call(root.querySelectorAll("[data-step]"));
    if (steps.length === 0) return;
    var current = 0;
    var controls = document.createElement("div");
    controls.className = "genai-walkthrough__controls";
    var previous = button("Previous", "previous");
    var next = button("Next", "next");
    var counter = document.createElement("span");
    counter.className = "genai-walkthrough__counter";
    controls.appendChild(previous);
    controls.appendChild(counter);
    controls.appendChild(next);
    var live = document.createElement("p");
    live.className = "genai-walkthrough__live";
    live.setAttribute("aria-live", "polite");
    live.setAttribute("aria-atomic", "true");
    var list = root.querySelector(".genai-walkthrough__steps");
    root.insertBefore(controls, list);
    root.appendChild(live);
    root.setAttribute("tabindex", "0");
    root.classList.add("genai-walkthrough--js");

    function show(index, announce) {
      current = Math.max(0, Math.min(steps.length - 1, index));
      steps.forEach(function (step, i) {
        step.hidden = i !== current;
      });
      var label = "Step " + (current + 1) + " of " + steps.length;
      counter.textContent = label;
      root.setAttribute("data-current", String(current + 1));
      previous.setAttribute("aria-disabled", String(current === 0));
      next.setAttribute("aria-disabled", String(current === steps.length - 1));
      if (announce) live.textContent = label + ": " + captionOf(steps[current]);
    }

    previous.addEventListener("click", function () {
      show(current - 1, true);
    });
    next.addEventListener("click", function () {
      show(current + 1, true);
    });
    root.addEventListener("keydown", function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      var target = event.target;
      // Leave the keys to what takes them itself: the data tables' scrolling, text fields, and
      // an explorable step figure (its arrows step through its marks).
      if (target.closest && target.closest(".genai-data, input, textarea, select, [data-explorable]")) return;
      var moves = { ArrowLeft: current - 1, ArrowRight: current + 1, Home: 0, End: steps.length - 1 };
      if (!Object.prototype.hasOwnProperty.call(moves, event.key)) return;
      event.preventDefault();
      show(moves[event.key], true);
    });
    show(0, false);
  }

  function init() {
    document.querySelectorAll("[data-walkthrough]").forEach(function (root) {
      if (root.getAttribute("data-ready") === "true") return;
      root.setAttribute("data-ready", "true");
      build(root);
    });
  }

  // Start on every signal there is (init() skips walkthroughs already built): Material's
  // document$ never fires from file:// (the offline copy), so DOMContentLoaded starts too.
  window.genaiNotes = window.genaiNotes || {};
  window.genaiNotes.initWalkthroughs = init;
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

/* genai-notes: tap or click a figure's "Enlarge" button to see the drawing at full width.

   Each drawn figure (.genai-figure with a <picture>) gets an explicit button after its
   <figure>: the image itself keeps its own pointer events, for figures that react to hover.
   The button opens one shared modal <dialog> holding the wide drawing of the palette shown,
   at the dialog's full width (on a phone it keeps its natural width and scrolls, so its
   labels stay at their designed size), with the figure's caption. Enter or Space on the
   button opens it (a real <button>), Escape or the Close button or a click on the backdrop
   closes it, and focus returns to the button that opened it. Nothing is fetched: it works
   from file:// too. */
(function () {
  "use strict";

  var dialog = null;
  var opener = null;

  function visibleImage(figure) {
    var images = figure.querySelectorAll("picture img");
    for (var i = 0; i < images.length; i++) {
      if (images[i].offsetParent !== null) return images[i];
    }
    return images[0] || null;
  }

  function buildDialog() {
    var node = document.createElement("dialog");
    node.className = "genai-zoom";
    node.setAttribute("aria-labelledby", "genai-zoom-caption");
    var close = document.createElement("button");
    close.type = "button";
    close.className = "genai-zoom__close";
    close.textContent = "Close";
    close.setAttribute("aria-label", "Close the enlarged figure");
    close.addEventListener("click", function () {
      node.close();
    });
    var frame = document.createElement("div");
    frame.className = "genai-zoom__frame";
    var image = document.createElement("img");
    image.className = "genai-zoom__image";
    frame.appendChild(image);
    var caption = document.createElement("div");
    caption.className = "genai-zoom__caption";
    caption.id = "genai-zoom-caption";
    node.appendChild(close);
    node.appendChild(frame);
    node.appendChild(caption);
    // A click on the backdrop lands on the dialog itself (its content fills the box).
    node.addEventListener("click", function (event) {
      if (event.target === node) node.close();
    });
    node.addEventListener("close", function () {
      image.removeAttribute("src");
      if (opener && document.contains(opener)) opener.focus();
      opener = null;
    });
    document.body.appendChild(node);
    return node;
  }

  function open(button) {
    var wrapper = button.closest(".genai-figure");
    var figure = wrapper && wrapper.querySelector("figure");
    var shown = figure && visibleImage(figure);
    if (!shown) return;
    if (!dialog || !document.contains(dialog)) dialog = buildDialog();
    var image = dialog.querySelector(".genai-zoom__image");
    // The wide drawing (the <img>'s own src), without Material's #only-light/#only-dark mark.
    image.src = shown.getAttribute("src").split("#")[0];
    image.alt = shown.alt;
    image.width = shown.width;
    image.height = shown.height;
    var caption = dialog.querySelector(".genai-zoom__caption");
    caption.textContent = "";
    var source = figure.querySelector("figcaption");
    if (source) {
      Array.prototype.forEach.call(source.childNodes, function (child) {
        caption.appendChild(child.cloneNode(true));
      });
    } else {
      caption.textContent = "Enlarged figure";
    }
    opener = button;
    dialog.showModal();
    dialog.querySelector(".genai-zoom__close").focus();
  }

  function init() {
    document.querySelectorAll(".md-typeset .genai-figure").forEach(function (wrapper) {
      if (wrapper.getAttribute("data-zoom-ready") === "true") return;
      var figure = wrapper.querySelector("figure");
      if (!figure || !figure.querySelector("picture img")) return;  // a table figure
      wrapper.setAttribute("data-zoom-ready", "true");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "genai-zoom-button";
      button.setAttribute("aria-haspopup", "dialog");
      button.textContent = "Enlarge figure";
      button.addEventListener("click", function () {
        open(button);
      });
      figure.parentNode.insertBefore(button, figure.nextSibling);
    });
  }

  // Start on every signal there is; init() skips figures already done. Material's document$
  // fires on instant navigation but never from file://, so DOMContentLoaded starts it too.
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

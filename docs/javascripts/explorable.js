/* Explorable figures: the exact values of the nearest plotted point, by pointer, tap or keys.
 *
 * A figure the build marked `data-explorable` carries, in the <script class="genai-marks">
 * that follows it, its table (the CSV's values and the data table's text) and, for the wide
 * and the phone drawing, where each row was plotted: [x, y, row, series] in the SVG's own
 * units. This file finds the drawing shown (the palette's <img>, and which <source> the
 * <picture> chose), scales those positions to it, rings the nearest mark and says its values
 * in an aria-live readout. Keys when the figure has focus: Left/Right along a series,
 * Up/Down across series, Home/End, Escape hides. No clicks are captured: a tap shows a value.
 */
(function () {
  "use strict";

  var READY = "data-explorable-ready";
  var POINTER_RADIUS = 40; /* CSS px: how near a pointer must be to a mark */
  var TAP_RADIUS = 64;

  /* The figure's data: the first <script class="genai-marks"> after it, before the next
     figure (other scripts may put controls, such as the Enlarge button, in between). */
  function marksOf(figure) {
    var next = figure.nextElementSibling;
    while (next && next.tagName !== "FIGURE") {
      if (next.classList.contains("genai-marks")) return next;
      next = next.nextElementSibling;
    }
    return null;
  }

  function dataOf(figure) {
    var next = marksOf(figure);
    if (!next) return null;
    try {
      return JSON.parse(next.textContent);
    } catch (error) {
      return null;
    }
  }

  /* The <img> on screen: Material shows one palette's picture and hides the other. */
  function shownImage(figure) {
    var images = figure.querySelectorAll("picture img");
    for (var i = 0; i < images.length; i++) {
      var box = images[i].getBoundingClientRect();
      if (box.width > 0 && box.height > 0) return images[i];
    }
    return null;
  }

  /* Which drawing the <picture> shows: the file it loaded, else the <source>'s own query. */
  function isPhone(image, data) {
    var source = image.currentSrc || "";
    if (source) return /-phone-(light|dark)\.svg/.test(source);
    return window.matchMedia(data.media).matches;
  }

  function Explorer(figure, data) {
    this.figure = figure;
    this.data = data;
    this.current = -1;
    this.geometry = null;
    this.ring = document.createElement("div");
    this.ring.className = "genai-explore-ring";
    this.ring.setAttribute("aria-hidden", "true");
    this.ring.hidden = true;
    this.readout = document.createElement("div");
    this.readout.className = "genai-explore-readout";
    this.readout.setAttribute("aria-live", "polite");
    this.readout.setAttribute("aria-atomic", "true");
    this.readout.hidden = true;
    var hint = document.createElement("span");
    hint.className = "genai-explore-hint";
    hint.id = "genai-explore-hint-" + Explorer.count++;
    hint.textContent =
      "Explorable figure: arrow keys step through the plotted values, Escape hides them.";
    /* before the drawing: the figcaption stays the figure's last child */
    var first = figure.firstChild;
    figure.insertBefore(hint, first);
    figure.insertBefore(this.readout, first);
    figure.insertBefore(this.ring, first);
    figure.setAttribute("aria-describedby", hint.id);
    this.listen();
  }
  Explorer.count = 0;

  /* The marks of the drawing on screen, in CSS px from the figure's top-left corner. */
  Explorer.prototype.layout = function () {
    var image = shownImage(this.figure);
    if (!image) return null;
    var which = isPhone(image, this.data) ? "phone" : "wide";
    var drawing = this.data[which];
    var box = image.getBoundingClientRect();
    var outer = this.figure.getBoundingClientRect();
    var sx = box.width / drawing.width;
    var sy = box.height / drawing.height;
    var left = box.left - outer.left;
    var top = box.top - outer.top;
    if (this.geometry !== which) {
      this.geometry = which;
      this.current = -1; /* another drawing: its own marks */
    }
    return {
      drawing: drawing,
      image: image,
      at: function (mark) {
        return { x: left + mark[0] * sx, y: top + mark[1] * sy };
      },
    };
  };

  Explorer.prototype.text = function (drawing, mark) {
    var data = this.data;
    var cells = data.text[mark[2]];
    var parts = data.columns.map(function (column, i) {
      return column + ": " + cells[i];
    });
    return drawing.series[mark[3]] + " — " + parts.join("; ");
  };

  Explorer.prototype.show = function (index) {
    var view = this.layout();
    if (!view || index < 0 || index >= view.drawing.marks.length) return;
    this.current = index;
    var mark = view.drawing.marks[index];
    var point = view.at(mark);
    this.ring.style.left = point.x + "px";
    this.ring.style.top = point.y + "px";
    this.ring.hidden = false;
    var readout = this.readout;
    readout.textContent = this.text(view.drawing, mark);
    readout.setAttribute("data-row", String(mark[2]));
    readout.setAttribute("data-series", view.drawing.series[mark[3]]);
    readout.hidden = false;
    /* beside the mark, inside the figure: above it if there is room, else below */
    var width = this.figure.clientWidth;
    readout.style.left = "0px";
    readout.style.top = "0px";
    var boxWidth = readout.offsetWidth;
    var boxHeight = readout.offsetHeight;
    var x = Math.max(0, Math.min(point.x - boxWidth / 2, width - boxWidth));
    var y = point.y - boxHeight - 14;
    if (y < 0) y = point.y + 14;
    readout.style.left = x + "px";
    readout.style.top = y + "px";
  };

  Explorer.prototype.hide = function () {
    this.ring.hidden = true;
    this.readout.hidden = true;
  };

  Explorer.prototype.nearest = function (clientX, clientY, radius) {
    var view = this.layout();
    if (!view) return -1;
    var outer = this.figure.getBoundingClientRect();
    var px = clientX - outer.left;
    var py = clientY - outer.top;
    var best = -1;
    var bestDistance = radius * radius;
    view.drawing.marks.forEach(function (mark, i) {
      var point = view.at(mark);
      var d = (point.x - px) * (point.x - px) + (point.y - py) * (point.y - py);
      if (d <= bestDistance) {
        best = i;
        bestDistance = d;
      }
    });
    return best;
  };

  /* The mark a key leads to from the current one (marks run by series, then left to right). */
  Explorer.prototype.step = function (key) {
    var view = this.layout();
    if (!view) return -1;
    var marks = view.drawing.marks;
    var here = this.current;
    if (here < 0) return 0;
    var series = marks[here][3];
    var inSeries = function (s) {
      var found = [];
      marks.forEach(function (mark, i) {
        if (mark[3] === s) found.push(i);
      });
      return found;
    };
    var same = inSeries(series);
    var at = same.indexOf(here);
    if (key === "ArrowRight") return same[Math.min(at + 1, same.length - 1)];
    if (key === "ArrowLeft") return same[Math.max(at - 1, 0)];
    if (key === "Home") return same[0];
    if (key === "End") return same[same.length - 1];
    var count = view.drawing.series.length;
    var target = key === "ArrowDown" ? series + 1 : series - 1;
    if (target < 0 || target >= count) return here;
    var others = inSeries(target);
    if (!others.length) return here;
    var x = marks[here][0];
    return others.reduce(function (best, i) {
      return Math.abs(marks[i][0] - x) < Math.abs(marks[best][0] - x) ? i : best;
    }, others[0]);
  };

  Explorer.prototype.listen = function () {
    var self = this;
    var figure = this.figure;
    function onImage(event) {
      return event.target && event.target.tagName === "IMG";
    }
    figure.addEventListener("pointermove", function (event) {
      if (event.pointerType !== "mouse" || !onImage(event)) return;
      var index = self.nearest(event.clientX, event.clientY, POINTER_RADIUS);
      if (index >= 0) self.show(index);
      else if (document.activeElement !== figure) self.hide();
    });
    figure.addEventListener("pointerleave", function (event) {
      if (event.pointerType === "mouse" && document.activeElement !== figure) self.hide();
    });
    /* a tap or a pen: show the value (nothing is prevented: a click still does its job) */
    figure.addEventListener("pointerdown", function (event) {
      if (event.pointerType === "mouse" || !onImage(event)) return;
      var index = self.nearest(event.clientX, event.clientY, TAP_RADIUS);
      if (index >= 0) self.show(index);
      else self.hide();
    });
    figure.addEventListener("focus", function () {
      self.layout();
      self.show(self.current >= 0 ? self.current : 0);
    });
    figure.addEventListener("blur", function () {
      self.hide();
    });
    figure.addEventListener("keydown", function (event) {
      if (event.target !== figure || event.altKey || event.ctrlKey || event.metaKey) return;
      if (event.key === "Escape") {
        self.hide();
        return;
      }
      var keys = ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End"];
      if (keys.indexOf(event.key) < 0) return;
      event.preventDefault();
      self.layout();
      self.show(self.step(event.key));
    });
    window.addEventListener("resize", function () {
      if (self.ring.hidden) return;
      self.layout(); /* forgets the mark if the other drawing is now shown */
      if (self.current >= 0) self.show(self.current);
      else self.hide();
    });
  };

  function init() {
    var figures = document.querySelectorAll("figure[data-explorable]");
    for (var i = 0; i < figures.length; i++) {
      var figure = figures[i];
      if (figure.hasAttribute(READY)) continue;
      var data = dataOf(figure);
      if (!data) continue;
      figure.setAttribute(READY, "");
      figure.genaiExplorer = new Explorer(figure, data);
    }
  }

  // Start on every signal there is: init() skips figures already set up, so running it twice
  // is harmless. Material's document$ fires on instant navigation but never from file://
  // (the offline copy), so DOMContentLoaded (or now, if that has passed) starts too.
  window.genaiNotes = window.genaiNotes || {};
  window.genaiNotes.initExplorables = init;
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

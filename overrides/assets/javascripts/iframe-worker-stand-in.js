/* genai-notes: a stand-in for Web Workers on pages opened from file://.
 *
 * Browsers refuse `new Worker(url)` for a file:// URL, so Material's search would not start in
 * the offline copy. Material's offline plugin expects a shim that replaces `Worker`; this is
 * ours. Each "worker" runs its script in a hidden same-origin iframe: the script's global
 * `postMessage` is rerouted to the page, and the page's messages are dispatched to the frame's
 * window as "message" events. Over http(s) it does nothing.
 */
(function () {
  "use strict";
  if (location.protocol !== "file:") return;

  function loadScripts(frameWindow, urls) {  // absolute URLs, loaded one after another
    return urls.reduce(function (previous, url) {
      return previous.then(function () {
        return new Promise(function (resolve, reject) {
          var script = frameWindow.document.createElement("script");
          script.src = url;
          script.onload = resolve;
          script.onerror = function () { reject(new Error("cannot load " + url)); };
          frameWindow.document.body.appendChild(script);
        });
      });
    }, Promise.resolve());
  }

  function FrameWorker(url) {
    var target = new EventTarget();
    var frame = document.createElement("iframe");
    var pending = [];
    var ready = false;
    frame.hidden = true;
    frame.tabIndex = -1;
    frame.setAttribute("aria-hidden", "true");
    frame.title = "search worker";
    document.body.appendChild(frame);

    var frameWindow = frame.contentWindow;
    frameWindow.document.open();
    frameWindow.document.write("<!doctype html><html><body></body></html>");
    frameWindow.document.close();
    var scriptUrl = new URL(url, location.href).href;
    frameWindow.postMessage = function (data) {
      var event = new MessageEvent("message", { data: data });
      if (typeof target.onmessage === "function") target.onmessage(event);
      target.dispatchEvent(event);
    };
    frameWindow.importScripts = function () {
      var urls = Array.prototype.slice.call(arguments).map(function (each) {
        return new URL(each, scriptUrl).href;  // relative to the worker script, as in a worker
      });
      return loadScripts(frameWindow, urls);
    };

    function deliver(data) {
      frameWindow.dispatchEvent(new MessageEvent("message", { data: data }));
    }
    loadScripts(frameWindow, [scriptUrl]).then(function () {
      ready = true;
      pending.splice(0).forEach(deliver);
    }, function (error) {
      target.dispatchEvent(new ErrorEvent("error", { message: String(error) }));
    });

    target.onmessage = null;
    target.postMessage = function (data) {
      if (ready) deliver(data); else pending.push(data);
    };
    target.terminate = function () { frame.remove(); };
    return target;
  }

  window.Worker = FrameWorker;
})();

/* The batch page's progress: polls the job's figures every second and shows them in the
   progress bar; says them in the status line (a polite live region) at most every 5 seconds
   and when the batch ends; then shows the download. The page works without this script. */
(function () {
  "use strict";
  var box = document.getElementById("batch-job");
  if (!box || box.getAttribute("data-finished") === "true" || !window.fetch) {
    return;
  }
  var bar = document.getElementById("batch-progress");
  var status = document.getElementById("batch-status");
  var ready = document.getElementById("batch-ready");
  var controls = document.getElementById("batch-controls");
  var url = box.getAttribute("data-progress");
  var spoken = 0;

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
    });
  }

  function words(f) {
    var values = {done: f.done, total: f.total, failed: f.failed, left: f.seconds_left,
                  rate: Number(f.rate).toFixed(1)};
    if (f.finished) {
      return fill(box.getAttribute(f.stopped ? "data-words-stopped" : "data-words-done"), values);
    }
    if (!f.rate || f.seconds_left === null) {
      return fill(box.getAttribute("data-words-start"), values);
    }
    return fill(box.getAttribute("data-words-status"), values);
  }

  function show(f) {
    if (!f) {
      return;
    }
    bar.max = Math.max(f.total, 1);
    bar.value = f.done;
    var now = Date.now();
    if (f.finished || now - spoken >= 5000) {
      status.textContent = words(f);
      spoken = now;
    }
    if (f.finished) {
      ready.hidden = false;
      if (controls) {
        controls.hidden = true;
      }
      box.setAttribute("data-finished", "true");
    } else {
      window.setTimeout(poll, 1000);
    }
  }

  function poll() {
    window.fetch(url, {credentials: "same-origin", cache: "no-store"})
      .then(function (reply) { return reply.ok ? reply.json() : Promise.reject(reply.status); })
      .then(show, function () { window.setTimeout(poll, 5000); });
  }

  spoken = Date.now();
  poll();
})();

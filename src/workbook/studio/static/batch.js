/* The batch page's progress: polls the job's figures every second and shows them in the
   progress bar; says them in the status line (a polite live region) with the first estimate,
   then at most every 5 seconds, and when the batch ends; then shows the download. The page
   works without this script (its Refresh link shows the same figures). */
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
  var estimated = false;  /* the first estimate is said at once, then every 5 seconds */

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
    });
  }

  function words(f) {
    var seconds = f.seconds_left;
    var left = seconds >= 90 ?
      fill(box.getAttribute("data-words-minutes"), {n: Math.round(seconds / 60)}) :
      fill(box.getAttribute("data-words-seconds"), {n: seconds});
    var rate = Number(f.rate).toLocaleString(box.getAttribute("data-lang") || undefined,
                                             {minimumFractionDigits: 1, maximumFractionDigits: 1});
    var values = {done: f.done, total: f.total, failed: f.failed, left: left, rate: rate};
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
    if (f.finished || now - spoken >= 5000 || (!estimated && f.rate)) {
      estimated = estimated || Boolean(f.rate);
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

/* The web edition's answers: kept in this browser (localStorage) as they are typed, put
   back when the page opens, downloaded as `workbook answers --json` writes them. */
(function () {
  "use strict";
  var plan = JSON.parse(document.getElementById("wb-plan").textContent);
  var ui = plan.ui;
  var key = plan.key;
  var fields = Array.prototype.slice.call(document.querySelectorAll("main [name]"));
  var status = document.getElementById("wb-status");

  function say(text) { status.textContent = text; }

  function values() {
    var found = {};
    fields.forEach(function (el) {
      if (el.type === "checkbox") {
        found[el.name] = el.checked;
      } else if (el.type === "radio") {
        if (el.checked) { found[el.name] = el.value; }
        else if (!(el.name in found)) { found[el.name] = null; }
      } else {
        found[el.name] = el.value;
      }
    });
    return found;
  }

  function put(found) {
    fields.forEach(function (el) {
      if (!Object.prototype.hasOwnProperty.call(found, el.name)) { return; }
      var value = found[el.name];
      if (el.type === "checkbox") { el.checked = value === true; }
      else if (el.type === "radio") { el.checked = value !== null && String(value) === el.value; }
      else { el.value = value === null || value === undefined ? "" : String(value); }
      grow(el);
    });
  }

  function grow(el) {
    copy(el);
    if (el.tagName !== "TEXTAREA") { return; }
    el.style.height = "auto";
    el.style.height = el.scrollHeight + 2 + "px";
  }

  /* Print shows an answer as text beside its (hidden) box: a box prints only what fits in it. */
  function copy(el) {
    if (el.tagName !== "TEXTAREA" && !el.classList.contains("blank")) { return; }
    var next = el.nextElementSibling;
    if (!next || !next.classList.contains("print-copy")) {
      next = document.createElement(el.tagName === "TEXTAREA" ? "div" : "span");
      next.className = "print-copy";
      next.setAttribute("aria-hidden", "true");
      el.parentNode.insertBefore(next, el.nextSibling);
    }
    next.textContent = el.value;
    el.classList.toggle("answered", el.value.trim() !== "");
  }

  function save() {
    try {
      localStorage.setItem(key, JSON.stringify({ saved: new Date().toISOString(), values: values() }));
      say(ui.saved);
    } catch (e) {
      say(ui.not_saved);
    }
  }

  function restore() {
    var kept = null;
    try { kept = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { kept = null; }
    if (kept && kept.values) {
      put(kept.values);
      say(ui.restored);
    }
  }

  /* The answers as `workbook answers --json` writes them; `build --answers` takes them. */
  function answers() {
    var found = values();
    var file = decodeURIComponent(location.pathname.split("/").pop() || "workbook.html");
    return {
      workbook_answers: 1,
      file: file,
      title: plan.title,
      recipient: plan.recipient,
      language: plan.language,
      worksheets: plan.worksheets.map(function (sheet) {
        return { id: sheet.id, title: sheet.title, blocks: sheet.blocks.map(function (block) {
          return block.type === "lines" ? lines(block, found) : {
            id: block.id, type: block.type, question: block.question, text: null,
            fields: block.fields.map(function (f) {
              return { name: f.name, kind: f.kind, question: f.question, value: value(f, found[f.name]) };
            })
          };
        }) };
      })
    };
  }

  function value(field, given) {
    if (field.kind === "check") { return given === true; }
    if (field.kind === "radio") {
      return given === null || given === undefined ? null : (/^-?\d+$/.test(given) ? Number(given) : given);
    }
    return given === null || given === undefined ? "" : String(given);
  }

  /* A lines block is one text box here and one field per line in a PDF: its text line by line. */
  function lines(block, found) {
    var text = (found[block.id] || "").replace(/\r\n?/g, "\n");
    var written = text === "" ? [] : text.split("\n");
    var count = Math.max(block.lines, written.length);
    var out = [];
    for (var n = 1; n <= count; n += 1) {
      out.push({ name: block.id + "." + n, kind: "text", question: block.question, value: written[n - 1] || "" });
    }
    return { id: block.id, type: "lines", question: block.question, text: text.replace(/^\n+|\n+$/g, ""), fields: out };
  }

  function download() {
    var data = JSON.stringify(answers(), null, 2) + "\n";
    var link = document.createElement("a");
    var stem = decodeURIComponent(location.pathname.split("/").pop() || "workbook").replace(/\.html?$/i, "");
    link.href = URL.createObjectURL(new Blob([data], { type: "application/json" }));
    link.download = (stem || "workbook") + ".answers.json";
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
  }

  /* Back to the page as it was built: its pre-filled answers (the HTML's defaults), not empty. */
  function clear() {
    if (!window.confirm(ui.clear_confirm)) { return; }
    fields.forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") { el.checked = el.defaultChecked; }
      else { el.value = el.defaultValue; }
      grow(el);
    });
    try { localStorage.removeItem(key); } catch (e) { /* nothing was kept */ }
    say(ui.cleared);
  }

  document.addEventListener("input", function (event) {
    if (event.target.name) { grow(event.target); save(); }
  });
  document.addEventListener("change", function (event) {
    if (event.target.name) { save(); }
  });
  document.getElementById("wb-download").addEventListener("click", download);
  document.getElementById("wb-print").addEventListener("click", function () { window.print(); });
  document.getElementById("wb-clear").addEventListener("click", clear);
  window.workbookAnswers = answers;
  restore();
  fields.forEach(grow);
  window.addEventListener("resize", function () { fields.forEach(grow); });
  document.getElementById("wb-tools").hidden = false;
}());

// The workbook page, enhanced: the order list follows the ticked cards and moves in place
// (buttons, Alt+arrows, dragging), the filters hide cards at once, the preview follows each
// change, and a preview page opens large in a dialog (Escape closes it). Without this script
// every button still works by posting the form, and a page's link opens its large image.
"use strict";
(function () {
  var form = document.getElementById("workbook");
  if (!form) return;
  var order = document.getElementById("order");
  var template = document.getElementById("order-item");
  var empty = document.getElementById("order-empty");
  var orderStatus = document.getElementById("order-status");
  var previewStatus = document.getElementById("preview-status");
  var result = document.querySelector(".result");
  var pages = document.getElementById("result");
  var paused_note = document.getElementById("preview-paused");
  var crisis = document.getElementById("crisis");
  var timer = null, asked = 0, shown = 0, dragged = null;

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, key) { return key in values ? values[key] : all; });
  }

  // -- the order -------------------------------------------------------------------------
  function items() { return Array.prototype.slice.call(order.children); }

  function titleOf(id) {
    var box = document.getElementById("ws-" + id);
    return box ? box.getAttribute("data-title") : id;
  }

  function addItem(id) {
    var item = template.content.firstElementChild.cloneNode(true);
    var title = titleOf(id);
    item.setAttribute("data-id", id);
    item.querySelector("input").value = id;
    item.querySelector(".order-title").textContent = title;
    Array.prototype.forEach.call(item.querySelectorAll("button"), function (button) {
      button.value = button.getAttribute("data-move") + ":" + id;
      button.setAttribute("aria-label", fill(button.getAttribute("data-label"), {title: title}));
    });
    order.appendChild(item);
  }

  function refreshOrder() {
    empty.hidden = order.children.length > 0;
    document.getElementById("chosen-count").textContent =
      fill(form.getAttribute("data-chosen"), {count: order.children.length});
  }

  function announce(item) {
    var list = items();
    orderStatus.textContent = fill(form.getAttribute("data-moved"), {
      title: item.querySelector(".order-title").textContent,
      position: list.indexOf(item) + 1, count: list.length});
  }

  function say(key, values) { orderStatus.textContent = fill(form.getAttribute(key), values); }

  function move(item, how, keepFocus) {
    var title = item.querySelector(".order-title").textContent;
    if (how === "remove") {
      var box = document.getElementById("ws-" + item.getAttribute("data-id"));
      if (box) box.checked = false;
      var next = item.nextElementSibling || item.previousElementSibling;
      item.remove();
      refreshOrder();
      (next ? next.querySelector("button[data-move=remove]") : document.getElementById("order-heading")).focus();
      say("data-removed", {title: title, count: order.children.length});
    } else if (how === "up" && !item.previousElementSibling) {
      say("data-first", {title: title});
      return;
    } else if (how === "down" && !item.nextElementSibling) {
      say("data-last", {title: title});
      return;
    } else {
      if (how === "up") order.insertBefore(item, item.previousElementSibling);
      if (how === "down") order.insertBefore(item.nextElementSibling, item);
      if (keepFocus) keepFocus.focus();
      announce(item);
    }
    schedule();
  }

  document.getElementById("order-heading").tabIndex = -1;
  order.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-move]");
    if (!button) return;
    event.preventDefault();
    move(button.closest("li"), button.getAttribute("data-move"), button);
  });
  order.addEventListener("keydown", function (event) {
    if (!event.altKey || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) return;
    var item = event.target.closest("li");
    if (!item) return;
    event.preventDefault();
    move(item, event.key === "ArrowUp" ? "up" : "down", event.target);
  });
  order.addEventListener("dragstart", function (event) {
    dragged = event.target.closest("li");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.getAttribute("data-id"));
    dragged.classList.add("dragging");
  });
  order.addEventListener("dragover", function (event) {
    var over = event.target.closest("li");
    if (!dragged || !over || over === dragged) return;
    event.preventDefault();
    var box = over.getBoundingClientRect();
    order.insertBefore(dragged, event.clientY > box.top + box.height / 2 ? over.nextSibling : over);
  });
  order.addEventListener("drop", function (event) { event.preventDefault(); });
  order.addEventListener("dragend", function () {
    if (!dragged) return;
    dragged.classList.remove("dragging");
    announce(dragged);
    dragged = null;
    schedule();
  });

  Array.prototype.forEach.call(document.querySelectorAll("input[name=worksheets]"), function (box) {
    box.addEventListener("change", function () {
      var there = order.querySelector('li[data-id="' + box.value + '"]');
      if (box.checked && !there) addItem(box.value);
      if (!box.checked && there) there.remove();
      refreshOrder();
    });
  });

  // -- ready packets: applied in place, and said --------------------------------------------
  Array.prototype.forEach.call(document.querySelectorAll("button[data-worksheets]"), function (button) {
    button.addEventListener("click", function (event) {
      event.preventDefault();
      var ids = button.getAttribute("data-worksheets").split(" ");
      Array.prototype.forEach.call(document.querySelectorAll("input[name=worksheets]"), function (box) {
        box.checked = ids.indexOf(box.value) >= 0;
      });
      while (order.firstChild) order.firstChild.remove();
      ids.forEach(function (id) { if (document.getElementById("ws-" + id)) addItem(id); });
      refreshOrder();
      form.elements.relationship.value = button.getAttribute("data-relationship");
      form.elements.age_group.value = button.getAttribute("data-age-group") || "adult";
      say("data-applied", {name: button.textContent, count: order.children.length});
      schedule();
    });
  });

  // -- the filters -----------------------------------------------------------------------
  var topic = document.getElementById("topic"), written = document.getElementById("written_in");
  function filter() {
    var cards = document.querySelectorAll(".card"), shown = 0;
    Array.prototype.forEach.call(cards, function (card) {
      var tags = card.getAttribute("data-tags").split(" ");
      var languages = card.getAttribute("data-languages").split(" ");
      card.hidden = Boolean((topic.value && tags.indexOf(topic.value) < 0) ||
                            (written.value && languages.indexOf(written.value) < 0));
      if (!card.hidden) shown += 1;
    });
    document.getElementById("shown-count").textContent =
      fill(form.getAttribute("data-shown"), {shown: shown, count: cards.length});
  }
  topic.addEventListener("change", filter);
  written.addEventListener("change", filter);
  document.querySelector(".filter-button").hidden = true;

  // -- the live preview ------------------------------------------------------------------
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(function () { update(false); }, 600);
  }

  function showErrors(errors) {
    Array.prototype.forEach.call(form.querySelectorAll("p.error"), function (note) {
      var name = note.id.replace(/-error$/, ""), field = document.getElementById(name);
      var messages = errors[name] || [];
      note.textContent = "";
      messages.forEach(function (message) {
        var sign = document.createElement("strong"), words = document.createElement("span");
        sign.setAttribute("aria-hidden", "true");
        sign.textContent = "⚠ ";
        words.lang = "en";
        words.textContent = message + " ";
        note.appendChild(sign);
        note.appendChild(words);
      });
      note.hidden = !messages.length;
      if (!field) return;
      var described = (field.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
        return id && id !== note.id;
      });
      if (messages.length) { field.setAttribute("aria-invalid", "true"); described.unshift(note.id); }
      else field.removeAttribute("aria-invalid");
      if (described.length) field.setAttribute("aria-describedby", described.join(" "));
      else field.removeAttribute("aria-describedby");
    });
  }

  function labelOf(name) {
    var label = form.querySelector('label[for="' + name + '"]');
    return label ? label.textContent.trim() : name;
  }

  function update(asked_by_button) {
    var data = new FormData(form), mine = ++asked;
    data.set("action", "preview");
    if (asked_by_button) data.set("asked", "1");
    result.setAttribute("aria-busy", "true");
    fetch("/preview", {method: "POST", body: data, credentials: "same-origin"})
      .then(function (reply) { return reply.ok ? reply.json() : Promise.reject(reply.status); })
      .then(function (answer) {
        if (mine < shown) return;
        shown = mine;
        result.removeAttribute("aria-busy");
        var summary = document.getElementById("summary");
        if (summary) summary.remove();
        showErrors(answer.errors);
        var wrong = Object.keys(answer.errors);
        if (crisis.innerHTML.trim() !== answer.crisis.trim()) crisis.innerHTML = answer.crisis;
        if (answer.logo) showLogo(answer.logo);
        if (wrong.length) return paused(wrong, asked_by_button);
        paused_note.hidden = true;
        result.classList.remove("paused");
        var before = document.getElementById("page-count");
        var had = before ? before.textContent : "";
        pages.innerHTML = answer.result;
        var count = document.getElementById("page-count"), problems = pages.querySelector(".problems");
        if (problems) previewStatus.textContent = problems.textContent.replace(/\s+/g, " ").trim();
        else if (count && (asked_by_button || count.textContent !== had))
          previewStatus.textContent = fill(form.getAttribute("data-updated"), {pages: count.textContent});
      })
      .catch(function () {
        if (mine !== asked) return;
        result.removeAttribute("aria-busy");
        paused_note.textContent = form.getAttribute("data-failed");
        paused_note.hidden = false;
        previewStatus.textContent = paused_note.textContent;
      });
  }

  function paused(wrong, asked_by_button) {
    var text = fill(form.getAttribute("data-paused"), {fields: wrong.map(labelOf).join(", ")});
    paused_note.textContent = text;
    paused_note.hidden = false;
    result.classList.add("paused");
    previewStatus.textContent = text;
    if (asked_by_button) {
      var field = document.getElementById(wrong[0] === "worksheets" ? "ws-" + firstCard() : wrong[0]);
      if (field) field.focus();
    }
  }

  function firstCard() {
    var box = document.querySelector("input[name=worksheets]");
    return box ? box.value : "";
  }

  function showLogo(ref) {
    form.elements.logo.value = ref;
    form.elements.logo_file.value = "";
    var current = document.getElementById("logo-current");
    current.querySelector("span").textContent = fill(current.getAttribute("data-label"), {name: ref.split("/").pop()});
    current.hidden = false;
  }

  // -- the page viewer: one preview page drawn large (on request), in a modal dialog --------
  var viewer = document.getElementById("viewer");
  var viewerImage = document.getElementById("viewer-image");
  var viewerStatus = document.getElementById("viewer-status");
  var viewerPage = document.getElementById("viewer-page");
  var zoom = document.getElementById("viewer-zoom");
  var steps = viewer.querySelectorAll("button[data-step]");
  var viewing = {kept: "", page: 0, count: 0, stepped: false};

  function showPage(number, stepped) {
    var values = {n: number, count: viewing.count};
    viewing.page = number;
    viewing.stepped = stepped;
    document.getElementById("viewer-heading").textContent = fill(viewer.getAttribute("data-title"), values);
    viewerStatus.textContent = "";
    viewer.setAttribute("aria-busy", "true");
    viewerImage.alt = fill(viewer.getAttribute("data-alt"), values);
    viewerImage.src = "/preview/" + viewing.kept + "/" + number + ".png";
    viewerPage.scrollTop = 0;
    viewerPage.scrollLeft = 0;
    var focused = document.activeElement;
    Array.prototype.forEach.call(steps, function (button) {
      var target = number + Number(button.getAttribute("data-step"));
      button.disabled = target < 1 || target > viewing.count;
    });
    if (focused && focused.disabled) {  // the step just taken was the last one that way
      var other = Array.prototype.find.call(steps, function (button) { return !button.disabled; });
      (other || zoom).focus();
    }
  }

  viewerImage.addEventListener("load", function () {
    viewer.removeAttribute("aria-busy");
    viewerImage.hidden = false;
    if (!viewing.stepped) return;
    var said = document.createElement("span");  // said to a screen reader; the heading shows it
    said.className = "visually-hidden";
    said.textContent = document.getElementById("viewer-heading").textContent;
    viewerStatus.replaceChildren(said);
  });
  viewerImage.addEventListener("error", function () {
    if (!viewerImage.getAttribute("src")) return;
    viewer.removeAttribute("aria-busy");
    viewerImage.hidden = true;
    viewerStatus.textContent = viewer.getAttribute("data-failed");
  });
  pages.addEventListener("click", function (event) {
    var link = event.target.closest("a.page-link");
    if (!link || typeof viewer.showModal !== "function") return;
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
      return;  // a new tab or window, or a download: what the link does without the script
    }
    event.preventDefault();
    var list = link.closest(".pages");
    viewing.kept = list.getAttribute("data-kept");
    viewing.count = Number(list.getAttribute("data-count"));
    showPage(Number(link.getAttribute("data-page")), false);
    viewer.showModal();
    viewerPage.focus();
  });
  Array.prototype.forEach.call(steps, function (button) {
    button.addEventListener("click", function () {
      var target = viewing.page + Number(button.getAttribute("data-step"));
      if (target >= 1 && target <= viewing.count) showPage(target, true);
    });
  });
  zoom.addEventListener("click", function () {
    var zoomed = zoom.getAttribute("aria-pressed") !== "true";
    zoom.setAttribute("aria-pressed", zoomed ? "true" : "false");
    viewer.classList.toggle("zoomed", zoomed);
  });
  document.getElementById("viewer-close").addEventListener("click", function () { viewer.close(); });
  viewer.addEventListener("click", function (event) {
    if (event.target === viewer) viewer.close();  // the backdrop
  });
  viewer.addEventListener("close", function () {
    var links = pages.querySelectorAll("a.page-link");
    var back = pages.querySelector('a.page-link[data-page="' + viewing.page + '"]') || links[links.length - 1];
    viewerImage.removeAttribute("src");
    if (back) { back.focus(); back.scrollIntoView({block: "nearest"}); }
  });

  form.addEventListener("input", function (event) {
    if (event.target.type !== "file" && event.target.id !== "topic" && event.target.id !== "written_in" && event.target.id !== "ui") schedule();
  });
  form.addEventListener("change", function (event) {
    if (event.target.id === "topic" || event.target.id === "written_in" || event.target.id === "ui") return;
    schedule();
  });
  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (button && button.value === "preview") { event.preventDefault(); clearTimeout(timer); update(true); }
  });
  var summary = document.getElementById("summary");
  if (summary) summary.focus();
  if (order.children.length) schedule();
})();

// kejing: a little hand-written script. Every page works without it.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", function () {
  // The phone's menu: the navigation folds away behind one button.
  var toggle = document.getElementById("nav-toggle");
  var header = toggle && toggle.closest("header");
  if (toggle && header) {
    toggle.addEventListener("click", function () {
      var open = header.classList.toggle("nav-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  // Ask before an irreversible action (approve and lock).
  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (!window.confirm(f.getAttribute("data-confirm"))) { e.preventDefault(); }
    });
  });
  // Disable a form's buttons once it is sent, so it is not sent twice.
  document.querySelectorAll("form[method=post]").forEach(function (f) {
    f.addEventListener("submit", function () {
      setTimeout(function () {
        f.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
      }, 0);
    });
  });
  // A policy's periods: the period field's suggestions follow the chosen policy.
  document.querySelectorAll("select[data-periods-for]").forEach(function (sel) {
    var input = document.getElementById(sel.getAttribute("data-periods-for"));
    var list = input && input.list;
    if (!list) { return; }
    sel.addEventListener("change", function () {
      var o = sel.options[sel.selectedIndex];
      list.textContent = "";
      (o.getAttribute("data-periods") || "").split(" ").forEach(function (p) {
        if (p) { var opt = document.createElement("option"); opt.value = p; list.appendChild(opt); }
      });
      input.placeholder = o.getAttribute("data-example") || "";
    });
  });
  // Print: every explanation opened on paper, as it was on screen afterwards.
  var closed = [];
  window.addEventListener("beforeprint", function () {
    closed = Array.from(document.querySelectorAll("details:not([open])"));
    closed.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    closed.forEach(function (d) { d.open = false; });
  });
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });
  // Find an account among a measure's source lines.
  document.querySelectorAll("input[data-filter-accounts]").forEach(function (input) {
    var box = input.closest(".accounts");
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase();
      box.querySelectorAll("details.account-group").forEach(function (g) {
        var shown = 0;
        g.querySelectorAll("li").forEach(function (li) {
          var hit = !q || li.textContent.toLowerCase().indexOf(q) >= 0;
          li.hidden = !hit;
          if (hit) { shown += 1; }
        });
        g.hidden = q && shown === 0;
        if (q && shown > 0) { g.open = true; }
      });
    });
  });
  document.querySelectorAll("a[data-back]").forEach(function (a) {
    a.addEventListener("click", function (e) {
      if (window.history.length > 1) { e.preventDefault(); window.history.back(); }
    });
  });
});

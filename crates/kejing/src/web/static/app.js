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
  document.querySelectorAll("a[data-back]").forEach(function (a) {
    a.addEventListener("click", function (e) {
      if (window.history.length > 1) { e.preventDefault(); window.history.back(); }
    });
  });
});

// Behaviour of the pages, kept out of the HTML so the Content-Security-Policy allows no inline
// script: "select all" boxes of tables, forms that ask before they are sent (data-confirm), and
// the filter boxes of the search page's pickers.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-select-all]").forEach(function (box) {
    box.addEventListener("change", function () {
      box.closest("table").querySelectorAll("tbody input[type=checkbox]").forEach(function (c) {
        c.checked = box.checked;
      });
    });
  });
  document.querySelectorAll(".picker-filter").forEach(function (box) {
    box.addEventListener("input", function () {
      var words = box.value.trim().toLowerCase();
      box.parentNode.querySelectorAll(".picker-options label").forEach(function (option) {
        option.hidden = words && option.dataset.name.indexOf(words) < 0;
      });
    });
  });
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
      }
    });
  });
});

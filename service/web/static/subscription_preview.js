// The subscription form's preview: as the selectors change, fetch what the form would have
// received over the last 90 days (the server renders it) and show that section of the answer.
"use strict";
(function () {
  var form = document.querySelector("form[data-preview]");
  var box = document.getElementById("preview");
  if (!form || !box || !window.fetch) {
    return;
  }
  var timer = null;
  var latest = 0;
  function refresh() {
    var mine = ++latest;
    fetch(form.getAttribute("data-preview"), { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (answer) { return answer.text(); })
      .then(function (html) {
        if (mine !== latest) {
          return;  // a newer preview is on its way
        }
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("preview");
        if (fresh) {
          box.innerHTML = fresh.innerHTML;
        }
      })
      .catch(function () { /* the button still previews */ });
  }
  function soon() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  }
  form.addEventListener("input", soon);
  form.addEventListener("change", soon);
  refresh();
})();

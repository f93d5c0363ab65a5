// A feedback link's page: a person's click records the judgement at once (the form is sent
// on load); a link scanner that fetches the page without running scripts records nothing.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form[data-autosubmit]");
  if (form && !sessionStorage.getItem(form.action)) {
    sessionStorage.setItem(form.action, "sent");
    form.submit();
  }
});

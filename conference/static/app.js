// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Move focus to the error summary so screen readers announce what went wrong.
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }

    // A double click must not send a form twice.
    document.querySelectorAll("form").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (form.dataset.submitting === "1") { event.preventDefault(); return; }
        form.dataset.submitting = "1";
        form.querySelectorAll("button[data-once]").forEach(function (button) {
          button.setAttribute("aria-disabled", "true");
        });
      });
    });

    // Fill a time-zone select with the browser's zone when it still shows the default.
    document.querySelectorAll("select[data-guess-timezone]").forEach(function (select) {
      try {
        var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
        if (select.value === "UTC" && zone && select.querySelector('option[value="' + zone + '"]')) {
          select.value = zone;
        }
      } catch (e) { /* keep the server's default */ }
    });
  });
})();

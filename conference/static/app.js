// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Move focus to the error summary so screen readers announce what went wrong.
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.focus();
      // A link in the summary focuses its field and shows the field's label or legend too
      // (the browser alone would scroll the label out of view).
      summary.addEventListener("click", function (event) {
        var link = event.target.closest('a[href^="#"]');
        var input = link && document.getElementById(link.getAttribute("href").slice(1));
        if (!input) { return; }
        var fieldset = input.closest("fieldset");
        var caption = (fieldset && fieldset.querySelector("legend")) || document.querySelector('label[for="' + input.id + '"]');
        event.preventDefault();
        (caption || input).scrollIntoView();
        input.focus({ preventScroll: true });
      });
      // A form sent from a URL with a fragment (after using the skip link, say) comes back
      // with that fragment, and the browser then moves focus to its target: take it back,
      // unless the person has already moved on.
      window.addEventListener("load", function () {
        var active = document.activeElement;
        var target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
        if (active === document.body || (target && active === target)) { summary.focus(); }
      });
    }

    // A button marked data-confirm asks first, in a dialog: its own words as the question and
    // the confirming button, data-confirm's text as the explanation; "Cancel" (or Escape) gives
    // the focus back to the button. Confirming sends the form with confirmed=1, which the server
    // asks for before what cannot be undone (without script it asks on a page of its own).
    var dialog = document.getElementById("confirm-dialog");
    if (dialog && typeof dialog.showModal === "function") {
      var pending = null;
      var confirmButton = document.getElementById("confirm-dialog-confirm");
      var cancelButton = document.getElementById("confirm-dialog-cancel");
      document.addEventListener("click", function (event) {
        var button = event.target.closest("button[data-confirm]");
        if (!button || !button.form) { return; }
        if (button.dataset.confirmedOnce === "1") { delete button.dataset.confirmedOnce; return; }
        event.preventDefault();
        pending = button;
        var words = button.textContent.replace(/\s+/g, " ").trim();
        document.getElementById("confirm-dialog-title").textContent = words;
        document.getElementById("confirm-dialog-message").textContent = button.dataset.confirm;
        confirmButton.textContent = words;
        dialog.returnValue = "";
        dialog.showModal();
        cancelButton.focus();
      });
      confirmButton.addEventListener("click", function () {
        var button = pending;
        dialog.close("confirm");
        if (!button) { return; }
        var form = button.form;
        if (!form.querySelector('input[name="confirmed"]')) {
          var flag = document.createElement("input");
          flag.type = "hidden";
          flag.name = "confirmed";
          flag.value = "1";
          form.appendChild(flag);
        }
        if (typeof form.requestSubmit === "function") {
          form.requestSubmit(button);
        } else {
          button.dataset.confirmedOnce = "1";
          button.click();
        }
      });
      cancelButton.addEventListener("click", function () { dialog.close("cancel"); });
      dialog.addEventListener("close", function () {
        if (dialog.returnValue !== "confirm" && pending) { pending.focus(); }
        pending = null;
      });
    }

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

    // Back to a page kept in the back/forward cache mid-submit: let its forms be sent again.
    window.addEventListener("pageshow", function (event) {
      if (!event.persisted) { return; }
      document.querySelectorAll("form[data-submitting]").forEach(function (form) {
        delete form.dataset.submitting;
        form.querySelectorAll("button[data-once]").forEach(function (button) {
          button.removeAttribute("aria-disabled");
        });
      });
    });

    // Offer the browser's own zone in the agenda's time-zone switch.
    document.querySelectorAll("select[data-browser-timezone]").forEach(function (select) {
      try {
        var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
        if (zone && !select.querySelector('option[value="' + zone + '"]')) {
          var option = document.createElement("option");
          option.value = zone;
          option.textContent = zone + " (" + select.dataset.browserLabel + ")";
          select.appendChild(option);
        }
      } catch (e) { /* the server's choices are enough */ }
    });

    // Fill a time-zone select with the browser's zone when it still shows the default.
    document.querySelectorAll("select[data-guess-timezone]").forEach(function (select) {
      try {
        var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
        if (select.value !== "UTC" || !zone) {
          return;
        }
        // Browsers may name the zone by an old name (Chrome: Asia/Calcutta): the select lists
        // "old=current" pairs.
        (select.dataset.guessTimezone || "").split(" ").forEach(function (pair) {
          var names = pair.split("=");
          if (names[0] === zone) {
            zone = names[1];
          }
        });
        if (select.querySelector('option[value="' + zone + '"]')) {
          select.value = zone;
        }
      } catch (e) { /* keep the server's default */ }
    });
  });
})();

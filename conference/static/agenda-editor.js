// Drag and drop for the programme editor, a progressive enhancement: dropping an unscheduled
// item on a session fills in and submits that item's own "Place" form (the keyboard way,
// which works without this script).
(function () {
  "use strict";
  var items = document.querySelectorAll(".agenda-unscheduled .agenda-item");
  var sessions = document.querySelectorAll(".agenda-session[data-session-id]");
  if (!items.length || !sessions.length) { return; }

  items.forEach(function (item) {
    item.setAttribute("draggable", "true");
    item.addEventListener("dragstart", function (event) {
      event.dataTransfer.setData("text/plain", item.getAttribute("data-item-id"));
      event.dataTransfer.effectAllowed = "move";
    });
  });

  sessions.forEach(function (cell) {
    cell.addEventListener("dragover", function (event) {
      event.preventDefault();
      cell.classList.add("drop-target");
    });
    cell.addEventListener("dragleave", function () { cell.classList.remove("drop-target"); });
    cell.addEventListener("drop", function (event) {
      event.preventDefault();
      cell.classList.remove("drop-target");
      var itemId = event.dataTransfer.getData("text/plain");
      var item = document.querySelector('.agenda-item[data-item-id="' + itemId + '"]');
      var form = item && item.querySelector("form.agenda-place");
      if (!form) { return; }
      var select = form.querySelector('select[name$="-session_id"]');
      var start = form.querySelector('input[name$="-starts_at"]');
      select.value = cell.getAttribute("data-session-id");
      if (start) { start.value = ""; }  // empty: right after the session's last item
      form.submit();
    });
  });
}());

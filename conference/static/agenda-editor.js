// Drag and drop for the programme editor, a progressive enhancement: every gesture fills in and
// submits a form that is on the page anyway (the keyboard way, which works without this script):
// * an unscheduled item dropped on a session: that item's "Place" form;
// * a session (from the grid or the list of sessions without a time or a room) dropped on a
//   free slot of the grid: that session's "Move or resize" form, with the slot's room and start
//   and the session's length (data-minutes; a default by kind for one without times);
// * a session's resize handle (pointer events) dragged down or up: the same form, with the end
//   of the row it is let go on. Stale edits are caught on the server by the form's version.
(function () {
  "use strict";
  var dragging = null;  // {kind: "item" | "session", id: "12"} while something is dragged

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // Wall-clock arithmetic on "YYYY-MM-DDTHH:MM", as the datetime-local inputs hold it.
  function addMinutes(local, minutes) {
    var m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local);
    var t = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]) + minutes * 60000);
    return t.getUTCFullYear() + "-" + pad(t.getUTCMonth() + 1) + "-" + pad(t.getUTCDate()) +
      "T" + pad(t.getUTCHours()) + ":" + pad(t.getUTCMinutes());
  }

  function moveForm(sessionId) {
    return document.querySelector('form.agenda-move[data-session-id="' + sessionId + '"]');
  }

  function input(form, suffix) { return form.querySelector('[name$="-' + suffix + '"]'); }

  function submitMove(sessionId, roomId, startsAt, endsAt) {
    var form = moveForm(sessionId);
    if (!form) { return; }
    if (roomId !== null) { input(form, "room_id").value = roomId; }
    if (startsAt !== null) { input(form, "starts_at").value = startsAt; }
    input(form, "ends_at").value = endsAt;
    form.submit();
  }

  function dragged(event) {
    if (dragging) { return dragging; }
    // A drag that began before this script ran: read what its dragstart set, if anything.
    var data = (event.dataTransfer && event.dataTransfer.getData("text/plain")) || "";
    var match = /^(item|session):(\d+)$/.exec(data);
    return match ? {kind: match[1], id: match[2]} : null;
  }

  function draggable(element, kind) {
    element.setAttribute("draggable", "true");
    element.addEventListener("dragstart", function (event) {
      if (element.classList.contains("resizing")) { event.preventDefault(); return; }
      var id = element.getAttribute(kind === "item" ? "data-item-id" : "data-session-id");
      dragging = {kind: kind, id: id};
      event.dataTransfer.setData("text/plain", kind + ":" + id);
      event.dataTransfer.effectAllowed = "move";
    });
    element.addEventListener("dragend", function () {
      dragging = null;
      document.querySelectorAll(".drop-target").forEach(function (t) { t.classList.remove("drop-target"); });
    });
  }

  function dropTarget(element, accepts, onDrop) {
    element.addEventListener("dragover", function (event) {
      var what = dragging;
      if (!what || what.kind !== accepts) { return; }  // not preventing it refuses the drop
      event.preventDefault();
      element.classList.add("drop-target");
    });
    element.addEventListener("dragleave", function () { element.classList.remove("drop-target"); });
    element.addEventListener("drop", function (event) {
      element.classList.remove("drop-target");
      var what = dragged(event);
      if (!what || what.kind !== accepts) { return; }
      event.preventDefault();
      dragging = null;
      onDrop(what.id);
    });
  }

  // Unscheduled items onto sessions.
  document.querySelectorAll(".agenda-unscheduled .agenda-item").forEach(function (item) {
    draggable(item, "item");
  });
  document.querySelectorAll(".editor-grid .agenda-session[data-session-id]").forEach(function (box) {
    dropTarget(box, "item", function (itemId) {
      var item = document.querySelector('.agenda-item[data-item-id="' + itemId + '"]');
      var form = item && item.querySelector("form.agenda-place");
      if (!form) { return; }
      input(form, "session_id").value = box.getAttribute("data-session-id");
      var start = input(form, "starts_at");
      if (start) { start.value = ""; }  // empty: right after the session's last item
      form.submit();
    });
  });

  // Sessions onto free slots.
  var sessions = document.querySelectorAll(
    ".editor-grid .agenda-session[data-session-id], .agenda-elsewhere .agenda-movable[data-session-id]");
  sessions.forEach(function (session) { draggable(session, "session"); });
  document.querySelectorAll(".editor-grid td.grid-slot").forEach(function (slot) {
    dropTarget(slot, "session", function (sessionId) {
      var session = document.querySelector('[data-session-id="' + sessionId + '"][data-minutes]');
      var startsAt = slot.getAttribute("data-starts-at");
      submitMove(sessionId, slot.getAttribute("data-room-id"), startsAt,
                 addMinutes(startsAt, parseInt(session.getAttribute("data-minutes"), 10)));
    });
  });

  // Resize handles: drag the bottom edge of a session to the row it should end with.
  document.querySelectorAll(".editor-grid .agenda-session[data-session-id]").forEach(function (box) {
    var table = box.closest("table");
    var cell = box.closest("td");
    var handle = document.createElement("div");
    handle.className = "resize-handle";
    handle.setAttribute("aria-hidden", "true");  // the keyboard way: the Longer/Shorter buttons
    handle.setAttribute("data-session-id", box.getAttribute("data-session-id"));
    handle.title = box.getAttribute("data-resize-label");
    var output = document.createElement("span");
    output.className = "resize-preview";
    handle.appendChild(output);
    // Alone in its cell, the handle sits on the cell's bottom edge, where the session ends.
    (cell.querySelectorAll(".agenda-session").length === 1 ? cell : box).appendChild(handle);
    var startsAt = box.getAttribute("data-starts-at");
    var endsAt = addMinutes(startsAt, parseInt(box.getAttribute("data-minutes"), 10));
    var chosen = null;

    function endAt(y) {
      // The end of the row under the pointer, never before the end of the session's first row.
      var rows = Array.prototype.slice.call(table.tBodies[0].rows);
      var end = null;
      rows.forEach(function (row) {
        var rect = row.getBoundingClientRect();
        var rowEnd = row.getAttribute("data-slot-end");
        if (rowEnd <= startsAt) { return; }
        if (end === null || rect.top <= y) { end = rowEnd; }
      });
      return end;
    }

    handle.addEventListener("dragstart", function (event) { event.preventDefault(); });
    handle.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) { return; }
      event.preventDefault();
      event.stopPropagation();
      handle.setPointerCapture(event.pointerId);
      box.classList.add("resizing");
      chosen = endsAt;
    });
    handle.addEventListener("pointermove", function (event) {
      if (chosen === null) { return; }
      chosen = endAt(event.clientY) || chosen;
      output.textContent = chosen.slice(11);
    });
    function stop() {
      box.classList.remove("resizing");
      output.textContent = "";
      var end = chosen;
      chosen = null;
      return end;
    }
    handle.addEventListener("pointerup", function () {
      var end = stop();
      if (end && end !== endsAt) { submitMove(box.getAttribute("data-session-id"), null, null, end); }
    });
    handle.addEventListener("pointercancel", stop);
  });
}());

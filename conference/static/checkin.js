// The check-in desk, progressive enhancement only: the page works as plain forms without it.
// 1. Where the browser can read QR codes from the camera (BarcodeDetector), a button starts
//    the camera and sends the code form with what it read.
// 2. The counts table is refreshed from its JSON every few seconds; a change of the total is
//    announced politely to screen readers.
(function () {
  "use strict";

  function setUpCamera(form) {
    var holder = form.querySelector("[data-camera]");
    var input = form.querySelector("input[name=code]");
    if (!holder || !input || !("BarcodeDetector" in window) || !navigator.mediaDevices ||
        !navigator.mediaDevices.getUserMedia) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-primary";
    button.textContent = holder.dataset.startLabel;
    var video = document.createElement("video");
    video.hidden = true;
    video.muted = true;
    video.playsInline = true;
    video.width = 320;
    video.setAttribute("aria-label", holder.dataset.videoLabel);
    var message = document.createElement("p");
    message.setAttribute("role", "status");
    holder.appendChild(button);
    holder.appendChild(video);
    holder.appendChild(message);
    holder.hidden = false;

    var stream = null;
    var timer = null;
    var detector = null;

    function stop() {
      if (timer) { clearInterval(timer); timer = null; }
      if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); stream = null; }
      video.hidden = true;
      button.textContent = holder.dataset.startLabel;
    }

    function scan() {
      if (!stream || video.readyState < 2) { return; }
      detector.detect(video).then(function (codes) {
        if (!stream || !codes.length) { return; }
        input.value = codes[0].rawValue;
        stop();
        if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
      }).catch(function () { /* a frame that could not be read: try the next one */ });
    }

    button.addEventListener("click", function () {
      if (stream) { stop(); input.focus(); return; }
      message.textContent = "";
      try {
        detector = detector || new window.BarcodeDetector({ formats: ["qr_code"] });
      } catch (e) {
        message.textContent = holder.dataset.failed;
        return;
      }
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
        .then(function (media) {
          stream = media;
          video.srcObject = media;
          video.hidden = false;
          button.textContent = holder.dataset.stopLabel;
          return video.play();
        })
        .then(function () { timer = setInterval(scan, 250); })
        .catch(function () {
          stop();
          message.textContent = holder.dataset.failed;
        });
    });
  }

  function setUpCounts(table) {
    var seconds = parseInt(table.dataset.refreshSeconds, 10) || 10;
    var announcement = document.querySelector("[data-counts-announcement]");

    // Counts written as the page's language writes numbers (1 234 in French), as the server does.
    var number = new Intl.NumberFormat(document.documentElement.lang || undefined).format;

    function put(key, values) {
      var row = table.querySelector('tr[data-row="' + key + '"]');
      if (!row) { return; }
      ["checked_in", "confirmed"].forEach(function (name) {
        var cell = row.querySelector('[data-field="' + name + '"]');
        if (cell && cell.textContent !== number(values[name])) { cell.textContent = number(values[name]); }
      });
    }

    function refresh() {
      fetch(table.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          var total = table.querySelector('tr[data-row="total"] [data-field="checked_in"]');
          var before = total ? total.textContent : null;
          data.categories.forEach(function (row) { put(row.id + "-" + row.mode, row); });
          data.modes.forEach(function (row) { put("mode-" + row.mode, row); });
          put("total", data.total);
          if (announcement && before !== null && before !== number(data.total.checked_in)) {
            announcement.textContent = table.dataset.announce
              .replace("{checked_in}", number(data.total.checked_in))
              .replace("{confirmed}", number(data.total.confirmed));
          }
        })
        .catch(function () { /* offline for a moment: the next refresh tries again */ });
    }

    setInterval(refresh, seconds * 1000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-checkin-code]");
    if (form) {
      setUpCamera(form);
      // After a refused code, the desk scans the next ticket straight away: keep the focus in
      // the field (its error is read out with it) with the wrong code selected to be replaced.
      var code = form.querySelector('input[name=code][aria-invalid="true"]');
      if (code) { code.focus(); code.select(); }
    }
    var table = document.querySelector("table[data-checkin-counts]");
    if (table) { setUpCounts(table); }
  });
})();

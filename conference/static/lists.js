// The organisers' long lists: a header box that ticks or unticks every row's box of a bulk form
// (the boxes name their form with form="..."). Without script the box stays hidden and each row
// is ticked by hand; nothing else depends on this file.
(function () {
  "use strict";

  function rowBoxes(formId) {
    return Array.prototype.slice.call(
      document.querySelectorAll('input[type="checkbox"][form="' + formId + '"]'));
  }

  function reflect(all, boxes) {
    var ticked = boxes.filter(function (box) { return box.checked; }).length;
    all.checked = boxes.length > 0 && ticked === boxes.length;
    all.indeterminate = ticked > 0 && ticked < boxes.length;
  }

  document.querySelectorAll("input[data-select-all]").forEach(function (all) {
    var formId = all.getAttribute("data-select-all");
    var boxes = rowBoxes(formId);
    if (!boxes.length) { return; }
    all.hidden = false;
    reflect(all, boxes);
    all.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = all.checked; });
    });
    boxes.forEach(function (box) {
      box.addEventListener("change", function () { reflect(all, boxes); });
    });
  });
}());

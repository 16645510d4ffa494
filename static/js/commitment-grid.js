// Commitments grid (templates/conventions/_commitment_grid_form.html): keeps the row
// totals of the count indicators up to date while the user types. The server computes
// the same totals on every render, so without this script the page still works.
// An external file: the Content-Security-Policy forbids inline scripts.
(function () {
  "use strict";

  // As conventions.commitment_grid.parse_target: blank is 0, spaces ignored, a decimal
  // comma accepted; NaN when unreadable.
  function parse(text) {
    var cleaned = text.replace(/[\s\u00a0\u202f]/g, "").replace(",", ".");
    if (cleaned === "") { return 0; }
    if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(cleaned)) { return NaN; }
    return Number(cleaned);
  }

  function setup(table) {
    var format = new Intl.NumberFormat(document.documentElement.lang || undefined, {
      maximumFractionDigits: 2
    });

    function refresh(indicator) {
      var total = 0;
      table.querySelectorAll('input[data-grid-count="' + indicator + '"]').forEach(function (input) {
        total += parse(input.value);
      });
      var cell = table.querySelector('[data-grid-total="' + indicator + '"]');
      if (cell) { cell.textContent = isNaN(total) ? "?" : format.format(total); }
    }

    table.addEventListener("input", function (event) {
      var indicator = event.target.getAttribute("data-grid-count");
      if (indicator) { refresh(indicator); }
    });
  }

  document.querySelectorAll("[data-commitment-grid]").forEach(setup);
})();

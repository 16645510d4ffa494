// Progress of a running import: polls the small JSON status endpoint and moves the bar;
// reloads the page when the task has finished (validated, committed, failed...).
// An external file: the Content-Security-Policy forbids inline scripts.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) { return; }
  var bar = box.querySelector(".progress-bar");
  var holder = box.querySelector(".progress");
  function show(percent) {
    if (!bar) { return; }
    bar.style.width = percent + "%";
    bar.textContent = percent + " %";
    if (holder) { holder.setAttribute("aria-valuenow", String(percent)); }
  }
  if (bar) { show(parseInt(bar.getAttribute("data-progress") || "0", 10)); }
  if (box.getAttribute("data-running") !== "1") { return; }
  var url = box.getAttribute("data-status-url");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        show(data.progress);
        if (data.running) { window.setTimeout(poll, 1000); } else { window.location.reload(); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();

// The bulk ZIP status page: polls the job's JSON state every two seconds and
// updates the bar, the count and the download link until the job finishes.
// Without JavaScript the page refreshes itself (<noscript> meta refresh).
(function () {
  "use strict";
  var box = document.getElementById("bulk-job");
  if (!box || box.dataset.finished === "true") { return; }
  var bar = box.querySelector(".progress-bar");
  function show(state) {
    document.getElementById("job-status").textContent = state.status_label;
    document.getElementById("job-count").textContent = box.dataset.countFormat
      .replace("__DONE__", state.done).replace("__TOTAL__", state.total);
    document.getElementById("job-progress").setAttribute("aria-valuenow", state.percent);
    // The width classes of percent.css (the CSP refuses style attributes;
    // setting the property from a script is allowed, but one mechanism is enough).
    bar.className = bar.className.replace(/\bpct-w-\d+\b/, "pct-w-" + state.percent);
    bar.textContent = state.percent + " %";
    if (state.finished) {
      bar.classList.remove("progress-bar-striped", "progress-bar-animated");
      var wait = document.getElementById("job-wait");
      if (wait) { wait.hidden = true; }
      if (state.download_url) {
        document.getElementById("job-download-link").href = state.download_url;
        document.getElementById("job-download").hidden = false;
      }
      if (state.error) {
        var error = document.getElementById("job-error");
        error.hidden = false;
      }
    }
    return state.finished;
  }
  function poll() {
    fetch(box.dataset.statusUrl, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state || !show(state)) { window.setTimeout(poll, 2000); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();

// Job page: live progress over a websocket, reconnecting with back-off; while the
// socket is down, poll the JSON status view. Both deliver the same payload.
(function () {
  "use strict";
  var root = document.getElementById("job");
  if (!root) return;
  var state = JSON.parse(document.getElementById("job-state").textContent);
  var el = function (id) { return document.getElementById(id); };
  var socket = null, retries = 0, pollTimer = null, resultLoaded = !!el("job-downloads");

  function render(p) {
    state = p;
    el("job-status").textContent = p.status_label;
    el("job-status").className = "status status-" + p.status;
    el("job-message").textContent = p.message;
    el("job-progress").value = p.percent;
    el("job-progress").textContent = p.percent + " %";
    el("job-percent").textContent = p.percent.toFixed(1) + " %";
    el("job-counts").textContent = p.done.toLocaleString() + " / " + p.total.toLocaleString() + " patients";
    el("job-rate").textContent = p.rate ? Math.round(p.rate).toLocaleString() + " patients/s" : "";
    el("job-eta").textContent = p.eta_seconds != null ? "about " + Math.ceil(p.eta_seconds) + " s left" : "";
    var showError = p.error && (p.status === "failed" || p.status === "cancelled" || p.status === "running");
    el("job-error").hidden = !showError;
    el("job-error").textContent = p.error || "";
    el("cancel-form").hidden = p.finished;
    if (p.status === "completed" && !resultLoaded) loadResult();
    if (p.finished) stopLive();
  }

  function loadResult() {
    resultLoaded = true;
    fetch(root.dataset.resultUrl, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(function (html) { el("job-result").innerHTML = html; })
      .catch(function () { resultLoaded = false; setTimeout(loadResult, 2000); });
  }

  function connect() {
    if (state.finished) return;
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + root.dataset.wsPath);
    socket.onopen = function () { retries = 0; stopPolling(); showConnection(""); };
    socket.onmessage = function (event) { render(JSON.parse(event.data)); };
    socket.onclose = function () {
      socket = null;
      if (state.finished) return;
      startPolling();
      retries += 1;
      var delay = Math.min(30000, 500 * Math.pow(2, Math.min(retries, 6)));
      showConnection("Live updates interrupted; checking every few seconds and reconnecting…");
      setTimeout(connect, delay);
    };
  }

  function poll() {
    fetch(root.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(render)
      .catch(function () {});
  }

  function startPolling() { if (!pollTimer) { poll(); pollTimer = setInterval(poll, 2000); } }
  function stopPolling() { if (pollTimer) { clearInterval(pollTimer); pollTimer = null; } }
  function stopLive() {
    stopPolling();
    showConnection("");
    if (socket) { socket.onclose = null; socket.close(); socket = null; }
  }
  function showConnection(text) { el("job-connection").textContent = text; el("job-connection").hidden = !text; }

  if (!state.finished) {
    if ("WebSocket" in window) connect(); else startPolling();
  }
})();

// Replay of a run: any board at any moment (fetched from the replay state view), with the
// marks participants had made by then; play moves the time on at the chosen speed.
(function () {
  "use strict";
  var X = window.MedGenExercise, config = X.config(), clock = config.clock;
  var el = function (id) { return document.getElementById(id); };
  var slider = el("replay-position"), boardSelect = el("replay-board");
  var view = null, timer = null, pending = null, loading = false;

  // The run can be replayed up to where its clock got (the whole window once finished).
  slider.min = clock.start;
  slider.max = clock.started ? clock.position : clock.start;
  slider.value = slider.max;

  function chooseBoard() {
    var board = boardSelect.value;
    el("board-evac").hidden = board !== "evac";
    el("board-facility").hidden = board === "evac";
    view = new X.BoardView(board, { loadCard: loadCard });
    load();
  }

  function load() {
    if (loading) { pending = true; return; }
    loading = true;
    var at = Number(slider.value);
    drawTime(at);
    fetch(stateUrl(at), { credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (body) { if (!r.ok) throw new Error(body.error); return body; }); })
      .then(function (message) {
        el("replay-error").hidden = true;
        view.setState(message);
        view.draw(at, clock.scenario_start, true);
      })
      .catch(function (error) { el("replay-error").hidden = false; el("replay-error").textContent = String(error.message || error); })
      .then(function () { loading = false; if (pending) { pending = false; load(); } });
  }

  function stateUrl(at) {
    return config.state_url + "?board=" + encodeURIComponent(boardSelect.value) + "&at=" + at;
  }

  function loadCard(patient) {
    var at = Number(slider.value), current = view;
    fetch(stateUrl(at) + "&patient=" + encodeURIComponent(patient), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (message) {
        if (message && message.card && current === view) { view.setCard(patient, message.card); view.draw(at, clock.scenario_start, true); }
      });
  }

  function drawTime(at) {
    el("clock-time").textContent = X.formatTime(clock.scenario_start, at, true);
    el("clock-dtg").textContent = "DTG " + X.dtg(clock.scenario_start, at);
    el("clock-zone").textContent = X.zoneLabel(clock.scenario_start);
  }

  function play() {
    if (timer) { clearInterval(timer); timer = null; el("replay-play").textContent = "Play"; return; }
    el("replay-play").textContent = "Pause";
    timer = setInterval(function () {
      var next = Math.min(Number(slider.max), Number(slider.value) + Number(el("replay-speed").value));
      slider.value = next;
      load();
      if (next >= Number(slider.max)) play();
    }, 1000);
  }

  boardSelect.addEventListener("change", chooseBoard);
  slider.addEventListener("input", load);
  el("replay-play").addEventListener("click", play);
  chooseBoard();
})();

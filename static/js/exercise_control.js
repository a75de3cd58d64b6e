// Exercise control: the live clock, counts per facility, upcoming and past injects and the
// participants' marks, over the run's control websocket. Clock buttons are plain forms.
(function () {
  "use strict";
  var X = window.MedGenExercise, config = X.config();
  var clock = new X.Clock(config.clock), marks = [];
  var el = function (id) { return document.getElementById(id); };

  X.live(config.ws_path, receive, function (state) {
    el("connection").hidden = state !== "retrying";
    el("connection").textContent = state === "retrying" ? "Reconnecting…" : "";
  });

  function receive(message) {
    if (message.clock) clock.set(message.clock);
    if (message.type === "state") { marks = message.marks; drawMarks(); }
    if (message.type === "state" || message.type === "summary") drawSummary(message);
    if (message.type === "mark") { marks.push(message.mark); drawMarks(); }
    drawButtons();
    X.drawClock(clock);
  }

  function drawButtons() {
    var d = clock.data, finished = d.finished || (d.end != null && clock.position() >= d.end);
    el("clock-start").hidden = d.started;
    el("clock-pause").hidden = !d.running || finished;
    el("clock-resume").hidden = !d.started || d.running || finished;
  }

  function drawSummary(message) {
    var body = el("facility-counts").querySelector("tbody");
    body.textContent = "";
    message.counts.forEach(function (c) {
      var tr = X.node("tr");
      tr.appendChild(X.node("td", null, c.facility));
      tr.appendChild(X.node("td", "num", String(c.announced)));
      tr.appendChild(X.node("td", "num", String(c.present)));
      tr.dataset.facility = c.facility;
      body.appendChild(tr);
    });
    drawInjects(el("injects-upcoming"), message.upcoming, "Nothing more in this run.");
    drawInjects(el("injects-past"), message.past, "Nothing yet.");
  }

  function drawInjects(list, injects, empty) {
    list.textContent = "";
    if (!injects.length) list.appendChild(X.node("li", "empty", empty));
    injects.forEach(function (i) {
      var li = X.node("li");
      li.appendChild(X.node("span", "inject-time", X.formatTime(clock.data.scenario_start, i.position)));
      li.appendChild(document.createTextNode(" " + i.label + " · " + i.where + " · " + i.patient_id));
      list.appendChild(li);
    });
  }

  function drawMarks() {
    var list = el("marks");
    list.textContent = "";
    el("marks-empty").hidden = marks.length > 0;
    marks.slice().reverse().forEach(function (m) {
      list.appendChild(X.node("li", "mark", X.formatTime(clock.data.scenario_start, m.position) + " · " + m.board +
        " · " + m.patient_id + " · " + m.kind_label));
    });
  }

  X.drawClock(clock);
  drawButtons();
  setInterval(function () { X.drawClock(clock); }, 1000);
})();

// A board opened by share link: casualties heading to, at and leaving one facility (or
// the evacuation cell's 9-line requests), live over a websocket. The server sends the
// whole state on connect and what changed as events fall due; columns follow the clock.
(function () {
  "use strict";
  var X = window.MedGenExercise, config = X.config();
  var clock = new X.Clock(config.clock);
  var view = new X.BoardView(config.board, {
    onMark: function (patient, kind) { return socket.send({ action: "mark", patient_id: patient, kind: kind }); },
    loadCard: function (patient) { socket.send({ action: "card", patient_id: patient }); }
  });
  var socket = X.live(config.ws_path, receive, connection);
  var ticking = null, closed = false;

  function connection(state) {
    var el = document.getElementById("connection");
    if (state === "closed") {
      closed = true;
      clearInterval(ticking);
      document.getElementById("board-closed").hidden = false;
      document.getElementById("board").hidden = true;
      document.getElementById("clock-status").textContent = "Link closed";
      document.getElementById("clock-status").className = "status status-failed";
    }
    el.hidden = state !== "retrying";
    el.textContent = state === "retrying" ? "Reconnecting…" : "";
  }

  function receive(message) {
    if (message.type === "state") {
      clock.set(message.clock);
      view.setState(message);
      document.getElementById("board").dataset.state = "received";  // tests wait for it
    }
    else if (message.type === "events") view.update(message.entries);
    else if (message.type === "clock") clock.set(message.clock);
    else if (message.type === "mark") view.addMark(message.mark);
    else if (message.type === "card" && message.card) view.setCard(message.patient_id, message.card);
    draw(true);
  }

  function draw(force) {
    if (closed) return;
    X.drawClock(clock);
    view.draw(clock.position(), clock.data.scenario_start, force);
  }

  draw(true);
  ticking = setInterval(function () { draw(false); }, 1000);
})();

// A board opened by share link: casualties heading to, at and leaving one facility (or
// the evacuation cell's 9-line requests), live over a websocket. The server sends the
// whole state on connect and what changed as events fall due; columns follow the clock.
(function () {
  "use strict";
  var X = window.MedGenExercise, config = X.config();
  var clock = new X.Clock(config.clock);
  var entries = {}, marks = {}, open = {}, drawn = "";
  var ARRIVING = 15 * 60, KEEP = 30 * 60;
  var evac = config.board === "evac";
  var columns = evac ? ["requested", "delivered"] : ["announced", "arriving", "present", "leaving"];
  var LEFT = { departure: "departed", evacuated: "evacuated", rtd: "returned to duty", death: "died" };
  var socket = X.live(config.ws_path, receive, connection);

  function connection(state) {
    var el = document.getElementById("connection");
    if (state === "closed") {
      document.getElementById("board-closed").hidden = false;
      document.getElementById("board").hidden = true;
      clock.data.running = false;
    }
    el.hidden = state !== "retrying";
    el.textContent = state === "retrying" ? "Reconnecting…" : "";
  }

  function receive(message) {
    if (message.type === "state") {
      entries = {}; marks = {};
      clock.set(message.clock);
      message.entries.forEach(function (e) { entries[e.key] = e; });
      message.marks.forEach(addMark);
    } else if (message.type === "events") {
      message.entries.forEach(function (e) { entries[e.key] = e; });
    } else if (message.type === "clock") {
      clock.set(message.clock);
    } else if (message.type === "mark") {
      addMark(message.mark);
    }
    draw(true);
  }

  function addMark(mark) { (marks[mark.patient_id] = marks[mark.patient_id] || {})[mark.kind] = mark; }

  function column(e, position) {
    if (evac) return e.stage === "requested" ? "requested" : (position - e.delivered <= KEEP ? "delivered" : null);
    if (e.stage === "announced") return "announced";
    if (e.stage === "arrived") return position - e.since < ARRIVING ? "arriving" : "present";
    return position - e.since <= KEEP ? "leaving" : null;
  }

  function note(e) {
    var start = clock.data.scenario_start, at = X.shortTime(start, e.since);
    if (evac) {
      var line = nineLine(e);
      return (line ? line.precedence + " · " + line.grid + " · " : "") + e.from + " → " + e.to + " · " + at;
    }
    if (e.stage === "announced") {
      var request = nineLine(e);
      return "from " + e.from + (request ? " · 9-line " + request.precedence : "") + " · " + at;
    }
    if (e.stage === "arrived") return (e.from ? "from " + e.from + " · " : "") + "arrived " + at;
    return (LEFT[e.left] || e.left) + (e.to ? " to " + e.to : "") + " · " + at;
  }

  function nineLine(e) {
    var lines = (e.card && e.card.nine_lines) || [];
    for (var i = lines.length - 1; i >= 0; i--) if (lines[i].from === e.from) return lines[i];
    return null;
  }

  function draw(force) {
    X.drawClock(clock);
    var position = clock.position(), groups = {};
    columns.forEach(function (c) { groups[c] = []; });
    Object.keys(entries).forEach(function (key) {
      var c = column(entries[key], position);
      if (c) groups[c].push(entries[key]);
    });
    var signature = columns.map(function (c) { return groups[c].map(function (e) { return e.key; }).join(","); }).join("|");
    if (!force && signature === drawn) return;
    drawn = signature;
    columns.forEach(function (c) {
      var list = document.getElementById("col-" + c);
      list.textContent = "";
      groups[c].sort(function (a, b) { return a.since - b.since || a.sequence - b.sequence; });
      groups[c].forEach(function (e) { list.appendChild(entryNode(e, c)); });
      document.getElementById("count-" + c).textContent = groups[c].length;
    });
  }

  function entryNode(e, col) {
    var item = document.getElementById("entry-template").content.firstElementChild.cloneNode(true);
    var c = e.card;
    item.dataset.patient = e.patient_id;
    item.classList.add("triage-" + (c ? c.triage : "none"));
    item.querySelector(".triage").textContent = c ? c.triage : "";
    item.querySelector(".entry-name").textContent = c ? c.name : e.patient_id;
    item.querySelector(".entry-id").textContent = e.patient_id + (c ? " · " + c.rank + " · " + c.nationality : "");
    item.querySelector(".entry-note").textContent = note(e);
    var given = marks[e.patient_id] || {};
    var badges = item.querySelector(".entry-marks");
    Object.keys(given).forEach(function (kind) { badges.appendChild(X.node("span", "mark-badge", given[kind].kind_label)); });
    var head = item.querySelector(".entry-head"), body = item.querySelector(".entry-card");
    head.addEventListener("click", function () { open[e.key] = !open[e.key]; draw(true); });
    if (open[e.key] && c) {
      head.setAttribute("aria-expanded", "true");
      body.hidden = false;
      if (evac) body.appendChild(nineLineNode(nineLine(e)));
      body.appendChild(X.card(c, clock.data.scenario_start));
      body.appendChild(markButtons(e, given, col));
    }
    return item;
  }

  function nineLineNode(line) {
    var box = X.node("p", "nine-line");
    if (line) box.textContent = "9-line " + line.callsign + ": " + line.text;
    return box;
  }

  function markButtons(e, given, col) {
    var box = X.node("div", "mark-buttons");
    [["received", "Mark received"], ["handed_over", "Mark handed over"]].forEach(function (pair) {
      var button = X.node("button", "secondary", given[pair[0]] ? given[pair[0]].kind_label + " ✓" : pair[1]);
      button.type = "button";
      button.disabled = !!given[pair[0]];
      button.addEventListener("click", function (event) {
        event.stopPropagation();
        if (socket.send({ action: "mark", patient_id: e.patient_id, kind: pair[0] })) button.disabled = true;
      });
      box.appendChild(button);
    });
    return box;
  }

  draw(true);
  setInterval(function () { draw(false); }, 1000);
})();
